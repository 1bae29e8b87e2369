// Asynchronous copies and mbarriers (sm_80+): cp.async.ca/.cg with 4/8/16
// bytes, zero-fill through src-size, commit/wait_group with several groups,
// wait_all, __pipeline_memcpy_async, cooperative_groups::memcpy_async,
// cuda::memcpy_async with cuda::barrier, and hand-written mbarrier
// init/arrive/test_wait over two phases. Every read of copied data follows the
// matching wait plus a block barrier.
// @min_sm 80
#include <cooperative_groups.h>
#include <cooperative_groups/memcpy_async.h>
#include <cuda/barrier>
#include <cuda_pipeline.h>
namespace cg = cooperative_groups;

__device__ __forceinline__ unsigned long long mem_as_gaddr(const void* p)
{
    unsigned long long r;
    asm("cvta.to.global.u64 %0, %1;" : "=l"(r) : "l"(p));
    return r;
}

__device__ __forceinline__ unsigned int mem_as_saddr(const void* p)
{
    return (unsigned int)__cvta_generic_to_shared(p);
}

// cp.async of 16 bytes per thread (.ca and .cg), one group.
// @case mem_cp_async_16 grid=2 block=128 out=1024
extern "C" __global__ void mem_cp_async_16(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(16) unsigned int s[128 * 4];
    __shared__ __align__(16) unsigned int s2[128 * 4];
    unsigned int t = threadIdx.x;
    const unsigned int* src = in + 128 + blockIdx.x * 512u;
    asm volatile("cp.async.ca.shared.global [%0], [%1], 16;" ::"r"(mem_as_saddr(&s[4 * t])),
                 "l"(mem_as_gaddr(src + 4 * t))
                 : "memory");
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(mem_as_saddr(&s2[4 * t])),
                 "l"(mem_as_gaddr(src + 2048 + 4 * t))
                 : "memory");
    asm volatile("cp.async.commit_group;" ::: "memory");
    asm volatile("cp.async.wait_group 0;" ::: "memory");
    __syncthreads();
    for (int k = 0; k < 4; ++k)
        out[blockIdx.x * 512u + k * 128u + t] = s[511u - (k * 128u + t)] ^ s2[k * 128u + t];
}

// 4- and 8-byte .ca copies, zero-fill with a src-size smaller than the copy
// (0, 4, 8, 12 bytes), and an L2 prefetch-size hint.
// @case mem_cp_async_sizes grid=1 block=64 out=768
extern "C" __global__ void mem_cp_async_sizes(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(16) unsigned int a[64];
    __shared__ __align__(16) unsigned int b[128];
    __shared__ __align__(16) unsigned int z[256];
    __shared__ __align__(16) unsigned int p[256];
    unsigned int t = threadIdx.x;
    for (int k = 0; k < 4; ++k)
        z[4 * t + k] = 0xa5a5a5a5u; // must be overwritten by data or zeros
    __syncthreads();
    unsigned int srcsize = (t & 3u) * 4u;
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" ::"r"(mem_as_saddr(&a[t])), "l"(mem_as_gaddr(in + 300 + t))
                 : "memory");
    asm volatile("cp.async.ca.shared.global [%0], [%1], 8;" ::"r"(mem_as_saddr(&b[2 * t])),
                 "l"(mem_as_gaddr(in + 400 + 2 * t))
                 : "memory");
    asm volatile("cp.async.ca.shared.global [%0], [%1], 16, %2;" ::"r"(mem_as_saddr(&z[4 * t])),
                 "l"(mem_as_gaddr(in + 600 + 4 * t)), "r"(srcsize)
                 : "memory");
    asm volatile("cp.async.cg.shared.global.L2::128B [%0], [%1], 16;" ::"r"(mem_as_saddr(&p[4 * t])),
                 "l"(mem_as_gaddr(in + 1000 + 4 * t))
                 : "memory");
    asm volatile("cp.async.wait_all;" ::: "memory");
    __syncthreads();
    out[t] = a[63u - t];
    out[64 + 2 * t] = b[2 * ((t + 1u) & 63u)];
    out[64 + 2 * t + 1] = b[2 * ((t + 1u) & 63u) + 1];
    for (int k = 0; k < 4; ++k) {
        out[192 + 4 * t + k] = z[4 * t + k];
        out[448 + 4 * t + k] = p[4 * ((t + 3u) & 63u) + k];
    }
}

// Three commit groups; wait_group 2/1/0 release them in order.
// @case mem_cp_async_groups grid=1 block=128 out=384
extern "C" __global__ void mem_cp_async_groups(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(16) unsigned int g0[128], g1[128], g2[128];
    unsigned int t = threadIdx.x;
    unsigned int* bufs[3] = {g0, g1, g2};
    for (int k = 0; k < 3; ++k) {
        asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" ::"r"(mem_as_saddr(&bufs[k][t])),
                     "l"(mem_as_gaddr(in + 2048 + k * 128 + t))
                     : "memory");
        asm volatile("cp.async.commit_group;" ::: "memory");
    }
    asm volatile("cp.async.wait_group 2;" ::: "memory");
    __syncthreads();
    unsigned int r0 = g0[127u - t];
    asm volatile("cp.async.wait_group 1;" ::: "memory");
    __syncthreads();
    unsigned int r1 = g1[(t + 5u) & 127u];
    asm volatile("cp.async.wait_group 0;" ::: "memory");
    __syncthreads();
    unsigned int r2 = g2[t ^ 1u];
    out[t] = r0;
    out[128 + t] = r1;
    out[256 + t] = r2;
}

// __pipeline_memcpy_async / __pipeline_commit / __pipeline_wait_prior.
// @case mem_pipeline_primitives grid=2 block=64 out=512
extern "C" __global__ void mem_pipeline_primitives(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(16) uint4 s[64];
    __shared__ __align__(8) uint2 s2[64];
    unsigned int t = threadIdx.x;
    const uint4* src = (const uint4*)(in + 128) + blockIdx.x * 64u;
    const uint2* src2 = (const uint2*)(in + 4096) + blockIdx.x * 64u;
    __pipeline_memcpy_async(&s[t], &src[t], sizeof(uint4));
    __pipeline_commit();
    __pipeline_memcpy_async(&s2[t], &src2[t], sizeof(uint2), (t & 1u) ? 4u : 0u); // zero-fill the tail
    __pipeline_commit();
    __pipeline_wait_prior(1);
    __syncthreads();
    uint4 a = s[63u - t];
    __pipeline_wait_prior(0);
    __syncthreads();
    uint2 b = s2[t];
    unsigned int* o = out + blockIdx.x * 256u + 4u * t;
    o[0] = a.x ^ b.x;
    o[1] = a.y;
    o[2] = a.z + b.y;
    o[3] = a.w;
}

// cooperative_groups::memcpy_async of a block-wide chunk, then cg::wait.
// @case mem_cg_memcpy_async grid=2 block=128 out=2048
extern "C" __global__ void mem_cg_memcpy_async(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(16) unsigned int s[1024];
    cg::thread_block blk = cg::this_thread_block();
    const unsigned int* src = in + 128 + blockIdx.x * 1024u;
    cg::memcpy_async(blk, s, src, sizeof(unsigned int) * 1024u);
    cg::wait(blk);
    for (unsigned int i = blk.thread_rank(); i < 1024u; i += 128u)
        out[blockIdx.x * 1024u + i] = s[1023u - i] + i;
}

// cuda::memcpy_async completing on a cuda::barrier (mbarrier-based), two
// rounds through the same barrier.
// @case mem_cuda_barrier_memcpy grid=2 block=128 out=1024
extern "C" __global__ void mem_cuda_barrier_memcpy(const unsigned int* in, unsigned int* out)
{
#pragma nv_diag_suppress static_var_with_dynamic_init
    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
    __shared__ __align__(16) unsigned int s[512];
    cg::thread_block blk = cg::this_thread_block();
    if (blk.thread_rank() == 0)
        init(&bar, blk.size());
    blk.sync();
    unsigned int t = blk.thread_rank();
    unsigned int acc = 0;
    for (int round = 0; round < 2; ++round) {
        cuda::memcpy_async(blk, s, in + 128 + blockIdx.x * 1024u + round * 512u, sizeof(unsigned int) * 512u, bar);
        bar.arrive_and_wait();
        for (unsigned int i = t; i < 512u; i += 128u)
            acc = acc * 7u + s[511u - i];
        bar.arrive_and_wait(); // everyone done reading before the next copy
    }
    for (int k = 0; k < 4; ++k)
        out[blockIdx.x * 512u + k * 128u + t] = acc + (unsigned int)k;
}

// Hand-written mbarrier: init to the block size, two phases of
// arrive + test_wait (polling), with shared-memory exchanges between them,
// and the parity form for the second phase.
// @case mem_mbarrier_asm grid=2 block=96 out=288
extern "C" __global__ void mem_mbarrier_asm(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(8) unsigned long long mbar;
    __shared__ unsigned int s[96];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 96u + t;
    unsigned int ma = mem_as_saddr(&mbar);
    if (t == 0u)
        asm volatile("mbarrier.init.shared.b64 [%0], %1;" ::"r"(ma), "r"(96u) : "memory");
    __syncthreads();
    s[t] = in[128 + g];
    unsigned long long st;
    asm volatile("mbarrier.arrive.shared.b64 %0, [%1];" : "=l"(st) : "r"(ma) : "memory");
    unsigned int done = 0;
    while (!done)
        asm volatile("{\n\t.reg .pred p;\n\tmbarrier.test_wait.shared.b64 p, [%1], %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(done)
                     : "r"(ma), "l"(st)
                     : "memory");
    unsigned int a = s[95u - t];
    // phase 1: everyone has read before anyone overwrites
    asm volatile("mbarrier.arrive.shared.b64 %0, [%1];" : "=l"(st) : "r"(ma) : "memory");
    done = 0;
    while (!done)
        asm volatile("{\n\t.reg .pred p;\n\tmbarrier.test_wait.parity.shared.b64 p, [%1], %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(done)
                     : "r"(ma), "r"(1u)
                     : "memory");
    s[t] = a * 3u;
    __syncthreads();
    out[3 * g] = a;
    out[3 * g + 1] = s[(t + 1u) % 96u];
    unsigned int pend = 0;
    if (t == 0u) {
        // Phase 2 (parity 0) is current and nobody has arrived in it: the
        // parity-0 test refers to it (incomplete), the parity-1 test to the
        // preceding phase 1 (complete).
        unsigned int p0, p1;
        asm volatile("{\n\t.reg .pred p;\n\tmbarrier.test_wait.parity.shared.b64 p, [%1], 0;\n\tselp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(p0)
                     : "r"(ma)
                     : "memory");
        asm volatile("{\n\t.reg .pred p;\n\tmbarrier.test_wait.parity.shared.b64 p, [%1], 1;\n\tselp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(p1)
                     : "r"(ma)
                     : "memory");
        pend = p0 | (p1 << 1) | 0x100u;
        asm volatile("mbarrier.inval.shared.b64 [%0];" ::"r"(ma) : "memory");
    }
    out[3 * g + 2] = pend;
}
