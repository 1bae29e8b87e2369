// sm_90 warp/cluster features: elect.sync (full and partial member masks) and
// the cluster special registers of a launch without explicit clusters (each
// CTA is its own 1x1x1 cluster).
// @min_sm 90

#define WFULL 0xffffffffu

__device__ __forceinline__ unsigned int warp_elect(unsigned int mask, unsigned int* is_leader)
{
    unsigned int leader, p;
    asm volatile("{\n\t.reg .pred e;\n\t"
                 "elect.sync %0|e, %2;\n\t"
                 "selp.u32 %1, 1, 0, e;\n\t}"
                 : "=r"(leader), "=r"(p)
                 : "r"(mask));
    *is_leader = p;
    return leader;
}

// Order-independent facts only: exactly one lane per warp (or per branch
// mask) is elected, every lane agrees on its lane id, the leader is a member
// of the mask and is the lane that got the predicate.
// @case warp_elect_facts grid=2 block=96 out=192
extern "C" __global__ void warp_elect_facts(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int lane = t & 31u;
    unsigned int v = in[128 + g];
    unsigned int p0;
    unsigned int l0 = warp_elect(WFULL, &p0);
    unsigned int c0 = __ballot_sync(WFULL, p0);
    unsigned int same0 = __all_sync(WFULL, l0 == __shfl_sync(WFULL, l0, 0));
    unsigned int f0 = (__popc(c0) == 1u) | (same0 << 1) | ((c0 == (1u << l0)) << 2) | ((p0 == (lane == l0)) << 3);
    unsigned int m = __ballot_sync(WFULL, v & 1u);
    unsigned int f1;
    if (v & 1u) {
        unsigned int p1;
        unsigned int l1 = warp_elect(m, &p1);
        unsigned int c1 = __ballot_sync(m, p1);
        unsigned int first = __ffs(m) - 1u;
        unsigned int same1 = __all_sync(m, l1 == __shfl_sync(m, l1, (int)first));
        f1 = (__popc(c1) == 1u) | (same1 << 1) | ((c1 == (1u << l1)) << 2) | (((m >> l1) & 1u) << 3);
    } else {
        unsigned int p2;
        unsigned int l2 = warp_elect(~m, &p2);
        unsigned int c2 = __ballot_sync(~m, p2);
        f1 = ((__popc(c2) == 1u) | (((~m >> l2) & 1u) << 3)) + 0x10u;
    }
    out[2 * g] = f0;
    out[2 * g + 1] = f1;
}

// The elected lane itself (deterministic for a given mask per the PTX ISA;
// recorded from the hardware).
// @case warp_elect_leader grid=1 block=64 out=128
extern "C" __global__ void warp_elect_leader(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int p0, p1;
    unsigned int l0 = warp_elect(WFULL, &p0);
    unsigned int l1 = 0xffu;
    unsigned int m = __ballot_sync(WFULL, v & 2u);
    if (v & 2u) {
        l1 = warp_elect(m, &p1);
        l1 |= p1 << 8;
    }
    out[2 * t] = l0 | (p0 << 8);
    out[2 * t + 1] = l1;
}

// Cluster special registers without an explicit cluster launch.
// @case warp_cluster_regs grid=3x2 block=32x2 out=768
extern "C" __global__ void warp_cluster_regs(const unsigned int* in, unsigned int* out)
{
    unsigned int r[8];
    asm("mov.u32 %0, %%cluster_ctarank;" : "=r"(r[0]));
    asm("mov.u32 %0, %%cluster_nctarank;" : "=r"(r[1]));
    asm("mov.u32 %0, %%clusterid.x;" : "=r"(r[2]));
    asm("mov.u32 %0, %%clusterid.y;" : "=r"(r[3]));
    asm("mov.u32 %0, %%nclusterid.x;" : "=r"(r[4]));
    asm("mov.u32 %0, %%nclusterid.y;" : "=r"(r[5]));
    asm("mov.u32 %0, %%cluster_nctaid.x;" : "=r"(r[6]));
    asm("mov.u32 %0, %%cluster_ctaid.x;" : "=r"(r[7]));
    unsigned int expl;
    asm("{\n\t.reg .pred p;\n\tmov.pred p, %%is_explicit_cluster;\n\tselp.u32 %0, 1, 0, p;\n\t}" : "=r"(expl));
    unsigned int b = blockIdx.y * gridDim.x + blockIdx.x;
    unsigned int t = threadIdx.y * blockDim.x + threadIdx.x;
    unsigned int* o = out + (b * 64u + t) * 2u;
    o[0] = (r[0] << 28) | (r[1] << 24) | (r[2] << 20) | (r[3] << 16) | (r[4] << 12) | (r[5] << 8) | (r[6] << 4) | r[7];
    o[1] = expl + in[64];
}
