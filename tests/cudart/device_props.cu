// cudaGetDeviceCount / cudaGetDeviceProperties / cudaDeviceGetAttribute,
// cudaFuncGetAttributes, cudaOccupancy*.
#include "check.h"
#include <cstring>

__global__ void k(float *p) {
    __shared__ float s[256];
    s[threadIdx.x] = threadIdx.x;
    __syncthreads();
    p[threadIdx.x] = s[255 - threadIdx.x];
}

int main() {
    int count = 0, dev = -1;
    CHECK(cudaGetDeviceCount(&count));
    EXPECT(count >= 1);
    CHECK(cudaSetDevice(0));
    CHECK(cudaGetDevice(&dev));
    EXPECT(dev == 0);
    cudaDeviceProp p;
    std::memset(&p, 0, sizeof(p));
    CHECK(cudaGetDeviceProperties(&p, 0));
    EXPECT(std::strlen(p.name) > 0);
    EXPECT(p.major * 10 + p.minor >= 75);
    EXPECT(p.warpSize == 32);
    EXPECT(p.maxThreadsPerBlock >= 1024);
    EXPECT(p.totalGlobalMem > 0);
    EXPECT(p.multiProcessorCount > 0);
    int v = 0;
    CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrComputeCapabilityMajor, 0));
    EXPECT(v == p.major);
    CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxThreadsPerBlock, 0));
    EXPECT(v == p.maxThreadsPerBlock);
    size_t free_b = 0, total_b = 0;
    CHECK(cudaMemGetInfo(&free_b, &total_b));
    EXPECT(total_b > 0 && free_b <= total_b);
    int driver = 0, runtime = 0;
    CHECK(cudaDriverGetVersion(&driver));
    CHECK(cudaRuntimeGetVersion(&runtime));
    EXPECT(driver >= 13000 && runtime >= 13000);

    cudaFuncAttributes fa;
    CHECK(cudaFuncGetAttributes(&fa, k));
    EXPECT(fa.sharedSizeBytes == 256 * sizeof(float));
    EXPECT(fa.maxThreadsPerBlock >= 256);
    int blocks = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, k, 256, 0));
    EXPECT(blocks >= 1);
    int min_grid = 0, block = 0;
    CHECK(cudaOccupancyMaxPotentialBlockSize(&min_grid, &block, k, 0, 0));
    EXPECT(block > 0 && block <= 1024);
    float *d;
    CHECK(cudaMalloc(&d, 256 * sizeof(float)));
    k<<<1, 256>>>(d);
    CHECK(cudaDeviceSynchronize());
    float h[256];
    CHECK(cudaMemcpy(h, d, sizeof(h), cudaMemcpyDeviceToHost));
    for (int i = 0; i < 256; i++) EXPECT(h[i] == 255 - i);
    CHECK(cudaFree(d));
    std::printf("PASS device_props %s sm_%d%d\n", p.name, p.major, p.minor);
    return 0;
}
