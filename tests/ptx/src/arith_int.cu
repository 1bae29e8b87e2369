// Integer arithmetic: add/sub/mul/mad (all widths and .lo/.hi/.wide forms),
// mul24/mad24, sad, div/rem (incl. division by zero and INT_MIN / -1),
// abs/neg, min/max, add.sat/sub.sat, 64-bit arithmetic.
// All operands come from `in` so nothing is constant-folded; explicit
// instruction forms use inline PTX.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// Integer operand pairs: a from the integer specials / squares region
// (in[64..127]), b paired with a different stride; threads >= 128 use
// pseudo-random words.
static __device__ __forceinline__ unsigned int opa(const unsigned int* in, unsigned int t) {
    return t < 128 ? in[64 + (t & 63)] : in[128 + t];
}
static __device__ __forceinline__ unsigned int opb(const unsigned int* in, unsigned int t) {
    return t < 128 ? in[64 + ((t * 7 + 3) & 63)] : in[1024 + t * 3];
}
static __device__ __forceinline__ unsigned int opc(const unsigned int* in, unsigned int t) {
    return t < 128 ? in[64 + ((t * 13 + 5) & 63)] : in[2048 + t * 5];
}
// 64-bit operand i (0..63): i<32 sign-extended integer special, else a
// hi/lo combination of specials (i=38 -> INT64_MAX, i=39 -> INT64_MIN).
static __device__ __forceinline__ unsigned long long mk64(const unsigned int* in, unsigned int i) {
    if (i < 32) return (unsigned long long)(long long)(int)in[64 + i];
    unsigned int hi = in[64 + (i & 31)];
    unsigned int lo = in[64 + ((28 * (i + 1)) & 31)];
    return ((unsigned long long)hi << 32) | lo;
}
static __device__ __forceinline__ unsigned long long op64(const unsigned int* in, unsigned int t, unsigned int salt) {
    if (t < 64) return mk64(in, (t * (2 * salt + 1) + salt * 5) & 63);
    unsigned int lo = in[128 + t * 2 + salt * 4096];
    unsigned int hi = in[129 + t * 2 + salt * 4096];
    return ((unsigned long long)hi << 32) | lo;
}
static __device__ __forceinline__ void st64(unsigned int* out, unsigned int idx, unsigned long long v) {
    out[idx] = (unsigned int)v;
    out[idx + 1] = (unsigned int)(v >> 32);
}

// @case arith_int_addsub32 grid=2 block=128 out=2048
extern "C" __global__ void arith_int_addsub32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t);
    unsigned int r[8];
    asm volatile("add.u32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("add.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("sub.u32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("sub.s32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    asm volatile("add.sat.s32 %0, %1, %2;" : "=r"(r[4]) : "r"(a), "r"(b));
    asm volatile("sub.sat.s32 %0, %1, %2;" : "=r"(r[5]) : "r"(a), "r"(b));
    asm volatile("neg.s32 %0, %1;" : "=r"(r[6]) : "r"(a));
    asm volatile("abs.s32 %0, %1;" : "=r"(r[7]) : "r"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// @case arith_int_addsub16 grid=2 block=128 out=2048
extern "C" __global__ void arith_int_addsub16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int wa = opa(in, t), wb = opb(in, t);
    unsigned short a = (unsigned short)(wa ^ (wa >> 16)), b = (unsigned short)(wb ^ (wb >> 16));
    unsigned short r[8];
    asm volatile("add.u16 %0, %1, %2;" : "=h"(r[0]) : "h"(a), "h"(b));
    asm volatile("add.s16 %0, %1, %2;" : "=h"(r[1]) : "h"(a), "h"(b));
    asm volatile("sub.u16 %0, %1, %2;" : "=h"(r[2]) : "h"(a), "h"(b));
    asm volatile("sub.s16 %0, %1, %2;" : "=h"(r[3]) : "h"(a), "h"(b));
    asm volatile("neg.s16 %0, %1;" : "=h"(r[4]) : "h"(a));
    asm volatile("abs.s16 %0, %1;" : "=h"(r[5]) : "h"(b));
    asm volatile("min.s16 %0, %1, %2;" : "=h"(r[6]) : "h"(a), "h"(b));
    asm volatile("max.u16 %0, %1, %2;" : "=h"(r[7]) : "h"(a), "h"(b));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = (unsigned int)r[j] | ((unsigned int)a << 16);
}

// @case arith_int_mul32 grid=2 block=128 out=2048
extern "C" __global__ void arith_int_mul32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t);
    unsigned int r[4];
    unsigned long long wu, ws;
    asm volatile("mul.lo.u32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("mul.lo.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("mul.hi.u32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("mul.hi.s32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    asm volatile("mul.wide.u32 %0, %1, %2;" : "=l"(wu) : "r"(a), "r"(b));
    asm volatile("mul.wide.s32 %0, %1, %2;" : "=l"(ws) : "r"(a), "r"(b));
    for (int j = 0; j < 4; j++) out[t * 8 + j] = r[j];
    st64(out, t * 8 + 4, wu);
    st64(out, t * 8 + 6, ws);
}

// @case arith_int_mul16 grid=2 block=128 out=2048
extern "C" __global__ void arith_int_mul16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int wa = opa(in, t), wb = opb(in, t);
    unsigned short a = (unsigned short)(wa + (wa >> 16)), b = (unsigned short)(wb - (wb >> 16));
    unsigned short r[4];
    unsigned int wu, ws, mu, ms;
    asm volatile("mul.lo.u16 %0, %1, %2;" : "=h"(r[0]) : "h"(a), "h"(b));
    asm volatile("mul.lo.s16 %0, %1, %2;" : "=h"(r[1]) : "h"(a), "h"(b));
    asm volatile("mul.hi.u16 %0, %1, %2;" : "=h"(r[2]) : "h"(a), "h"(b));
    asm volatile("mul.hi.s16 %0, %1, %2;" : "=h"(r[3]) : "h"(a), "h"(b));
    asm volatile("mul.wide.u16 %0, %1, %2;" : "=r"(wu) : "h"(a), "h"(b));
    asm volatile("mul.wide.s16 %0, %1, %2;" : "=r"(ws) : "h"(a), "h"(b));
    asm volatile("mad.wide.u16 %0, %1, %2, %3;" : "=r"(mu) : "h"(a), "h"(b), "r"(wa));
    asm volatile("mad.wide.s16 %0, %1, %2, %3;" : "=r"(ms) : "h"(a), "h"(b), "r"(wb));
    for (int j = 0; j < 4; j++) out[t * 8 + j] = r[j];
    out[t * 8 + 4] = wu;
    out[t * 8 + 5] = ws;
    out[t * 8 + 6] = mu;
    out[t * 8 + 7] = ms;
}

// @case arith_int_mul64 grid=2 block=128 out=2560
extern "C" __global__ void arith_int_mul64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned long long a = op64(in, t, 0), b = op64(in, t, 1);
    unsigned long long r[5];
    asm volatile("mul.lo.u64 %0, %1, %2;" : "=l"(r[0]) : "l"(a), "l"(b));
    asm volatile("mul.hi.u64 %0, %1, %2;" : "=l"(r[1]) : "l"(a), "l"(b));
    asm volatile("mul.hi.s64 %0, %1, %2;" : "=l"(r[2]) : "l"(a), "l"(b));
    asm volatile("add.s64 %0, %1, %2;" : "=l"(r[3]) : "l"(a), "l"(b));
    asm volatile("sub.u64 %0, %1, %2;" : "=l"(r[4]) : "l"(a), "l"(b));
    for (int j = 0; j < 5; j++) st64(out, t * 10 + 2 * j, r[j]);
}

// @case arith_int_mad grid=2 block=128 out=4096
extern "C" __global__ void arith_int_mad(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t), c = opc(in, t);
    unsigned int r[8];
    unsigned long long wu, ws, l1, l2;
    unsigned long long a64 = op64(in, t, 0), b64 = op64(in, t, 1), c64 = op64(in, t, 2);
    asm volatile("mad.lo.u32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad.lo.s32 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad.hi.u32 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad.hi.s32 %0, %1, %2, %3;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad.hi.sat.s32 %0, %1, %2, %3;" : "=r"(r[4]) : "r"(a), "r"(b), "r"(c));
    unsigned short h5, h6;
    asm volatile("mad.lo.u16 %0, %1, %2, %3;" : "=h"(h5) : "h"((unsigned short)a), "h"((unsigned short)b), "h"((unsigned short)c));
    r[5] = h5;
    asm volatile("mad.hi.s16 %0, %1, %2, %3;" : "=h"(h6) : "h"((unsigned short)a), "h"((unsigned short)b), "h"((unsigned short)c));
    r[6] = h6;
    asm volatile("mad.hi.u64 %0, %1, %2, %3;" : "=l"(l2) : "l"(a64), "l"(b64), "l"(c64));
    r[7] = (unsigned int)(l2 ^ (l2 >> 32));
    asm volatile("mad.wide.u32 %0, %1, %2, %3;" : "=l"(wu) : "r"(a), "r"(b), "l"(c64));
    asm volatile("mad.wide.s32 %0, %1, %2, %3;" : "=l"(ws) : "r"(a), "r"(b), "l"(c64));
    asm volatile("mad.lo.s64 %0, %1, %2, %3;" : "=l"(l1) : "l"(a64), "l"(b64), "l"(c64));
    for (int j = 0; j < 8; j++) out[t * 16 + j] = r[j];
    st64(out, t * 16 + 8, wu);
    st64(out, t * 16 + 10, ws);
    st64(out, t * 16 + 12, l1);
    asm volatile("mad.hi.s64 %0, %1, %2, %3;" : "=l"(l2) : "l"(a64), "l"(b64), "l"(c64));
    st64(out, t * 16 + 14, l2);
}

// mul24.hi returns bits 47..16 of the 48-bit product of the low 24 bits.
// @case arith_int_mul24 grid=2 block=128 out=2560
extern "C" __global__ void arith_int_mul24(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t), c = opc(in, t);
    unsigned int r[10];
    asm volatile("mul24.lo.u32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("mul24.hi.u32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("mul24.lo.s32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("mul24.hi.s32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    asm volatile("mad24.lo.u32 %0, %1, %2, %3;" : "=r"(r[4]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad24.hi.u32 %0, %1, %2, %3;" : "=r"(r[5]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad24.lo.s32 %0, %1, %2, %3;" : "=r"(r[6]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad24.hi.s32 %0, %1, %2, %3;" : "=r"(r[7]) : "r"(a), "r"(b), "r"(c));
    asm volatile("mad24.hi.sat.s32 %0, %1, %2, %3;" : "=r"(r[8]) : "r"(a), "r"(b), "r"(c));
    r[9] = __umul24(a, c) ^ (unsigned int)__mul24((int)b, (int)c);
    for (int j = 0; j < 10; j++) out[t * 10 + j] = r[j];
}

// @case arith_int_sad grid=2 block=128 out=2048
extern "C" __global__ void arith_int_sad(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t), c = opc(in, t);
    unsigned long long a64 = op64(in, t, 0), b64 = op64(in, t, 1), c64 = op64(in, t, 2);
    unsigned int r[4];
    unsigned short h0, h1;
    unsigned long long l0, l1;
    asm volatile("sad.u32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("sad.s32 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(c));
    asm volatile("sad.u16 %0, %1, %2, %3;" : "=h"(h0) : "h"((unsigned short)a), "h"((unsigned short)(b >> 16)), "h"((unsigned short)c));
    asm volatile("sad.s16 %0, %1, %2, %3;" : "=h"(h1) : "h"((unsigned short)(a >> 16)), "h"((unsigned short)b), "h"((unsigned short)c));
    r[2] = h0;
    r[3] = h1;
    asm volatile("sad.u64 %0, %1, %2, %3;" : "=l"(l0) : "l"(a64), "l"(b64), "l"(c64));
    asm volatile("sad.s64 %0, %1, %2, %3;" : "=l"(l1) : "l"(a64), "l"(b64), "l"(c64));
    for (int j = 0; j < 4; j++) out[t * 8 + j] = r[j];
    st64(out, t * 8 + 4, l0);
    st64(out, t * 8 + 6, l1);
}

// Full 32x32 cross product of the integer specials in[64..95]: includes
// x/0, INT_MIN/-1, 0/0, UINT_MAX/1 ...
// @case arith_int_divrem32 grid=4 block=256 out=4096
extern "C" __global__ void arith_int_divrem32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = in[64 + (t >> 5)], b = in[64 + (t & 31)];
    unsigned int r[4];
    asm volatile("div.u32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("div.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("rem.u32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("rem.s32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    for (int j = 0; j < 4; j++) out[t * 4 + j] = r[j];
}

// Random dividends / divisors (plus small divisors) for div/rem 32.
// @case arith_int_divrem32_rand grid=2 block=256 out=2048
extern "C" __global__ void arith_int_divrem32_rand(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = in[128 + t], b = in[4096 + t];
    b = (t & 1) ? (b >> (t & 31)) : b;  // mix of large and small divisors (incl. 0 and 1)
    unsigned int r[4];
    asm volatile("div.u32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("div.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("rem.u32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("rem.s32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    for (int j = 0; j < 4; j++) out[t * 4 + j] = r[j];
}

// 64-bit div/rem: 64 dividends x 8 divisors from mk64 (incl. 0, 1, -1,
// INT64_MIN, INT64_MAX), plus random ones.
// @case arith_int_divrem64 grid=2 block=256 out=4096
extern "C" __global__ void arith_int_divrem64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned long long a, b;
    if (t < 256) {
        a = mk64(in, t & 63);
        unsigned int bi = t >> 6;  // 0..3
        b = mk64(in, bi == 0 ? 0 : bi == 1 ? 4 : bi == 2 ? (t & 31) : (32 + ((t * 5) & 31)));
    } else {
        a = op64(in, t, 0);
        b = op64(in, t, 1) >> (t & 63);
    }
    unsigned long long r[4];
    asm volatile("div.u64 %0, %1, %2;" : "=l"(r[0]) : "l"(a), "l"(b));
    asm volatile("div.s64 %0, %1, %2;" : "=l"(r[1]) : "l"(a), "l"(b));
    asm volatile("rem.u64 %0, %1, %2;" : "=l"(r[2]) : "l"(a), "l"(b));
    asm volatile("rem.s64 %0, %1, %2;" : "=l"(r[3]) : "l"(a), "l"(b));
    for (int j = 0; j < 4; j++) st64(out, t * 8 + 2 * j, r[j]);
}

// 16-bit div/rem (incl. /0 and -32768/-1).
// @case arith_int_divrem16 grid=4 block=256 out=2048
extern "C" __global__ void arith_int_divrem16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int wa = in[64 + (t >> 5)], wb = in[64 + (t & 31)];
    unsigned short a = (unsigned short)(wa ^ (wa >> 16)), b = (unsigned short)(wb ^ (wb >> 16));
    unsigned short r0, r1, r2, r3;
    asm volatile("div.u16 %0, %1, %2;" : "=h"(r0) : "h"(a), "h"(b));
    asm volatile("div.s16 %0, %1, %2;" : "=h"(r1) : "h"(a), "h"(b));
    asm volatile("rem.u16 %0, %1, %2;" : "=h"(r2) : "h"(a), "h"(b));
    asm volatile("rem.s16 %0, %1, %2;" : "=h"(r3) : "h"(a), "h"(b));
    out[t * 2] = (unsigned int)r0 | ((unsigned int)r1 << 16);
    out[t * 2 + 1] = (unsigned int)r2 | ((unsigned int)r3 << 16);
}

// @case arith_int_minmax grid=2 block=128 out=4096
extern "C" __global__ void arith_int_minmax(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = opa(in, t), b = opb(in, t);
    unsigned long long a64 = op64(in, t, 0), b64 = op64(in, t, 1);
    unsigned int r[6];
    unsigned long long l[5];
    asm volatile("min.s32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("min.u32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("max.s32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("max.u32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    r[4] = (unsigned int)min((int)a, (int)b) ^ max(a, b);
    r[5] = (unsigned int)abs((int)a);
    asm volatile("min.s64 %0, %1, %2;" : "=l"(l[0]) : "l"(a64), "l"(b64));
    asm volatile("min.u64 %0, %1, %2;" : "=l"(l[1]) : "l"(a64), "l"(b64));
    asm volatile("max.s64 %0, %1, %2;" : "=l"(l[2]) : "l"(a64), "l"(b64));
    asm volatile("max.u64 %0, %1, %2;" : "=l"(l[3]) : "l"(a64), "l"(b64));
    asm volatile("abs.s64 %0, %1;" : "=l"(l[4]) : "l"(a64));
    for (int j = 0; j < 6; j++) out[t * 16 + j] = r[j];
    for (int j = 0; j < 5; j++) st64(out, t * 16 + 6 + 2 * j, l[j]);
}

// @case arith_int_arith64 grid=2 block=128 out=4096
extern "C" __global__ void arith_int_arith64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned long long a = op64(in, t, 0), b = op64(in, t, 1);
    unsigned long long l[8];
    asm volatile("add.u64 %0, %1, %2;" : "=l"(l[0]) : "l"(a), "l"(b));
    asm volatile("sub.s64 %0, %1, %2;" : "=l"(l[1]) : "l"(a), "l"(b));
    asm volatile("neg.s64 %0, %1;" : "=l"(l[2]) : "l"(a));
    asm volatile("mul.lo.s64 %0, %1, %2;" : "=l"(l[3]) : "l"(a), "l"(b));
    // C-level 64-bit arithmetic the compiler lowers itself
    l[4] = a * 3 + (b >> 7);
    l[5] = (unsigned long long)((long long)a >> 13) - b;
    l[6] = (unsigned long long)((long long)a / 7);  // constant divisor -> mul.hi sequence
    l[7] = a % 1000003ull;
    for (int j = 0; j < 8; j++) st64(out, t * 16 + 2 * j, l[j]);
}
