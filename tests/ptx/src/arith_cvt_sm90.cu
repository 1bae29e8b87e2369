// @min_sm 90
// sm_89/sm_90 conversions: f32x2 / f16x2 -> e4m3x2 / e5m2x2 (satfinite,
// relu), e4m3x2 / e5m2x2 -> f16x2 (exhaustive over all 256 byte values),
// bf16 <-> f16 / f64 / int, cvt.rXi.bf16.bf16, cvt.rn/rz.tf32.f32,
// cvt.rna.satfinite.tf32.f32.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ float U2F(unsigned int u) { return __uint_as_float(u); }

// f32 sources scaled into fp8 ranges (e4m3 max 448, min subnormal 2^-9;
// e5m2 max 57344, min subnormal 2^-16) plus specials and raw words.
static __device__ __forceinline__ float f8src(const unsigned int* in, unsigned int t) {
    unsigned int w = in[20000 + t];
    switch ((t >> 6) & 7) {
    case 0: return U2F(in[t & 63]);
    case 1:
    case 2: return U2F((w & 0x807fffffu) | ((110u + ((w >> 23) % 28u)) << 23));  // 2^-17..2^10
    case 3: return U2F((w & 0x800fffffu) | ((117u + ((w >> 23) % 23u)) << 23) | ((t & 1) ? 0x00080000u : 0x00100000u));  // ties-ish
    case 4: return U2F((w & 0x803fffffu) | 0x43c00000u);  // around 384..512 (e4m3 overflow)
    case 5: return U2F((w & 0x807fffffu) | 0x47600000u);  // around 57344.. (e5m2 overflow)
    case 6: return U2F((w & 0x807fffffu) | ((100u + ((w >> 23) % 20u)) << 23));  // tiny
    default: return U2F(w);
    }
}

#define CV2(dst, ins, a, b) do { unsigned short _h; asm volatile(ins " %0, %1, %2;" : "=h"(_h) : "f"(a), "f"(b)); dst = _h; } while (0)
#define CVX(dst, ins, dc, sc, src) do { unsigned int _r; asm volatile(ins " %0, %1;" : dc(_r) : sc(src)); dst = _r; } while (0)
#define CVH(dst, ins, src_c, src) do { unsigned short _h; asm volatile(ins " %0, %1;" : "=h"(_h) : src_c(src)); dst = _h; } while (0)
#define CVR(dst, ins, src_c, src) do { unsigned int _r; asm volatile(ins " %0, %1;" : "=r"(_r) : src_c(src)); dst = _r; } while (0)

// words: e4m3x2.f32 rn.satfinite, relu; e5m2x2.f32 rn.satfinite, relu;
//        e4m3x2.f16x2, e5m2x2.f16x2 (from cvt.rn.f16x2.f32 of the same pair)
// @case arith_cvt90_fp8_from grid=2 block=256 out=3072
extern "C" __global__ void arith_cvt90_fp8_from(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = f8src(in, t), b = f8src(in, (t * 101 + 7) & 511);
    unsigned int* o = out + t * 6;
    CV2(o[0], "cvt.rn.satfinite.e4m3x2.f32", a, b);
    CV2(o[1], "cvt.rn.satfinite.relu.e4m3x2.f32", a, b);
    CV2(o[2], "cvt.rn.satfinite.e5m2x2.f32", a, b);
    CV2(o[3], "cvt.rn.satfinite.relu.e5m2x2.f32", a, b);
    unsigned int h2;
    asm volatile("cvt.rn.f16x2.f32 %0, %1, %2;" : "=r"(h2) : "f"(a), "f"(b));
    if (t >= 448) h2 = in[20000 + t];  // raw f16x2 patterns (NaN/inf halves)
    CVH(o[4], "cvt.rn.satfinite.e4m3x2.f16x2", "r", h2);
    CVH(o[5], "cvt.rn.satfinite.e5m2x2.f16x2", "r", h2);
}

// Exhaustive fp8 -> f16x2: thread t decodes bytes (t, t ^ 0x5a).
// @case arith_cvt90_fp8_to grid=1 block=256 out=512
extern "C" __global__ void arith_cvt90_fp8_to(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned short p = (unsigned short)((t | ((t ^ 0x5au) << 8)) ^ in[64]);
    unsigned int r0, r1;
    asm volatile("cvt.rn.f16x2.e4m3x2 %0, %1;" : "=r"(r0) : "h"(p));
    asm volatile("cvt.rn.f16x2.e5m2x2 %0, %1;" : "=r"(r1) : "h"(p));
    out[t * 2] = r0;
    out[t * 2 + 1] = r1;
}

// bf16 <-> f16 / f64 / s32, integral rounding of bf16, tf32 rn/rz.
// words: rn.bf16.f16, rn.f16.bf16, rni rzi rmi rpi .bf16.bf16,
//        rn.bf16.s32, rzi.s32.bf16, f64.bf16 (2), rn.bf16.f64,
//        rn.tf32.f32, rz.tf32.f32, rna.satfinite.tf32.f32, rn.bf16.f32 of x
// @case arith_cvt90_bf16 grid=1 block=256 out=4096
extern "C" __global__ void arith_cvt90_bf16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = t < 64 ? in[64 + t] : in[30000 + t];
    unsigned short h = (unsigned short)(w ^ (w >> 16));  // any 16-bit pattern
    unsigned int iv = t < 64 ? in[64 + t] : (in[31000 + t] >> (t & 31));
    float x = f8src(in, t * 2 + 1) * 1.0e30f * (float)(t & 1) + f8src(in, t * 2);
    double d = (double)x * (1.0 + 0x1p-40 * (double)(t & 3));
    unsigned int* o = out + t * 16;
    CVH(o[0], "cvt.rn.bf16.f16", "h", h);
    CVH(o[1], "cvt.rn.f16.bf16", "h", h);
    CVH(o[2], "cvt.rni.bf16.bf16", "h", h);
    CVH(o[3], "cvt.rzi.bf16.bf16", "h", h);
    CVH(o[4], "cvt.rmi.bf16.bf16", "h", h);
    CVH(o[5], "cvt.rpi.bf16.bf16", "h", h);
    CVH(o[6], "cvt.rn.bf16.s32", "r", iv);
    CVR(o[7], "cvt.rzi.s32.bf16", "h", h);
    { double dd; asm volatile("cvt.f64.bf16 %0, %1;" : "=d"(dd) : "h"(h)); unsigned long long l = __double_as_longlong(dd); o[8] = (unsigned int)l; o[9] = (unsigned int)(l >> 32); }
    CVH(o[10], "cvt.rn.bf16.f64", "d", d);
    CVR(o[11], "cvt.rn.tf32.f32", "f", x);
    CVR(o[12], "cvt.rz.tf32.f32", "f", x);
    CVR(o[13], "cvt.rna.satfinite.tf32.f32", "f", x);
    CVH(o[14], "cvt.rn.bf16.f32", "f", x);
    o[15] = __float_as_uint(x);
}
