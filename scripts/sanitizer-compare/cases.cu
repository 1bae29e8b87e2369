// One memory error per case, for comparing softcuda's SOFTCUDA_MEMCHECK
// reports with NVIDIA compute-sanitizer's on the GPU machine
// (scripts/sanitizer-compare/run.sh). Usage: cases oob|uaf|uninit|race|clean
#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>

__global__ void read_at(const int *src, int i, int *dst)
{
    *dst = src[i];
}

__global__ void race(int *out, int sync)
{
    __shared__ int s[64];
    s[threadIdx.x] = threadIdx.x;
    if (sync)
        __syncthreads();
    out[threadIdx.x] = s[(threadIdx.x + 32) % blockDim.x];
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "clean";
    int *a, *out;
    cudaMalloc(&a, 100 * sizeof(int));
    cudaMalloc(&out, 64 * sizeof(int));
    cudaMemset(out, 0, 64 * sizeof(int));
    if (!strcmp(c, "uninit")) {
        read_at<<<1, 1>>>(a, 5, out);
    } else {
        cudaMemset(a, 0, 100 * sizeof(int));
        if (!strcmp(c, "oob"))
            read_at<<<1, 1>>>(a, 100, out);
        else if (!strcmp(c, "uaf")) {
            int *b;
            cudaMalloc(&b, 64);
            cudaMemset(b, 0, 64);
            cudaFree(b);
            read_at<<<1, 1>>>(b, 0, out);
        } else if (!strcmp(c, "race"))
            race<<<1, 64>>>(out, 0);
        else
            race<<<1, 64>>>(out, 1);
    }
    cudaError_t e = cudaDeviceSynchronize();
    printf("case %s: %s\n", c, cudaGetErrorName(e));
    return 0;
}
