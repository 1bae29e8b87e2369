// Grid-wide barriers: cooperative groups' grid.sync() in a kernel launched
// with cudaLaunchCooperativeKernel (and with cudaLaunchKernelEx plus the
// cooperative attribute), sized from the occupancy API; a grid too large to
// be resident is refused; a CTA that traps ends the whole grid.
#include <cooperative_groups.h>
#include "check.h"

namespace cg = cooperative_groups;

// Phase 1 writes, phase 2 reads other CTAs' writes, phase 3 reduces: each
// phase needs every CTA's previous phase finished.
__global__ void phases(int* data, int* sums, int* total, int n) {
    cg::grid_group grid = cg::this_grid();
    unsigned long long rank = grid.thread_rank();
    unsigned long long size = grid.size();
    for (unsigned long long i = rank; i < (unsigned long long)n; i += size) data[i] = (int)i;
    grid.sync();
    // Reverse-neighbour read: element i takes the value written for n-1-i,
    // most often by another CTA.
    int local = 0;
    for (unsigned long long i = rank; i < (unsigned long long)n; i += size) local += data[n - 1 - i] * 2;
    sums[rank] = local;
    grid.sync();
    if (rank == 0) {
        int t = 0;
        for (unsigned long long i = 0; i < size; ++i) t += sums[i];
        *total = t;
    }
    grid.sync();
    // Everyone sees the total.
    for (unsigned long long i = rank; i < (unsigned long long)n; i += size) data[i] = *total;
}

// CTA 0 traps before the barrier; the others must not wait for it forever.
__global__ void one_traps(int* out) {
    cg::grid_group grid = cg::this_grid();
    if (blockIdx.x == 0) __trap();
    grid.sync();
    out[blockIdx.x] = 1;
}

int main() {
    int dev = 0, sms = 0, coop = 0;
    CHECK(cudaGetDevice(&dev));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
    CHECK(cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, dev));
    EXPECT(coop == 1);
    const int threads = 128;
    int per_sm = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, phases, threads, 0));
    EXPECT(per_sm > 0);
    // Two CTAs per multiprocessor at most: enough to spread over all of them.
    int blocks = sms * (per_sm < 2 ? per_sm : 2);
    const int n = 10007;
    int *data, *sums, *total;
    CHECK(cudaMalloc(&data, n * sizeof(int)));
    CHECK(cudaMalloc(&sums, blocks * threads * sizeof(int)));
    CHECK(cudaMalloc(&total, sizeof(int)));
    int nn = n;
    void* args[] = {&data, &sums, &total, &nn};
    long long want = 0;
    for (int i = 0; i < n; ++i) want += 2LL * i;
    int* h = new int[n];
    for (int round = 0; round < 2; ++round) {
        CHECK(cudaMemset(data, 0, n * sizeof(int)));
        if (round == 0) {
            CHECK(cudaLaunchCooperativeKernel((void*)phases, blocks, threads, args, 0, 0));
        } else {
            cudaLaunchConfig_t cfg = {};
            cfg.gridDim = dim3(blocks);
            cfg.blockDim = dim3(threads);
            cudaLaunchAttribute attr;
            attr.id = cudaLaunchAttributeCooperative;
            attr.val.cooperative = 1;
            cfg.attrs = &attr;
            cfg.numAttrs = 1;
            CHECK(cudaLaunchKernelEx(&cfg, phases, data, sums, total, nn));
        }
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        CHECK(cudaMemcpy(h, data, n * sizeof(int), cudaMemcpyDeviceToHost));
        for (int i = 0; i < n; ++i) EXPECT(h[i] == (int)want);
    }
    // More CTAs than can be resident at once.
    int too_many = sms * per_sm + 1;
    EXPECT(cudaLaunchCooperativeKernel((void*)phases, too_many, threads, args, 0, 0) ==
           cudaErrorCooperativeLaunchTooLarge);
    cudaGetLastError();
    delete[] h;
    // Last, as a fault spoils the context: a trap in one CTA ends the whole
    // cooperative grid with cudaErrorLaunchFailure.
    void* trap_args[] = {&data};
    cudaError_t e = cudaLaunchCooperativeKernel((void*)one_traps, blocks, threads, trap_args, 0, 0);
    if (e == cudaSuccess) e = cudaDeviceSynchronize();
    EXPECT(e == cudaErrorLaunchFailure);
    std::printf("PASS grid_sync\n");
    return 0;
}
