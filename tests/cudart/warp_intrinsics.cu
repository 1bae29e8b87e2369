// Warp-level intrinsics under divergence: __shfl_sync/_xor/_up/_down with
// widths, __ballot_sync and __activemask in a divergent branch,
// __match_any_sync/__match_all_sync, __syncwarp with a partial mask.
#include "check.h"

__global__ void warps(const int* in, int* out) {
    int lane = threadIdx.x % 32;
    int gid = blockIdx.x * blockDim.x + threadIdx.x;
    int v = in[gid];
    int* o = out + gid * 8;
    o[0] = __shfl_sync(0xffffffffu, v, (lane * 7) % 32);
    o[1] = __shfl_xor_sync(0xffffffffu, v, 5);
    o[2] = __shfl_up_sync(0xffffffffu, v, 3, 16);   // segments of 16
    o[3] = __shfl_down_sync(0xffffffffu, v, 2, 8);  // segments of 8
    o[4] = __ballot_sync(0xffffffffu, v & 1);
    if (lane % 3 == 0) {
        // Only lanes 0,3,...,30 are here.
        o[5] = __activemask();
        __syncwarp(0x49249249u);
    } else {
        o[5] = 0;
    }
    o[6] = __match_any_sync(0xffffffffu, v % 4);
    int pred = 0;
    unsigned all = __match_all_sync(0xffffffffu, v / 1000, &pred);
    o[7] = pred ? (int)(all >> 1) : 7 + (int)all;  // all is 0 when pred is false
}

int main() {
    const int n = 128;
    int h[n];
    // Warp 0: v/1000 == 0 everywhere; warp 1: mixed; warps 2 and 3: all 5.
    for (int i = 0; i < n; ++i) h[i] = i < 32 ? (i * 13) % 29 : i < 64 ? (i % 2 ? 1000 + i : i) : 5000 + i;
    int *in, *out;
    CHECK(cudaMalloc(&in, sizeof h));
    CHECK(cudaMalloc(&out, n * 8 * sizeof(int)));
    CHECK(cudaMemcpy(in, h, sizeof h, cudaMemcpyHostToDevice));
    warps<<<2, 64>>>(in, out);
    CHECK(cudaGetLastError());
    int* r = new int[n * 8];
    CHECK(cudaMemcpy(r, out, n * 8 * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i) {
        int w = i / 32 * 32, lane = i % 32;
        const int* o = r + i * 8;
        EXPECT(o[0] == h[w + (lane * 7) % 32]);
        EXPECT(o[1] == h[w + (lane ^ 5)]);
        int seg16 = lane % 16;
        EXPECT(o[2] == (seg16 >= 3 ? h[i - 3] : h[i]));
        int seg8 = lane % 8;
        EXPECT(o[3] == (seg8 + 2 < 8 ? h[i + 2] : h[i]));
        unsigned ballot = 0;
        for (int j = 0; j < 32; ++j) ballot |= (unsigned)(h[w + j] & 1) << j;
        EXPECT((unsigned)o[4] == ballot);
        EXPECT((unsigned)o[5] == (lane % 3 == 0 ? 0x49249249u : 0u));
        unsigned same = 0;
        for (int j = 0; j < 32; ++j) same |= (unsigned)(h[w + j] % 4 == h[i] % 4) << j;
        EXPECT((unsigned)o[6] == same);
        bool uniform = true;
        for (int j = 0; j < 32; ++j) uniform &= h[w + j] / 1000 == h[w] / 1000;
        EXPECT(uniform == (w != 32));
        EXPECT(o[7] == (uniform ? 0x7fffffff : 7));
    }
    CHECK(cudaFree(in));
    CHECK(cudaFree(out));
    delete[] r;
    std::printf("PASS warp_intrinsics\n");
    return 0;
}
