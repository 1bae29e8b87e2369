// State spaces and memory instructions: static/dynamic shared memory (2D tiles
// with padding, aliasing extern arrays, wide and sub-word shared accesses),
// __constant__ tables, initialised __device__ globals (arrays, structs, pointers
// to other globals, a linked list), local arrays with dynamic indexing, generic
// pointers into shared/global/local/const chosen at run time (isspacep, cvta),
// vector loads/stores, 8/16-bit loads with sign extension, cache-hinted loads
// and stores, volatile accesses, relaxed/acquire/release accesses and fences
// via asm, prefetches, __syncwarp exchanges and struct packing. Raw addresses
// are never recorded (layouts differ between ptxas and the emulator), only
// differences and facts.
#include <cuda_fp16.h>

// Static shared arrays of three widths; reversal and byte-wise writes.
// @case mem_shared_static grid=2 block=256 out=1024
extern "C" __global__ void mem_shared_static(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s32[256];
    __shared__ unsigned char s8[1024];
    __shared__ unsigned long long s64[256];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 256u + t;
    unsigned int v = in[128 + g];
    s32[t] = v;
    for (int k = 0; k < 4; ++k)
        s8[t * 4u + k] = (unsigned char)(v >> (8 * k));
    s64[t] = ((unsigned long long)v << 32) | in[1024 + g];
    __syncthreads();
    out[2 * g] = s32[255u - t] ^ (unsigned int)s8[(t * 7u) & 1023u];
    unsigned long long q = s64[(t + 17u) & 255u];
    out[2 * g + 1] = (unsigned int)(q >> 32) + (unsigned int)q + ((unsigned int)s8[1023u - t] << 8);
}

// Matrix transpose through a 32x33 padded tile; 2D grid and block.
// @case mem_shared_tile_transpose grid=2x2 block=32x8 out=4096
extern "C" __global__ void mem_shared_tile_transpose(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int tile[32][33];
    const unsigned int N = 64u;
    unsigned int x = blockIdx.x * 32u + threadIdx.x;
    unsigned int y0 = blockIdx.y * 32u;
    for (unsigned int j = threadIdx.y; j < 32u; j += 8u)
        tile[j][threadIdx.x] = in[128 + (y0 + j) * N + x];
    __syncthreads();
    unsigned int tx = blockIdx.y * 32u + threadIdx.x;
    unsigned int ty0 = blockIdx.x * 32u;
    for (unsigned int j = threadIdx.y; j < 32u; j += 8u)
        out[(ty0 + j) * N + tx] = tile[threadIdx.x][j];
}

// Dynamic shared memory viewed through three aliasing extern arrays (u32,
// float, u8, u16); written through one, read through the others.
// @case mem_shared_dynamic_alias grid=1 block=128 out=512 shared=4096
extern "C" __global__ void mem_shared_dynamic_alias(const unsigned int* in, unsigned int* out)
{
    extern __shared__ unsigned int dyn_u[];
    extern __shared__ float dyn_f[];
    extern __shared__ unsigned char dyn_b[];
    extern __shared__ unsigned short dyn_h[];
    unsigned int t = threadIdx.x;
    for (unsigned int i = t; i < 1024u; i += 128u)
        dyn_u[i] = in[128 + i];
    __syncthreads();
    float f = dyn_f[t * 3u];
    unsigned int b = dyn_b[t * 13u + 1u];
    unsigned int h = dyn_h[t * 5u + 1u];
    __syncthreads();
    dyn_b[t * 4u + 2u] = (unsigned char)(t + 0x40u); // patch one byte of word t
    dyn_h[t * 2u + 256u + 1u] = (unsigned short)(t * 0x101u); // high half of word 128 + t
    __syncthreads();
    out[4 * t + 0] = __float_as_uint(f);
    out[4 * t + 1] = b | (h << 8);
    out[4 * t + 2] = dyn_u[t];
    out[4 * t + 3] = dyn_u[128u + t];
}

__constant__ unsigned int mem_ctab[64] = {
    0x00000001u, 0x00000002u, 0x00000004u, 0x00000008u, 0x00000010u, 0x00000020u, 0x00000040u, 0x00000080u,
    0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u, 0x55555555u, 0x66666666u, 0x77777777u, 0x88888888u,
    0xdeadbeefu, 0xcafebabeu, 0x8badf00du, 0xfeedfaceu, 0x0badc0deu, 0xabad1deau, 0xdefec8edu, 0xfacefeedu,
    3u,          1u,          4u,          1u,          5u,          9u,          2u,          6u,
    5u,          3u,          5u,          8u,          9u,          7u,          9u,          3u,
    2u,          3u,          8u,          4u,          6u,          2u,          6u,          4u,
    0xffffffffu, 0x7fffffffu, 0x80000000u, 0u,          0x0000ffffu, 0xffff0000u, 0x00ff00ffu, 0xff00ff00u,
    0x01234567u, 0x89abcdefu, 0xfedcba98u, 0x76543210u, 0x0f1e2d3cu, 0x4b5a6978u, 0x8796a5b4u, 0xc3d2e1f0u};
__constant__ float mem_cf[8] = {0.5f, -1.25f, 3.0e10f, -0.0f, 1.0e-40f, 7.0f, 0.1f, -2.5e-3f};
__constant__ double mem_cd[4] = {1.0 / 3.0, -2.0e300, 4.9e-324, 0.1};
__constant__ unsigned short mem_ch[8] = {1, 0x8000, 0xffff, 0x1234, 7, 0xfedc, 0, 0x7fff};
__constant__ signed char mem_cc[8] = {-1, -128, 127, 0, 5, -5, 64, -64};

// __constant__ tables read with thread-dependent (divergent) indices.
// @case mem_const_table grid=2 block=128 out=1024
extern "C" __global__ void mem_const_table(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int* o = out + 4u * g;
    o[0] = mem_ctab[v & 63u] ^ mem_ctab[(v >> 6) & 63u];
    o[1] = __float_as_uint(mem_cf[v & 7u] * mem_cf[(v >> 3) & 7u]);
    double d = mem_cd[(v >> 9) & 3u];
    o[2] = (unsigned int)(__double_as_longlong(d) >> 32) ^ (unsigned int)__double_as_longlong(d);
    o[3] = (unsigned int)mem_ch[(v >> 11) & 7u] + (unsigned int)(int)mem_cc[(v >> 14) & 7u];
}

struct MemRecG {
    unsigned int id;
    float w;
    unsigned short h[3];
    unsigned char c;
    double d;
};
struct MemNodeG {
    unsigned int v;
    const MemNodeG* next;
};

__device__ unsigned int mem_g_arr[8] = {10u, 20u, 30u, 40u, 50u, 60u, 70u, 80u};
__device__ unsigned int mem_g_val = 0x5150u;
__device__ unsigned long long mem_g_u64[3] = {0x0123456789abcdefull, 0xffffffffffffffffull, 42ull};
__device__ MemRecG mem_g_recs[2] = {{1u, 1.5f, {2, 3, 4}, 5, 6.25}, {7u, -8.5f, {9, 0xfff0, 11}, 0xfe, -1.0e-3}};
__device__ unsigned int* mem_g_ptr = &mem_g_arr[3];
__device__ unsigned int* mem_g_ptrs[3] = {&mem_g_arr[0], &mem_g_arr[5], &mem_g_val};
// A linked list through separate globals (PTX forbids circular initialisers).
__device__ const MemNodeG mem_g_n4 = {104u, nullptr};
__device__ const MemNodeG mem_g_n3 = {103u, &mem_g_n4};
__device__ const MemNodeG mem_g_n2 = {102u, &mem_g_n3};
__device__ const MemNodeG mem_g_n1 = {101u, &mem_g_n2};
__device__ const MemNodeG mem_g_n0 = {100u, &mem_g_n1};
__device__ const MemNodeG* mem_g_heads[5] = {&mem_g_n2, &mem_g_n0, &mem_g_n4, &mem_g_n3, &mem_g_n1};
__device__ unsigned int mem_g_zero[64];
__device__ unsigned int mem_g_scratch[256];

// Initialised __device__ globals: arrays, structs, pointer initialisers and
// a linked list through pointers; zero-initialised arrays; a scratch global
// written then read back within the block (same values every launch).
// @case mem_device_globals grid=1 block=256 out=1024
extern "C" __global__ void mem_device_globals(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int* o = out + 4u * t;
    const MemRecG& r = mem_g_recs[v & 1u];
    o[0] = mem_g_arr[v & 7u] + *mem_g_ptr + *mem_g_ptrs[v % 3u] + mem_g_zero[v & 63u];
    o[1] = r.id + __float_as_uint(r.w) + r.h[(v >> 1) % 3u] + r.c + (unsigned int)(__double_as_longlong(r.d) >> 32);
    const MemNodeG* n = mem_g_heads[(v >> 4) % 5u];
    unsigned int acc = 0, len = 0;
    while (n) {
        acc = acc * 7u + n->v;
        n = n->next;
        ++len;
    }
    o[2] = acc ^ (len << 24) ^ (unsigned int)mem_g_u64[(v >> 8) % 3u] ^ (unsigned int)(mem_g_u64[(v >> 10) % 3u] >> 32);
    mem_g_scratch[t] = v * 3u;
    __syncthreads();
    o[3] = mem_g_scratch[255u - t] + (unsigned int)(mem_g_ptrs[1] - mem_g_ptrs[0]);
}

// Local arrays with data-dependent indices (read-modify-write chains).
// @case mem_local_dynamic grid=1 block=128 out=256
extern "C" __global__ void mem_local_dynamic(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int a[24];
    unsigned short h[16];
    for (int i = 0; i < 24; ++i)
        a[i] = in[1024 + t * 24u + i];
    for (int i = 0; i < 16; ++i)
        h[i] = (unsigned short)(a[i] >> 7);
    unsigned int idx = in[128 + t] % 24u, acc = 0;
    for (int k = 0; k < 10; ++k) {
        acc += a[idx];
        a[(idx + 5u) % 24u] ^= acc;
        h[idx & 15u] += (unsigned short)acc;
        idx = a[idx] % 24u;
    }
    unsigned int hs = 0;
    for (int i = 0; i < 16; ++i)
        hs = hs * 31u + h[i];
    out[2 * t] = acc;
    out[2 * t + 1] = hs ^ a[in[256 + t] % 24u];
}

__device__ __noinline__ unsigned int mem_classify(const void* p)
{
    return (unsigned int)__isShared(p) | ((unsigned int)__isGlobal(p) << 1) | ((unsigned int)__isLocal(p) << 2) |
           ((unsigned int)__isConstant(p) << 3);
}

__device__ __noinline__ unsigned int mem_read_generic(const unsigned int* p, unsigned int i)
{
    return p[i];
}

__device__ __noinline__ void mem_write_generic(unsigned int* p, unsigned int i, unsigned int v)
{
    p[i] = v;
}

// Generic pointers chosen per thread into shared, global, local or constant
// memory; isspacep on each; reads and writes through them; cvta round trips
// and address differences in the shared window.
// @case mem_generic_spaces grid=1 block=128 out=768
extern "C" __global__ void mem_generic_spaces(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int sh[128];
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int loc[16];
    for (int i = 0; i < 16; ++i)
        loc[i] = in[2048 + t * 16u + i];
    sh[t] = v ^ 0xa5a5a5a5u;
    __syncthreads();
    const unsigned int* p;
    unsigned int sel = v % 4u;
    if (sel == 0u)
        p = sh;
    else if (sel == 1u)
        p = in + 4096;
    else if (sel == 2u)
        p = loc;
    else
        p = mem_ctab;
    unsigned int idx = (v >> 8) & 15u;
    out[6 * t + 0] = mem_classify(p) | (mem_classify(out) << 4) | (mem_classify(sh + 1) << 8) |
                     (mem_classify(loc + 2) << 12) | (mem_classify(&mem_g_val) << 16) | (mem_classify(mem_cf) << 20);
    out[6 * t + 1] = mem_read_generic(p, idx);
    mem_write_generic(loc, (v >> 12) & 15u, t);
    out[6 * t + 2] = loc[idx] + loc[(v >> 12) & 15u];
    __syncthreads(); // every read of sh above is done
    mem_write_generic(sh, (t + 1u) & 127u, t * 9u);
    __syncthreads();
    out[6 * t + 3] = sh[t]; // written by thread t-1
    size_t s0 = __cvta_generic_to_shared(&sh[0]);
    size_t s5 = __cvta_generic_to_shared(&sh[5]);
    const void* back = __cvta_shared_to_generic(s5);
    out[6 * t + 4] = (unsigned int)(s5 - s0) | ((back == (const void*)&sh[5]) << 8);
    unsigned long long gen, glob, gen2;
    asm("cvta.to.global.u64 %0, %1;" : "=l"(glob) : "l"(in + 128 + t));
    asm("cvta.global.u64 %0, %1;" : "=l"(gen) : "l"(glob));
    unsigned int rv;
    asm volatile("ld.global.u32 %0, [%1];" : "=r"(rv) : "l"(glob));
    unsigned long long lo;
    asm("cvta.to.local.u64 %0, %1;" : "=l"(lo) : "l"(&loc[3]));
    asm("cvta.local.u64 %0, %1;" : "=l"(gen2) : "l"(lo));
    out[6 * t + 5] = (rv == v) | ((gen == (unsigned long long)(in + 128 + t)) << 1) |
                     ((gen2 == (unsigned long long)&loc[3]) << 2) | (*(const unsigned int*)gen2 == loc[3]) << 3;
}

// Vector loads and stores: uint4, float4, int4, double2, float2, uchar4,
// short2, ushort4, ulonglong2.
// @case mem_vector_ldst grid=1 block=64 out=1536
extern "C" __global__ void mem_vector_ldst(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    const uint4* in4 = (const uint4*)(in + 128);
    uint4 a = in4[t];
    float4 f = ((const float4*)(in + 32))[t & 7u];
    int4 i4 = ((const int4*)(in + 64))[t & 7u];
    double2 d = ((const double2*)(in + 1024))[t];
    float2 f2 = ((const float2*)(in))[t & 15u];
    uchar4 c = ((const uchar4*)(in + 2048))[t];
    short2 s = ((const short2*)(in + 2048))[t + 64u];
    ushort4 h = ((const ushort4*)(in + 4096))[t];
    ulonglong2 q = ((const ulonglong2*)(in + 8192))[t];
    uint4* o4 = (uint4*)(out + 24u * t);
    o4[0] = make_uint4(a.w, a.z ^ i4.x, a.y + (unsigned int)i4.y, a.x - (unsigned int)(i4.z ^ i4.w));
    ((float4*)o4)[1] = make_float4(f.y, f.x + f.w, f.z * 2.0f, -f.w);
    ((double2*)o4)[2] = make_double2(d.y, d.x * 0.5);
    ((float2*)o4)[6] = make_float2(f2.y, f2.x);
    ((uchar4*)o4)[14] = make_uchar4(c.w, c.z, c.y, (unsigned char)(c.x + 1u));
    ((short2*)o4)[15] = make_short2((short)(s.y >> 1), (short)(s.x * 3));
    ((ushort4*)o4)[8] = make_ushort4(h.w, h.z, h.y, h.x);
    ((ulonglong2*)o4)[5] = make_ulonglong2(q.y + 1ull, q.x ^ (q.y >> 3));
}

// 8- and 16-bit loads (signed: sign extension into int) and byte/half
// stores into words prefilled with 0xDEADBEEF.
// @case mem_subword grid=1 block=128 out=640
extern "C" __global__ void mem_subword(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    const signed char* sb = (const signed char*)(in + 128);
    const unsigned char* ub = (const unsigned char*)(in + 128);
    const short* sh = (const short*)(in + 1024);
    const unsigned short* uh = (const unsigned short*)(in + 1024);
    int a = sb[t * 3u + 1u];
    unsigned int b = ub[t * 5u + 2u];
    int c = sh[t * 3u + 1u];
    unsigned int d = uh[t * 7u];
    long long e = (long long)sb[t * 11u]; // s8 -> s64
    out[3 * t + 0] = (unsigned int)a ^ (b << 12);
    out[3 * t + 1] = (unsigned int)c + d;
    out[3 * t + 2] = (unsigned int)(e >> 32) ^ (unsigned int)e;
    // sub-word stores: bytes/halves of the words after 384 (rest stays 0xDEADBEEF)
    unsigned char* ob = (unsigned char*)(out + 384);
    unsigned short* oh = (unsigned short*)(out + 512);
    ob[t * 2u + (t & 1u)] = (unsigned char)(a + (int)b);
    if (t & 1u)
        oh[t] = (unsigned short)(c - (int)d);
}

// Cache-hinted loads (__ldg/__ldcg/__ldca/__ldcs/__ldlu/__ldcv, scalar and
// vector) and stores (__stcg/__stcs/__stwt/__stwb).
// @case mem_cache_hints grid=2 block=64 out=1792
extern "C" __global__ void mem_cache_hints(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int a = __ldg(in + 128 + g);
    unsigned int b = __ldcg(in + 256 + g);
    unsigned int c = __ldca(in + 384 + g);
    unsigned int d = __ldcs(in + 512 + g);
    unsigned int e = __ldlu(in + 640 + g);
    unsigned int f = __ldcv(in + 768 + g);
    float4 fv = __ldg((const float4*)(in + 32) + (g & 7u));
    uint2 uv = __ldcg((const uint2*)(in + 1024) + g);
    unsigned long long q = __ldg((const unsigned long long*)(in + 2048) + g);
    unsigned int* o = out + 10u * g;
    __stcg(o + 0, a ^ b);
    __stcs(o + 1, c + d);
    __stwt(o + 2, e - f);
    __stwb(o + 3, a + f);
    __stcg((uint2*)(o + 4), make_uint2(uv.y, uv.x));
    __stcs((float4*)(out + 1280 + 4u * g), make_float4(fv.w, fv.z, fv.y, fv.x));
    __stwt((unsigned long long*)(o + 6), q + 1ull);
    o[8] = __ldg((const unsigned char*)(in + 4096) + g * 3u) + ((unsigned int)__ldg((const short*)(in + 4096) + g) << 8);
    o[9] = __float_as_uint(__ldg((const float*)in + (g & 31u)));
}

// volatile shared/global accesses (ld.volatile / st.volatile).
// @case mem_volatile grid=1 block=128 out=256
extern "C" __global__ void mem_volatile(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    volatile unsigned int* vs = s;
    volatile unsigned int* vo = out;
    const volatile unsigned int* vi = in;
    unsigned int t = threadIdx.x;
    vs[t] = vi[128 + t];
    __syncthreads();
    unsigned int x = vs[(t + 1u) & 127u];
    unsigned int y = vs[(t + 1u) & 127u]; // must be re-read
    vo[t] = x + y;
    __syncthreads();
    vo[128u + t] = vo[127u - t] ^ vi[64 + (t & 31u)];
}

// Generic -> .global address (cvta.to.global) for asm that names .global.
__device__ __forceinline__ unsigned long long mem_to_global(const void* p)
{
    unsigned long long r;
    asm("cvta.to.global.u64 %0, %1;" : "=l"(r) : "l"(p));
    return r;
}

// Scoped relaxed/acquire/release accesses and fences via asm; every read is
// ordered after the matching write by a barrier, so values are fixed.
// @case mem_scoped_ordering grid=2 block=128 out=768
extern "C" __global__ void mem_scoped_ordering(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[128 + g];
    unsigned int* o = out + 2u * g;
    unsigned int* q = out + 512u + g;
    asm volatile("st.relaxed.gpu.global.u32 [%0], %1;" ::"l"(mem_to_global(o)), "r"(v) : "memory");
    asm volatile("st.release.gpu.global.u32 [%0], %1;" ::"l"(mem_to_global(o + 1)), "r"(v ^ 0xffu) : "memory");
    asm volatile("st.relaxed.cta.shared.u32 [%0], %1;" ::"r"((unsigned int)__cvta_generic_to_shared(&s[t])),
                 "r"(v * 7u)
                 : "memory");
    asm volatile("fence.acq_rel.gpu;" ::: "memory");
    __syncthreads();
    unsigned int base = blockIdx.x * blockDim.x;
    unsigned int a, b, c, d;
    asm volatile("ld.acquire.gpu.global.u32 %0, [%1];"
                 : "=r"(a)
                 : "l"(mem_to_global(out + 2u * (base + (t ^ 1u))))
                 : "memory");
    asm volatile("ld.relaxed.sys.global.u32 %0, [%1];"
                 : "=r"(b)
                 : "l"(mem_to_global(out + 2u * (base + (t ^ 2u)) + 1u))
                 : "memory");
    asm volatile("ld.acquire.cta.shared.u32 %0, [%1];"
                 : "=r"(c)
                 : "r"((unsigned int)__cvta_generic_to_shared(&s[127u - t]))
                 : "memory");
    asm volatile("ld.relaxed.cta.u32 %0, [%1];" : "=r"(d) : "l"(&s[(t + 3u) & 127u]) : "memory"); // generic
    asm volatile("fence.sc.cta;" ::: "memory");
    asm volatile("membar.gl;" ::: "memory");
    __syncthreads();
    asm volatile("st.release.sys.global.u32 [%0], %1;" ::"l"(mem_to_global(q)), "r"(a + b + c + d) : "memory");
}

// Prefetches (global L1/L2, generic prefetchu) followed by normal loads.
// @case mem_prefetch grid=1 block=128 out=128
extern "C" __global__ void mem_prefetch(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    const unsigned int* p = in + 128 + t * 32u;
    unsigned int loc[8];
    for (int i = 0; i < 8; ++i)
        loc[i] = p[i];
    asm volatile("prefetch.global.L1 [%0];" ::"l"(mem_to_global(p)));
    asm volatile("prefetch.global.L2 [%0];" ::"l"(mem_to_global(p + 8)));
    asm volatile("prefetchu.L1 [%0];" ::"l"(p + 16)); // generic
    asm volatile("prefetch.L1 [%0];" ::"l"(p + 24));  // generic
    asm volatile("{\n\t.reg .u64 la;\n\tcvta.to.local.u64 la, %0;\n\tprefetch.local.L1 [la];\n\t}" ::"l"(loc));
    unsigned int acc = 0;
    for (int i = 0; i < 32; ++i)
        acc = acc * 3u + p[i];
    out[t] = acc ^ loc[p[0] & 7u];
}

// __syncwarp exchanges through shared memory and the fence family
// (__threadfence_block, __threadfence, __threadfence_system).
// @case mem_syncwarp_fences grid=2 block=64 out=256
extern "C" __global__ void mem_syncwarp_fences(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[64];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 64u + t;
    unsigned int v = in[128 + g];
    s[t] = v;
    __syncwarp();
    unsigned int a = s[t ^ 31u];
    __syncwarp();
    s[t] = a + 1u;
    __threadfence_block();
    __syncwarp();
    unsigned int b = s[(t & 32u) | ((t + 7u) & 31u)];
    out[4 * g + 0] = a;
    out[4 * g + 1] = b;
    out[4 * g + 2] = v * 5u;
    __threadfence();
    __threadfence_system();
    __syncthreads();
    out[4 * g + 3] = out[4 * (blockIdx.x * 64u + (t ^ 63u)) + 2] ^ s[63u - t];
}

// Naturally aligned struct with padding whose fields look unaligned, a
// packed struct (unaligned 32-bit member), and a 16-byte aligned struct.
struct MemRec {
    unsigned short a;
    unsigned char b[3];
    unsigned char c;
    unsigned int d;
    unsigned char e;
    double f;
};
struct __attribute__((packed)) MemPacked {
    unsigned char a;
    unsigned int b;
    unsigned short c;
    unsigned char d;
};
struct __align__(16) MemAligned {
    unsigned int x, y;
    unsigned long long z;
};

// @case mem_struct_packing grid=1 block=64 out=640
extern "C" __global__ void mem_struct_packing(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    const MemRec* r = (const MemRec*)(in + 1024) + t;
    const MemPacked* p = (const MemPacked*)((const unsigned char*)(in + 4096)) + t; // 8-byte records
    const MemAligned* al = (const MemAligned*)(in + 8192) + t;
    unsigned int* o = out + 6u * t;
    o[0] = r->a + (r->b[0] << 8) + (r->b[2] << 16) + (r->c << 24);
    o[1] = r->d ^ r->e;
    o[2] = (unsigned int)(__double_as_longlong(r->f) >> 20);
    o[3] = p->b + p->a + (p->c << 3) + p->d;
    MemAligned m = *al;
    o[4] = m.x ^ m.y ^ (unsigned int)(m.z >> 16);
    // write structs back out (packed one at an odd-looking offset)
    MemPacked* wp = (MemPacked*)(out + 384) + t; // 64 * 8 bytes = 128 words
    wp->a = (unsigned char)t;
    wp->b = r->d + t;
    wp->c = (unsigned short)p->b;
    wp->d = 0x5a;
    MemRec* wr = (MemRec*)(out + 512);
    if (t < 16u) {
        MemRec x = *r;
        x.e = (unsigned char)(x.e + 1);
        x.b[1] = (unsigned char)t;
        wr[t] = x; // 16 * 24 bytes = 96 words
    }
    o[5] = sizeof(MemRec) | (sizeof(MemPacked) << 8) | (sizeof(MemAligned) << 16);
}

// Wide shared accesses: u64, v2/v4 vectors, half2 and byte lanes, with
// strided (bank-conflicting) patterns.
// @case mem_shared_wide grid=1 block=128 out=640
extern "C" __global__ void mem_shared_wide(const unsigned int* in, unsigned int* out)
{
    __shared__ uint4 s4[128];
    __shared__ unsigned long long s8[256];
    __shared__ __half2 sh[128];
    unsigned int t = threadIdx.x;
    s4[t] = ((const uint4*)(in + 128))[t];
    s8[t] = ((const unsigned long long*)(in + 1024))[t];
    s8[t + 128u] = ((const unsigned long long*)(in + 1024))[t + 128u] ^ 1ull;
    sh[t] = __halves2half2(__ushort_as_half((unsigned short)in[2048 + t]), __ushort_as_half((unsigned short)(in[2048 + t] >> 16)));
    __syncthreads();
    uint4 a = s4[(t * 17u) & 127u];
    uint2 b = ((const uint2*)s4)[(t * 32u + 3u) & 511u];
    unsigned long long c = s8[(t * 2u) & 255u] + s8[255u - t];
    __half2 h = sh[(t + 64u) & 127u];
    unsigned char by = ((const unsigned char*)s8)[t * 13u];
    out[5 * t + 0] = a.x ^ a.w;
    out[5 * t + 1] = a.y + a.z + b.x;
    out[5 * t + 2] = b.y ^ (unsigned int)c ^ (unsigned int)(c >> 32);
    out[5 * t + 3] = ((unsigned int)__half_as_ushort(__high2half(h)) << 16) | __half_as_ushort(__low2half(h));
    out[5 * t + 4] = by;
}

// Local array of structs with dynamic indexing (st.local/ld.local of mixed
// widths).
struct MemLocalRec {
    unsigned char tag;
    unsigned short cnt;
    unsigned int val;
    unsigned long long sum;
};

// @case mem_local_structs grid=1 block=64 out=192
extern "C" __global__ void mem_local_structs(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    MemLocalRec recs[8];
    for (int i = 0; i < 8; ++i) {
        unsigned int w = in[1024 + t * 8u + i];
        recs[i].tag = (unsigned char)w;
        recs[i].cnt = 0;
        recs[i].val = w;
        recs[i].sum = 0;
    }
    unsigned int idx = in[128 + t] & 7u;
    for (int k = 0; k < 12; ++k) {
        MemLocalRec& r = recs[idx];
        r.cnt++;
        r.sum += r.val;
        r.val = r.val * 2654435761u + r.tag;
        idx = (r.val >> 13) & 7u;
    }
    unsigned int a = 0, b = 0, c = 0;
    for (int i = 0; i < 8; ++i) {
        a = a * 3u + recs[i].cnt;
        b ^= (unsigned int)recs[i].sum ^ (unsigned int)(recs[i].sum >> 32);
        c += recs[i].tag;
    }
    out[3 * t] = a;
    out[3 * t + 1] = b;
    out[3 * t + 2] = c;
}
