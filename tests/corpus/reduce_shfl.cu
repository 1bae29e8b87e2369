// Block-wide sum reductions: each thread accumulates a grid-stride partial sum,
// then a warp reduction with __shfl_down_sync, then warp 0 reduces the per-warp
// partials held in shared memory. One result per block in out_per_block.
// Any blockDim.x from 1 to 1024 works, including a partial last warp (the
// shuffle mask then names only the lanes that exist, and values shuffled in
// from lanes outside the warp's width are ignored).
//
// Summation order (the host test reproduces float results bit for bit):
//  1. thread t of block b: acc = 0; for i = b*bd + t, i += bd*grid, i < n:
//     acc = acc + in[i]
//  2. warp reduction over the lanes l < width of a warp (width = 32, or what is
//     left of the block for the last warp): for offset 16, 8, 4, 2, 1:
//     if l + offset < width: v[l] = v[l] + v[l + offset]; lane 0 has the sum.
//  3. warp 0: lane l takes partial[l] for l < number of warps, else 0, and does
//     step 2 with width = min(32, bd).
#define FULL_MASK 0xffffffffu

template <typename T>
__device__ __forceinline__ T warp_reduce(T v, unsigned int lane, unsigned int width)
{
    unsigned int mask = width >= 32u ? FULL_MASK : ((1u << width) - 1u);
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        T other = __shfl_down_sync(mask, v, offset);
        if (lane + offset < width) {
            v += other;
        }
    }
    return v;
}

template <typename T>
__device__ __forceinline__ void block_reduce(const T* in, T* out_per_block, int n)
{
    __shared__ T partial[32];
    unsigned int tid = threadIdx.x;
    unsigned int lane = tid & 31u;
    unsigned int warp = tid >> 5;
    unsigned int width = min(32u, blockDim.x - (warp << 5));

    T acc = T(0);
    for (int i = blockIdx.x * blockDim.x + tid; i < n; i += blockDim.x * gridDim.x) {
        acc += in[i];
    }
    acc = warp_reduce(acc, lane, width);
    if (lane == 0) {
        partial[warp] = acc;
    }
    __syncthreads();
    if (warp == 0) {
        unsigned int nwarps = (blockDim.x + 31u) >> 5;
        T v = lane < nwarps ? partial[lane] : T(0);
        v = warp_reduce(v, lane, width);
        if (lane == 0) {
            out_per_block[blockIdx.x] = v;
        }
    }
}

extern "C" __global__ void reduce_sum(const float* in, float* out_per_block, int n)
{
    block_reduce<float>(in, out_per_block, n);
}

extern "C" __global__ void reduce_sum_i32(const int* in, int* out_per_block, int n)
{
    block_reduce<int>(in, out_per_block, n);
}
