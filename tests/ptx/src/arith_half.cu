// f16 / f16x2 arithmetic available on sm_75: add/sub/mul/fma with .rn,
// .ftz, .sat; neg/abs; setp.f16 / setp.f16x2 (incl. .and/.or combiners
// and unordered comparisons); set.f16x2; mov.b32 packing/unpacking;
// cuda_fp16.h intrinsics (__hadd2, __hfma2, __hmul_sat ...);
// ex2.approx.f16/.f16x2 and tanh.approx.f16/.f16x2 with tolerances.
#include <cuda_fp16.h>

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// f16 specials built from f32 specials: (cvt.rn.f16.f32 gives +-0, +-1,
// +-inf, NaN, 0.5, 1.5, 2.5 ...)
static __device__ __forceinline__ unsigned short f2h(float f) {
    unsigned short h;
    asm volatile("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}
// f16x2 operand: t<64 integer specials as raw pairs (0xffff, 0x7fff.., 0x8000,
// 0x0001 ...), t<128 pairs of f32 specials/grid values converted, t<192
// halves near 1.0 (random mantissa, exponents 12..18), t<256 tiny
// (f16 subnormal / min normal), else raw random words.
static __device__ __forceinline__ unsigned int h2src(const unsigned int* in, unsigned int t, unsigned int which) {
    unsigned int k = t & 511;
    unsigned int w = in[14000 + k * 3 + which];
    switch (k >> 6) {
    case 0: return in[64 + ((k + which * 29) & 63)];
    case 1: return (unsigned int)f2h(__uint_as_float(in[(k + which * 17) & 63])) |
                   ((unsigned int)f2h(__uint_as_float(in[(k * 3 + which * 5 + 1) & 63])) << 16);
    case 2:
    case 3: return (w & 0x83ff83ffu) | ((12u + (w >> 10) % 7u) << 10) | ((12u + (w >> 26) % 7u) << 26);
    case 4: return (w & 0x83ff83ffu) | (((w >> 10) & 1u) << 10) | (((w >> 26) & 1u) << 26);
    case 5: return (w & 0x83ff83ffu) | ((27u + (w >> 10) % 4u) << 10) | ((27u + (w >> 26) % 4u) << 26);  // near 65504
    default: return w;
    }
}

// ---------------------------------------------------------------- scalar f16
// 16-bit results packed two per word (lo, hi): add.rn|add.ftz,
// add.sat|sub.rn, sub.ftz.sat|mul.rn, mul.ftz|mul.sat, fma.rn|fma.rn.ftz,
// fma.rn.sat|fma.rn.ftz.sat, neg|abs, add (default rounding)|input a
// @case arith_half_f16 grid=2 block=256 out=4096
extern "C" __global__ void arith_half_f16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int wa = h2src(in, t, 0), wb = h2src(in, t, 1), wc = h2src(in, t, 2);
    unsigned short a = (unsigned short)wa, b = (unsigned short)wb, c = (unsigned short)(wc >> 16);
    if (t & 1) { a = (unsigned short)(wa >> 16); b = (unsigned short)(wb >> 16); }
    unsigned short r[15];
    asm volatile("add.rn.f16 %0, %1, %2;" : "=h"(r[0]) : "h"(a), "h"(b));
    asm volatile("add.ftz.f16 %0, %1, %2;" : "=h"(r[1]) : "h"(a), "h"(b));
    asm volatile("add.sat.f16 %0, %1, %2;" : "=h"(r[2]) : "h"(a), "h"(b));
    asm volatile("sub.rn.f16 %0, %1, %2;" : "=h"(r[3]) : "h"(a), "h"(b));
    asm volatile("sub.ftz.sat.f16 %0, %1, %2;" : "=h"(r[4]) : "h"(a), "h"(b));
    asm volatile("mul.rn.f16 %0, %1, %2;" : "=h"(r[5]) : "h"(a), "h"(b));
    asm volatile("mul.ftz.f16 %0, %1, %2;" : "=h"(r[6]) : "h"(a), "h"(b));
    asm volatile("mul.sat.f16 %0, %1, %2;" : "=h"(r[7]) : "h"(a), "h"(b));
    asm volatile("fma.rn.f16 %0, %1, %2, %3;" : "=h"(r[8]) : "h"(a), "h"(b), "h"(c));
    asm volatile("fma.rn.ftz.f16 %0, %1, %2, %3;" : "=h"(r[9]) : "h"(a), "h"(b), "h"(c));
    asm volatile("fma.rn.sat.f16 %0, %1, %2, %3;" : "=h"(r[10]) : "h"(a), "h"(b), "h"(c));
    asm volatile("fma.rn.ftz.sat.f16 %0, %1, %2, %3;" : "=h"(r[11]) : "h"(a), "h"(b), "h"(c));
    asm volatile("neg.f16 %0, %1;" : "=h"(r[12]) : "h"(a));
    asm volatile("abs.f16 %0, %1;" : "=h"(r[13]) : "h"(b));
    asm volatile("add.f16 %0, %1, %2;" : "=h"(r[14]) : "h"(a), "h"(c));
    for (int j = 0; j < 7; j++) out[t * 8 + j] = (unsigned int)r[2 * j] | ((unsigned int)r[2 * j + 1] << 16);
    out[t * 8 + 7] = (unsigned int)r[14] | ((unsigned int)a << 16);
}

// ---------------------------------------------------------------- f16x2
// words: add.rn, add.ftz.sat, sub.rn, sub.sat, mul.rn, mul.ftz, fma.rn,
//        fma.rn.ftz.sat
// @case arith_half_f16x2 grid=2 block=256 out=4096
extern "C" __global__ void arith_half_f16x2(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = h2src(in, t, 0), b = h2src(in, t, 1), c = h2src(in, t, 2);
    unsigned int r[8];
    asm volatile("add.rn.f16x2 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("add.ftz.sat.f16x2 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("sub.rn.f16x2 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("sub.sat.f16x2 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    asm volatile("mul.rn.f16x2 %0, %1, %2;" : "=r"(r[4]) : "r"(a), "r"(b));
    asm volatile("mul.ftz.f16x2 %0, %1, %2;" : "=r"(r[5]) : "r"(a), "r"(b));
    asm volatile("fma.rn.f16x2 %0, %1, %2, %3;" : "=r"(r[6]) : "r"(a), "r"(b), "r"(c));
    asm volatile("fma.rn.ftz.sat.f16x2 %0, %1, %2, %3;" : "=r"(r[7]) : "r"(a), "r"(b), "r"(c));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// neg/abs f16x2 and .ftz forms, mov.b32 packing, cuda_fp16.h intrinsics.
// words: neg.f16x2, abs.f16x2, neg.ftz.f16x2, abs.ftz.f16x2,
//        mov.b32 {hi,lo} swap, __hadd2, __hfma2, __hmul2_sat
// @case arith_half_f16x2_misc grid=2 block=256 out=4096
extern "C" __global__ void arith_half_f16x2_misc(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = h2src(in, t, 0), b = h2src(in, t, 1), c = h2src(in, t, 2);
    unsigned int r[8];
    asm volatile("neg.f16x2 %0, %1;" : "=r"(r[0]) : "r"(a));
    asm volatile("abs.f16x2 %0, %1;" : "=r"(r[1]) : "r"(a));
    asm volatile("neg.ftz.f16x2 %0, %1;" : "=r"(r[2]) : "r"(b));
    asm volatile("abs.ftz.f16x2 %0, %1;" : "=r"(r[3]) : "r"(b));
    asm volatile("{\n\t.reg .b16 lo, hi;\n\tmov.b32 {lo, hi}, %1;\n\tmov.b32 %0, {hi, lo};\n\t}" : "=r"(r[4]) : "r"(a));
    __half2 ha = *reinterpret_cast<__half2*>(&a), hb = *reinterpret_cast<__half2*>(&b), hc = *reinterpret_cast<__half2*>(&c);
    __half2 x = __hadd2(ha, hb), y = __hfma2(ha, hb, hc), z = __hmul2_sat(ha, hc);
    r[5] = *reinterpret_cast<unsigned int*>(&x);
    r[6] = *reinterpret_cast<unsigned int*>(&y);
    r[7] = *reinterpret_cast<unsigned int*>(&z);
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// ---------------------------------------------------------------- setp / set
#define HSETP_BIT(cmp, bit) "setp." cmp ".f16 p, %1, %2;\n\t selp.u32 w, " #bit ", 0, p;\n\t or.b32 %0, %0, w;\n\t"
#define H2SETP_BITS(cmp, bit)                                                                     \
    "setp." cmp ".f16x2 p|q, %2, %3;\n\t selp.u32 w, " #bit ", 0, p;\n\t or.b32 %0, %0, w;\n\t"     \
    "selp.u32 w, " #bit ", 0, q;\n\t or.b32 %1, %1, w;\n\t"

// word0: 14 scalar f16 comparisons (bit order eq ne lt le gt ge equ neu
// ltu leu gtu geu num nan); word1/2: f16x2 comparisons (lo half / hi half
// predicate); word3: set.f16x2 / set.u32.f16x2 / combiners
// @case arith_half_setp grid=2 block=256 out=2048
extern "C" __global__ void arith_half_setp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = h2src(in, t, 0), b = h2src(in, t, 1);
    if (t < 64) b = (a >> 16) | (in[64 + (t >> 3)] << 16);
    unsigned short ah = (unsigned short)a, bh = (unsigned short)b;
    unsigned int r0, r1, r2, r3;
    asm volatile(
        "{\n\t.reg .pred p;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\t"
        HSETP_BIT("eq", 1) HSETP_BIT("ne", 2) HSETP_BIT("lt", 4) HSETP_BIT("le", 8)
        HSETP_BIT("gt", 16) HSETP_BIT("ge", 32) HSETP_BIT("equ", 64) HSETP_BIT("neu", 128)
        HSETP_BIT("ltu", 256) HSETP_BIT("leu", 512) HSETP_BIT("gtu", 1024) HSETP_BIT("geu", 2048)
        HSETP_BIT("num", 4096) HSETP_BIT("nan", 8192)
        "}"
        : "=r"(r0) : "h"(ah), "h"(bh));
    asm volatile(
        "{\n\t.reg .pred p, q;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\tmov.u32 %1, 0;\n\t"
        H2SETP_BITS("eq", 1) H2SETP_BITS("ne", 2) H2SETP_BITS("lt", 4) H2SETP_BITS("le", 8)
        H2SETP_BITS("gt", 16) H2SETP_BITS("ge", 32) H2SETP_BITS("equ", 64) H2SETP_BITS("neu", 128)
        H2SETP_BITS("ltu", 256) H2SETP_BITS("leu", 512) H2SETP_BITS("gtu", 1024) H2SETP_BITS("geu", 2048)
        H2SETP_BITS("num", 4096) H2SETP_BITS("nan", 8192)
        "}"
        : "=r"(r1), "=r"(r2) : "r"(a), "r"(b));
    asm volatile(
        "{\n\t.reg .pred c, p, q;\n\t.reg .b32 x, y;\n\t"
        "setp.ne.u32 c, %3, 0;\n\t"
        "set.lt.f16x2.f16x2 x, %1, %2;\n\t"
        "set.gtu.and.u32.f16x2 y, %1, %2, c;\n\t"
        "xor.b32 %0, x, y;\n\t"
        "setp.le.or.f16 p, %4, %5, c;\n\t"
        "@p xor.b32 %0, %0, 0x1000;\n\t"
        "setp.neu.and.ftz.f16x2 p|q, %1, %2, !c;\n\t"
        "@p xor.b32 %0, %0, 0x2000;\n\t"
        "@q xor.b32 %0, %0, 0x4000;\n\t"
        "}"
        : "=r"(r3) : "r"(a), "r"(b), "r"(t & 2), "h"(ah), "h"(bh));
    out[t * 4] = r0; out[t * 4 + 1] = r1; out[t * 4 + 2] = r2; out[t * 4 + 3] = r3;
}

// ---------------------------------------------------------------- approx
// PTX ISA: ex2.approx.f16/f16x2 (sm_75) max relative error 2^-9.9.
// Results converted to f32 (exact) and compared in f32 ulps:
// 2^-9.9 * 2^24 ~ 17560 f32 ulps -> tol = 18000. Inputs |x| < 15 so
// results are f16 normals (2^-15 .. 2^15).
// @case arith_half_ex2 grid=1 block=256 out=768 tol=ulp:18000
extern "C" __global__ void arith_half_ex2(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[16000 + t];
    // f16 with exponent 2^-8 .. 2^3 (|x| < 16), then clamp below 15
    unsigned short x = (unsigned short)((w & 0x83ffu) | ((7u + (w >> 10) % 11u) << 10));
    unsigned short y = (unsigned short)(((w >> 16) & 0x83ffu) | ((7u + (w >> 26) % 11u) << 10));
    if ((x & 0x7fffu) >= 0x4b80u) x = (unsigned short)((x & 0x8000u) | 0x4b00u);
    if ((y & 0x7fffu) >= 0x4b80u) y = (unsigned short)((y & 0x8000u) | 0x4b00u);
    unsigned short r;
    unsigned int r2;
    asm volatile("ex2.approx.f16 %0, %1;" : "=h"(r) : "h"(x));
    asm volatile("ex2.approx.f16x2 %0, %1;" : "=r"(r2) : "r"((unsigned int)x | ((unsigned int)y << 16)));
    float f0, f1, f2;
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f0) : "h"(r));
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f1) : "h"((unsigned short)r2));
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f2) : "h"((unsigned short)(r2 >> 16)));
    out[t * 3] = __float_as_uint(f0);
    out[t * 3 + 1] = __float_as_uint(f1);
    out[t * 3 + 2] = __float_as_uint(f2);
}

// PTX ISA: tanh.approx.f16/f16x2 (sm_75) max absolute error 2^-10.987
// (documented as ~2^-11 relative-style bound); inputs |x| in [2^-4, 8).
// Compared as f32 with an absolute tolerance of 2^-9 (~0.00195).
// @case arith_half_tanh grid=1 block=256 out=768 tol=abs:0.002
extern "C" __global__ void arith_half_tanh(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[17000 + t];
    unsigned short x = (unsigned short)((w & 0x83ffu) | ((11u + (w >> 10) % 7u) << 10));
    unsigned short y = (unsigned short)(((w >> 16) & 0x83ffu) | ((11u + (w >> 26) % 7u) << 10));
    unsigned short r;
    unsigned int r2;
    asm volatile("tanh.approx.f16 %0, %1;" : "=h"(r) : "h"(x));
    asm volatile("tanh.approx.f16x2 %0, %1;" : "=r"(r2) : "r"((unsigned int)x | ((unsigned int)y << 16)));
    float f0, f1, f2;
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f0) : "h"(r));
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f1) : "h"((unsigned short)r2));
    asm volatile("cvt.f32.f16 %0, %1;" : "=f"(f2) : "h"((unsigned short)(r2 >> 16)));
    out[t * 3] = __float_as_uint(f0);
    out[t * 3 + 1] = __float_as_uint(f1);
    out[t * 3 + 2] = __float_as_uint(f2);
}

// Exact specials of the f16 approximations: ex2(+-0)=1, ex2(-inf)=+0,
// ex2(+inf)=+inf, ex2(NaN)=NaN; tanh(+-0)=+-0, tanh(+-inf)=+-1, NaN.
// Thread t: inputs 0x0000 0x8000 0x7c00 0xfc00 0x7e00 0xfe00 (x2 halves).
// words: ex2.f16, ex2.f16x2, tanh.f16, tanh.f16x2
// @case arith_half_approx_special grid=1 block=8 out=32
extern "C" __global__ void arith_half_approx_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int z = in[64];
    unsigned short x = (unsigned short)(z | (t == 0 ? 0x0000u : t == 1 ? 0x8000u : t == 2 ? 0x7c00u : t == 3 ? 0xfc00u : t == 4 ? 0x7e00u : 0xfe00u));
    unsigned int x2 = (unsigned int)x | ((unsigned int)(x ^ 0x8000u) << 16);
    unsigned short r0, r2;
    unsigned int r1, r3;
    asm volatile("ex2.approx.f16 %0, %1;" : "=h"(r0) : "h"(x));
    asm volatile("ex2.approx.f16x2 %0, %1;" : "=r"(r1) : "r"(x2));
    asm volatile("tanh.approx.f16 %0, %1;" : "=h"(r2) : "h"(x));
    asm volatile("tanh.approx.f16x2 %0, %1;" : "=r"(r3) : "r"(x2));
    out[t * 4] = r0; out[t * 4 + 1] = r1; out[t * 4 + 2] = r2; out[t * 4 + 3] = r3;
}
