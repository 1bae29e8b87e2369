// Correctly rounded f32 arithmetic with every rounding modifier, .ftz and
// .sat: add/sub/mul/fma/mad/div/sqrt/rcp; plus min/max, abs/neg,
// copysign, testp, setp (every comparison, combiners, negation), set,
// selp, slct. Everything here is exact (bit-for-bit) on real hardware.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ float U2F(unsigned int u) { return __uint_as_float(u); }
static __device__ __forceinline__ unsigned int F2U(float f) { return __float_as_uint(f); }

// Operand `which` (0,1,2) for thread t (0..511), by class of 64 threads:
// 0: specials and grid values; 1: specials vs grid values; 2,3: random
// with exponent near 1.0; 4: near FLT_MAX (overflow); 5: cancellation
// (b ~ -a, exactly -a for every 4th); 6: tiny (subnormal / min normal);
// 7: raw random words (NaN payloads, anything).
static __device__ __forceinline__ unsigned int fsrc(const unsigned int* in, unsigned int t, unsigned int which) {
    unsigned int k = t & 511;
    unsigned int w = in[128 + k * 4 + which];
    unsigned int cls = k >> 6;
    switch (cls) {
    case 0: return in[(k + which * 37 + (which ? (k >> 3) : 0)) & 63];
    case 1: return which == 0 ? in[k & 31] : in[32 + ((k * 5 + which * 11) & 31)];
    case 2:
    case 3: return (w & 0x807fffffu) | ((124u + ((w >> 23) & 7u)) << 23);
    case 4: return (w & 0x807fffffu) | ((249u + ((w >> 23) % 6u)) << 23);
    case 5: {
        unsigned int w0 = in[128 + k * 4];
        unsigned int a = (w0 & 0x807fffffu) | ((120u + ((w0 >> 23) & 15u)) << 23);
        if (which == 0) return a;
        if (which == 1) return (a ^ 0x80000000u) ^ ((k & 3) ? (w & 0x3fu) : 0u);
        return (w & 0x807fffffu) | ((100u + ((w >> 23) & 15u)) << 23);
    }
    case 6: return (w & 0x807fffffu) | (((w >> 23) & 3u) << 23);
    default: return w;
    }
}

// ---------------------------------------------------------------- add/sub
// 32x32 cross of the special values in[0..31].
// @case arith_f32_add_special grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_add_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("add.rn.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("add.rz.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("add.rm.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("add.rp.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// @case arith_f32_add grid=2 block=256 out=4096
extern "C" __global__ void arith_f32_add(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(fsrc(in, t, 0)), b = U2F(fsrc(in, t, 1));
    float r[8];
    asm volatile("add.rn.f32 %0, %1, %2;" : "=f"(r[0]) : "f"(a), "f"(b));
    asm volatile("add.rz.f32 %0, %1, %2;" : "=f"(r[1]) : "f"(a), "f"(b));
    asm volatile("add.rm.f32 %0, %1, %2;" : "=f"(r[2]) : "f"(a), "f"(b));
    asm volatile("add.rp.f32 %0, %1, %2;" : "=f"(r[3]) : "f"(a), "f"(b));
    asm volatile("add.rn.ftz.f32 %0, %1, %2;" : "=f"(r[4]) : "f"(a), "f"(b));
    asm volatile("add.rm.ftz.f32 %0, %1, %2;" : "=f"(r[5]) : "f"(a), "f"(b));
    asm volatile("add.rn.sat.f32 %0, %1, %2;" : "=f"(r[6]) : "f"(a), "f"(b));
    asm volatile("add.rz.ftz.sat.f32 %0, %1, %2;" : "=f"(r[7]) : "f"(a), "f"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = F2U(r[j]);
}

// @case arith_f32_sub grid=2 block=256 out=4096
extern "C" __global__ void arith_f32_sub(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(fsrc(in, t, 0)), b = U2F(fsrc(in, t, 1));
    b = (t & 64) ? -b : b;  // turns cancellation class into same-sign, etc.
    float r[8];
    asm volatile("sub.rn.f32 %0, %1, %2;" : "=f"(r[0]) : "f"(a), "f"(b));
    asm volatile("sub.rz.f32 %0, %1, %2;" : "=f"(r[1]) : "f"(a), "f"(b));
    asm volatile("sub.rm.f32 %0, %1, %2;" : "=f"(r[2]) : "f"(a), "f"(b));
    asm volatile("sub.rp.f32 %0, %1, %2;" : "=f"(r[3]) : "f"(a), "f"(b));
    asm volatile("sub.f32 %0, %1, %2;" : "=f"(r[4]) : "f"(a), "f"(b));
    asm volatile("sub.rp.ftz.f32 %0, %1, %2;" : "=f"(r[5]) : "f"(a), "f"(b));
    asm volatile("sub.rn.sat.f32 %0, %1, %2;" : "=f"(r[6]) : "f"(a), "f"(b));
    asm volatile("sub.rn.ftz.sat.f32 %0, %1, %2;" : "=f"(r[7]) : "f"(a), "f"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- mul
// @case arith_f32_mul_special grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_mul_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("mul.rn.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("mul.rz.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("mul.rm.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("mul.rp.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// Class 6 (tiny) is multiplied by near-1 values for subnormal results.
// @case arith_f32_mul grid=2 block=256 out=4096
extern "C" __global__ void arith_f32_mul(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int cls = (t >> 6) & 7;
    float a = U2F(fsrc(in, t, 0));
    float b = U2F(cls == 6 ? (fsrc(in, t + 128, 1) ^ 0x3f000000u) & 0xbfffffffu : fsrc(in, t, 1));
    float r[8];
    asm volatile("mul.rn.f32 %0, %1, %2;" : "=f"(r[0]) : "f"(a), "f"(b));
    asm volatile("mul.rz.f32 %0, %1, %2;" : "=f"(r[1]) : "f"(a), "f"(b));
    asm volatile("mul.rm.f32 %0, %1, %2;" : "=f"(r[2]) : "f"(a), "f"(b));
    asm volatile("mul.rp.f32 %0, %1, %2;" : "=f"(r[3]) : "f"(a), "f"(b));
    asm volatile("mul.rn.ftz.f32 %0, %1, %2;" : "=f"(r[4]) : "f"(a), "f"(b));
    asm volatile("mul.rp.ftz.f32 %0, %1, %2;" : "=f"(r[5]) : "f"(a), "f"(b));
    asm volatile("mul.rn.sat.f32 %0, %1, %2;" : "=f"(r[6]) : "f"(a), "f"(b));
    asm volatile("mul.ftz.sat.f32 %0, %1, %2;" : "=f"(r[7]) : "f"(a), "f"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- fma
// @case arith_f32_fma_special grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_fma_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]), c = U2F(in[(t * 13 + (t >> 5)) & 63]);
    float r0, r1, r2, r3;
    asm volatile("fma.rn.f32 %0, %1, %2, %3;" : "=f"(r0) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rz.f32 %0, %1, %2, %3;" : "=f"(r1) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rm.f32 %0, %1, %2, %3;" : "=f"(r2) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rp.f32 %0, %1, %2, %3;" : "=f"(r3) : "f"(a), "f"(b), "f"(c));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// Odd threads use c = -(a*b rounded) so the fma result is the exact
// rounding residual (only an fma gets these right).
// @case arith_f32_fma grid=2 block=256 out=4096
extern "C" __global__ void arith_f32_fma(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(fsrc(in, t, 0)), b = U2F(fsrc(in, t, 1)), c = U2F(fsrc(in, t, 2));
    if (t & 1) {
        float p;
        asm volatile("mul.rn.f32 %0, %1, %2;" : "=f"(p) : "f"(a), "f"(b));
        c = -p;
    }
    float r[8];
    asm volatile("fma.rn.f32 %0, %1, %2, %3;" : "=f"(r[0]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rz.f32 %0, %1, %2, %3;" : "=f"(r[1]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rm.f32 %0, %1, %2, %3;" : "=f"(r[2]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rp.f32 %0, %1, %2, %3;" : "=f"(r[3]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rn.ftz.f32 %0, %1, %2, %3;" : "=f"(r[4]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rn.sat.f32 %0, %1, %2, %3;" : "=f"(r[5]) : "f"(a), "f"(b), "f"(c));
    asm volatile("fma.rm.ftz.sat.f32 %0, %1, %2, %3;" : "=f"(r[6]) : "f"(a), "f"(b), "f"(c));
    asm volatile("mad.rn.f32 %0, %1, %2, %3;" : "=f"(r[7]) : "f"(a), "f"(b), "f"(c));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- div
// @case arith_f32_div_special grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_div_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("div.rn.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("div.rz.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("div.rm.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("div.rp.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// @case arith_f32_div grid=2 block=256 out=4096
extern "C" __global__ void arith_f32_div(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(fsrc(in, t, 0)), b = U2F(fsrc(in, t, 1));
    float r[8];
    asm volatile("div.rn.f32 %0, %1, %2;" : "=f"(r[0]) : "f"(a), "f"(b));
    asm volatile("div.rz.f32 %0, %1, %2;" : "=f"(r[1]) : "f"(a), "f"(b));
    asm volatile("div.rm.f32 %0, %1, %2;" : "=f"(r[2]) : "f"(a), "f"(b));
    asm volatile("div.rp.f32 %0, %1, %2;" : "=f"(r[3]) : "f"(a), "f"(b));
    asm volatile("div.rn.ftz.f32 %0, %1, %2;" : "=f"(r[4]) : "f"(a), "f"(b));
    asm volatile("div.rz.ftz.f32 %0, %1, %2;" : "=f"(r[5]) : "f"(a), "f"(b));
    asm volatile("div.rm.ftz.f32 %0, %1, %2;" : "=f"(r[6]) : "f"(a), "f"(b));
    asm volatile("div.rp.ftz.f32 %0, %1, %2;" : "=f"(r[7]) : "f"(a), "f"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- sqrt / rcp
// Unary operand: specials, then positive values of each class, then raw.
static __device__ __forceinline__ float usrc(const unsigned int* in, unsigned int t) {
    if (t < 64) return U2F(in[t]);
    unsigned int w = fsrc(in, t, (t >> 3) & 1);
    return U2F((t & 7) == 7 ? w : (w & 0x7fffffffu));
}

// @case arith_f32_sqrt grid=2 block=256 out=3072
extern "C" __global__ void arith_f32_sqrt(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = usrc(in, t);
    float r[6];
    asm volatile("sqrt.rn.f32 %0, %1;" : "=f"(r[0]) : "f"(a));
    asm volatile("sqrt.rz.f32 %0, %1;" : "=f"(r[1]) : "f"(a));
    asm volatile("sqrt.rm.f32 %0, %1;" : "=f"(r[2]) : "f"(a));
    asm volatile("sqrt.rp.f32 %0, %1;" : "=f"(r[3]) : "f"(a));
    asm volatile("sqrt.rn.ftz.f32 %0, %1;" : "=f"(r[4]) : "f"(a));
    asm volatile("sqrt.rp.ftz.f32 %0, %1;" : "=f"(r[5]) : "f"(a));
    for (int j = 0; j < 6; j++) out[t * 6 + j] = F2U(r[j]);
}

// @case arith_f32_rcp grid=2 block=256 out=3072
extern "C" __global__ void arith_f32_rcp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = usrc(in, t);
    if (t & 16) a = -a;
    float r[6];
    asm volatile("rcp.rn.f32 %0, %1;" : "=f"(r[0]) : "f"(a));
    asm volatile("rcp.rz.f32 %0, %1;" : "=f"(r[1]) : "f"(a));
    asm volatile("rcp.rm.f32 %0, %1;" : "=f"(r[2]) : "f"(a));
    asm volatile("rcp.rp.f32 %0, %1;" : "=f"(r[3]) : "f"(a));
    asm volatile("rcp.rn.ftz.f32 %0, %1;" : "=f"(r[4]) : "f"(a));
    asm volatile("rcp.rz.ftz.f32 %0, %1;" : "=f"(r[5]) : "f"(a));
    for (int j = 0; j < 6; j++) out[t * 6 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- min/max/abs/neg
// @case arith_f32_minmax grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_minmax(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("min.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("max.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("min.ftz.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("max.ftz.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// abs/neg/copysign on everything incl. NaN payloads (bits matter).
// @case arith_f32_absneg grid=2 block=256 out=3072
extern "C" __global__ void arith_f32_absneg(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(fsrc(in, t, 0)), b = U2F(fsrc(in, t, 1));
    float r[6];
    asm volatile("abs.f32 %0, %1;" : "=f"(r[0]) : "f"(a));
    asm volatile("neg.f32 %0, %1;" : "=f"(r[1]) : "f"(a));
    asm volatile("abs.ftz.f32 %0, %1;" : "=f"(r[2]) : "f"(a));
    asm volatile("neg.ftz.f32 %0, %1;" : "=f"(r[3]) : "f"(a));
    asm volatile("copysign.f32 %0, %1, %2;" : "=f"(r[4]) : "f"(a), "f"(b));
    r[5] = copysignf(b, a) ;
    for (int j = 0; j < 6; j++) out[t * 6 + j] = F2U(r[j]);
}

// ---------------------------------------------------------------- testp
// bit0 finite, bit1 infinite, bit2 number, bit3 notanumber, bit4 normal,
// bit5 subnormal.
// @case arith_f32_testp grid=2 block=256 out=512
extern "C" __global__ void arith_f32_testp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(t < 64 ? in[t] : fsrc(in, t, t & 1));
    unsigned int r;
    asm volatile(
        "{\n\t.reg .pred p;\n\t.reg .u32 w;\n\t"
        "mov.u32 %0, 0;\n\t"
        "testp.finite.f32 p, %1;\n\t selp.u32 w, 1, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "testp.infinite.f32 p, %1;\n\t selp.u32 w, 2, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "testp.number.f32 p, %1;\n\t selp.u32 w, 4, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "testp.notanumber.f32 p, %1;\n\t selp.u32 w, 8, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "testp.normal.f32 p, %1;\n\t selp.u32 w, 16, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "testp.subnormal.f32 p, %1;\n\t selp.u32 w, 32, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "}"
        : "=r"(r) : "f"(a));
    out[t] = r;
}

// ---------------------------------------------------------------- setp
#define SETP_BIT(cmp, bit)                                                         \
    "setp." cmp ".f32 p, %1, %2;\n\t selp.u32 w, " #bit ", 0, p;\n\t or.b32 %0, %0, w;\n\t"
#define SETP_FTZ_BIT(cmp, bit)                                                     \
    "setp." cmp ".ftz.f32 p, %1, %2;\n\t selp.u32 w, " #bit ", 0, p;\n\t or.b32 %0, %0, w;\n\t"

// word0: 14 comparisons; word1: same with .ftz; word2: combiners.
// @case arith_f32_setp grid=5 block=256 out=3840
extern "C" __global__ void arith_f32_setp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    if (t >= 1024) { a = U2F(fsrc(in, t, 0)); b = U2F(fsrc(in, t, 1)); }
    unsigned int r0, r1, r2;
    asm volatile(
        "{\n\t.reg .pred p;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\t"
        SETP_BIT("eq", 1) SETP_BIT("ne", 2) SETP_BIT("lt", 4) SETP_BIT("le", 8)
        SETP_BIT("gt", 16) SETP_BIT("ge", 32) SETP_BIT("equ", 64) SETP_BIT("neu", 128)
        SETP_BIT("ltu", 256) SETP_BIT("leu", 512) SETP_BIT("gtu", 1024) SETP_BIT("geu", 2048)
        SETP_BIT("num", 4096) SETP_BIT("nan", 8192)
        "}"
        : "=r"(r0) : "f"(a), "f"(b));
    asm volatile(
        "{\n\t.reg .pred p;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\t"
        SETP_FTZ_BIT("eq", 1) SETP_FTZ_BIT("ne", 2) SETP_FTZ_BIT("lt", 4) SETP_FTZ_BIT("le", 8)
        SETP_FTZ_BIT("gt", 16) SETP_FTZ_BIT("ge", 32) SETP_FTZ_BIT("equ", 64) SETP_FTZ_BIT("neu", 128)
        SETP_FTZ_BIT("ltu", 256) SETP_FTZ_BIT("leu", 512) SETP_FTZ_BIT("gtu", 1024) SETP_FTZ_BIT("geu", 2048)
        SETP_FTZ_BIT("num", 4096) SETP_FTZ_BIT("nan", 8192)
        "}"
        : "=r"(r1) : "f"(a), "f"(b));
    // combiners: setp.cmp.bop p|q, a, b, {!}c; q is the complement before bop
    asm volatile(
        "{\n\t.reg .pred c, p, q;\n\t.reg .u32 w;\n\tmov.u32 %0, 0;\n\t"
        "setp.gt.f32 c, %1, 0f3F000000;\n\t"
        "setp.lt.and.f32 p|q, %1, %2, c;\n\t selp.u32 w, 1, 0, p;\n\t or.b32 %0, %0, w;\n\t selp.u32 w, 2, 0, q;\n\t or.b32 %0, %0, w;\n\t"
        "setp.ge.or.f32 p|q, %1, %2, !c;\n\t selp.u32 w, 4, 0, p;\n\t or.b32 %0, %0, w;\n\t selp.u32 w, 8, 0, q;\n\t or.b32 %0, %0, w;\n\t"
        "setp.neu.xor.f32 p|q, %1, %2, c;\n\t selp.u32 w, 16, 0, p;\n\t or.b32 %0, %0, w;\n\t selp.u32 w, 32, 0, q;\n\t or.b32 %0, %0, w;\n\t"
        "setp.nan.or.ftz.f32 p, %1, %2, c;\n\t selp.u32 w, 64, 0, p;\n\t or.b32 %0, %0, w;\n\t"
        "setp.leu.and.ftz.f32 p|q, %1, %2, !c;\n\t selp.u32 w, 128, 0, p;\n\t or.b32 %0, %0, w;\n\t selp.u32 w, 256, 0, q;\n\t or.b32 %0, %0, w;\n\t"
        "setp.eq.f32 p, %1, %2;\n\t @!p or.b32 %0, %0, 512;\n\t"
        "}"
        : "=r"(r2) : "f"(a), "f"(b));
    out[t * 3] = r0; out[t * 3 + 1] = r1; out[t * 3 + 2] = r2;
}

// ---------------------------------------------------------------- set
// @case arith_f32_set grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_set(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    unsigned int r0, r1, r2;
    float f0;
    asm volatile("set.lt.u32.f32 %0, %1, %2;" : "=r"(r0) : "f"(a), "f"(b));
    asm volatile("set.gtu.s32.f32 %0, %1, %2;" : "=r"(r1) : "f"(a), "f"(b));
    asm volatile("set.neu.f32.f32 %0, %1, %2;" : "=f"(f0) : "f"(a), "f"(b));
    asm volatile(
        "{\n\t.reg .pred c;\n\t.reg .u32 x, y;\n\t"
        "setp.num.f32 c, %1, %1;\n\t"
        "set.eq.and.u32.f32 x, %1, %2, c;\n\t"
        "set.le.or.ftz.u32.f32 y, %1, %2, !c;\n\t"
        "and.b32 x, x, 0x0000ffff;\n\t and.b32 y, y, 0xffff0000;\n\t or.b32 %0, x, y;\n\t"
        "}"
        : "=r"(r2) : "f"(a), "f"(b));
    out[t * 4] = r0; out[t * 4 + 1] = r1; out[t * 4 + 2] = F2U(f0); out[t * 4 + 3] = r2;
}

// set with f32 destination (1.0f / 0.0f) for more comparisons.
// @case arith_f32_set_f32 grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_set_f32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = U2F(in[t & 31]), b = U2F(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("set.geu.f32.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("set.nan.f32.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("set.ge.ftz.f32.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("{\n\t.reg .pred c;\n\tsetp.ne.u32 c, %3, 0;\n\tset.ltu.xor.f32.f32 %0, %1, %2, c;\n\t}" : "=f"(r3) : "f"(a), "f"(b), "r"(t & 1));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// ---------------------------------------------------------------- selp/slct
// slct: d = (c >= 0) ? a : b; for f32 c, -0.0 counts as >= 0.
// @case arith_f32_selp_slct grid=2 block=256 out=3072
extern "C" __global__ void arith_f32_selp_slct(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = in[128 + t], b = in[2048 + t];
    unsigned int cw = t < 64 ? in[t] : (t < 128 ? in[t] : fsrc(in, t, 2));
    float cf = U2F(cw);
    unsigned int r[6];
    float fr;
    asm volatile("slct.u32.s32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(cw));
    asm volatile("slct.s32.f32 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "f"(cf));
    asm volatile("slct.ftz.b32.f32 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "f"(cf));
    asm volatile("slct.f32.s32 %0, %1, %2, %3;" : "=f"(fr) : "f"(U2F(a)), "f"(U2F(b)), "r"(cw));
    r[3] = F2U(fr);
    asm volatile("{\n\t.reg .pred p;\n\tsetp.gtu.f32 p, %3, 0f00000000;\n\tselp.b32 %0, %1, %2, p;\n\t}" : "=r"(r[4]) : "r"(a), "r"(b), "f"(cf));
    asm volatile("{\n\t.reg .pred p;\n\tsetp.lt.s32 p, %3, 0;\n\tselp.f32 %0, %1, %2, !p;\n\t}" : "=f"(fr) : "f"(U2F(a)), "f"(U2F(b)), "r"(cw));
    r[5] = F2U(fr);
    for (int j = 0; j < 6; j++) out[t * 6 + j] = r[j];
}
