// Special registers: %tid/%ntid/%ctaid/%nctaid in 3D grids and blocks (via
// the builtins and via asm), %laneid in odd block shapes, %dynamic_smem_size,
// and %clock / %clock64 / %globaltimer recorded only as "did not go
// backwards" facts. (%warpid, %smid, %total_smem_size are not recorded:
// their values are not deterministic across GPUs/drivers.)

// @case warp_special_3d grid=2x3x2 block=4x2x3 out=1152
extern "C" __global__ void warp_special_3d(const unsigned int* in, unsigned int* out)
{
    unsigned int b = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
    unsigned int t = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    unsigned int g = b * (blockDim.x * blockDim.y * blockDim.z) + t;
    unsigned int tz, ntz, cz, ncz;
    asm("mov.u32 %0, %%tid.z;" : "=r"(tz));
    asm("mov.u32 %0, %%ntid.z;" : "=r"(ntz));
    asm("mov.u32 %0, %%ctaid.z;" : "=r"(cz));
    asm("mov.u32 %0, %%nctaid.z;" : "=r"(ncz));
    unsigned int* o = out + 4u * g;
    o[0] = (threadIdx.x << 16) | (threadIdx.y << 8) | threadIdx.z;
    o[1] = (blockDim.x << 16) | (blockDim.y << 8) | blockDim.z;
    o[2] = (blockIdx.x << 24) | (blockIdx.y << 16) | (blockIdx.z << 8) | (gridDim.x << 4) | gridDim.y;
    o[3] = (gridDim.z << 24) | (tz << 16) | (ntz << 12) | (cz << 8) | (ncz << 4) | (in[64] & 0xfu);
}

// %laneid against the linear thread id in a 7x5x3 block (105 threads: the
// last warp has 9 lanes), plus %tid/%ctaid read as 64-bit-widened values.
// @case warp_special_laneid grid=2 block=7x5x3 out=210
extern "C" __global__ void warp_special_laneid(const unsigned int* in, unsigned int* out)
{
    unsigned int t = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
    unsigned int lane;
    asm("mov.u32 %0, %%laneid;" : "=r"(lane));
    unsigned long long wide = (unsigned long long)blockIdx.x * (blockDim.x * blockDim.y * blockDim.z) + t;
    out[wide] = (lane << 16) | (t & 0xffffu) | ((lane == (t & 31u)) << 31);
}

// %dynamic_smem_size with dynamic shared memory, and the memory itself.
// @case warp_special_dynsmem grid=2 block=64 out=130 shared=1000
extern "C" __global__ void warp_special_dynsmem(const unsigned int* in, unsigned int* out)
{
    extern __shared__ unsigned int dyn[];
    unsigned int sz;
    asm("mov.u32 %0, %%dynamic_smem_size;" : "=r"(sz));
    unsigned int n = sz / 4u; // 250 words
    for (unsigned int i = threadIdx.x; i < n; i += blockDim.x)
        dyn[i] = in[128 + blockIdx.x * 256u + i];
    __syncthreads();
    unsigned int acc = 0;
    for (unsigned int i = threadIdx.x; i < n; i += blockDim.x)
        acc += dyn[n - 1u - i];
    out[blockIdx.x * 64u + threadIdx.x] = acc;
    if (threadIdx.x == 0u)
        out[128u + blockIdx.x] = sz;
}

// Clocks only as monotonicity facts (unsigned difference < 2^31 for the
// 32-bit %clock, to tolerate wrap-around).
// @case warp_special_clock grid=2 block=64 out=128
extern "C" __global__ void warp_special_clock(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int c1 = (unsigned int)clock();
    long long d1 = clock64();
    unsigned long long gt1, gt2;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(gt1));
    unsigned int x = in[128 + g];
    for (unsigned int k = 0; k < (x & 15u); ++k)
        x = x * 1664525u + 1013904223u;
    unsigned int c2;
    asm volatile("mov.u32 %0, %%clock;" : "=r"(c2));
    long long d2;
    asm volatile("mov.u64 %0, %%clock64;" : "=l"(d2));
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(gt2));
    unsigned int lo1, lo2;
    asm volatile("mov.u32 %0, %%globaltimer_lo;" : "=r"(lo1));
    asm volatile("mov.u32 %0, %%globaltimer_lo;" : "=r"(lo2));
    unsigned int facts = ((c2 - c1) < 0x80000000u) | ((d2 >= d1) << 1) | ((gt2 >= gt1) << 2) |
                         (((lo2 - lo1) < 0x80000000u) << 3);
    out[g] = facts | ((x & 7u) << 4);
}
