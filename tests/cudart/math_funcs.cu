// Device math library and intrinsics against host references: sqrtf, expf,
// logf, sinf/cosf, powf, erff, fmaf, double sqrt/exp/log, integer intrinsics
// (__clz, __ffs, __brev, __popcll, __byte_perm, __mulhi, __sad), and
// conversions with rounding modes (__float2int_rn/rz/ru/rd).
#include <cmath>
#include <cstring>
#include "check.h"

__global__ void mathk(const float* x, float* f, double* d, int* ints, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i];
    f[i * 8 + 0] = sqrtf(fabsf(v));
    f[i * 8 + 1] = expf(v * 0.1f);
    f[i * 8 + 2] = logf(fabsf(v) + 1.0f);
    f[i * 8 + 3] = sinf(v);
    f[i * 8 + 4] = cosf(v);
    f[i * 8 + 5] = powf(fabsf(v) + 0.5f, 1.5f);
    f[i * 8 + 6] = erff(v * 0.05f);
    f[i * 8 + 7] = fmaf(v, 1.0f / 3.0f, 2.0f);
    double dv = v;
    d[i * 3 + 0] = sqrt(fabs(dv));
    d[i * 3 + 1] = exp(dv * 0.1);
    d[i * 3 + 2] = log(fabs(dv) + 1.0);
    unsigned u = __float_as_uint(v) ^ (i * 2654435761u);
    ints[i * 10 + 0] = __clz(u);
    ints[i * 10 + 1] = __ffs(u);
    ints[i * 10 + 2] = __brev(u);
    ints[i * 10 + 3] = __popcll(((unsigned long long)u << 32) | (u * 3u));
    ints[i * 10 + 4] = __byte_perm(u, 0x12345678u, 0x7351);
    ints[i * 10 + 5] = __mulhi((int)u, 0x7654321);
    ints[i * 10 + 6] = __sad((int)u, i * 1000, 5);
    ints[i * 10 + 7] = __float2int_rn(v * 1.5f);
    ints[i * 10 + 8] = __float2int_ru(v * 1.5f);
    ints[i * 10 + 9] = __float2int_rd(v * 1.5f);
}

static int rel_ok(double got, double want, double tol) {
    return std::fabs(got - want) <= tol * (std::fabs(want) + 1e-30) || std::fabs(got - want) < 1e-30;
}

int main() {
    const int n = 512;
    float* hx = new float[n];
    for (int i = 0; i < n; ++i) hx[i] = (i - 256) * 0.37f + 0.125f;
    float* x;
    float* f;
    double* d;
    int* ints;
    CHECK(cudaMalloc(&x, n * sizeof(float)));
    CHECK(cudaMalloc(&f, n * 8 * sizeof(float)));
    CHECK(cudaMalloc(&d, n * 3 * sizeof(double)));
    CHECK(cudaMalloc(&ints, n * 10 * sizeof(int)));
    CHECK(cudaMemcpy(x, hx, n * sizeof(float), cudaMemcpyHostToDevice));
    mathk<<<n / 128, 128>>>(x, f, d, ints, n);
    CHECK(cudaGetLastError());
    float* hf = new float[n * 8];
    double* hd = new double[n * 3];
    int* hi = new int[n * 10];
    CHECK(cudaMemcpy(hf, f, n * 8 * sizeof(float), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hd, d, n * 3 * sizeof(double), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hi, ints, n * 10 * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i) {
        double v = hx[i];
        // CUDA's documented maximum ulp errors are a few ulp; 1e-6 relative
        // (about 8 ulp of float) covers them. sinf/cosf get an absolute bound.
        EXPECT(hf[i * 8 + 0] == std::sqrt(std::fabs(hx[i])));  // correctly rounded
        EXPECT(rel_ok(hf[i * 8 + 1], std::exp((double)(hx[i] * 0.1f)), 1e-6));
        EXPECT(rel_ok(hf[i * 8 + 2], std::log((double)(std::fabs(hx[i]) + 1.0f)), 1e-6));
        EXPECT(std::fabs(hf[i * 8 + 3] - std::sin(v)) < 1e-6);
        EXPECT(std::fabs(hf[i * 8 + 4] - std::cos(v)) < 1e-6);
        EXPECT(rel_ok(hf[i * 8 + 5], std::pow((double)(std::fabs(hx[i]) + 0.5f), 1.5), 2e-6));
        EXPECT(std::fabs(hf[i * 8 + 6] - std::erf((double)(hx[i] * 0.05f))) < 1e-6);
        EXPECT(hf[i * 8 + 7] == std::fmaf(hx[i], 1.0f / 3.0f, 2.0f));
        EXPECT(hd[i * 3 + 0] == std::sqrt(std::fabs(v)));
        EXPECT(rel_ok(hd[i * 3 + 1], std::exp(v * 0.1), 1e-15));
        EXPECT(rel_ok(hd[i * 3 + 2], std::log(std::fabs(v) + 1.0), 1e-15));
        unsigned u;
        std::memcpy(&u, &hx[i], 4);
        u ^= i * 2654435761u;
        EXPECT(hi[i * 10 + 0] == (u ? __builtin_clz(u) : 32));
        EXPECT(hi[i * 10 + 1] == __builtin_ffs((int)u));
        unsigned r = 0;
        for (int b = 0; b < 32; ++b) r |= ((u >> b) & 1u) << (31 - b);
        EXPECT((unsigned)hi[i * 10 + 2] == r);
        EXPECT(hi[i * 10 + 3] == __builtin_popcountll(((unsigned long long)u << 32) | (u * 3u)));
        unsigned long long both = ((unsigned long long)0x12345678u << 32) | u;
        unsigned perm = 0;
        for (int k = 0; k < 4; ++k) perm |= (unsigned)((both >> (8 * ((0x7351 >> (4 * k)) & 7))) & 0xff) << (8 * k);
        EXPECT((unsigned)hi[i * 10 + 4] == perm);
        EXPECT(hi[i * 10 + 5] == (int)(((long long)(int)u * 0x7654321) >> 32));
        long long diff = (long long)(int)u - (long long)(i * 1000);
        EXPECT((unsigned)hi[i * 10 + 6] == (unsigned)((diff < 0 ? -diff : diff) + 5));
        float t = hx[i] * 1.5f;
        EXPECT(hi[i * 10 + 7] == (int)std::nearbyint(t));
        EXPECT(hi[i * 10 + 8] == (int)std::ceil(t));
        EXPECT(hi[i * 10 + 9] == (int)std::floor(t));
    }
    CHECK(cudaFree(x));
    CHECK(cudaFree(f));
    CHECK(cudaFree(d));
    CHECK(cudaFree(ints));
    std::printf("PASS math_funcs\n");
    return 0;
}
