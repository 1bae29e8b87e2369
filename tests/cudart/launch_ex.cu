// cudaLaunchKernelEx and cudaLaunchKernel (the launch APIs behind <<<>>>).
#include "check.h"

__global__ void axpy(float a, const float *x, float *y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

int main() {
    const int n = 1000;
    float *x, *y;
    CHECK(cudaMallocManaged(&x, n * sizeof(float)));
    CHECK(cudaMallocManaged(&y, n * sizeof(float)));
    for (int i = 0; i < n; i++) { x[i] = i; y[i] = 1.0f; }
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3((n + 127) / 128);
    cfg.blockDim = dim3(128);
    cfg.dynamicSmemBytes = 0;
    cfg.stream = 0;
    CHECK(cudaLaunchKernelEx(&cfg, axpy, 2.0f, (const float *)x, y, n));
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(y[i] == 2.0f * i + 1.0f);
    float a = -1.0f;
    int nn = n;
    void *args[] = {&a, &x, &y, &nn};
    CHECK(cudaLaunchKernel((const void *)axpy, dim3((n + 127) / 128), dim3(128), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(y[i] == 1.0f * i + 1.0f);
    CHECK(cudaFree(x));
    CHECK(cudaFree(y));
    std::printf("PASS launch_ex\n");
    return 0;
}
