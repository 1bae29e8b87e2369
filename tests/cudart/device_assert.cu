// A failing device assert(): the launch's synchronisation reports
// cudaErrorAssert, and the error is sticky (later calls fail with it).
#include "check.h"
#include <cassert>

__global__ void check_zero(const int *p) { assert(p[threadIdx.x] == 0); }

int main() {
    int *d;
    CHECK(cudaMalloc(&d, 32 * sizeof(int)));
    CHECK(cudaMemset(d, 0, 32 * sizeof(int)));
    check_zero<<<1, 32>>>(d);
    CHECK(cudaDeviceSynchronize());  // every element is 0: passes
    CHECK(cudaMemset(d + 5, 1, 1));
    check_zero<<<1, 32>>>(d);
    EXPECT(cudaDeviceSynchronize() == cudaErrorAssert);
    int *e = nullptr;
    EXPECT(cudaMalloc(&e, 4) == cudaErrorAssert);
    std::printf("PASS device_assert\n");
    return 0;
}
