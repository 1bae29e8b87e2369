// @min_sm 80
// sm_80 half-precision ops: min/max .f16/.f16x2/.bf16/.bf16x2 with .ftz
// and .NaN (NaN-propagating), fma.rn.relu.f16(x2), fma.rn(.relu).bf16(x2),
// neg/abs .bf16/.bf16x2. All exact.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// 16x2 operand: t<64 integer specials as raw pairs (0x0000, 0x8000,
// 0xffff NaN, 0x7fff NaN, 0x0001 subnormal ...), t<128 both halves from a
// list of f16/bf16-significant patterns, then random near-1 (for f16: exp
// 12..18; for bf16: exp 124..130), tiny, raw.
static __device__ __forceinline__ unsigned int hsrc(const unsigned int* in, unsigned int t, unsigned int which, bool bf) {
    unsigned int k = t & 511;
    unsigned int w = in[18000 + k * 3 + which];
    switch (k >> 6) {
    case 0: return in[64 + ((k + which * 29) & 63)];
    case 1: {
        // pair each of 8 specials with each other: +0 -0 1 -1 +inf -inf NaN -NaN
        unsigned int i = (k + which * 3) & 7, j = ((k >> 3) + which * 5) & 7;
        unsigned int one = bf ? 0x3f80u : 0x3c00u, inf = bf ? 0x7f80u : 0x7c00u, nan = bf ? 0x7fc0u : 0x7e00u;
        unsigned int tab0 = i == 0 ? 0u : i == 1 ? 0x8000u : i == 2 ? one : i == 3 ? (one | 0x8000u) : i == 4 ? inf : i == 5 ? (inf | 0x8000u) : i == 6 ? nan : (nan | 0x8001u);
        unsigned int tab1 = j == 0 ? 0u : j == 1 ? 0x8000u : j == 2 ? one : j == 3 ? (one | 0x8000u) : j == 4 ? inf : j == 5 ? (inf | 0x8000u) : j == 6 ? nan : (nan | 0x8001u);
        return (tab0 | (tab1 << 16)) ^ in[64];
    }
    case 2:
    case 3:
    case 4:
        if (bf) return (w & 0x807f807fu) | ((124u + (w >> 7) % 7u) << 7) | ((124u + (w >> 23) % 7u) << 23);
        return (w & 0x83ff83ffu) | ((12u + (w >> 10) % 7u) << 10) | ((12u + (w >> 26) % 7u) << 26);
    case 5:
        if (bf) return w & 0x807f807fu;  // bf16 subnormals
        return (w & 0x83ff83ffu) | (((w >> 10) & 1u) << 10) | (((w >> 26) & 1u) << 26);
    default: return w;
    }
}

// words: min.f16 max.f16 min.ftz.f16 max.NaN.f16 (16-bit, packed in pairs),
//        min.f16x2 max.f16x2 min.NaN.f16x2 max.ftz.NaN.f16x2
// @case arith_half80_minmax_f16 grid=2 block=256 out=3072
extern "C" __global__ void arith_half80_minmax_f16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = hsrc(in, t, 0, false), b = hsrc(in, t, 1, false);
    unsigned short ah = (unsigned short)(a >> ((t & 1) * 16)), bh = (unsigned short)(b >> ((t & 2) * 8));
    unsigned short h0, h1, h2, h3;
    unsigned int r[4];
    asm volatile("min.f16 %0, %1, %2;" : "=h"(h0) : "h"(ah), "h"(bh));
    asm volatile("max.f16 %0, %1, %2;" : "=h"(h1) : "h"(ah), "h"(bh));
    asm volatile("min.ftz.f16 %0, %1, %2;" : "=h"(h2) : "h"(ah), "h"(bh));
    asm volatile("max.NaN.f16 %0, %1, %2;" : "=h"(h3) : "h"(ah), "h"(bh));
    asm volatile("min.f16x2 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("max.f16x2 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("min.NaN.f16x2 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("max.ftz.NaN.f16x2 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    out[t * 6] = h0 | ((unsigned int)h1 << 16);
    out[t * 6 + 1] = h2 | ((unsigned int)h3 << 16);
    for (int j = 0; j < 4; j++) out[t * 6 + 2 + j] = r[j];
}

// words: min.bf16|max.bf16, min.NaN.bf16|max.NaN.bf16, min.bf16x2,
//        max.bf16x2, min.NaN.bf16x2, max.NaN.bf16x2
// @case arith_half80_minmax_bf16 grid=2 block=256 out=3072
extern "C" __global__ void arith_half80_minmax_bf16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = hsrc(in, t, 0, true), b = hsrc(in, t, 1, true);
    unsigned short ah = (unsigned short)(a >> ((t & 1) * 16)), bh = (unsigned short)(b >> ((t & 2) * 8));
    unsigned short h0, h1, h2, h3;
    unsigned int r[4];
    asm volatile("min.bf16 %0, %1, %2;" : "=h"(h0) : "h"(ah), "h"(bh));
    asm volatile("max.bf16 %0, %1, %2;" : "=h"(h1) : "h"(ah), "h"(bh));
    asm volatile("min.NaN.bf16 %0, %1, %2;" : "=h"(h2) : "h"(ah), "h"(bh));
    asm volatile("max.NaN.bf16 %0, %1, %2;" : "=h"(h3) : "h"(ah), "h"(bh));
    asm volatile("min.bf16x2 %0, %1, %2;" : "=r"(r[0]) : "r"(a), "r"(b));
    asm volatile("max.bf16x2 %0, %1, %2;" : "=r"(r[1]) : "r"(a), "r"(b));
    asm volatile("min.NaN.bf16x2 %0, %1, %2;" : "=r"(r[2]) : "r"(a), "r"(b));
    asm volatile("max.NaN.bf16x2 %0, %1, %2;" : "=r"(r[3]) : "r"(a), "r"(b));
    out[t * 6] = h0 | ((unsigned int)h1 << 16);
    out[t * 6 + 1] = h2 | ((unsigned int)h3 << 16);
    for (int j = 0; j < 4; j++) out[t * 6 + 2 + j] = r[j];
}

// words: fma.rn.relu.f16 (16-bit) | fma.rn.bf16 (16-bit), fma.rn.relu.f16x2,
//        fma.rn.bf16x2, fma.rn.relu.bf16x2, fma.rn.relu.bf16 | neg.bf16,
//        neg.bf16x2, abs.bf16x2, abs.bf16 | (input a lo)
// @case arith_half80_fma grid=2 block=256 out=4096
extern "C" __global__ void arith_half80_fma(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = hsrc(in, t, 0, false), b = hsrc(in, t, 1, false), c = hsrc(in, t, 2, false);
    unsigned int ba = hsrc(in, t, 0, true), bb = hsrc(in, t, 1, true), bc = hsrc(in, t, 2, true);
    unsigned short h0, h1, h2, h3, h4;
    unsigned int r[5];
    asm volatile("fma.rn.relu.f16 %0, %1, %2, %3;" : "=h"(h0) : "h"((unsigned short)a), "h"((unsigned short)b), "h"((unsigned short)c));
    asm volatile("fma.rn.bf16 %0, %1, %2, %3;" : "=h"(h1) : "h"((unsigned short)ba), "h"((unsigned short)bb), "h"((unsigned short)(bc >> 16)));
    asm volatile("fma.rn.relu.f16x2 %0, %1, %2, %3;" : "=r"(r[0]) : "r"(a), "r"(b), "r"(c));
    asm volatile("fma.rn.bf16x2 %0, %1, %2, %3;" : "=r"(r[1]) : "r"(ba), "r"(bb), "r"(bc));
    asm volatile("fma.rn.relu.bf16x2 %0, %1, %2, %3;" : "=r"(r[2]) : "r"(ba), "r"(bb), "r"(bc));
    asm volatile("fma.rn.relu.bf16 %0, %1, %2, %3;" : "=h"(h2) : "h"((unsigned short)(ba >> 16)), "h"((unsigned short)(bb >> 16)), "h"((unsigned short)bc));
    asm volatile("neg.bf16 %0, %1;" : "=h"(h3) : "h"((unsigned short)ba));
    asm volatile("neg.bf16x2 %0, %1;" : "=r"(r[3]) : "r"(bb));
    asm volatile("abs.bf16x2 %0, %1;" : "=r"(r[4]) : "r"(bc));
    asm volatile("abs.bf16 %0, %1;" : "=h"(h4) : "h"((unsigned short)(bb >> 16)));
    out[t * 8] = h0 | ((unsigned int)h1 << 16);
    out[t * 8 + 1] = r[0];
    out[t * 8 + 2] = r[1];
    out[t * 8 + 3] = r[2];
    out[t * 8 + 4] = h2 | ((unsigned int)h3 << 16);
    out[t * 8 + 5] = r[3];
    out[t * 8 + 6] = r[4];
    out[t * 8 + 7] = h4 | (a << 16);
}
