// Approximate f32 instructions (MUFU): sin/cos/lg2/ex2/rsqrt/rcp/sqrt
// .approx, div.approx/div.full, tanh.approx (sm_75+), each with and
// without .ftz. Accuracy cases use inputs inside the PTX ISA's documented
// accuracy domain and a tolerance = ISA bound plus margin for the
// reference (emulator) itself being off by up to ~0.5 ulp. Special
// inputs whose results the ISA defines exactly (NaN, +-Inf, +-0, negative
// operands of sqrt/rsqrt/lg2, subnormals under .ftz) are in separate
// exact-compare cases.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ float U2F(unsigned int u) { return __uint_as_float(u); }
static __device__ __forceinline__ unsigned int F2U(float f) { return __float_as_uint(f); }

// float with random mantissa/sign, biased exponent in [elo, ehi]
static __device__ __forceinline__ float rnd_exp(unsigned int w, unsigned int elo, unsigned int ehi, bool allow_neg) {
    unsigned int e = elo + ((w >> 23) & 0xffu) % (ehi - elo + 1);
    unsigned int s = allow_neg ? (w & 0x80000000u) : 0u;
    return U2F(s | (e << 23) | (w & 0x007fffffu));
}

// PTX ISA: sin.approx.f32 / cos.approx.f32 max absolute error 2^-20.9 in
// the range -pi..pi (2^-20.5 in -100pi..100pi). Inputs: |x| in
// [2^-20, 2) (random exponent) and [2, pi). tol = 1e-6 (~2^-19.9).
// @case arith_f32_approx_sincos grid=2 block=256 out=2048 tol=abs:0.000001
extern "C" __global__ void arith_f32_approx_sincos(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[128 + t];
    float x = (t & 3) == 3 ? U2F((w & 0x80000000u) | 0x40000000u | ((w & 0x007fffffu) % 0x490fdbu))
                           : rnd_exp(w, 107, 127, true);
    float r0, r1, r2, r3;
    asm volatile("sin.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("cos.approx.f32 %0, %1;" : "=f"(r1) : "f"(x));
    asm volatile("sin.approx.ftz.f32 %0, %1;" : "=f"(r2) : "f"(x));
    asm volatile("cos.approx.ftz.f32 %0, %1;" : "=f"(r3) : "f"(x));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// PTX ISA: sin/cos.approx.f32 max absolute error 2^-20.5 in -100pi..100pi, but
// measured on the H100 for |x| in [4, 128) the error reaches 2.6e-5 (f32 argument reduction): tol = 4e-5.
// @case arith_f32_approx_sincos_wide grid=1 block=256 out=512 tol=abs:0.00004
extern "C" __global__ void arith_f32_approx_sincos_wide(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[600 + t], 129, 134, true);
    float r0, r1;
    asm volatile("sin.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("cos.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: lg2.approx.f32 max absolute error 2^-22 for x in [0.5, 2]
// (CUDA guide, __log2f). Inputs x in [0.5, 2). tol = 2^-21 ~ 4.8e-7.
// @case arith_f32_approx_lg2_near1 grid=1 block=256 out=512 tol=abs:0.00000048
extern "C" __global__ void arith_f32_approx_lg2_near1(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[900 + t], 126, 127, false);
    float r0, r1;
    asm volatile("lg2.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("lg2.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// lg2.approx.f32 outside [0.5, 2]: max 2 ulp (CUDA guide for __log2f;
// result magnitude >= 1 so the 2^-22 absolute bound is <= 2 ulp).
// Inputs: normal x with exponent in [2^-125, 2^127]. tol = 3 ulp.
// @case arith_f32_approx_lg2_wide grid=1 block=256 out=512 tol=ulp:3
extern "C" __global__ void arith_f32_approx_lg2_wide(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[1200 + t];
    float x = (t & 1) ? rnd_exp(w, 2, 125, false) : rnd_exp(w, 128, 254, false);
    float r0, r1;
    asm volatile("lg2.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("lg2.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: ex2.approx.f32 max relative error 2^-22.5 (2 ulp, CUDA guide
// exp2f) for results in the normal range. Inputs x in (-125, 127) incl.
// small |x| (random exponent 2^-24..2^6). tol = 3 ulp.
// @case arith_f32_approx_ex2 grid=2 block=256 out=1024 tol=ulp:3
extern "C" __global__ void arith_f32_approx_ex2(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = in[1500 + t];
    float x = rnd_exp(w, 103, 133, true);
    if (x <= -125.0f || x >= 127.0f) x = x * 0.5f;
    float r0, r1;
    asm volatile("ex2.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("ex2.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: rsqrt.approx.f32 max relative error 2^-22.9 over the full
// range (~2.14 ulp). Inputs: positive normals, all exponents. tol = 3 ulp.
// @case arith_f32_approx_rsqrt grid=2 block=256 out=1024 tol=ulp:3
extern "C" __global__ void arith_f32_approx_rsqrt(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[2000 + t], 1, 254, false);
    float r0, r1;
    asm volatile("rsqrt.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("rsqrt.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: rcp.approx.f32 max 1 ulp error across the full range.
// Inputs: |x| in [2^-125, 2^126) so 1/x is normal. tol = 2 ulp.
// @case arith_f32_approx_rcp grid=2 block=256 out=1024 tol=ulp:2
extern "C" __global__ void arith_f32_approx_rcp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[2600 + t], 2, 252, true);
    float r0, r1;
    asm volatile("rcp.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("rcp.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: sqrt.approx.f32 max relative error 2^-23 (<= 2 ulp).
// Inputs: positive normals. tol = 3 ulp.
// @case arith_f32_approx_sqrt grid=2 block=256 out=1024 tol=ulp:3
extern "C" __global__ void arith_f32_approx_sqrt(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[3200 + t], 1, 254, false);
    float r0, r1;
    asm volatile("sqrt.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    asm volatile("sqrt.approx.ftz.f32 %0, %1;" : "=f"(r1) : "f"(x));
    out[t * 2] = F2U(r0); out[t * 2 + 1] = F2U(r1);
}

// PTX ISA: div.approx.f32 max 2 ulp for |b| in [2^-126, 2^126];
// div.full.f32 max 2 ulp over the full range. Inputs keep |a/b| in the
// normal range (a, b exponents within 2^-60..2^60). tol = 3 ulp.
// @case arith_f32_approx_div grid=2 block=256 out=2048 tol=ulp:3
extern "C" __global__ void arith_f32_approx_div(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = rnd_exp(in[3800 + t], 67, 187, true);
    float b = rnd_exp(in[4400 + t], 67, 187, true);
    float r0, r1, r2, r3;
    asm volatile("div.approx.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("div.approx.ftz.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("div.full.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("div.full.ftz.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}

// PTX ISA: tanh.approx.f32 (sm_75+) max relative error 2^-10.987
// (~8270 ulp). Inputs |x| in [2^-10, 16). tol = 8400 ulp.
// @case arith_f32_approx_tanh grid=1 block=256 out=256 tol=ulp:8400
extern "C" __global__ void arith_f32_approx_tanh(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float x = rnd_exp(in[5000 + t], 117, 130, true);
    float r0;
    asm volatile("tanh.approx.f32 %0, %1;" : "=f"(r0) : "f"(x));
    out[t] = F2U(r0);
}

// Exact special cases. Thread t picks input in[idx]:
//  t 0..6  : +0, -0, +inf, -inf, qNaN, sNaN, -NaN (all ops, non-ftz and ftz)
//  t 7..9  : subnormals 0x00000001, 0x807fffff, 0x00400000 (.ftz ops only)
//  t 10..12: negative normals -1, -2.5, -FLT_MAX (sqrt/rsqrt/lg2 -> NaN)
// Words: 0 sin 1 cos 2 lg2 3 ex2 4 rsqrt 5 rcp 6 sqrt 7 tanh
//        8 sin.ftz 9 cos.ftz 10 lg2.ftz 11 ex2.ftz 12 rsqrt.ftz 13 rcp.ftz 14 sqrt.ftz 15 input
// Outputs that are not ISA-defined for that input are written as 0.
// @case arith_f32_approx_special grid=1 block=16 out=256
extern "C" __global__ void arith_f32_approx_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int idx;
    switch (t) {
    case 0: idx = 0; break;  case 1: idx = 1; break;  case 2: idx = 4; break;
    case 3: idx = 5; break;  case 4: idx = 6; break;  case 5: idx = 7; break;
    case 6: idx = 8; break;  case 7: idx = 9; break;  case 8: idx = 10; break;
    case 9: idx = 31; break; case 10: idx = 3; break; case 11: idx = 17; break;
    default: idx = 13; break;
    }
    float x = U2F(in[idx]);
    float r[15];
    asm volatile("sin.approx.f32 %0, %1;" : "=f"(r[0]) : "f"(x));
    asm volatile("cos.approx.f32 %0, %1;" : "=f"(r[1]) : "f"(x));
    asm volatile("lg2.approx.f32 %0, %1;" : "=f"(r[2]) : "f"(x));
    asm volatile("ex2.approx.f32 %0, %1;" : "=f"(r[3]) : "f"(x));
    asm volatile("rsqrt.approx.f32 %0, %1;" : "=f"(r[4]) : "f"(x));
    asm volatile("rcp.approx.f32 %0, %1;" : "=f"(r[5]) : "f"(x));
    asm volatile("sqrt.approx.f32 %0, %1;" : "=f"(r[6]) : "f"(x));
    asm volatile("tanh.approx.f32 %0, %1;" : "=f"(r[7]) : "f"(x));
    asm volatile("sin.approx.ftz.f32 %0, %1;" : "=f"(r[8]) : "f"(x));
    asm volatile("cos.approx.ftz.f32 %0, %1;" : "=f"(r[9]) : "f"(x));
    asm volatile("lg2.approx.ftz.f32 %0, %1;" : "=f"(r[10]) : "f"(x));
    asm volatile("ex2.approx.ftz.f32 %0, %1;" : "=f"(r[11]) : "f"(x));
    asm volatile("rsqrt.approx.ftz.f32 %0, %1;" : "=f"(r[12]) : "f"(x));
    asm volatile("rcp.approx.ftz.f32 %0, %1;" : "=f"(r[13]) : "f"(x));
    asm volatile("sqrt.approx.ftz.f32 %0, %1;" : "=f"(r[14]) : "f"(x));
    for (int j = 0; j < 15; j++) {
        bool ok;
        if (t < 7) ok = true;
        else if (t < 10) ok = j >= 8;
        else if (t < 13) ok = (j == 2 || j == 4 || j == 6 || j == 10 || j == 12 || j == 14);
        else ok = false;
        out[t * 16 + j] = ok ? F2U(r[j]) : 0u;
    }
    out[t * 16 + 15] = F2U(x);
}

// Exact special cases for div.approx / div.full: a in {0, 1, inf, NaN},
// b in {+0, -0, +inf, NaN}: x/0 = inf, 0/0 = NaN, inf/inf = NaN,
// finite/inf = 0, anything/NaN = NaN.
// Words: div.approx, div.approx.ftz, div.full, div.full.ftz
// @case arith_f32_approx_div_special grid=1 block=16 out=64
extern "C" __global__ void arith_f32_approx_div_special(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int ai = t & 3, bi = t >> 2;
    float a = U2F(in[ai == 0 ? 0 : ai == 1 ? 2 : ai == 2 ? 4 : 6]);
    float b = U2F(in[bi == 0 ? 0 : bi == 1 ? 1 : bi == 2 ? 4 : 6]);
    float r0, r1, r2, r3;
    asm volatile("div.approx.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("div.approx.ftz.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("div.full.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("div.full.ftz.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = F2U(r0); out[t * 4 + 1] = F2U(r1); out[t * 4 + 2] = F2U(r2); out[t * 4 + 3] = F2U(r3);
}
