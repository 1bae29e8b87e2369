// Warp-level voting and shuffles: ballot/all/any (vote.sync), vote.uni via
// asm, __activemask in divergent branches, shfl.sync idx/up/down/bfly with
// every segment width, partial member masks inside divergent branches (only
// lanes named in the mask execute, and every source lane is in the mask),
// 64-bit / float shuffles, partial warps (48-thread blocks), match.any/all,
// __nanosleep, %laneid and %lanemask_*, raw shfl with the predicate output,
// __syncwarp with partial masks, and cooperative-groups tiles.
#include <cooperative_groups.h>
namespace cg = cooperative_groups;

#define WFULL 0xffffffffu

// ballot/all/any over the full warp with data-dependent and lane-dependent
// predicates (some uniform true, some uniform false).
// @case warp_vote_basic grid=2 block=128 out=1024
extern "C" __global__ void warp_vote_basic(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int lane = threadIdx.x & 31u;
    unsigned int v = in[128 + g];
    unsigned int lim = in[64 + 9 + (threadIdx.x >> 5)]; // 31, 32, 33, 63
    unsigned int b1 = __ballot_sync(WFULL, v & 1u);
    unsigned int b2 = __ballot_sync(WFULL, lane < (lim & 31u));
    int a1 = __all_sync(WFULL, lane < lim);
    int a2 = __all_sync(WFULL, (v & 0xfu) != 0u);
    int y1 = __any_sync(WFULL, (v & 0x3fu) == 0u);
    int y2 = __any_sync(WFULL, lane > lim);
    out[4 * g + 0] = b1;
    out[4 * g + 1] = b2 ^ __popc(b1);
    out[4 * g + 2] = (a1 << 1) | a2;
    out[4 * g + 3] = (y1 << 1) | y2;
}

// Votes inside divergent branches with the branch's member mask (obtained
// by a full-warp ballot beforehand).
// @case warp_vote_divergent grid=1 block=96 out=288
extern "C" __global__ void warp_vote_divergent(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    bool cond = (v & 3u) != 0u;
    unsigned int m = __ballot_sync(WFULL, cond);
    unsigned int r0, r1, r2;
    if (cond) {
        r0 = __ballot_sync(m, v & 4u);
        r1 = __all_sync(m, (v & 8u) != 0u) + 2u * __all_sync(m, v != 0u);
        r2 = __any_sync(m, (v & 0x70u) == 0x70u);
    } else {
        unsigned int m2 = ~m;
        r0 = __ballot_sync(m2, v & 4u) ^ 0x80000000u;
        r1 = __all_sync(m2, (v & 8u) != 0u) + 4u;
        r2 = __any_sync(m2, (v & 0x30u) == 0x30u) + 8u;
    }
    out[3 * t + 0] = r0;
    out[3 * t + 1] = r1;
    out[3 * t + 2] = r2 ^ m;
}

// __activemask and a coalesced group inside divergent branches whose bodies
// contain loops (so they stay real branches). On the hardware the active
// mask there is the set of lanes that took the branch.
// @case warp_activemask_divergent grid=1 block=64 out=256
extern "C" __global__ void warp_activemask_divergent(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int am = 0, acc = v, rank = 0, size = 0;
    if (v & 1u) {
        for (unsigned int k = 0; k < (v >> 28); ++k)
            acc = acc * 3u + k;
        __syncwarp(__activemask());
        am = __activemask();
        cg::coalesced_group cgp = cg::coalesced_threads();
        rank = cgp.thread_rank();
        size = cgp.size();
        acc ^= cgp.shfl(acc, 0);
    } else {
        for (unsigned int k = 0; k < (v >> 29); ++k)
            acc = acc * 5u + k;
        __syncwarp(__activemask());
        am = __activemask() ^ 0xf0000000u;
    }
    out[4 * t + 0] = am;
    out[4 * t + 1] = acc;
    out[4 * t + 2] = rank;
    out[4 * t + 3] = size;
}

// vote.uni (via asm), and vote with negated predicate sources.
// @case warp_vote_uni_asm grid=1 block=128 out=512
extern "C" __global__ void warp_vote_uni_asm(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int w = (t >> 5) == 1u ? in[64 + 17] : ((t >> 5) == 2u ? in[64] : v); // warps 1,2 uniform
    unsigned int uni1, uni2, alln, ballotn;
    asm("{\n\t.reg .pred p, q;\n\t"
        "setp.ne.u32 p, %1, 0;\n\t"
        "vote.sync.uni.pred q, p, 0xffffffff;\n\t"
        "selp.u32 %0, 1, 0, q;\n\t}"
        : "=r"(uni1)
        : "r"(w & 0x10u));
    asm("{\n\t.reg .pred p, q;\n\t"
        "setp.eq.u32 p, %1, %2;\n\t"
        "vote.sync.uni.pred q, !p, 0xffffffff;\n\t"
        "selp.u32 %0, 1, 0, q;\n\t}"
        : "=r"(uni2)
        : "r"(w), "r"(v + ((t >> 5) == 3u ? (t & 1u) : 0u))); // warp 3: not uniform
    asm("{\n\t.reg .pred p, q;\n\t"
        "setp.lt.u32 p, %1, 0x10000000;\n\t"
        "vote.sync.all.pred q, !p, 0xffffffff;\n\t"
        "selp.u32 %0, 7, 9, q;\n\t}"
        : "=r"(alln)
        : "r"(w));
    asm("{\n\t.reg .pred p;\n\t"
        "setp.lt.u32 p, %1, 0x80000000;\n\t"
        "vote.sync.ballot.b32 %0, !p, 0xffffffff;\n\t}"
        : "=r"(ballotn)
        : "r"(v));
    out[4 * t + 0] = uni1;
    out[4 * t + 1] = uni2;
    out[4 * t + 2] = alln;
    out[4 * t + 3] = ballotn;
}

// __shfl_sync with data-dependent source lanes (including lanes >= width,
// which wrap within the segment) for widths 2..32.
// @case warp_shfl_idx_widths grid=1 block=64 out=320
extern "C" __global__ void warp_shfl_idx_widths(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    int src = (int)(in[256 + t] & 63u);
    out[5 * t + 0] = __shfl_sync(WFULL, v, src, 2);
    out[5 * t + 1] = __shfl_sync(WFULL, v, src, 4);
    out[5 * t + 2] = __shfl_sync(WFULL, v, src, 8);
    out[5 * t + 3] = __shfl_sync(WFULL, v, src, 16);
    out[5 * t + 4] = __shfl_sync(WFULL, v, src, 32);
}

// __shfl_up_sync: per-lane deltas 0..31 (own value when the source falls
// before the segment), all widths.
// @case warp_shfl_up_widths grid=1 block=64 out=384
extern "C" __global__ void warp_shfl_up_widths(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int d = in[512 + t] & 31u;
    unsigned int d1 = in[64 + 1 + ((t >> 5) & 1u)]; // 1 or 2, uniform per warp
    out[6 * t + 0] = __shfl_up_sync(WFULL, v, d, 2);
    out[6 * t + 1] = __shfl_up_sync(WFULL, v, d, 4);
    out[6 * t + 2] = __shfl_up_sync(WFULL, v, d, 8);
    out[6 * t + 3] = __shfl_up_sync(WFULL, v, d, 16);
    out[6 * t + 4] = __shfl_up_sync(WFULL, v, d, 32);
    out[6 * t + 5] = __shfl_up_sync(WFULL, v, d1, 32);
}

// __shfl_down_sync: per-lane deltas, all widths.
// @case warp_shfl_down_widths grid=1 block=64 out=384
extern "C" __global__ void warp_shfl_down_widths(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int d = in[768 + t] & 31u;
    unsigned int d1 = in[64 + 2 + ((t >> 5) & 1u)]; // 2 or 3
    out[6 * t + 0] = __shfl_down_sync(WFULL, v, d, 2);
    out[6 * t + 1] = __shfl_down_sync(WFULL, v, d, 4);
    out[6 * t + 2] = __shfl_down_sync(WFULL, v, d, 8);
    out[6 * t + 3] = __shfl_down_sync(WFULL, v, d, 16);
    out[6 * t + 4] = __shfl_down_sync(WFULL, v, d, 32);
    out[6 * t + 5] = __shfl_down_sync(WFULL, v, d1, 32);
}

// __shfl_xor_sync: lane masks 1..31 per lane, all widths (a lane whose
// partner lies in a later segment keeps its own value).
// @case warp_shfl_xor_widths grid=1 block=64 out=384
extern "C" __global__ void warp_shfl_xor_widths(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    int m = (int)(in[1024 + t] & 31u);
    out[6 * t + 0] = __shfl_xor_sync(WFULL, v, m, 2);
    out[6 * t + 1] = __shfl_xor_sync(WFULL, v, m, 4);
    out[6 * t + 2] = __shfl_xor_sync(WFULL, v, m, 8);
    out[6 * t + 3] = __shfl_xor_sync(WFULL, v, m, 16);
    out[6 * t + 4] = __shfl_xor_sync(WFULL, v, m, 32);
    out[6 * t + 5] = __shfl_xor_sync(WFULL, v, 16, 32) + __shfl_xor_sync(WFULL, v, 5, 8);
}

// Partial member masks: even lanes shuffle among themselves (mask
// 0x55555555) in one branch, odd lanes (0xaaaaaaaa) in the other; every
// source lane is inside the mask.
// @case warp_shfl_partial_mask grid=1 block=64 out=256
extern "C" __global__ void warp_shfl_partial_mask(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int lane = t & 31u;
    unsigned int v = in[128 + t];
    unsigned int a, b, c, d;
    if ((lane & 1u) == 0u) {
        a = __shfl_xor_sync(0x55555555u, v, 2);
        b = __shfl_sync(0x55555555u, v, (int)((lane + 6u) & 31u));
        c = __shfl_down_sync(0x55555555u, v, 2); // lane 30: own value
        d = __ballot_sync(0x55555555u, v & 1u);
    } else {
        a = __shfl_xor_sync(0xaaaaaaaau, v, 6);
        b = __shfl_sync(0xaaaaaaaau, v, (int)((v & 30u) | 1u));
        c = __shfl_up_sync(0xaaaaaaaau, v, 4); // lanes 1, 3: own value
        d = __ballot_sync(0xaaaaaaaau, v & 1u);
    }
    // A quarter of the lanes: 4-lane groups, width 8 segments.
    unsigned int e = 0;
    if ((lane & 4u) == 0u) {
        unsigned int q = 0x0f0f0f0fu;
        e = __shfl_xor_sync(q, v, 1, 8) ^ __shfl_xor_sync(q, v, 2, 8);
    }
    out[4 * t + 0] = a;
    out[4 * t + 1] = b;
    out[4 * t + 2] = c;
    out[4 * t + 3] = d ^ e;
}

// Shuffles of 64-bit integers, doubles, floats and signed ints.
// @case warp_shfl_types grid=1 block=64 out=384
extern "C" __global__ void warp_shfl_types(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned long long q = ((unsigned long long)in[128 + t] << 32) | in[256 + t];
    double d = (double)__uint_as_float(in[32 + (t & 31u)]) * 1.0e100;
    float f = __uint_as_float(in[t & 31u]); // specials incl. NaNs (payload preserved)
    int s = (int)in[64 + (t & 31u)];
    unsigned long long q2 = __shfl_sync(WFULL, q, (int)(in[384 + t] & 31u));
    double d2 = __shfl_down_sync(WFULL, d, 3, 16);
    float f2 = __shfl_xor_sync(WFULL, f, 7);
    int s2 = __shfl_up_sync(WFULL, s, 5, 8);
    long long sq = __shfl_xor_sync(WFULL, (long long)q, 9);
    out[6 * t + 0] = (unsigned int)q2;
    out[6 * t + 1] = (unsigned int)(q2 >> 32);
    out[6 * t + 2] = (unsigned int)(__double_as_longlong(d2) >> 32) ^ (unsigned int)__double_as_longlong(d2);
    out[6 * t + 3] = __float_as_uint(f2);
    out[6 * t + 4] = (unsigned int)s2;
    out[6 * t + 5] = (unsigned int)(sq >> 16);
}

// Blocks of 48 threads: the second warp has 16 lanes; it uses mask 0xffff
// and width-16 segments so every source lane exists.
// @case warp_shfl_partial_warp grid=2 block=48 out=480
extern "C" __global__ void warp_shfl_partial_warp(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int lane = t & 31u;
    unsigned int v = in[128 + g];
    unsigned int m = (t < 32u) ? WFULL : 0x0000ffffu;
    unsigned int r[5];
    r[0] = __ballot_sync(m, v & 1u);
    r[1] = __shfl_down_sync(m, v, 3, 16);
    r[2] = __shfl_up_sync(m, v, 5, 16);
    r[3] = __shfl_xor_sync(m, v, 9, 16);
    r[4] = __shfl_sync(m, v, (int)(15u - (lane & 15u)), 16) + (unsigned int)__all_sync(m, v != 0u) +
           2u * (unsigned int)__any_sync(m, (v & 0xffu) == 0u);
    // full-warp scan: the 16-lane warp sums its own lanes only
    unsigned int s = v;
    for (int o = 1; o < 16; o <<= 1) {
        unsigned int n = __shfl_up_sync(m, s, o, 16);
        if ((lane & 15u) >= (unsigned int)o)
            s += n;
    }
    for (int i = 0; i < 4; ++i)
        out[g * 10u + i] = r[i];
    out[g * 10u + 4] = r[4];
    out[g * 10u + 5] = s;
    out[g * 10u + 6] = __activemask();
    out[g * 10u + 7] = __popc(r[0]);
    out[g * 10u + 8] = lane;
    out[g * 10u + 9] = m;
}

// match.any / match.all on 32- and 64-bit values; warp 1 holds a uniform
// value, warp 0 values drawn from a small set.
// @case warp_match grid=1 block=96 out=384
extern "C" __global__ void warp_match(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int w = t >> 5;
    unsigned int v = in[128 + t];
    unsigned int key = (w == 1u) ? in[64 + 17] : (w == 0u ? (v % 5u) : (v & 1u));
    unsigned long long k64 = (w == 2u) ? ((unsigned long long)(v & 3u) << 40) | 7u : (unsigned long long)key;
    int pred32 = -1, pred64 = -1;
    unsigned int any32 = __match_any_sync(WFULL, key);
    unsigned int any64 = __match_any_sync(WFULL, k64);
    unsigned int all32 = __match_all_sync(WFULL, key, &pred32);
    unsigned int all64 = __match_all_sync(WFULL, k64, &pred64);
    out[4 * t + 0] = any32;
    out[4 * t + 1] = any64;
    out[4 * t + 2] = all32 ^ (unsigned int)pred32;
    out[4 * t + 3] = all64 ^ ((unsigned int)pred64 << 1);
}

// match.any inside a divergent branch with the branch's mask.
// @case warp_match_partial grid=1 block=64 out=64
extern "C" __global__ void warp_match_partial(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int m = __ballot_sync(WFULL, v & 2u);
    unsigned int r;
    if (v & 2u)
        r = __match_any_sync(m, (v >> 8) & 3u);
    else
        r = __match_any_sync(~m, (v >> 8) & 1u) | 0x1u;
    out[t] = r;
}

// __nanosleep with data-dependent durations; only the computed values (not
// timing) are recorded.
// @case warp_nanosleep grid=2 block=64 out=128
extern "C" __global__ void warp_nanosleep(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    __nanosleep(v & 255u);
    unsigned int x = v * 3u;
    if (v & 1u)
        __nanosleep(100u);
    __syncwarp();
    out[g] = __shfl_xor_sync(WFULL, x, 1) + 1u;
}

// %laneid and the lane masks (eq/lt/le/gt/ge) in a 2D block of 12x10
// threads (last warp partial), checked against each other.
// @case warp_lanemask grid=1 block=12x10 out=840
extern "C" __global__ void warp_lanemask(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.y * blockDim.x + threadIdx.x;
    unsigned int lane, eq, lt, le, gt, ge;
    asm("mov.u32 %0, %%laneid;" : "=r"(lane));
    asm("mov.u32 %0, %%lanemask_eq;" : "=r"(eq));
    asm("mov.u32 %0, %%lanemask_lt;" : "=r"(lt));
    asm("mov.u32 %0, %%lanemask_le;" : "=r"(le));
    asm("mov.u32 %0, %%lanemask_gt;" : "=r"(gt));
    asm("mov.u32 %0, %%lanemask_ge;" : "=r"(ge));
    out[7 * t + 0] = lane;
    out[7 * t + 1] = eq;
    out[7 * t + 2] = lt;
    out[7 * t + 3] = le;
    out[7 * t + 4] = gt;
    out[7 * t + 5] = ge;
    out[7 * t + 6] = (lane == (t & 31u)) | ((eq == (1u << lane)) << 1) | (((lt | eq) == le) << 2) |
                     (((gt | eq) == ge) << 3) | (((lt ^ ge) == WFULL) << 4) | (in[64] << 5);
}

// Raw shfl.sync with explicit clamp/segment operand and the predicate output
// (source lane in range).
// @case warp_shfl_asm_pred grid=1 block=64 out=512
extern "C" __global__ void warp_shfl_asm_pred(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int b = in[640 + t] & 31u;
    unsigned int r[4], p[4];
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.up.b32 %0|q, %2, %3, 0x1800, 0xffffffff;\n\t" // segments of 8
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[0]), "=r"(p[0])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.down.b32 %0|q, %2, %3, 0x101f, 0xffffffff;\n\t" // segments of 16
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[1]), "=r"(p[1])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.bfly.b32 %0|q, %2, %3, 0x1c1f, 0xffffffff;\n\t" // segments of 4
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[2]), "=r"(p[2])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.idx.b32 %0|q, %2, %3, 0x0a, 0xffffffff;\n\t" // clamp 10, no segments
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[3]), "=r"(p[3])
                 : "r"(v), "r"(b));
    for (int i = 0; i < 4; ++i) {
        out[8 * t + 2 * i] = r[i];
        out[8 * t + 2 * i + 1] = p[i];
    }
}

// Warp scan (shfl.up), reduction (shfl.bfly) and broadcast (shfl.idx).
// @case warp_shfl_scan_reduce grid=2 block=128 out=768
extern "C" __global__ void warp_shfl_scan_reduce(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int lane = threadIdx.x & 31u;
    unsigned int v = in[128 + g];
    unsigned int s = v;
    for (int o = 1; o < 32; o <<= 1) {
        unsigned int n = __shfl_up_sync(WFULL, s, o);
        if (lane >= (unsigned int)o)
            s += n;
    }
    unsigned int r = v, mx = v;
    for (int o = 16; o > 0; o >>= 1) {
        r += __shfl_xor_sync(WFULL, r, o);
        mx = max(mx, __shfl_xor_sync(WFULL, mx, o));
    }
    unsigned int bc = __shfl_sync(WFULL, v, (int)(in[64 + 28] + blockIdx.x)); // lane 13 / 14
    out[3 * g + 0] = s;
    out[3 * g + 1] = r ^ mx;
    out[3 * g + 2] = bc;
}

// __syncwarp with partial masks: the two half-warps exchange data through
// shared memory separately.
// @case warp_syncwarp_halves grid=1 block=64 out=64
extern "C" __global__ void warp_syncwarp_halves(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[64];
    unsigned int t = threadIdx.x;
    unsigned int lane = t & 31u;
    unsigned int v = in[128 + t];
    unsigned int r;
    s[t] = v;
    if (lane < 16u) {
        __syncwarp(0x0000ffffu);
        r = s[(t & ~15u) | ((lane + 3u) & 15u)];
        __syncwarp(0x0000ffffu);
        s[t] = r * 2u;
        __syncwarp(0x0000ffffu);
        r += s[(t & ~15u) | (15u - lane)];
    } else {
        __syncwarp(0xffff0000u);
        r = s[(t & ~15u) | ((lane + 5u) & 15u)] ^ 0xffu;
    }
    __syncwarp();
    out[t] = r;
}

// Cooperative groups: tiles of 4 and 16 (shfl_down, shfl, shfl_xor, ballot,
// any, all, sync, thread_rank, meta_group_rank/size), a dynamic partition of
// 8 and a block-level sync through the group.
// @case warp_cg_tiles grid=2 block=64 out=1024
extern "C" __global__ void warp_cg_tiles(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[64];
    cg::thread_block blk = cg::this_thread_block();
    unsigned int t = blk.thread_rank();
    unsigned int g = blockIdx.x * 64u + t;
    unsigned int v = in[128 + g];
    cg::thread_block_tile<4> t4 = cg::tiled_partition<4>(blk);
    cg::thread_block_tile<16> t16 = cg::tiled_partition<16>(blk);
    unsigned int* o = out + g * 8u;
    o[0] = t4.shfl_down(v, 1) + t4.shfl(v, 3);
    o[1] = t4.ballot(v & 1u) | (t4.any((v & 7u) == 0u) << 8) | (t4.all(v != 0u) << 9);
    o[2] = (t4.thread_rank() << 24) | (t4.meta_group_rank() << 16) | (t4.meta_group_size() << 8) | t4.size();
    unsigned int x = v;
    for (unsigned int o2 = 8; o2 > 0; o2 >>= 1)
        x += t16.shfl_xor(x, o2);
    o[3] = x;
    o[4] = (t16.thread_rank() << 24) | (t16.meta_group_rank() << 16) | (t16.meta_group_size() << 8) |
           t16.ballot((v >> 3) & 1u);
    s[t] = v;
    t16.sync();
    o[5] = s[(t & ~15u) | ((t + 1u) & 15u)];
    cg::thread_group t8 = cg::tiled_partition(blk, 8);
    t8.sync();
    o[6] = (t8.thread_rank() << 8) | t8.size();
    blk.sync();
    o[7] = s[63u - t] ^ t16.shfl_up(v, 2);
}

// Raw shfl.sync with non-canonical c operands (segment masks that are not a
// power-of-two split, clamps inside a segment): the PTX ISA defines the result
// through minLane/maxLane computed from c[4:0] and c[12:8].
// @case warp_shfl_asm_odd_c grid=1 block=32 out=256
extern "C" __global__ void warp_shfl_asm_odd_c(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int b = in[700 + t] & 31u;
    unsigned int r[4], p[4];
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.up.b32 %0|q, %2, %3, 0x0805, 0xffffffff;\n\t"
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[0]), "=r"(p[0])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.down.b32 %0|q, %2, %3, 0x1807, 0xffffffff;\n\t"
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[1]), "=r"(p[1])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.bfly.b32 %0|q, %2, %3, 0x0313, 0xffffffff;\n\t"
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[2]), "=r"(p[2])
                 : "r"(v), "r"(b));
    asm volatile("{\n\t.reg .pred q;\n\t"
                 "shfl.sync.idx.b32 %0|q, %2, %3, 0x1015, 0xffffffff;\n\t"
                 "selp.u32 %1, 1, 0, q;\n\t}"
                 : "=r"(r[3]), "=r"(p[3])
                 : "r"(v), "r"(b));
    for (int i = 0; i < 4; ++i) {
        out[8 * t + 2 * i] = r[i];
        out[8 * t + 2 * i + 1] = p[i];
    }
}
