// Sample cases for the PTX corpus machinery (tests/ptx/README.md): 2D and 3D
// launch shapes, dynamic shared memory, and a tolerance annotation.

// Each thread writes its linear id and its (x, y) packed; 4x2 blocks of 8x4.
// @case shapes_2d grid=4x2 block=8x4 out=512
extern "C" __global__ void shapes_2d(const unsigned int* in, unsigned int* out)
{
    unsigned int bx = blockIdx.y * gridDim.x + blockIdx.x;
    unsigned int t = threadIdx.y * blockDim.x + threadIdx.x;
    unsigned int g = bx * (blockDim.x * blockDim.y) + t;
    out[2 * g] = g ^ in[128 + g];
    out[2 * g + 1] = (threadIdx.x << 24) | (threadIdx.y << 16) | (blockIdx.x << 8) | blockIdx.y;
}

// 3D block; every thread reports its z/y/x ids.
// @case shapes_3d grid=2x1x3 block=4x2x2 out=96
extern "C" __global__ void shapes_3d(const unsigned int* in, unsigned int* out)
{
    unsigned int b = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
    unsigned int t = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    out[b * 16 + t] = (threadIdx.z << 16) | (threadIdx.y << 8) | threadIdx.x | (b << 24);
}

// Dynamic shared memory: reverse 1024 words of the random stream through a
// shared buffer of 4096 bytes.
// @case shapes_dyn_shared grid=1 block=256 out=1024 shared=4096
extern "C" __global__ void shapes_dyn_shared(const unsigned int* in, unsigned int* out)
{
    extern __shared__ unsigned int buf[];
    for (unsigned int i = threadIdx.x; i < 1024; i += blockDim.x)
        buf[i] = in[128 + i];
    __syncthreads();
    for (unsigned int i = threadIdx.x; i < 1024; i += blockDim.x)
        out[i] = buf[1023 - i];
}

// A float sum in a fixed order per thread, compared within 2 ulps (the
// tolerance only matters if the emulator's libm-style code differs).
// @case shapes_sinf grid=1 block=32 out=32 tol=ulp:2
extern "C" __global__ void shapes_sinf(const unsigned int* in, unsigned int* out)
{
    float x = __uint_as_float(in[32 + threadIdx.x]);
    out[threadIdx.x] = __float_as_uint(sinf(x) + x * 0.5f);
}
