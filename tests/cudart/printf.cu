// Device printf, flushed by cudaDeviceSynchronize.
#include "check.h"

__global__ void hello(int base) {
    if (threadIdx.x < 3) printf("hello from thread %d of block %d: %d %.2f %s\n", threadIdx.x, blockIdx.x, base + (int)threadIdx.x, 0.5f * threadIdx.x, "ok");
}

int main() {
    hello<<<2, 32>>>(100);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::printf("PASS printf\n");
    return 0;
}
