// Warp reductions with redux.sync (sm_80+): __reduce_{add,min,max}_sync for
// unsigned and signed, __reduce_{and,or,xor}_sync, full and partial member
// masks (inside divergent branches, and the 16-lane second warp of a
// 48-thread block), and cooperative_groups::reduce on tiles.
// @min_sm 80
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
namespace cg = cooperative_groups;

#define WFULL 0xffffffffu

// @case warp_redux_full grid=2 block=128 out=2048
extern "C" __global__ void warp_redux_full(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int s = in[64 + (threadIdx.x & 31u)]; // the special integers
    unsigned int* o = out + 8u * g;
    o[0] = __reduce_add_sync(WFULL, v);
    o[1] = __reduce_min_sync(WFULL, v);
    o[2] = __reduce_max_sync(WFULL, v);
    o[3] = (unsigned int)__reduce_min_sync(WFULL, (int)v);
    o[4] = (unsigned int)__reduce_max_sync(WFULL, (int)s) ^ (unsigned int)__reduce_min_sync(WFULL, (int)s);
    o[5] = __reduce_and_sync(WFULL, v | 0x01010101u) ^ __reduce_and_sync(WFULL, s);
    o[6] = __reduce_or_sync(WFULL, v & 0x80808080u) ^ __reduce_or_sync(WFULL, s);
    o[7] = __reduce_xor_sync(WFULL, v) + __reduce_add_sync(WFULL, s);
}

// Partial masks: branch lanes reduce among themselves; 48-thread blocks.
// @case warp_redux_partial grid=2 block=48 out=384
extern "C" __global__ void warp_redux_partial(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int v = in[512 + g];
    unsigned int wm = (t < 32u) ? WFULL : 0x0000ffffu;
    unsigned int m = __ballot_sync(wm, v & 1u);
    unsigned int a, b, c, d;
    if (v & 1u) {
        a = __reduce_add_sync(m, v);
        b = __reduce_max_sync(m, v >> 4);
        c = (unsigned int)__reduce_min_sync(m, (int)v);
        d = __reduce_xor_sync(m, v);
    } else {
        unsigned int m2 = wm & ~m;
        a = __reduce_add_sync(m2, v) + 1u;
        b = __reduce_min_sync(m2, v);
        c = (unsigned int)__reduce_max_sync(m2, (int)v);
        d = __reduce_or_sync(m2, v & 0x0f0f0f0fu) ^ __reduce_and_sync(m2, v | 0xf0f0f0f0u);
    }
    unsigned int* o = out + 4u * g;
    o[0] = a;
    o[1] = b;
    o[2] = c;
    o[3] = d;
}

// cooperative_groups::reduce over tiles of 32, 8 and 4 with plus / less /
// greater / bit_xor.
// @case warp_cg_reduce grid=1 block=128 out=512
extern "C" __global__ void warp_cg_reduce(const unsigned int* in, unsigned int* out)
{
    cg::thread_block blk = cg::this_thread_block();
    unsigned int t = blk.thread_rank();
    unsigned int v = in[1024 + t];
    cg::thread_block_tile<32> w = cg::tiled_partition<32>(blk);
    cg::thread_block_tile<8> t8 = cg::tiled_partition<8>(blk);
    cg::thread_block_tile<4> t4 = cg::tiled_partition<4>(blk);
    out[4 * t + 0] = cg::reduce(w, v, cg::plus<unsigned int>());
    out[4 * t + 1] = cg::reduce(t8, v, cg::less<unsigned int>());
    out[4 * t + 2] = (unsigned int)cg::reduce(t4, (int)v, cg::greater<int>());
    out[4 * t + 3] = cg::reduce(t8, v, cg::bit_xor<unsigned int>());
}
