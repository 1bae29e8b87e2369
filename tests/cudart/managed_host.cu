// cudaMallocManaged touched by host and device; cudaMallocHost /
// cudaHostAlloc pinned memory used directly by a kernel (mapped).
#include "check.h"

__global__ void scale(int *p, int n, int f) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) p[i] *= f;
}

int main() {
    const int n = 1000;
    int *m = nullptr;
    CHECK(cudaMallocManaged(&m, n * sizeof(int)));
    for (int i = 0; i < n; i++) m[i] = i;
    scale<<<(n + 127) / 128, 128>>>(m, n, 3);
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(m[i] == 3 * i);
    CHECK(cudaFree(m));

    int *h = nullptr;
    CHECK(cudaMallocHost(&h, n * sizeof(int)));
    for (int i = 0; i < n; i++) h[i] = i;
    int *d;
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    CHECK(cudaMemcpy(d, h, n * sizeof(int), cudaMemcpyHostToDevice));
    scale<<<(n + 127) / 128, 128>>>(d, n, 5);
    CHECK(cudaMemcpy(h, d, n * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) EXPECT(h[i] == 5 * i);
    CHECK(cudaFreeHost(h));

    int *mapped = nullptr, *dmapped = nullptr;
    CHECK(cudaHostAlloc(&mapped, n * sizeof(int), cudaHostAllocMapped));
    for (int i = 0; i < n; i++) mapped[i] = i;
    CHECK(cudaHostGetDevicePointer(&dmapped, mapped, 0));
    scale<<<(n + 127) / 128, 128>>>(dmapped, n, 7);
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(mapped[i] == 7 * i);
    CHECK(cudaFreeHost(mapped));
    CHECK(cudaFree(d));
    std::printf("PASS managed_host\n");
    return 0;
}
