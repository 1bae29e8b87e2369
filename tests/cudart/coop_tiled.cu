// Cooperative groups without a grid barrier: thread_block, tiled_partition
// (static and dynamic tile sizes), tile shuffles and tile-wide votes.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include "check.h"

namespace cg = cooperative_groups;

__global__ void tile_sums(const int* in, int* warp_sums, int* quad_sums, int* votes, int* block_sum) {
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
    cg::thread_group quad = cg::tiled_partition(block, 4);
    int gid = blockIdx.x * blockDim.x + threadIdx.x;
    int v = in[gid];

    // Warp sum by hand with shfl_down.
    int s = v;
    for (int off = warp.size() / 2; off > 0; off /= 2) s += warp.shfl_down(s, off);
    if (warp.thread_rank() == 0) warp_sums[gid / 32] = s;

    // Quad sum with the library reduce on a static tile of 4.
    cg::thread_block_tile<4> q4 = cg::tiled_partition<4>(block);
    int qs = cg::reduce(q4, v, cg::plus<int>());
    if (quad.thread_rank() == 0) quad_sums[gid / 4] = qs;

    // Votes over the warp tile.
    // Every lane of the tile takes part in each vote.
    unsigned ballot = warp.ballot(v % 3 == 0);
    bool any_big = warp.any(v > 1000);
    bool all_nonneg = warp.all(v >= 0);
    if (warp.thread_rank() == 0) votes[gid / 32] = __popc(ballot) + (any_big ? 1000 : 0) + (all_nonneg ? 100 : 0);

    // Block sum through shared memory and block.sync().
    __shared__ int partial[32];
    if (warp.thread_rank() == 0) partial[warp.meta_group_rank()] = s;
    block.sync();
    if (block.thread_rank() == 0) {
        int t = 0;
        for (unsigned i = 0; i < warp.meta_group_size(); ++i) t += partial[i];
        block_sum[blockIdx.x] = t;
    }
}

int main() {
    const int blocks = 4, threads = 256, n = blocks * threads;
    int h[n];
    for (int i = 0; i < n; ++i) h[i] = (i * 7919) % 1013;
    int *in, *ws, *qs, *vs, *bs;
    CHECK(cudaMalloc(&in, n * sizeof(int)));
    CHECK(cudaMalloc(&ws, n / 32 * sizeof(int)));
    CHECK(cudaMalloc(&qs, n / 4 * sizeof(int)));
    CHECK(cudaMalloc(&vs, n / 32 * sizeof(int)));
    CHECK(cudaMalloc(&bs, blocks * sizeof(int)));
    CHECK(cudaMemcpy(in, h, sizeof h, cudaMemcpyHostToDevice));
    tile_sums<<<blocks, threads>>>(in, ws, qs, vs, bs);
    CHECK(cudaGetLastError());
    int w[n / 32], q[n / 4], vo[n / 32], b[blocks];
    CHECK(cudaMemcpy(w, ws, sizeof w, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(q, qs, sizeof q, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(vo, vs, sizeof vo, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(b, bs, sizeof b, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n / 32; ++i) {
        int s = 0, c = 0, big = 0;
        for (int j = 0; j < 32; ++j) {
            int v = h[i * 32 + j];
            s += v;
            c += v % 3 == 0;
            big |= v > 1000;
        }
        EXPECT(w[i] == s);
        EXPECT(vo[i] == c + (big ? 1000 : 0) + 100);
    }
    for (int i = 0; i < n / 4; ++i) EXPECT(q[i] == h[4 * i] + h[4 * i + 1] + h[4 * i + 2] + h[4 * i + 3]);
    for (int k = 0; k < blocks; ++k) {
        int s = 0;
        for (int j = 0; j < threads; ++j) s += h[k * threads + j];
        EXPECT(b[k] == s);
    }
    CHECK(cudaFree(in));
    CHECK(cudaFree(ws));
    CHECK(cudaFree(qs));
    CHECK(cudaFree(vs));
    CHECK(cudaFree(bs));
    std::printf("PASS coop_tiled\n");
    return 0;
}
