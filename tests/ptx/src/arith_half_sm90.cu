// @min_sm 90
// sm_86/sm_90 half-precision ops: add/sub/mul .bf16/.bf16x2 (sm_90),
// min/max .xorsign.abs for f32/f16/f16x2/bf16/bf16x2 (sm_86),
// setp/set on bf16x2, ex2.approx.ftz.bf16(x2) and tanh.approx.bf16(x2)
// (sm_90, with tolerances) and their exact special cases.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// bf16x2 operand: integer specials as raw pairs, near-1 random,
// subnormal, cancellation partner (which==1: -a with low bits perturbed),
// raw random words.
static __device__ __forceinline__ unsigned int bsrc(const unsigned int* in, unsigned int t, unsigned int which) {
    unsigned int k = t & 511;
    unsigned int w = in[22000 + k * 3 + which];
    switch (k >> 6) {
    case 0: return in[64 + ((k + which * 29) & 63)];
    case 1: return in[(k + which * 19) & 63];  // f32 specials: hi half is the bf16 value
    case 2:
    case 3: return (w & 0x807f807fu) | ((124u + (w >> 7) % 7u) << 7) | ((124u + (w >> 23) % 7u) << 23);
    case 4: return w & 0x807f807fu;
    case 5: {
        unsigned int w0 = in[22000 + k * 3];
        unsigned int a = (w0 & 0x807f807fu) | ((120u + (w0 >> 7) % 15u) << 7) | ((120u + (w0 >> 23) % 15u) << 23);
        return which == 1 ? (a ^ 0x80008000u ^ (w & 0x00030003u)) : which == 0 ? a : w;
    }
    default: return w;
    }
}

// words: add.rn.bf16x2, sub.rn.bf16x2, mul.rn.bf16x2, add.bf16x2 (default
//        rounding), add.rn.bf16|sub.rn.bf16, mul.rn.bf16|mul.bf16
// @case arith_half90_bf16_arith grid=2 block=256 out=3072
extern "C" __global__ void arith_half90_bf16_arith(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = bsrc(in, t, 0), b = bsrc(in, t, 1);
    unsigned short ah = (unsigned short)(a >> ((t & 1) * 16)), bh = (unsigned short)(b >> ((t & 1) * 16));
    unsigned int r[4];
    unsigned short h[4];
    asm volatile("add.rn.bf16x2 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("sub.rn.bf16x2 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("mul.rn.bf16x2 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("add.bf16x2 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    asm volatile("add.rn.bf16 %0, %1, %2;" : "=h"(h[0]) : "h"(ah), "h"(bh));
    asm volatile("sub.rn.bf16 %0, %1, %2;" : "=h"(h[1]) : "h"(ah), "h"(bh));
    asm volatile("mul.rn.bf16 %0, %1, %2;" : "=h"(h[2]) : "h"(ah), "h"(bh));
    asm volatile("mul.bf16 %0, %1, %2;" : "=h"(h[3]) : "h"(ah), "h"((unsigned short)(b >> 16)));
    for (int j = 0; j < 4; j++) out[t * 6 + j] = r[j];
    out[t * 6 + 4] = h[0] | ((unsigned int)h[1] << 16);
    out[t * 6 + 5] = h[2] | ((unsigned int)h[3] << 16);
}

// xorsign.abs: result magnitude as min/max of |a|,|b|, sign = sign(a)^sign(b).
// words: min.xorsign.abs.f32, max.xorsign.abs.f32, min.xorsign.abs.f16x2,
//        max.xorsign.abs.bf16x2, min.xorsign.abs.f16|max.xorsign.abs.bf16,
//        min.NaN.xorsign.abs.f32
// @case arith_half90_xorsign grid=2 block=256 out=3072
extern "C" __global__ void arith_half90_xorsign(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = bsrc(in, t, 0), b = bsrc(in, t, 1);
    float fa = __uint_as_float(a), fb = __uint_as_float(b);
    float f0, f1, f2;
    unsigned int r2, r3;
    unsigned short h0, h1;
    asm volatile("min.xorsign.abs.f32 %0, %1, %2;" : "=f"(f0) : "f"(fa), "f"(fb));
    asm volatile("max.xorsign.abs.f32 %0, %1, %2;" : "=f"(f1) : "f"(fa), "f"(fb));
    asm volatile("min.xorsign.abs.f16x2 %0, %1, %2;" : "=r"(r2) : "r"(a), "r"(b));
    asm volatile("max.xorsign.abs.bf16x2 %0, %1, %2;" : "=r"(r3) : "r"(a), "r"(b));
    asm volatile("min.xorsign.abs.f16 %0, %1, %2;" : "=h"(h0) : "h"((unsigned short)a), "h"((unsigned short)b));
    asm volatile("max.xorsign.abs.bf16 %0, %1, %2;" : "=h"(h1) : "h"((unsigned short)(a >> 16)), "h"((unsigned short)(b >> 16)));
    asm volatile("min.NaN.xorsign.abs.f32 %0, %1, %2;" : "=f"(f2) : "f"(fa), "f"(fb));
    out[t * 6] = __float_as_uint(f0);
    out[t * 6 + 1] = __float_as_uint(f1);
    out[t * 6 + 2] = r2;
    out[t * 6 + 3] = r3;
    out[t * 6 + 4] = h0 | ((unsigned int)h1 << 16);
    out[t * 6 + 5] = __float_as_uint(f2);
}

// setp.bf16x2 / set.bf16x2 comparisons, bits as in arith_half_setp.
#define B2SETP_BITS(cmp, bit)                                                                     \
    "setp." cmp ".bf16x2 p|q, %2, %3;\n\t selp.u32 w, " #bit ", 0, p;\n\t or.b32 %0, %0, w;\n\t"   \
    "selp.u32 w, " #bit ", 0, q;\n\t or.b32 %1, %1, w;\n\t"
// @case arith_half90_bf16_setp grid=2 block=256 out=1536
extern "C" __global__ void arith_half90_bf16_setp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = bsrc(in, t, 0), b = bsrc(in, t, 1);
    unsigned int r0, r1, r2;
    asm volatile(
        "{\n\t.reg .pred p, q;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\tmov.u32 %1, 0;\n\t"
        B2SETP_BITS("eq", 1) B2SETP_BITS("ne", 2) B2SETP_BITS("lt", 4) B2SETP_BITS("le", 8)
        B2SETP_BITS("gt", 16) B2SETP_BITS("ge", 32) B2SETP_BITS("equ", 64) B2SETP_BITS("neu", 128)
        B2SETP_BITS("ltu", 256) B2SETP_BITS("leu", 512) B2SETP_BITS("gtu", 1024) B2SETP_BITS("geu", 2048)
        B2SETP_BITS("num", 4096) B2SETP_BITS("nan", 8192)
        "}"
        : "=r"(r0), "=r"(r1) : "r"(a), "r"(b));
    asm volatile("set.ltu.bf16x2.bf16x2 %0, %1, %2;" : "=r"(r2) : "r"(a), "r"(b));
    out[t * 3] = r0; out[t * 3 + 1] = r1; out[t * 3 + 2] = r2;
}

// PTX ISA: ex2.approx.ftz.bf16/bf16x2 (sm_90) max relative error 2^-7
// (bf16 has 8 significant bits). bf16 -> f32 is exact (<< 16); in f32
// ulps 2^-7 * 2^24 = 131072 -> tol = 140000. Inputs |x| < 8.
// @case arith_half90_ex2_bf16 grid=1 block=256 out=768 tol=ulp:140000
extern "C" __global__ void arith_half90_ex2_bf16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[24000 + t];
    unsigned int x2 = (w & 0x807f807fu) | ((120u + (w >> 7) % 10u) << 7) | ((120u + (w >> 23) % 10u) << 23);  // 2^-7..2^2
    unsigned short h;
    unsigned int r2;
    asm volatile("ex2.approx.ftz.bf16 %0, %1;" : "=h"(h) : "h"((unsigned short)x2));
    asm volatile("ex2.approx.ftz.bf16x2 %0, %1;" : "=r"(r2) : "r"(x2));
    out[t * 3] = (unsigned int)h << 16;
    out[t * 3 + 1] = r2 << 16;
    out[t * 3 + 2] = r2 & 0xffff0000u;
}

// PTX ISA: tanh.approx.bf16/bf16x2 (sm_90): approximate; bf16 ulp in
// [0.5, 1) is 2^-8 -> absolute tolerance 0.008 (~2 bf16 ulps).
// Inputs |x| in [2^-4, 8).
// @case arith_half90_tanh_bf16 grid=1 block=256 out=768 tol=abs:0.008
extern "C" __global__ void arith_half90_tanh_bf16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[25000 + t];
    unsigned int x2 = (w & 0x807f807fu) | ((123u + (w >> 7) % 7u) << 7) | ((123u + (w >> 23) % 7u) << 23);
    unsigned short h;
    unsigned int r2;
    asm volatile("tanh.approx.bf16 %0, %1;" : "=h"(h) : "h"((unsigned short)x2));
    asm volatile("tanh.approx.bf16x2 %0, %1;" : "=r"(r2) : "r"(x2));
    out[t * 3] = (unsigned int)h << 16;
    out[t * 3 + 1] = r2 << 16;
    out[t * 3 + 2] = r2 & 0xffff0000u;
}

// Exact specials: ex2(+-0)=1, ex2(-inf)=+0, ex2(+inf)=+inf, ex2(NaN)=NaN,
// subnormal (ftz) -> 1; tanh(+-0)=+-0, tanh(+-inf)=+-1.
// Inputs: 0x0000 0x8000 0x7f80 0xff80 0x7fc0 0xffc0 0x0001 0x8040
// words: ex2.bf16 | tanh.bf16, ex2.bf16x2, tanh.bf16x2
// @case arith_half90_approx_special grid=1 block=8 out=24
extern "C" __global__ void arith_half90_approx_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int z = in[64];
    unsigned short x = (unsigned short)(z | (t == 0 ? 0x0000u : t == 1 ? 0x8000u : t == 2 ? 0x7f80u : t == 3 ? 0xff80u : t == 4 ? 0x7fc0u : t == 5 ? 0xffc0u : t == 6 ? 0x0001u : 0x8040u));
    unsigned int x2 = (unsigned int)x | ((unsigned int)(x ^ 0x8000u) << 16);
    unsigned short r0, r2;
    unsigned int r1, r3;
    asm volatile("ex2.approx.ftz.bf16 %0, %1;" : "=h"(r0) : "h"(x));
    asm volatile("ex2.approx.ftz.bf16x2 %0, %1;" : "=r"(r1) : "r"(x2));
    asm volatile("tanh.approx.bf16 %0, %1;" : "=h"(r2) : "h"(x));
    asm volatile("tanh.approx.bf16x2 %0, %1;" : "=r"(r3) : "r"(x2));
    // tanh of subnormals is not ISA-defined exactly: zero those words
    if (t >= 6) { r2 = 0; r3 = 0; }
    out[t * 3] = r0 | ((unsigned int)r2 << 16);
    out[t * 3 + 1] = r1;
    out[t * 3 + 2] = r3;
}
