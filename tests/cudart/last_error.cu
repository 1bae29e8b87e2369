// cudaGetLastError / cudaPeekAtLastError after a bad launch: the error is
// reported, not sticky, and later work runs. (An oversized block is
// cudaErrorInvalidValue with CUDA 13, as measured on an H100.)
#include "check.h"

__global__ void fill(int *p, int v) { p[threadIdx.x] = v; }

int main() {
    int *d;
    CHECK(cudaMalloc(&d, 64 * sizeof(int)));
    fill<<<1, 4096>>>(d, 1);  // too many threads per block
    EXPECT(cudaPeekAtLastError() == cudaErrorInvalidValue);
    EXPECT(cudaPeekAtLastError() == cudaErrorInvalidValue);
    EXPECT(cudaGetLastError() == cudaErrorInvalidValue);
    EXPECT(cudaGetLastError() == cudaSuccess);
    fill<<<1, 64>>>(d, 7);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    int h[64];
    CHECK(cudaMemcpy(h, d, sizeof(h), cudaMemcpyDeviceToHost));
    for (int i = 0; i < 64; i++) EXPECT(h[i] == 7);
    EXPECT(cudaFree((void *)0x1234) != cudaSuccess);
    cudaGetLastError();
    CHECK(cudaFree(d));
    std::printf("PASS last_error\n");
    return 0;
}
