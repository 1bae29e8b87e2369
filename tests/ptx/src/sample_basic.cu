// Sample cases for the PTX corpus machinery (tests/ptx/README.md): the
// simplest possible kernels, one per kind of check the runner makes.
#include <cstdio>

// out[i] = in[64 + i] + in[128 + i] (u32, wrapping), 256 threads.
// @case basic_int_add grid=2 block=128 out=256
extern "C" __global__ void basic_int_add(const unsigned int* in, unsigned int* out)
{
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[64 + i] + in[128 + i];
}

// out[i] = f32(in[i]) * f32(in[(i * 7) % 64]) for the 64 special/float words,
// so every special value meets every other class at least once.
// @case basic_float_mul grid=1 block=64 out=64
extern "C" __global__ void basic_float_mul(const unsigned int* in, unsigned int* out)
{
    unsigned int i = threadIdx.x;
    float a = __uint_as_float(in[i]);
    float b = __uint_as_float(in[(i * 7) % 64]);
    out[i] = __float_as_uint(a * b);
}

// One printf from thread 0 of each block; out gets the block's first thread id.
// @case basic_printf grid=2 block=32 out=2
extern "C" __global__ void basic_printf(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x == 0) {
        printf("block %u: in[64+17]=0x%08x in[24]=%f\n", blockIdx.x, in[64 + 17], __uint_as_float(in[24]));
        out[blockIdx.x] = blockIdx.x * blockDim.x;
    }
}
