// cvt: every integer<->integer pair (u8 u16 u32 u64 s8 s16 s32 s64) with
// and without .sat, float->int with all integer rounding modes (NaN, inf,
// out of range, ties, subnormals with/without .ftz), int->float with all
// rounding modes, cvt.rXi.f32.f32 / .ftz / .sat, f32<->f16 and f64<->f16
// with every rounding mode, f16<->int, and cvt.pack.sat.
// 8/16-bit destinations are written both into 16-bit and 32-bit registers
// (the latter shows the sign/zero extension the hardware applies).

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ float U2F(unsigned int u) { return __uint_as_float(u); }
static __device__ __forceinline__ unsigned int F2U(float f) { return __float_as_uint(f); }
static __device__ __forceinline__ void st64(unsigned int* out, unsigned int idx, unsigned long long v) {
    out[idx] = (unsigned int)v;
    out[idx + 1] = (unsigned int)(v >> 32);
}
static __device__ __forceinline__ unsigned int ival(const unsigned int* in, unsigned int t) {
    return t < 64 ? in[64 + t] : in[128 + t * 5];
}

// Helpers: 32-bit destination "r", 16-bit destination "h", 64-bit "l".
// (statement macros, no GNU statement-expressions, so NVRTC is happy)
#define CVR(dst, ins, src_c, src) do { unsigned int _r; asm volatile(ins " %0, %1;" : "=r"(_r) : src_c(src)); dst = _r; } while (0)
#define CVH(dst, ins, src_c, src) do { unsigned short _h; asm volatile(ins " %0, %1;" : "=h"(_h) : src_c(src)); dst = _h; } while (0)
#define CVL(dst, ins, src_c, src) do { unsigned long long _l; asm volatile(ins " %0, %1;" : "=l"(_l) : src_c(src)); dst = _l; } while (0)
#define CVL2(o, idx, ins, src_c, src) do { unsigned long long _l; asm volatile(ins " %0, %1;" : "=l"(_l) : src_c(src)); st64(o, idx, _l); } while (0)

// ---------------------------------------------------------------- int <-> int
// From 32-bit sources; .sat only where the ISA allows it (narrowing or
// sign change: ptxas rejects .sat when the destination range contains the source range).
// @case arith_cvt_from32 grid=1 block=96 out=3072
extern "C" __global__ void arith_cvt_from32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a32 = ival(in, t);
    unsigned int* o = out + t * 32;
    CVR(o[0], "cvt.u8.u32", "r", a32);
    CVH(o[1], "cvt.s8.u32", "r", a32);
    CVH(o[2], "cvt.u16.u32", "r", a32);
    CVH(o[3], "cvt.s16.u32", "r", a32);
    CVR(o[4], "cvt.u32.u32", "r", a32);
    CVR(o[5], "cvt.s32.u32", "r", a32);
    CVL2(o, 6, "cvt.u64.u32", "r", a32);
    CVL2(o, 8, "cvt.s64.u32", "r", a32);
    CVR(o[10], "cvt.sat.u8.u32", "r", a32);
    CVH(o[11], "cvt.sat.s8.u32", "r", a32);
    CVH(o[12], "cvt.sat.u16.u32", "r", a32);
    CVH(o[13], "cvt.sat.s16.u32", "r", a32);
    CVR(o[14], "cvt.sat.s32.u32", "r", a32);
    CVR(o[15], "cvt.u8.s32", "r", a32);
    CVH(o[16], "cvt.s8.s32", "r", a32);
    CVH(o[17], "cvt.u16.s32", "r", a32);
    CVH(o[18], "cvt.s16.s32", "r", a32);
    CVR(o[19], "cvt.u32.s32", "r", a32);
    CVR(o[20], "cvt.s32.s32", "r", a32);
    CVL2(o, 21, "cvt.u64.s32", "r", a32);
    CVL2(o, 23, "cvt.s64.s32", "r", a32);
    CVR(o[25], "cvt.sat.u8.s32", "r", a32);
    CVH(o[26], "cvt.sat.s8.s32", "r", a32);
    CVH(o[27], "cvt.sat.u16.s32", "r", a32);
    CVH(o[28], "cvt.sat.s16.s32", "r", a32);
    CVR(o[29], "cvt.sat.u32.s32", "r", a32);
    CVL2(o, 30, "cvt.sat.u64.s32", "r", a32);
}

// From 64-bit sources (specials sign-extended / with random high words).
// @case arith_cvt_from64 grid=1 block=96 out=3456
extern "C" __global__ void arith_cvt_from64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int lo = ival(in, t & 63);
    unsigned int hi = t < 32 ? (unsigned int)((int)lo >> 31) : t < 64 ? in[64 + ((t * 5) & 31)] : (t & 1) ? (unsigned int)((int)lo >> 31) : in[3000 + t];
    unsigned long long a64 = ((unsigned long long)hi << 32) | lo;
    unsigned int* o = out + t * 36;
    CVR(o[0], "cvt.u8.u64", "l", a64);
    CVH(o[1], "cvt.s8.u64", "l", a64);
    CVH(o[2], "cvt.u16.u64", "l", a64);
    CVH(o[3], "cvt.s16.u64", "l", a64);
    CVR(o[4], "cvt.u32.u64", "l", a64);
    CVR(o[5], "cvt.s32.u64", "l", a64);
    CVL2(o, 6, "cvt.u64.u64", "l", a64);
    CVL2(o, 8, "cvt.s64.u64", "l", a64);
    CVR(o[10], "cvt.sat.u8.u64", "l", a64);
    CVH(o[11], "cvt.sat.s8.u64", "l", a64);
    CVH(o[12], "cvt.sat.u16.u64", "l", a64);
    CVH(o[13], "cvt.sat.s16.u64", "l", a64);
    CVR(o[14], "cvt.sat.u32.u64", "l", a64);
    CVR(o[15], "cvt.sat.s32.u64", "l", a64);
    CVL2(o, 16, "cvt.sat.s64.u64", "l", a64);
    CVR(o[18], "cvt.u8.s64", "l", a64);
    CVH(o[19], "cvt.s8.s64", "l", a64);
    CVH(o[20], "cvt.u16.s64", "l", a64);
    CVH(o[21], "cvt.s16.s64", "l", a64);
    CVR(o[22], "cvt.u32.s64", "l", a64);
    CVR(o[23], "cvt.s32.s64", "l", a64);
    CVL2(o, 24, "cvt.u64.s64", "l", a64);
    CVL2(o, 26, "cvt.s64.s64", "l", a64);
    CVR(o[28], "cvt.sat.u8.s64", "l", a64);
    CVH(o[29], "cvt.sat.s8.s64", "l", a64);
    CVH(o[30], "cvt.sat.u16.s64", "l", a64);
    CVH(o[31], "cvt.sat.s16.s64", "l", a64);
    CVR(o[32], "cvt.sat.u32.s64", "l", a64);
    CVR(o[33], "cvt.sat.s32.s64", "l", a64);
    CVL2(o, 34, "cvt.sat.u64.s64", "l", a64);
}

// From 16-bit sources.
// @case arith_cvt_from16 grid=1 block=96 out=2784
extern "C" __global__ void arith_cvt_from16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = ival(in, t);
    unsigned short a16 = (unsigned short)(w ^ (w >> 16));
    unsigned int* o = out + t * 29;
    CVR(o[0], "cvt.u8.u16", "h", a16);
    CVH(o[1], "cvt.s8.u16", "h", a16);
    CVH(o[2], "cvt.u16.u16", "h", a16);
    CVH(o[3], "cvt.s16.u16", "h", a16);
    CVR(o[4], "cvt.u32.u16", "h", a16);
    CVR(o[5], "cvt.s32.u16", "h", a16);
    CVL2(o, 6, "cvt.u64.u16", "h", a16);
    CVL2(o, 8, "cvt.s64.u16", "h", a16);
    CVR(o[10], "cvt.sat.u8.u16", "h", a16);
    CVH(o[11], "cvt.sat.s8.u16", "h", a16);
    CVH(o[12], "cvt.sat.s16.u16", "h", a16);
    CVR(o[13], "cvt.u8.s16", "h", a16);
    CVH(o[14], "cvt.s8.s16", "h", a16);
    CVH(o[15], "cvt.u16.s16", "h", a16);
    CVH(o[16], "cvt.s16.s16", "h", a16);
    CVR(o[17], "cvt.u32.s16", "h", a16);
    CVR(o[18], "cvt.s32.s16", "h", a16);
    CVL2(o, 19, "cvt.u64.s16", "h", a16);
    CVL2(o, 21, "cvt.s64.s16", "h", a16);
    CVR(o[23], "cvt.sat.u8.s16", "h", a16);
    CVH(o[24], "cvt.sat.s8.s16", "h", a16);
    CVH(o[25], "cvt.sat.u16.s16", "h", a16);
    CVR(o[26], "cvt.sat.u32.s16", "h", a16);
    CVL2(o, 27, "cvt.sat.u64.s16", "h", a16);
}

// From 8-bit sources held in a 32-bit register whose upper bits are not
// zero: only the low byte may matter.
// @case arith_cvt_from8 grid=1 block=96 out=2496
extern "C" __global__ void arith_cvt_from8(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a32 = ival(in, t) + (t < 64 ? (t << 24) : 0u);
    unsigned int* o = out + t * 26;
    CVR(o[0], "cvt.u8.u8", "r", a32);
    CVH(o[1], "cvt.s8.u8", "r", a32);
    CVH(o[2], "cvt.u16.u8", "r", a32);
    CVH(o[3], "cvt.s16.u8", "r", a32);
    CVR(o[4], "cvt.u32.u8", "r", a32);
    CVR(o[5], "cvt.s32.u8", "r", a32);
    CVL2(o, 6, "cvt.u64.u8", "r", a32);
    CVL2(o, 8, "cvt.s64.u8", "r", a32);
    CVH(o[10], "cvt.sat.s8.u8", "r", a32);
    CVR(o[11], "cvt.u8.s8", "r", a32);
    CVH(o[12], "cvt.s8.s8", "r", a32);
    CVH(o[13], "cvt.u16.s8", "r", a32);
    CVH(o[14], "cvt.s16.s8", "r", a32);
    CVR(o[15], "cvt.u32.s8", "r", a32);
    CVR(o[16], "cvt.s32.s8", "r", a32);
    CVL2(o, 17, "cvt.u64.s8", "r", a32);
    CVL2(o, 19, "cvt.s64.s8", "r", a32);
    CVR(o[21], "cvt.sat.u8.s8", "r", a32);
    CVH(o[22], "cvt.sat.u16.s8", "r", a32);
    CVR(o[23], "cvt.sat.u32.s8", "r", a32);
    CVL2(o, 24, "cvt.sat.u64.s8", "r", a32);
}

// ---------------------------------------------------------------- f32 -> int
// f32 source values: specials, grid, halves (ties), boundaries of every
// integer range +-1ulp / +-0.5, subnormals, random magnitudes.
static __device__ __forceinline__ float fint_src(const unsigned int* in, unsigned int t) {
    if (t < 64) return U2F(in[t]);
    if (t < 96) return (float)((int)in[65] * ((int)t - 80)) * 0.5f + ((t & 3) == 1 ? 0.25f : 0.0f);
    if (t < 128) {
        unsigned int w = in[128 + t];
        return U2F((w & 0x807fffffu) | ((120u + ((w >> 23) % 50u)) << 23));  // 2^-7 .. 2^42
    }
    unsigned int z = in[64];
    unsigned int bi = (t >> 2) & 7;
    unsigned int b = bi == 0 ? 0x4f000000u   // 2^31
                   : bi == 1 ? 0xcf000000u   // -2^31
                   : bi == 2 ? 0x4f800000u   // 2^32
                   : bi == 3 ? 0x5f000000u   // 2^63
                   : bi == 4 ? 0xdf000000u   // -2^63
                   : bi == 5 ? 0x5f800000u   // 2^64
                   : bi == 6 ? 0x47000000u   // 32768
                   : 0x43000000u;            // 128
    b |= z;
    switch (t & 3) {
    case 0: return U2F(b - 1);
    case 1: return U2F(b + 1);
    case 2: return U2F(b) - 0.5f;
    default: return U2F(b) + 0.5f;
    }
}

// words: for r in (rni, rzi, rmi, rpi): s32, u32, s64(2), u64(2)
// @case arith_cvt_f32_int grid=1 block=160 out=3840
extern "C" __global__ void arith_cvt_f32_int(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = fint_src(in, t);
    unsigned int* o = out + t * 24;
#define F2I(R, base)                                                                  \
    CVR(o[base], "cvt." R ".s32.f32", "f", a);                                       \
    CVR(o[base + 1], "cvt." R ".u32.f32", "f", a);                                   \
    CVL2(o, base + 2, "cvt." R ".s64.f32", "f", a);                              \
    CVL2(o, base + 4, "cvt." R ".u64.f32", "f", a);
    F2I("rni", 0)
    F2I("rzi", 6)
    F2I("rmi", 12)
    F2I("rpi", 18)
#undef F2I
}

// Small destinations, .ftz (subnormal -> 0 before rounding: rpi of +tiny
// is 1 without ftz, 0 with), explicit .sat.
// words: rni.s8 rzi.u8 rmi.s16 rpi.u16 (16-bit regs), rni.s8 in 32-bit reg,
//        rpi.ftz.s32 rmi.ftz.s32 rpi.s32 rmi.s32 rzi.ftz.sat.u32
//        rni.ftz.s64 (2) rzi.sat.s16 (h) rpi.ftz.u8 (r)
// @case arith_cvt_f32_int_small grid=1 block=160 out=2560
extern "C" __global__ void arith_cvt_f32_int_small(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = fint_src(in, t);
    if (t >= 96 && t < 128) a = a * 1.0e-8f;
    unsigned int* o = out + t * 16;
    CVH(o[0], "cvt.rni.s8.f32", "f", a);
    CVH(o[1], "cvt.rzi.u8.f32", "f", a);
    CVH(o[2], "cvt.rmi.s16.f32", "f", a);
    CVH(o[3], "cvt.rpi.u16.f32", "f", a);
    CVR(o[4], "cvt.rni.s8.f32", "f", a);
    CVR(o[5], "cvt.rpi.ftz.s32.f32", "f", a);
    CVR(o[6], "cvt.rmi.ftz.s32.f32", "f", a);
    CVR(o[7], "cvt.rpi.s32.f32", "f", a);
    CVR(o[8], "cvt.rmi.s32.f32", "f", a);
    CVR(o[9], "cvt.rzi.ftz.sat.u32.f32", "f", a);
    CVL2(o, 10, "cvt.rni.ftz.s64.f32", "f", a);
    CVH(o[12], "cvt.rzi.sat.s16.f32", "f", a);
    CVR(o[13], "cvt.rpi.ftz.u8.f32", "f", a);
    CVR(o[14], "cvt.rni.sat.u8.f32", "f", a);
    o[15] = F2U(a);
}

// ---------------------------------------------------------------- int -> f32
// words: rn/rz/rm/rp x (s32, u32, s64, u64), then rn.f32 of s16 u16 s8 u8
// @case arith_cvt_int_f32 grid=1 block=192 out=3840
extern "C" __global__ void arith_cvt_int_f32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int lo = t < 64 ? in[64 + (t & 31)] : in[128 + t * 2];
    unsigned int hi = t < 32 ? in[64 + ((t * 7) & 31)] : t < 64 ? (unsigned int)((int)lo >> 31) : in[129 + t * 2];
    unsigned long long v = ((unsigned long long)hi << 32) | lo;
    if (t >= 64) { v >>= (t & 63); lo = lo >> (t & 31) ^ ((t & 32) ? 0x80000000u : 0u); }
    unsigned int* o = out + t * 20;
#define I2F(R, base)                                                                  \
    CVR(o[base], "cvt." R ".f32.s32", "r", lo);                                      \
    CVR(o[base + 1], "cvt." R ".f32.u32", "r", lo);                                  \
    CVR(o[base + 2], "cvt." R ".f32.s64", "l", v);                                   \
    CVR(o[base + 3], "cvt." R ".f32.u64", "l", v);
    I2F("rn", 0)
    I2F("rz", 4)
    I2F("rm", 8)
    I2F("rp", 12)
#undef I2F
    unsigned short h = (unsigned short)(lo ^ (lo >> 16));
    CVR(o[16], "cvt.rn.f32.s16", "h", h);
    CVR(o[17], "cvt.rn.f32.u16", "h", h);
    CVR(o[18], "cvt.rn.f32.s8", "r", lo);
    CVR(o[19], "cvt.rn.f32.u8", "r", lo);
}

// ---------------------------------------------------------------- cvt.f32.f32
// words: rni rzi rmi rpi, rni.ftz rzi.ftz rmi.ftz rpi.ftz, ftz, sat, ftz.sat, rni.sat
// @case arith_cvt_f32_f32 grid=2 block=160 out=3840
extern "C" __global__ void arith_cvt_f32_f32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = t < 160 ? fint_src(in, t) : U2F(t < 224 ? ((in[300 + t] & 0x807fffffu) | (((in[300 + t] >> 23) & 3u) << 23)) : in[300 + t]);
    unsigned int* o = out + t * 12;
    CVR(o[0], "cvt.rni.f32.f32", "f", a);
    CVR(o[1], "cvt.rzi.f32.f32", "f", a);
    CVR(o[2], "cvt.rmi.f32.f32", "f", a);
    CVR(o[3], "cvt.rpi.f32.f32", "f", a);
    CVR(o[4], "cvt.rni.ftz.f32.f32", "f", a);
    CVR(o[5], "cvt.rzi.ftz.f32.f32", "f", a);
    CVR(o[6], "cvt.rmi.ftz.f32.f32", "f", a);
    CVR(o[7], "cvt.rpi.ftz.f32.f32", "f", a);
    CVR(o[8], "cvt.ftz.f32.f32", "f", a);
    CVR(o[9], "cvt.sat.f32.f32", "f", a);
    CVR(o[10], "cvt.ftz.sat.f32.f32", "f", a);
    CVR(o[11], "cvt.rni.sat.f32.f32", "f", a);
}

// ---------------------------------------------------------------- f16
// f32 -> f16 source: specials, values in the f16 subnormal range, near
// 65504/65520 (overflow threshold), random f16-range values, raw words.
static __device__ __forceinline__ float h_src(const unsigned int* in, unsigned int t) {
    unsigned int w = in[4000 + t];
    switch (t >> 6) {
    case 0: return U2F(in[t]);
    case 1: return U2F((w & 0x807fffffu) | ((100u + ((w >> 23) % 14u)) << 23));  // 2^-27..2^-14: f16 subnormals
    case 2: return U2F((w & 0x80001fffu) | 0x477fe000u);                         // around 65504..65535
    case 3:
    case 4:
    case 5: return U2F((w & 0x807fffffu) | ((112u + ((w >> 23) % 32u)) << 23));  // f16 normal range
    case 6: return U2F((w & 0x80000fffu) | ((113u + ((w >> 23) % 30u)) << 23) | 0x1000u);  // exact ties
    default: return U2F(w);
    }
}

// words: rn rz rm rp .f16.f32 (16-bit), rn.sat.f16.f32, f32.f16 of word0,
//        f32.f16 / ftz.f32.f16 of a raw f16 pattern
// @case arith_cvt_f16 grid=2 block=256 out=4096
extern "C" __global__ void arith_cvt_f16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = h_src(in, t);
    unsigned int* o = out + t * 8;
    CVH(o[0], "cvt.rn.f16.f32", "f", a);
    CVH(o[1], "cvt.rz.f16.f32", "f", a);
    CVH(o[2], "cvt.rm.f16.f32", "f", a);
    CVH(o[3], "cvt.rp.f16.f32", "f", a);
    CVH(o[4], "cvt.rn.sat.f16.f32", "f", a);
    CVR(o[5], "cvt.f32.f16", "h", (unsigned short)o[0]);
    unsigned int w = t < 64 ? in[64 + t] : in[6000 + t];
    unsigned short hr = (unsigned short)(w ^ (w >> 16));  // any f16 bit pattern
    CVR(o[6], "cvt.f32.f16", "h", hr);
    CVR(o[7], "cvt.ftz.f32.f16", "h", hr);
}

// f64 <-> f16, f16 <-> int, cvt.rXi.f16.f16.
// words: rn rz rm rp .f16.f64 | f64.f16 (2) | rni.s32.f16 rzi.u16.f16
//        rmi.s64.f16(lo) rpi.u8.f16 | rn.f16.s32 rz.f16.u32 rm.f16.s64 rp.f16.u64
//        | rni rzi rmi rpi .f16.f16
// @case arith_cvt_f16_misc grid=1 block=256 out=4096
extern "C" __global__ void arith_cvt_f16_misc(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    double d = (double)h_src(in, t) * (1.0 + (double)(t & 7) * 0x1p-30);
    unsigned int w = t < 64 ? in[64 + t] : in[7000 + t];
    unsigned short hr = (unsigned short)(w ^ (w >> 16));
    unsigned int iv = t < 64 ? in[64 + t] : (in[8000 + t] >> (t & 31));
    unsigned long long lv = ((unsigned long long)in[8500 + t] << 32 | in[9000 + t]) >> (t & 63);
    unsigned int* o = out + t * 16;
    CVH(o[0], "cvt.rn.f16.f64", "d", d);
    CVH(o[1], "cvt.rz.f16.f64", "d", d);
    CVH(o[2], "cvt.rm.f16.f64", "d", d);
    CVH(o[3], "cvt.rp.f16.f64", "d", d);
    { double d_; asm volatile("cvt.f64.f16 %0, %1;" : "=d"(d_) : "h"(hr)); st64(o, 4, (unsigned long long)__double_as_longlong(d_)); }
    CVR(o[6], "cvt.rni.s32.f16", "h", hr);
    CVH(o[7], "cvt.rzi.u16.f16", "h", hr);
    { unsigned long long l_; CVL(l_, "cvt.rmi.s64.f16", "h", hr); o[8] = (unsigned int)l_ ^ (unsigned int)(l_ >> 32) * 7u; }
    CVR(o[9], "cvt.rpi.u8.f16", "h", hr);
    { unsigned int x_, y_; CVH(x_, "cvt.rn.f16.s32", "r", iv); CVH(y_, "cvt.rz.f16.u32", "r", iv); o[10] = x_ | (y_ << 16); }
    { unsigned int x_, y_; CVH(x_, "cvt.rm.f16.s64", "l", lv); CVH(y_, "cvt.rp.f16.u64", "l", lv); o[11] = x_ | (y_ << 16); }
    CVH(o[12], "cvt.rni.f16.f16", "h", hr);
    CVH(o[13], "cvt.rzi.f16.f16", "h", hr);
    CVH(o[14], "cvt.rmi.f16.f16", "h", hr);
    CVH(o[15], "cvt.rpi.f16.f16", "h", hr);
}

// ---------------------------------------------------------------- cvt.pack.sat
// @case arith_cvt_pack grid=1 block=256 out=1536
extern "C" __global__ void arith_cvt_pack(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = ival(in, t), b = ival(in, (t * 7 + 3) & 255), c = in[500 + t];
    unsigned int r[6];
    asm volatile("cvt.pack.sat.s16.s32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("cvt.pack.sat.u16.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("cvt.pack.sat.s8.s32.b32 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(c));
    asm volatile("cvt.pack.sat.u8.s32.b32 %0, %1, %2, %3;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(c));
    asm volatile("cvt.pack.sat.s4.s32.b32 %0, %1, %2, %3;" : "=r"(r[4]) : "r"(a >> (t & 31)), "r"(b >> (t & 15)), "r"(c));
    asm volatile("cvt.pack.sat.u4.s32.b32 %0, %1, %2, %3;" : "=r"(r[5]) : "r"(a >> (t & 31)), "r"(b >> (t & 15)), "r"(c));
    for (int j = 0; j < 6; j++) out[t * 6 + j] = r[j];
}
