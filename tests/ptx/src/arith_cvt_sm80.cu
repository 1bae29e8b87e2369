// @min_sm 80
// sm_80 conversions: f32 -> bf16 (rn/rz/rm/rp, .relu), bf16 -> f32,
// f32 -> f16 .relu, packed f32x2 -> f16x2 / bf16x2 (rn/rz, .relu,
// .satfinite), cvt.rna.tf32.f32.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ float U2F(unsigned int u) { return __uint_as_float(u); }

// f32 sources: specials, bf16 ties (low half 0x8000) and near-ties, f32
// subnormals, near FLT_MAX (bf16 overflow), f16-range values, raw words.
static __device__ __forceinline__ float bsrc(const unsigned int* in, unsigned int t) {
    unsigned int w = in[10000 + t];
    switch ((t >> 6) & 7) {
    case 0: return U2F(in[t & 63]);
    case 1: return U2F((w & 0xffff0000u) | 0x8000u);
    case 2: return U2F((w & 0xffff0000u) | ((t & 1) ? 0x7fffu : 0x8001u));
    case 3: return U2F(w & 0x807fffffu);
    case 4: return U2F((w & 0x80ffffffu) | 0x7e000000u);
    case 5: return U2F((w & 0x807fffffu) | ((100u + ((w >> 23) % 44u)) << 23));
    case 6: return U2F((w & 0x80001fffu) | 0x477fe000u);
    default: return U2F(w);
    }
}

#define CVH(dst, ins, src_c, src) do { unsigned short _h; asm volatile(ins " %0, %1;" : "=h"(_h) : src_c(src)); dst = _h; } while (0)
#define CVR(dst, ins, src_c, src) do { unsigned int _r; asm volatile(ins " %0, %1;" : "=r"(_r) : src_c(src)); dst = _r; } while (0)
#define CV2(dst, ins, a, b) do { unsigned int _r; asm volatile(ins " %0, %1, %2;" : "=r"(_r) : "f"(a), "f"(b)); dst = _r; } while (0)

// words: rn rz rm rp .bf16.f32, rn.relu.bf16.f32, f32.bf16 (raw bf16
// pattern), rn.relu.f16.f32, rna.tf32.f32
// @case arith_cvt80_bf16 grid=2 block=256 out=4096
extern "C" __global__ void arith_cvt80_bf16(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = bsrc(in, t);
    unsigned int* o = out + t * 8;
    CVH(o[0], "cvt.rn.bf16.f32", "f", a);
    CVH(o[1], "cvt.rz.bf16.f32", "f", a);
    CVH(o[2], "cvt.rm.bf16.f32", "f", a);
    CVH(o[3], "cvt.rp.bf16.f32", "f", a);
    CVH(o[4], "cvt.rn.relu.bf16.f32", "f", a);
    unsigned int w = t < 64 ? in[64 + t] : in[12000 + t];
    CVR(o[5], "cvt.f32.bf16", "h", (unsigned short)(w ^ (w >> 16)));
    CVH(o[6], "cvt.rn.relu.f16.f32", "f", a);
    CVR(o[7], "cvt.rna.tf32.f32", "f", a);
}

// words: rn rz rn.relu rn.satfinite .f16x2.f32, rn rz.relu rn.satfinite .bf16x2.f32
// @case arith_cvt80_x2 grid=2 block=256 out=3584
extern "C" __global__ void arith_cvt80_x2(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = bsrc(in, t), b = bsrc(in, (t * 37 + 11) & 511);
    unsigned int* o = out + t * 7;
    CV2(o[0], "cvt.rn.f16x2.f32", a, b);
    CV2(o[1], "cvt.rz.f16x2.f32", a, b);
    CV2(o[2], "cvt.rn.relu.f16x2.f32", a, b);
    CV2(o[3], "cvt.rn.satfinite.f16x2.f32", a, b);
    CV2(o[4], "cvt.rn.bf16x2.f32", a, b);
    CV2(o[5], "cvt.rz.relu.bf16x2.f32", a, b);
    CV2(o[6], "cvt.rn.satfinite.bf16x2.f32", a, b);
}
