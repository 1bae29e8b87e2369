// @min_sm 80
// sm_80 f32 min/max with .NaN (NaN-propagating) and .ftz.NaN, crossed
// over the special values (NaN payloads, +-0, subnormals, +-inf).

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// @case arith_f32_80_minmax_nan grid=4 block=256 out=4096
extern "C" __global__ void arith_f32_80_minmax_nan(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    float a = __uint_as_float(in[t & 31]), b = __uint_as_float(in[t >> 5]);
    float r0, r1, r2, r3;
    asm volatile("min.NaN.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("max.NaN.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("min.ftz.NaN.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("max.ftz.NaN.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = __float_as_uint(r0); out[t * 4 + 1] = __float_as_uint(r1);
    out[t * 4 + 2] = __float_as_uint(r2); out[t * 4 + 3] = __float_as_uint(r3);
}

// Random / grid operands (in[32..63] and raw words incl. NaN payloads).
// words: min.NaN, max.NaN, min, max (for comparison)
// @case arith_f32_80_minmax_nan_rand grid=2 block=256 out=2048
extern "C" __global__ void arith_f32_80_minmax_nan_rand(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int wa = t < 256 ? in[32 + (t & 31)] : in[128 + t], wb = t < 256 ? in[(t * 7 + 3) & 63] : in[2000 + t];
    if (t >= 384) wb = wa ^ 0x80000000u ^ (t & 1);
    float a = __uint_as_float(wa), b = __uint_as_float(wb);
    float r0, r1, r2, r3;
    asm volatile("min.NaN.f32 %0, %1, %2;" : "=f"(r0) : "f"(a), "f"(b));
    asm volatile("max.NaN.f32 %0, %1, %2;" : "=f"(r1) : "f"(a), "f"(b));
    asm volatile("min.f32 %0, %1, %2;" : "=f"(r2) : "f"(a), "f"(b));
    asm volatile("max.f32 %0, %1, %2;" : "=f"(r3) : "f"(a), "f"(b));
    out[t * 4] = __float_as_uint(r0); out[t * 4 + 1] = __float_as_uint(r1);
    out[t * 4 + 2] = __float_as_uint(r2); out[t * 4 + 3] = __float_as_uint(r3);
}
