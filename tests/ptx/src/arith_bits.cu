// Bit manipulation: shifts (incl. amounts >= width), logic ops, cnot, popc,
// clz, brev, bfind, bfe, bfi, prmt (all modes), lop3, shf, fns, bmsk,
// szext, dp4a/dp2a, predicate logic. All instruction forms via inline PTX
// with register operands read from `in` (no constant folding, no C UB).

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// value word: integer specials, then squares, then random
static __device__ __forceinline__ unsigned int val(const unsigned int* in, unsigned int t) {
    return t < 64 ? in[64 + t] : in[128 + t * 3];
}
static __device__ __forceinline__ unsigned long long val64(const unsigned int* in, unsigned int t) {
    unsigned int lo = val(in, t);
    unsigned int hi = t < 32 ? (unsigned int)((int)lo >> 31) : in[64 + ((t * 5 + 1) & 63)] ^ (t >= 64 ? in[8192 + t] : 0u);
    return ((unsigned long long)hi << 32) | lo;
}
static __device__ __forceinline__ void st64(unsigned int* out, unsigned int idx, unsigned long long v) {
    out[idx] = (unsigned int)v;
    out[idx + 1] = (unsigned int)(v >> 32);
}
// shift / position amount 0..40 for most threads, arbitrary huge values for
// the last 16 of each 256 (0xffffffff, 0x80000000, 64, 1000, ...)
static __device__ __forceinline__ unsigned int amt(const unsigned int* in, unsigned int t) {
    unsigned int k = t & 255;
    return k < 240 ? (in[65] * (k % 41)) : in[64 + 4 + (k & 15)];  // in[65] == 1
}

// @case arith_bits_shift32 grid=2 block=256 out=1536
extern "C" __global__ void arith_bits_shift32(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t >> 2 & 127) ^ (t >> 9), n = amt(in, t);
    unsigned int r0, r1, r2;
    asm volatile("shl.b32 %0, %1, %2;" : "=r"(r0) : "r"(a), "r"(n));
    asm volatile("shr.u32 %0, %1, %2;" : "=r"(r1) : "r"(a), "r"(n));
    asm volatile("shr.s32 %0, %1, %2;" : "=r"(r2) : "r"(a), "r"(n));
    out[t * 3] = r0;
    out[t * 3 + 1] = r1;
    out[t * 3 + 2] = r2;
}

// @case arith_bits_shift16 grid=1 block=256 out=768
extern "C" __global__ void arith_bits_shift16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int w = val(in, t >> 2);
    unsigned short a = (unsigned short)(w ^ (w >> 16));
    unsigned int n = amt(in, t * 3 + 1) >> 1;  // 0..20 mostly, plus huge values
    unsigned short r0, r1, r2;
    asm volatile("shl.b16 %0, %1, %2;" : "=h"(r0) : "h"(a), "r"(n));
    asm volatile("shr.u16 %0, %1, %2;" : "=h"(r1) : "h"(a), "r"(n));
    asm volatile("shr.s16 %0, %1, %2;" : "=h"(r2) : "h"(a), "r"(n));
    out[t * 3] = r0 | (n << 16);
    out[t * 3 + 1] = r1;
    out[t * 3 + 2] = r2;
}

// @case arith_bits_shift64 grid=2 block=256 out=3072
extern "C" __global__ void arith_bits_shift64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned long long a = val64(in, (t >> 2) & 127);
    unsigned int k = t & 255;
    unsigned int n = k < 240 ? in[65] * ((k * 3) % 71) : in[64 + 4 + (k & 15)];  // 0..70 + huge
    unsigned long long r0, r1, r2;
    asm volatile("shl.b64 %0, %1, %2;" : "=l"(r0) : "l"(a), "r"(n));
    asm volatile("shr.u64 %0, %1, %2;" : "=l"(r1) : "l"(a), "r"(n));
    asm volatile("shr.s64 %0, %1, %2;" : "=l"(r2) : "l"(a), "r"(n));
    st64(out, t * 6, r0);
    st64(out, t * 6 + 2, r1);
    st64(out, t * 6 + 4, r2);
}

// @case arith_bits_logic grid=1 block=256 out=4096
extern "C" __global__ void arith_bits_logic(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t), b = val(in, (t * 7 + 3) & 255);
    unsigned long long a64 = val64(in, t), b64 = val64(in, (t * 11 + 1) & 255);
    unsigned short ah = (unsigned short)a, bh = (unsigned short)(b >> 8);
    unsigned int r[8];
    unsigned long long l[3];
    unsigned short h[3];
    asm volatile("and.b32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("or.b32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("xor.b32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("not.b32 %0, %1;" : "=r"(r[3]) : "r"(a));
    asm volatile("cnot.b32 %0, %1;" : "=r"(r[4]) : "r"(a & (t & 3 ? 0xffffffffu : 0u)));
    asm volatile("and.b16 %0, %1, %2;" : "=h"(h[0]) : "h"(ah), "h"(bh));
    asm volatile("xor.b16 %0, %1, %2;" : "=h"(h[1]) : "h"(ah), "h"(bh));
    asm volatile("cnot.b16 %0, %1;" : "=h"(h[2]) : "h"((unsigned short)(ah & (t & 4 ? 0xffff : 0))));
    r[5] = h[0] | ((unsigned int)h[1] << 16);
    unsigned short nh;
    asm volatile("not.b16 %0, %1;" : "=h"(nh) : "h"(bh));
    r[6] = h[2] | ((unsigned int)nh << 16);
    asm volatile("or.b16 %0, %1, %2;" : "=h"(nh) : "h"(ah), "h"(bh));
    r[7] = nh;
    asm volatile("and.b64 %0, %1, %2;" : "=l"(l[0]) : "l"(a64), "l"(b64));
    asm volatile("or.b64 %0, %1, %2;" : "=l"(l[1]) : "l"(a64), "l"(b64));
    asm volatile("xor.b64 %0, %1, %2;" : "=l"(l[2]) : "l"(a64), "l"(b64));
    unsigned long long nl, cl;
    asm volatile("not.b64 %0, %1;" : "=l"(nl) : "l"(a64));
    asm volatile("cnot.b64 %0, %1;" : "=l"(cl) : "l"(b64 & (t & 8 ? ~0ull : 0ull)));
    for (int j = 0; j < 8; j++) out[t * 16 + j] = r[j];
    st64(out, t * 16 + 8, l[0]);
    st64(out, t * 16 + 10, l[1]);
    st64(out, t * 16 + 12, l[2] ^ nl);
    st64(out, t * 16 + 14, cl);
}

// Predicate logic: and/or/xor/not.pred, negated predicate sources.
// @case arith_bits_pred grid=1 block=256 out=256
extern "C" __global__ void arith_bits_pred(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t), b = val(in, (t * 7 + 3) & 255);
    unsigned int r;
    asm volatile(
        "{\n\t.reg .pred p, q, x0, x1, x2, x3, x4;\n\t.reg .u32 w;\n\t"
        "setp.lt.s32 p, %1, %2;\n\t"
        "setp.ne.u32 q, %1, 0;\n\t"
        "and.pred x0, p, q;\n\t"
        "or.pred x1, p, !q;\n\t"
        "xor.pred x2, !p, q;\n\t"
        "not.pred x3, p;\n\t"
        "xor.pred x4, x3, x1;\n\t"
        "selp.u32 %0, 1, 0, x0;\n\t"
        "selp.u32 w, 2, 0, x1;\n\t or.b32 %0, %0, w;\n\t"
        "selp.u32 w, 4, 0, x2;\n\t or.b32 %0, %0, w;\n\t"
        "selp.u32 w, 8, 0, x3;\n\t or.b32 %0, %0, w;\n\t"
        "selp.u32 w, 16, 0, x4;\n\t or.b32 %0, %0, w;\n\t"
        "@!x4 or.b32 %0, %0, 32;\n\t"
        "}"
        : "=r"(r) : "r"(a), "r"(b));
    out[t] = r;
}

// @case arith_bits_count grid=1 block=256 out=2048
extern "C" __global__ void arith_bits_count(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t);
    unsigned long long a64 = val64(in, (t * 3) & 255);
    unsigned int r[6];
    unsigned long long rb;
    asm volatile("popc.b32 %0, %1;" : "=r"(r[0]) : "r"(a));
    asm volatile("popc.b64 %0, %1;" : "=r"(r[1]) : "l"(a64));
    asm volatile("clz.b32 %0, %1;" : "=r"(r[2]) : "r"(a));
    asm volatile("clz.b64 %0, %1;" : "=r"(r[3]) : "l"(a64));
    asm volatile("brev.b32 %0, %1;" : "=r"(r[4]) : "r"(a));
    asm volatile("brev.b64 %0, %1;" : "=l"(rb) : "l"(a64));
    r[5] = (unsigned int)__ffs((int)a) | ((unsigned int)__ffsll((long long)a64) << 8) | ((unsigned int)__clzll((long long)a64) << 16);
    for (int j = 0; j < 6; j++) out[t * 8 + j] = r[j];
    st64(out, t * 8 + 6, rb);
}

// bfind: position of most significant non-sign bit, 0xffffffff if none.
// @case arith_bits_bfind grid=1 block=256 out=2048
extern "C" __global__ void arith_bits_bfind(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t);
    unsigned long long a64 = val64(in, (t * 5) & 255);
    if (t >= 128 && t < 192) a >>= (t & 31);       // spread of magnitudes
    if (t >= 128 && t < 192) a64 >>= (t & 63);
    unsigned int r[8];
    asm volatile("bfind.u32 %0, %1;" : "=r"(r[0]) : "r"(a));
    asm volatile("bfind.s32 %0, %1;" : "=r"(r[1]) : "r"(a));
    asm volatile("bfind.shiftamt.u32 %0, %1;" : "=r"(r[2]) : "r"(a));
    asm volatile("bfind.shiftamt.s32 %0, %1;" : "=r"(r[3]) : "r"(a));
    asm volatile("bfind.u64 %0, %1;" : "=r"(r[4]) : "l"(a64));
    asm volatile("bfind.s64 %0, %1;" : "=r"(r[5]) : "l"(a64));
    asm volatile("bfind.shiftamt.u64 %0, %1;" : "=r"(r[6]) : "l"(a64));
    asm volatile("bfind.shiftamt.s64 %0, %1;" : "=r"(r[7]) : "l"(a64));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// bfe: pos/len only use the low 8 bits; len 0, pos+len > width, pos >= width.
// @case arith_bits_bfe grid=2 block=256 out=3072
extern "C" __global__ void arith_bits_bfe(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, (t * 13) & 255);
    unsigned long long a64 = val64(in, (t * 29) & 255);
    unsigned int k = t & 255;
    unsigned int pos, len;
    if (t < 256) {
        pos = in[65] * (k % 36);             // 0..35
        len = in[65] * ((k * 7) % 37);       // 0..36
    } else {
        pos = in[65] * ((k * 5) % 70);       // 0..69 (64-bit range)
        len = in[65] * ((k * 3) % 70);
        if (k >= 240) { pos = in[64 + (k & 15)]; len = in[64 + ((k * 3) & 15)]; }  // huge: only low 8 bits used
    }
    unsigned int r0, r1;
    unsigned long long l0, l1;
    asm volatile("bfe.u32 %0, %1, %2, %3;" : "=r"(r0) : "r"(a), "r"(pos), "r"(len));
    asm volatile("bfe.s32 %0, %1, %2, %3;" : "=r"(r1) : "r"(a), "r"(pos), "r"(len));
    asm volatile("bfe.u64 %0, %1, %2, %3;" : "=l"(l0) : "l"(a64), "r"(pos), "r"(len));
    asm volatile("bfe.s64 %0, %1, %2, %3;" : "=l"(l1) : "l"(a64), "r"(pos), "r"(len));
    out[t * 6] = r0;
    out[t * 6 + 1] = r1;
    st64(out, t * 6 + 2, l0);
    st64(out, t * 6 + 4, l1);
}

// bfi: insert low len bits of a into b at pos.
// @case arith_bits_bfi grid=2 block=256 out=2048
extern "C" __global__ void arith_bits_bfi(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, (t * 13) & 255), b = val(in, (t * 17 + 5) & 255);
    unsigned long long a64 = val64(in, (t * 29) & 255), b64 = val64(in, (t * 3 + 7) & 255);
    unsigned int k = t & 255;
    unsigned int pos = t < 256 ? in[65] * (k % 36) : in[65] * ((k * 5) % 70);
    unsigned int len = t < 256 ? in[65] * ((k * 7) % 37) : in[65] * ((k * 3) % 70);
    if (k >= 248) { pos = in[64 + (k & 7) + 4]; len = in[64 + (k & 7) + 8]; }
    unsigned int r0;
    unsigned long long l0;
    asm volatile("bfi.b32 %0, %1, %2, %3, %4;" : "=r"(r0) : "r"(a), "r"(b), "r"(pos), "r"(len));
    asm volatile("bfi.b64 %0, %1, %2, %3, %4;" : "=l"(l0) : "l"(a64), "l"(b64), "r"(pos), "r"(len));
    out[t * 4] = r0;
    out[t * 4 + 1] = pos | (len << 16);
    st64(out, t * 4 + 2, l0);
}

// prmt in default and all special modes; selector from random words.
// @case arith_bits_prmt grid=1 block=256 out=2048
extern "C" __global__ void arith_bits_prmt(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = in[64 + 17 + (t & 7)] ^ in[300 + t];  // varied bytes incl 0x80 signs
    unsigned int b = in[64 + 18] ^ in[700 + t];
    unsigned int c = t < 64 ? in[64 + t] : in[1100 + t];
    unsigned int r[8];
    asm volatile("prmt.b32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.f4e %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.b4e %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.rc8 %0, %1, %2, %3;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.ecl %0, %1, %2, %3;" : "=r"(r[4]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.ecr %0, %1, %2, %3;" : "=r"(r[5]) : "r"(a), "r"(b), "r"(c));
    asm volatile("prmt.b32.rc16 %0, %1, %2, %3;" : "=r"(r[6]) : "r"(a), "r"(b), "r"(c));
    r[7] = __byte_perm(b, a, c >> 3);
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// lop3 with a spread of truth tables.
// @case arith_bits_lop3 grid=1 block=256 out=2560
extern "C" __global__ void arith_bits_lop3(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t), b = val(in, (t * 7 + 3) & 255), c = val(in, (t * 13 + 5) & 255);
    unsigned int r[10];
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x00;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0xff;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x96;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0xe8;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0xca;" : "=r"(r[4]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x80;" : "=r"(r[5]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0xfe;" : "=r"(r[6]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x1e;" : "=r"(r[7]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x6a;" : "=r"(r[8]) : "r"(a), "r"(b), "r"(c));
    asm volatile("lop3.b32 %0, %1, %2, %3, 0x5a;" : "=r"(r[9]) : "r"(a), "r"(b), "r"(c));
    for (int j = 0; j < 10; j++) out[t * 10 + j] = r[j];
}

// Funnel shifts: .wrap uses n & 31, .clamp uses min(n, 32).
// @case arith_bits_shf grid=1 block=256 out=1536
extern "C" __global__ void arith_bits_shf(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, (t * 5) & 255), b = val(in, (t * 11 + 2) & 255);
    unsigned int k = t & 255;
    unsigned int n = k < 240 ? in[65] * (k % 71) : in[64 + 4 + (k & 15)];
    unsigned int r[6];
    asm volatile("shf.l.wrap.b32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(n));
    asm volatile("shf.l.clamp.b32 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(n));
    asm volatile("shf.r.wrap.b32 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(n));
    asm volatile("shf.r.clamp.b32 %0, %1, %2, %3;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(n));
    r[4] = __funnelshift_l(a, b, n) ^ __funnelshift_rc(a, b, n);
    r[5] = n;
    for (int j = 0; j < 6; j++) out[t * 6 + j] = r[j];
}

// fns: find n-th set bit from base (base 0..31, offset -34..34).
// @case arith_bits_fns grid=2 block=256 out=512
extern "C" __global__ void arith_bits_fns(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int mask = t < 64 ? in[64 + t] : in[128 + t];
    unsigned int base = in[65] * ((t * 7) & 31);
    int off = (int)(in[65] * ((t * 3) % 69)) - 34;
    unsigned int r;
    asm volatile("fns.b32 %0, %1, %2, %3;" : "=r"(r) : "r"(mask), "r"(base), "r"(off));
    out[t] = r;
}

// bmsk: mask of b bits starting at a; .clamp vs .wrap for values >= 32.
// @case arith_bits_bmsk grid=1 block=256 out=512
extern "C" __global__ void arith_bits_bmsk(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = in[65] * (t % 37), b = in[65] * ((t * 7) % 41);
    if (t >= 240) { a = in[64 + (t & 15)]; b = in[64 + ((t * 5) & 15)]; }
    unsigned int r0, r1;
    asm volatile("bmsk.clamp.b32 %0, %1, %2;" : "=r"(r0) : "r"(a), "r"(b));
    asm volatile("bmsk.wrap.b32 %0, %1, %2;" : "=r"(r1) : "r"(a), "r"(b));
    out[t * 2] = r0;
    out[t * 2 + 1] = r1;
}

// szext: sign/zero-extend the low b bits of a.
// @case arith_bits_szext grid=1 block=256 out=1024
extern "C" __global__ void arith_bits_szext(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, (t * 13) & 255);
    unsigned int b = t < 240 ? in[65] * ((t * 3) % 41) : in[64 + (t & 15)];
    unsigned int r[4];
    asm volatile("szext.clamp.s32 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("szext.wrap.s32 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("szext.clamp.u32 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("szext.wrap.u32 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    for (int j = 0; j < 4; j++) out[t * 4 + j] = r[j];
}

// dp4a / dp2a in every signedness combination.
// @case arith_bits_dp grid=1 block=256 out=2560
extern "C" __global__ void arith_bits_dp(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = val(in, t), b = val(in, (t * 7 + 3) & 255), c = val(in, (t * 13 + 5) & 255);
    unsigned int r[10];
    asm volatile("dp4a.u32.u32 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp4a.s32.s32 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp4a.u32.s32 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp4a.s32.u32 %0, %1, %2, %3;" : "=r"(r[3]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.lo.u32.u32 %0, %1, %2, %3;" : "=r"(r[4]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.hi.u32.u32 %0, %1, %2, %3;" : "=r"(r[5]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.lo.s32.s32 %0, %1, %2, %3;" : "=r"(r[6]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.hi.s32.s32 %0, %1, %2, %3;" : "=r"(r[7]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.lo.u32.s32 %0, %1, %2, %3;" : "=r"(r[8]) : "r"(a), "r"(b), "r"(c));
    asm volatile("dp2a.hi.s32.u32 %0, %1, %2, %3;" : "=r"(r[9]) : "r"(a), "r"(b), "r"(c));
    for (int j = 0; j < 10; j++) out[t * 10 + j] = r[j];
}
