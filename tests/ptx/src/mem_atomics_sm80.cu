// bf16 atomics (sm_80+): atomicAdd on __nv_bfloat162 and __nv_bfloat16, exact
// sums in shared memory (integer partial sums <= 256 fit bf16's 8 significant
// bits) and same-value adds on global words prefilled with 0xDEADBEEF.
// @min_sm 80
#include <cuda_bf16.h>

// @case mem_atom_bf16 grid=4 block=256 out=16
extern "C" __global__ void mem_atom_bf16(const unsigned int* in, unsigned int* out)
{
    __shared__ __nv_bfloat162 s2;
    __shared__ __nv_bfloat16 s1[2];
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + blockIdx.x * 256u + t];
    if (t == 0u) {
        s2 = __floats2bfloat162_rn(0.0f, -64.0f);
        s1[0] = __float2bfloat16(0.0f);
        s1[1] = __float2bfloat16(3.0f);
    }
    __syncthreads();
    atomicAdd(&s2, __floats2bfloat162_rn((float)(v & 1u), (float)((v >> 1) & 1u)));
    atomicAdd(&s1[0], __float2bfloat16((float)((v >> 2) & 1u)));
    atomicAdd((__nv_bfloat162*)&out[0], __floats2bfloat162_rn(1.0f, 0.5f));
    atomicAdd((__nv_bfloat16*)&out[1] + 1, __float2bfloat16(-0.25f));
    atomicAdd((__nv_bfloat162*)&out[2 + blockIdx.x], __floats2bfloat162_rn(-2.0f, 1.0e10f));
    __syncthreads();
    if (t == 0u) {
        out[8 + blockIdx.x * 2u] = *(const unsigned int*)&s2;
        out[9 + blockIdx.x * 2u] = *(const unsigned int*)s1;
    }
}
