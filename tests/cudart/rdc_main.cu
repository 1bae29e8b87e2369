// Separate compilation (-rdc=true) across two translation units: a kernel
// here calls a __device__ function and reads a __device__ variable defined
// in rdc_lib.cu.
#include "check.h"

extern __device__ int rdc_bias;
extern __device__ int rdc_scale(int x);

__global__ void apply(int *p, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) p[i] = rdc_scale(p[i]) + rdc_bias;
}

int main() {
    const int n = 256;
    int *d;
    CHECK(cudaMallocManaged(&d, n * sizeof(int)));
    for (int i = 0; i < n; i++) d[i] = i;
    apply<<<(n + 127) / 128, 128>>>(d, n);
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(d[i] == 3 * i + 10);
    CHECK(cudaFree(d));
    std::printf("PASS rdc\n");
    return 0;
}
