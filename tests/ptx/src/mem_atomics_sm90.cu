// sm_90 memory features: vector float atomics (atomicAdd on float2/float4,
// same value from every thread so the rounding sequence is fixed), and a bulk
// async copy global -> shared completing on an mbarrier with expect_tx,
// waited on with mbarrier.try_wait.
// @min_sm 90

// @case mem_atom_vec_f32 grid=4 block=256 out=16
extern "C" __global__ void mem_atom_vec_f32(const unsigned int* in, unsigned int* out)
{
    float s = __uint_as_float(in[32 + 20]); // a small float from in
    atomicAdd((float2*)&out[0], make_float2(1.0e15f, s));
    atomicAdd((float4*)&out[4], make_float4(-3.0e14f, 2.5e16f, 1.0f, s * 0.5f));
    atomicAdd_block((float2*)&out[8 + 2u * blockIdx.x], make_float2(7.0e14f, -1.0e15f));
}

__device__ __forceinline__ unsigned int mem_s_addr(const void* p)
{
    return (unsigned int)__cvta_generic_to_shared(p);
}

// cp.async.bulk (non-tensor) of 4 KiB, completion through mbarrier
// expect_tx / complete_tx, then a block-wide read.
// @case mem_bulk_copy grid=2 block=128 out=2048
extern "C" __global__ void mem_bulk_copy(const unsigned int* in, unsigned int* out)
{
    __shared__ __align__(128) unsigned int s[1024];
    __shared__ __align__(8) unsigned long long mbar;
    unsigned int t = threadIdx.x;
    unsigned int ma = mem_s_addr(&mbar);
    if (t == 0u) {
        asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(ma), "r"(1u) : "memory");
        asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    }
    __syncthreads();
    if (t == 0u) {
        unsigned long long src;
        asm("cvta.to.global.u64 %0, %1;" : "=l"(src) : "l"(in + 128 + blockIdx.x * 1024u));
        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(ma), "r"(4096u) : "memory");
        asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(
                         mem_s_addr(s)),
                     "l"(src), "r"(4096u), "r"(ma)
                     : "memory");
    }
    unsigned int done = 0;
    while (!done)
        asm volatile("{\n\t.reg .pred p;\n\tmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n\tselp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(done)
                     : "r"(ma), "r"(0u)
                     : "memory");
    for (unsigned int i = t; i < 1024u; i += 128u)
        out[blockIdx.x * 1024u + i] = s[1023u - i] ^ i;
}
