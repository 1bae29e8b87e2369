// Kernels for the C tests in ctests/. kernels.ptx is generated from this file
// and committed; regenerate it with ctests/regen.sh, which runs
//
//   nvcc -ptx -arch=compute_75 ctests/kernels.cu -o ctests/kernels.ptx
//
// with the pinned toolkit from scripts/install-toolkit.sh.
// extern "C" keeps the entry names unmangled for cuModuleGetFunction.

extern "C" {

// c[i] = a[i] + b[i]; launched with kernelParams.
__global__ void add(const float *a, const float *b, float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        c[i] = a[i] + b[i];
}

// p[i] *= s; launched with a packed `extra` argument buffer.
__global__ void scale(float *p, float s, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] *= s;
}

// Module-scope variable, reached from the host with cuModuleGetGlobal.
__device__ int bias;

// out[i] = i + bias.
__global__ void add_bias(int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = i + bias;
}

// bias += delta, from a single thread.
__global__ void bump_bias(int delta)
{
    if (blockIdx.x == 0 && threadIdx.x == 0)
        bias += delta;
}

// Stores `offset` bytes past p: far out of bounds when offset is huge.
__global__ void store_at(int *p, unsigned long long offset)
{
    *(volatile int *)((char *)p + offset) = 1;
}

} // extern "C"
