// cuda_fp16.h and cuda_bf16.h: __half/__half2 and __nv_bfloat16 arithmetic,
// conversions with rounding, and comparisons, checked against the exact
// values (every operand and result is representable, or the rounding is
// computed on the host from the float value).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cmath>
#include <cstring>
#include "check.h"

__global__ void halves(const float* x, float* out, unsigned short* bits, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half a = __float2half_rn(x[i]);
    __half b = __float2half_rn(0.5f);
    __half2 p = __halves2half2(a, b);
    __half2 q = __hmul2(p, __floats2half2_rn(2.0f, 4.0f));
    out[i * 6 + 0] = __half2float(__hadd(a, b));
    out[i * 6 + 1] = __low2float(q);
    out[i * 6 + 2] = __high2float(q);
    out[i * 6 + 3] = __hlt(a, b) ? 1.0f : 0.0f;
    __nv_bfloat16 c = __float2bfloat16_rn(x[i]);
    out[i * 6 + 4] = __bfloat162float(__hmul(c, __float2bfloat16_rn(3.0f)));
    out[i * 6 + 5] = __half2float(__hfma(a, a, b));
    bits[i * 3 + 0] = __half_as_ushort(__float2half_rz(x[i] * 1.001f));
    bits[i * 3 + 1] = __half_as_ushort(__float2half_rn(x[i] * 1.001f));
    bits[i * 3 + 2] = __bfloat16_as_ushort(c);
}

// Host float -> binary16 round-to-nearest-even / toward zero, normal and
// subnormal range (|v| < 65504 here).
static unsigned short to_half(double f, bool rz) {
    unsigned sign = std::signbit(f) ? 0x8000u : 0u;
    double a = std::fabs(f);
    if (a == 0.0) return sign;
    int e;
    std::frexp(a, &e);            // a = m * 2^e, m in [0.5, 1)
    int exp = e - 1;              // a = 1.x * 2^exp
    if (exp < -14) exp = -14;     // subnormals share the minimum exponent
    double scaled = std::ldexp(a, 10 - exp);  // units of the last place
    double r = rz ? std::floor(scaled) : std::nearbyint(scaled);
    unsigned mant = (unsigned)r;
    unsigned h;
    if (mant >= 2048) { mant >>= 1; exp += 1; }
    if (mant < 1024) h = mant;  // subnormal
    else h = ((unsigned)(exp + 15) << 10) | (mant - 1024);
    return (unsigned short)(sign | h);
}

static unsigned short to_bf16(float f) {
    unsigned u;
    std::memcpy(&u, &f, 4);
    unsigned lsb = (u >> 16) & 1u;
    return (unsigned short)((u + 0x7fffu + lsb) >> 16);
}

static float bf16_to_float(unsigned short b) {
    unsigned u = (unsigned)b << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

int main() {
    const int n = 256;
    float hx[n];
    // Multiples of 1/16 in [-64, 64): exact in binary16 (11 significant bits).
    for (int i = 0; i < n; ++i) hx[i] = ((i * 97) % 2048 - 1024) / 16.0f;
    float *x, *out;
    unsigned short* bits;
    CHECK(cudaMalloc(&x, sizeof hx));
    CHECK(cudaMalloc(&out, n * 6 * sizeof(float)));
    CHECK(cudaMalloc(&bits, n * 3 * sizeof(unsigned short)));
    CHECK(cudaMemcpy(x, hx, sizeof hx, cudaMemcpyHostToDevice));
    halves<<<2, 128>>>(x, out, bits, n);
    CHECK(cudaGetLastError());
    float r[n * 6];
    unsigned short rb[n * 3];
    CHECK(cudaMemcpy(r, out, sizeof r, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(rb, bits, sizeof rb, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i) {
        float v = hx[i];
        // binary16 has 11 significant bits: v + 0.5 rounds like the device.
        float sum = v + 0.5f;
        unsigned short hs = to_half(sum, false);
        unsigned short hv = to_half(v, false);
        EXPECT(to_half(r[i * 6 + 0], false) == hs);
        EXPECT(r[i * 6 + 1] == 2.0f * v);
        EXPECT(r[i * 6 + 2] == 2.0f);
        EXPECT(r[i * 6 + 3] == (v < 0.5f ? 1.0f : 0.0f));
        EXPECT(rb[i * 3 + 2] == to_bf16(v));
        EXPECT(r[i * 6 + 4] == bf16_to_float(to_bf16(bf16_to_float(to_bf16(v)) * 3.0f)));
        // fma rounds once: v*v + 0.5 exactly in double, then to binary16.
        EXPECT(to_half(r[i * 6 + 5], false) == to_half((double)v * v + 0.5, false) ||
               std::fabs((double)v * v + 0.5) > 65504.0);
        EXPECT(rb[i * 3 + 0] == to_half(v * 1.001f, true));
        EXPECT(rb[i * 3 + 1] == to_half(v * 1.001f, false));
        (void)hv;
    }
    CHECK(cudaFree(x));
    CHECK(cudaFree(out));
    CHECK(cudaFree(bits));
    std::printf("PASS half_precision\n");
    return 0;
}
