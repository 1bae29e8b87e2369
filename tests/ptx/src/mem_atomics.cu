// Atomics: add/sub/exch/min/max/inc/dec/and/or/xor/cas on global and shared
// memory, 32/64-bit, signed/unsigned, float/double, 16-bit CAS, __half2/__half,
// block/system scopes, red (unused results), atomics through generic pointers.
// Heavily contended (up to 8 x 256 threads on one address). Only order-
// independent facts are recorded:
//   - final values of commutative/associative ops (integer sums, min/max,
//     and/or/xor, inc/dec, which are modular counters);
//   - float sums only where every partial sum is exact, or where every
//     thread adds the same value (so the rounding sequence is fixed);
//   - returned old values only as histograms (each value seen exactly once);
//   - exchange / CAS winners only as "each value seen once" / "one winner".
// Many targets are words of `out`, which the runner prefills with
// 0xDEADBEEF; that is the known starting value. Global scratch variables are
// reset by the last block (atomicInc ticket), so a relaunch sees the same
// state.

#include <cuda_fp16.h>

#define MEM_FILL 0xDEADBEEFu

// atomicAdd(+1) on one word by 2048 threads; every returned old value
// (0xDEADBEEF + 0..2047) marks its own histogram slot.
// @case mem_atom_add_hist grid=8 block=256 out=2050
extern "C" __global__ void mem_atom_add_hist(const unsigned int* in, unsigned int* out)
{
    unsigned int old = atomicAdd(&out[0], 1u);
    unsigned int idx = old - MEM_FILL;
    if (idx < 2048u)
        out[1 + idx] = 1u;
    else
        atomicAdd(&out[2049], 1u); // stays 0xDEADBEEF unless something is wrong
}

// Every 32/64-bit integer op on words prefilled with 0xDEADBEEF, contended
// by 2048 threads.
// @case mem_atom_ops_global grid=8 block=256 out=32
extern "C" __global__ void mem_atom_ops_global(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int w = in[4096 + g];
    atomicAdd(&out[0], v);
    atomicSub(&out[1], w);
    atomicAnd(&out[2], v | 0xfff7ffefu);
    atomicOr(&out[3], v & 0x00100001u);
    atomicXor(&out[4], v);
    atomicMin(&out[5], v | 0x00010000u);
    atomicMax(&out[6], w >> 1);
    atomicMin((int*)&out[7], (int)v);
    atomicMax((int*)&out[8], (int)(w & 0x7fffffffu) >> 2);
    atomicInc(&out[9], 1000u);
    atomicDec(&out[10], 777u);
    atomicInc(&out[11], 0xffffffffu);
    atomicDec(&out[12], in[64 + 1]); // limit 1: toggles
    unsigned long long q = ((unsigned long long)w << 32) | v;
    unsigned long long* o64 = (unsigned long long*)(out + 16);
    atomicAdd(&o64[0], q);
    atomicMin(&o64[1], q);
    atomicMax(&o64[2], q >> 1);
    atomicAnd(&o64[3], q | 0xffffffeffffffeffull);
    atomicOr(&o64[4], q & 0x0000100000000010ull);
    atomicXor(&o64[5], q);
    atomicMin((long long*)&o64[6], (long long)q);
    atomicMax((long long*)&o64[7], (long long)(q & 0x7fffffffffffffffull) >> 3);
}

// Lock-free read-modify-write loops built on atomicCAS: 32-bit add, 64-bit
// add, 16-bit increment (atom.cas.b16) of the low half of a word.
// @case mem_atom_cas_loop grid=8 block=256 out=4
extern "C" __global__ void mem_atom_cas_loop(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int old = out[0], assumed;
    do {
        assumed = old;
        old = atomicCAS(&out[0], assumed, assumed + v);
    } while (old != assumed);
    unsigned long long* p64 = (unsigned long long*)(out + 2);
    unsigned long long o64 = *(volatile unsigned long long*)p64, a64;
    do {
        a64 = o64;
        o64 = atomicCAS(p64, a64, a64 + ((unsigned long long)v << 8));
    } while (o64 != a64);
    unsigned short* h = (unsigned short*)(out + 1); // low half 0xBEEF
    unsigned short oh = *(volatile unsigned short*)h, ah;
    do {
        ah = oh;
        oh = atomicCAS(h, ah, (unsigned short)(ah + 1u));
    } while (oh != ah);
}

__device__ unsigned int mem_xchg_target;    // 0 between launches
__device__ unsigned int mem_cas_once_target; // 0 between launches
__device__ unsigned int mem_xchg_ticket;     // wraps to 0 through atomicInc

// atomicExch chain through one global: the returned old values plus the
// final value are exactly {0, 1, ..., 2048}, each marked once. A CAS that
// only one thread can win counts its winners. The last block (ticket)
// collects the final value and resets the globals.
// @case mem_atom_exch_global grid=8 block=256 out=2051
extern "C" __global__ void mem_atom_exch_global(const unsigned int* in, unsigned int* out)
{
    __shared__ bool last;
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int old = atomicExch(&mem_xchg_target, g + 1u);
    if (old <= 2048u)
        out[old] = 1u;
    if (atomicCAS(&mem_cas_once_target, 0u, g + 1u) == 0u)
        atomicAdd(&out[2049], 1u);
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0u)
        last = atomicInc(&mem_xchg_ticket, gridDim.x - 1u) == gridDim.x - 1u;
    __syncthreads();
    if (last && threadIdx.x == 0u) {
        unsigned int fin = atomicExch(&mem_xchg_target, 0u);
        if (fin <= 2048u)
            out[fin] = 1u;
        unsigned int won = atomicExch(&mem_cas_once_target, 0u);
        out[2050] = (won >= 1u && won <= 2048u) ? 1u : 0u;
    }
}

__device__ float mem_fsum;
__device__ float mem_fsum_neg;
__device__ double mem_dsum;
__device__ unsigned int mem_fticket;

// Float and double atomicAdd: exact sums (quarter steps, |partial sums| far
// below 2^24), collected and reset by the last block; plus same-value adds
// into words prefilled with 0xDEADBEEF (rounding sequence fixed).
// @case mem_atom_float_global grid=8 block=256 out=8
extern "C" __global__ void mem_atom_float_global(const unsigned int* in, unsigned int* out)
{
    __shared__ bool last;
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    atomicAdd(&mem_fsum, (float)(v & 63u) * 0.25f);
    atomicAdd(&mem_fsum_neg, (float)((int)(v >> 25) - 64) * 0.25f);
    atomicAdd(&mem_dsum, (double)(v & 0xffffu) * 0.5);
    atomicAdd((float*)&out[3], 3.0e15f);
    atomicAdd((double*)&out[4], 1.0e147);
    __threadfence();
    __syncthreads();
    if (threadIdx.x == 0u)
        last = atomicInc(&mem_fticket, gridDim.x - 1u) == gridDim.x - 1u;
    __syncthreads();
    if (last && threadIdx.x == 0u) {
        out[0] = __float_as_uint(atomicExch(&mem_fsum, 0.0f));
        out[1] = __float_as_uint(atomicExch(&mem_fsum_neg, 0.0f));
        unsigned long long d = atomicExch((unsigned long long*)&mem_dsum, 0ull);
        out[6] = (unsigned int)d;
        out[7] = (unsigned int)(d >> 32);
    }
}

// Shared-memory atomics of every kind, per block, reported by thread 0.
// @case mem_atom_shared grid=2 block=256 out=64
extern "C" __global__ void mem_atom_shared(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[16];
    __shared__ unsigned int hist[256];
    __shared__ unsigned int seen[257];
    __shared__ unsigned long long s64[4];
    __shared__ float sf;
    __shared__ double sd;
    __shared__ unsigned short sh[2];
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + blockIdx.x * 256u + t];
    hist[t] = 0u;
    seen[t] = 0u;
    if (t < 16u)
        s[t] = in[64 + 19] + t; // 0xdeadbeef + t
    if (t < 4u)
        s64[t] = 0x0123456789abcdefull * (t + 1u);
    if (t == 0u) {
        seen[256] = 0u;
        sf = 0.0f;
        sd = 0.0;
        sh[0] = 0xfff0u;
        sh[1] = 7u;
    }
    __syncthreads();
    unsigned int old = atomicAdd(&s[0], 1u);
    atomicAdd(&hist[(old - s[15] + 15u) & 255u], 1u); // s[15] is never modified
    atomicSub(&s[1], v);
    atomicAnd(&s[2], v | 0xfefefefeu);
    atomicOr(&s[3], v & 0x10000001u);
    atomicXor(&s[4], v);
    atomicMin(&s[5], v);
    atomicMax(&s[6], v);
    atomicMin((int*)&s[7], (int)v);
    atomicMax((int*)&s[8], (int)v);
    atomicInc(&s[9], 100u);
    atomicDec(&s[10], 50u);
    if (atomicCAS(&s[11], in[64 + 19] + 11u, t) == in[64 + 19] + 11u)
        atomicAdd(&s[12], 1u); // exactly one winner
    unsigned int xo = atomicExch(&s[13], t + 1u);
    unsigned int xi = (xo == in[64 + 19] + 13u) ? 0u : xo;
    if (xi <= 256u)
        atomicAdd(&seen[xi], 1u);
    unsigned int c = s[14], ca;
    do {
        ca = c;
        c = atomicCAS(&s[14], ca, ca + (v ^ 0x1234u)); // commutative update
    } while (c != ca);
    atomicAdd(&sf, (float)(v & 15u) * 0.5f);
    atomicAdd(&sd, (double)(v >> 16) * 0.125);
    atomicAdd(&s64[0], (unsigned long long)v << 4);
    atomicMin(&s64[1], (unsigned long long)v * v);
    atomicMax(&s64[2], (unsigned long long)v * 977u);
    unsigned long long q = s64[3], qa;
    do {
        qa = q;
        q = atomicCAS(&s64[3], qa, qa ^ ((unsigned long long)v << (t & 31u)));
    } while (q != qa);
    unsigned short hv = sh[0], ha;
    do {
        ha = hv;
        hv = atomicCAS(&sh[0], ha, (unsigned short)(ha + 3u));
    } while (hv != ha);
    __syncthreads();
    if (t == 0u) {
        unsigned int fin = s[13];
        if (fin <= 256u)
            seen[fin] += 1u;
    }
    __syncthreads();
    unsigned int ok_hist = __syncthreads_and(hist[t] == 1u);
    unsigned int ok_seen = __syncthreads_and(seen[t] == 1u && (t > 0u || seen[256] == 1u));
    unsigned int* o = out + blockIdx.x * 32u;
    if (t == 0u) {
        for (int i = 0; i < 11; ++i)
            o[i] = s[i];
        o[11] = s[12];
        o[12] = s[14];
        o[13] = ok_hist | (ok_seen << 1);
        o[14] = __float_as_uint(sf);
        o[15] = (unsigned int)(__double_as_longlong(sd) >> 32);
        o[16] = (unsigned int)__double_as_longlong(sd);
        o[17] = (unsigned int)s64[0];
        o[18] = (unsigned int)(s64[0] >> 32);
        o[19] = (unsigned int)s64[1];
        o[20] = (unsigned int)(s64[1] >> 32);
        o[21] = (unsigned int)s64[2];
        o[22] = (unsigned int)(s64[2] >> 32);
        o[23] = (unsigned int)s64[3];
        o[24] = (unsigned int)(s64[3] >> 32);
        o[25] = sh[0] | ((unsigned int)sh[1] << 16);
    }
}

// Scoped atomics: _block variants on per-block addresses (only threads of
// one block contend), _system variants on addresses shared by all blocks.
// @case mem_atom_scoped grid=4 block=256 out=48
extern "C" __global__ void mem_atom_scoped(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[4];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[128 + g];
    if (t < 4u)
        s[t] = t;
    __syncthreads();
    unsigned int* ob = out + blockIdx.x * 8u;
    atomicAdd_block(&ob[0], v);
    atomicOr_block(&ob[1], v & 0x00800080u);
    atomicMax_block(&ob[2], v >> 3);
    atomicInc_block(&ob[3], 300u);
    unsigned int c = ob[4], ca;
    do {
        ca = c;
        c = atomicCAS_block(&ob[4], ca, ca + (v & 0xffu));
    } while (c != ca);
    atomicAdd_block(&s[0], v);
    atomicXor_block(&s[1], v);
    atomicMin_block(&s[2], v);
    atomicAdd_block((unsigned long long*)&ob[6], (unsigned long long)v);
    atomicAdd_system(&out[32], v);
    atomicAnd_system(&out[33], v | 0xbfffffffu);
    atomicMin_system((int*)&out[34], (int)v);
    atomicInc_system(&out[35], 5000u);
    atomicAdd_system((unsigned long long*)&out[36], (unsigned long long)v << 16);
    atomicAdd_system((float*)&out[38], 1.0e16f);
    atomicAdd_block((float*)&ob[5], 2.0e15f);
    __syncthreads();
    if (t == 0u) {
        out[40 + blockIdx.x * 2u] = s[0] ^ s[1];
        out[41 + blockIdx.x * 2u] = s[2];
    }
}

// Results unused: nvcc emits red.* instead of atom.*.
// @case mem_red grid=8 block=256 out=16
extern "C" __global__ void mem_red(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[2];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[128 + g];
    if (t < 2u)
        s[t] = 0u;
    __syncthreads();
    atomicAdd(&out[0], v);
    atomicOr(&out[1], v & 0x00000101u);
    atomicAnd(&out[2], v | 0xfffeffffu);
    atomicXor(&out[3], v);
    atomicMin(&out[4], v);
    atomicMax((int*)&out[5], (int)v);
    atomicInc(&out[6], 999u);
    atomicDec(&out[7], 99u);
    atomicAdd((unsigned long long*)&out[8], (unsigned long long)v * 3u);
    atomicAdd((float*)&out[10], 5.0e14f);
    atomicAdd((double*)&out[12], -3.0e146);
    atomicSub(&out[14], v >> 4);
    atomicAdd(&s[0], v);
    atomicXor(&s[1], v);
    __syncthreads();
    if (t == 0u) {
        atomicAdd(&out[15], s[0] ^ s[1]);
    }
}

__device__ __noinline__ unsigned int mem_gen_add(unsigned int* p, unsigned int v)
{
    return atomicAdd(p, v);
}

__device__ __noinline__ void mem_gen_ops(unsigned int* p, unsigned long long* q, unsigned int v)
{
    atomicMax(p + 1, v);
    atomicXor(p + 2, v);
    unsigned int c = p[3], ca;
    do {
        ca = c;
        c = atomicCAS(p + 3, ca, ca + (v >> 8));
    } while (c != ca);
    atomicAdd(q, (unsigned long long)v);
}

// Atomics through generic pointers (atom without a state space) on shared
// and on global memory, from a non-inlined callee; add's returned values are
// checked as a histogram.
// @case mem_atom_generic grid=2 block=128 out=300
extern "C" __global__ void mem_atom_generic(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[4];
    __shared__ unsigned long long sq;
    __shared__ unsigned int hist[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[128 + g];
    hist[t] = 0u;
    if (t < 4u)
        s[t] = 0u;
    if (t == 0u)
        sq = 0ull;
    __syncthreads();
    unsigned int old = mem_gen_add(&s[0], 1u);
    if (old < 128u)
        mem_gen_add(&hist[old], 1u);
    mem_gen_ops(s, &sq, v);
    unsigned int* ob = out + blockIdx.x * 8u;
    mem_gen_ops(ob, (unsigned long long*)(out + 16 + 2u * blockIdx.x), v); // per-block global words
    unsigned int gold = mem_gen_add(&out[20], 1u);                          // shared by both blocks
    if (gold - MEM_FILL < 256u)
        out[40 + (gold - MEM_FILL)] = 1u;
    __syncthreads();
    unsigned int ok = __syncthreads_and(hist[t] == 1u);
    if (t == 0u) {
        out[24 + 6u * blockIdx.x] = s[0];
        out[25 + 6u * blockIdx.x] = s[1];
        out[26 + 6u * blockIdx.x] = s[2];
        out[27 + 6u * blockIdx.x] = s[3];
        out[28 + 6u * blockIdx.x] = (unsigned int)sq ^ (unsigned int)(sq >> 32);
        out[29 + 6u * blockIdx.x] = ok;
    }
}

// __half2 / __half atomicAdd: exact sums in shared memory; same-value adds
// on global words prefilled with 0xDEADBEEF.
// @case mem_atom_half grid=4 block=256 out=16
extern "C" __global__ void mem_atom_half(const unsigned int* in, unsigned int* out)
{
    __shared__ __half2 sh2;
    __shared__ __half shh[2];
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + blockIdx.x * 256u + t];
    if (t == 0u) {
        sh2 = __floats2half2_rn(0.0f, -100.0f);
        shh[0] = __float2half(0.0f);
        shh[1] = __float2half(0.0f);
    }
    __syncthreads();
    // partial sums are multiples of 0.25 below 448 in magnitude: exact in half
    atomicAdd(&sh2, __floats2half2_rn((float)(v & 7u) * 0.25f, (float)((v >> 3) & 3u) * 0.5f));
    atomicAdd(&shh[0], __float2half((float)((v >> 8) & 3u)));
    atomicAdd((__half2*)&out[0], __floats2half2_rn(1.0f, 0.5f));
    atomicAdd((__half*)&out[1] + 1, __float2half(-0.25f));
    atomicAdd((__half2*)&out[2 + blockIdx.x], __floats2half2_rn(-2.0f, 0.125f));
    __syncthreads();
    if (t == 0u) {
        out[8 + blockIdx.x * 2u] = *(const unsigned int*)&sh2;
        out[9 + blockIdx.x * 2u] = __half_as_ushort(shh[0]) | ((unsigned int)__half_as_ushort(shh[1]) << 16);
    }
}

__device__ __forceinline__ unsigned long long mem_gaddr(const void* p)
{
    unsigned long long r;
    asm("cvta.to.global.u64 %0, %1;" : "=l"(r) : "l"(p));
    return r;
}

// red.* and atom.* with memory-order/scope qualifiers written in asm (nvcc
// itself emits atom.* even when the result is unused).
// @case mem_red_asm grid=8 block=256 out=16
extern "C" __global__ void mem_red_asm(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[2];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[128 + g];
    if (t < 2u)
        s[t] = t;
    __syncthreads();
    unsigned int sa = (unsigned int)__cvta_generic_to_shared(s);
    asm volatile("red.global.add.u32 [%0], %1;" ::"l"(mem_gaddr(out + 0)), "r"(v) : "memory");
    asm volatile("red.global.or.b32 [%0], %1;" ::"l"(mem_gaddr(out + 1)), "r"(v & 0x00100010u) : "memory");
    asm volatile("red.global.max.s32 [%0], %1;" ::"l"(mem_gaddr(out + 2)), "r"(v) : "memory");
    asm volatile("red.global.inc.u32 [%0], %1;" ::"l"(mem_gaddr(out + 3)), "r"(511u) : "memory");
    asm volatile("red.global.add.u64 [%0], %1;" ::"l"(mem_gaddr(out + 4)), "l"((unsigned long long)v << 3)
                 : "memory");
    asm volatile("red.global.add.f32 [%0], %1;" ::"l"(mem_gaddr(out + 6)), "f"(7.0e14f) : "memory");
    asm volatile("red.relaxed.gpu.global.add.u32 [%0], %1;" ::"l"(mem_gaddr(out + 7)), "r"(v >> 1) : "memory");
    asm volatile("red.release.sys.global.xor.b32 [%0], %1;" ::"l"(mem_gaddr(out + 8)), "r"(v) : "memory");
    asm volatile("red.shared.add.u32 [%0], %1;" ::"r"(sa), "r"(v) : "memory");
    asm volatile("red.relaxed.cta.shared.xor.b32 [%0], %1;" ::"r"(sa + 4u), "r"(v) : "memory");
    unsigned int o1, o2;
    asm volatile("atom.acq_rel.gpu.global.add.u32 %0, [%1], %2;"
                 : "=r"(o1)
                 : "l"(mem_gaddr(out + 9)), "r"(1u)
                 : "memory");
    asm volatile("atom.relaxed.sys.global.min.u32 %0, [%1], %2;"
                 : "=r"(o2)
                 : "l"(mem_gaddr(out + 10)), "r"(v)
                 : "memory");
    asm volatile("red.add.u32 [%0], %1;" ::"l"(out + 11), "r"(v ^ 0x5555u) : "memory"); // generic
    __syncthreads();
    if (t == 0u) {
        atomicAdd(&out[12], s[0]);
        atomicXor(&out[13], s[1]);
    }
    if (o1 - MEM_FILL >= 2048u)
        atomicAdd(&out[14], 1u); // stays 0xDEADBEEF
    if (o2 > MEM_FILL)
        atomicAdd(&out[15], 1u); // returned min is never above the start value
}
