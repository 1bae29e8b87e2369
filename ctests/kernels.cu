#include <cassert>
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

// Waits (from one thread) until *flag is non-zero, then stores `value` in
// *out; gives up after `limit` polls and stores 0xdeadbeef instead. The host
// sets the flag in mapped pinned memory while the kernel runs, which shows
// that the launch returned before the kernel finished.
__global__ void wait_flag(volatile unsigned *flag, unsigned *out, unsigned value, unsigned long long limit)
{
    if (blockIdx.x != 0 || threadIdx.x != 0)
        return;
    for (unsigned long long i = 0; i < limit; i++) {
        if (*flag != 0) {
            *out = value;
            return;
        }
    }
    *out = 0xdeadbeefu;
}

// data[i] = data[i] * 31 + k: applied in a different order, a sequence of
// these leaves different values, so the result proves the order.
__global__ void step(unsigned *data, unsigned n, unsigned k)
{
    unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        data[i] = data[i] * 31u + k + i;
}

// *dst = *src, from one thread.
__global__ void copy_word(unsigned *dst, const unsigned *src)
{
    if (blockIdx.x == 0 && threadIdx.x == 0)
        *dst = *src;
}

// ---- ctests/memcheck.c

// Each thread writes its own shared word, then reads its neighbour's one
// warp further on: without the barrier (sync == 0), a race between warps.
__global__ void race_shared(int *out, int sync)
{
    __shared__ int s[64];
    s[threadIdx.x] = threadIdx.x;
    if (sync)
        __syncthreads();
    out[threadIdx.x] = s[(threadIdx.x + 32) % blockDim.x];
}

// ---- Faults (ctests/misuse.c): each stops its launch with a sticky error.

// A 4-byte load from an address that is not 4-byte aligned.
__global__ void fault_misaligned(const char *p, int *out)
{
    *out = *(const volatile int *)(p + 1);
}

// A shared-memory store far outside the CTA's shared memory.
__global__ void fault_shared(int idx, int *out)
{
    __shared__ int s[32];
    ((volatile int *)s)[idx] = 1;
    __syncthreads();
    *out = s[threadIdx.x % 32];
}

__global__ void fault_trap()
{
    __trap();
}

__global__ void fault_assert(int v)
{
    assert(v == 0);
}

// A store through a run-time index far outside a thread's local array.
__global__ void fault_local(int idx, int *out)
{
    int a[16]; /* indexed by a run-time value: kept in local memory */
    for (int i = 0; i < 16; i++)
        a[i] = out[i];
    a[idx] = 1;
    *out = a[(idx + 1) & 15];
}

// Named barrier 1 waits for 64 threads; in a block of 32 it can never
// complete (the GPU would hang; softcuda reports it).
__global__ void fault_barrier()
{
    asm volatile("bar.sync 1, 64;");
}

// Recursion with a large frame, deep enough to overflow any stack.
__device__ int deep(volatile int *buf, int n)
{
    int frame[256]; /* indexed by a run-time value: kept in local memory */
    for (int i = 0; i < 256; i++)
        frame[i] = buf[0] + n + i;
    return n == 0 ? frame[buf[0] & 255] : deep(buf, n - 1) + frame[(n + buf[0]) & 255];
}

__global__ void fault_recursion(int *out, int n)
{
    *out = deep(out, n);
}

} // extern "C"
