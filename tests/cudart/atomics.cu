// Atomics: a shared-memory histogram merged into global memory, atomicCAS
// loops (float max), atomicExch/Inc/Min/Max/And/Or/Xor, 64-bit atomicAdd.
#include "check.h"

__device__ float atomic_max_float(float* addr, float v) {
    int* a = reinterpret_cast<int*>(addr);
    int old = *a, assumed;
    do {
        assumed = old;
        if (__int_as_float(assumed) >= v) break;
        old = atomicCAS(a, assumed, __float_as_int(v));
    } while (old != assumed);
    return __int_as_float(old);
}

struct Stats {
    unsigned inc;
    int mn, mx;
    unsigned and_, or_, xor_;
    unsigned long long sum64;
    float fmax;
    int exch_seen;
};

__global__ void histogram(const unsigned char* data, int n, unsigned* bins, Stats* st) {
    __shared__ unsigned local[256];
    for (int i = threadIdx.x; i < 256; i += blockDim.x) local[i] = 0;
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        unsigned char d = data[i];
        atomicAdd(&local[d], 1u);
        atomicInc(&st->inc, 1u << 30);
        atomicMin(&st->mn, (int)d - 100);
        atomicMax(&st->mx, (int)d * 3);
        atomicAnd(&st->and_, ~(1u << (d % 32)));
        atomicOr(&st->or_, 1u << (d % 32));
        atomicXor(&st->xor_, (unsigned)d);
        atomicAdd(&st->sum64, (unsigned long long)d << 33);
        atomic_max_float(&st->fmax, d * 0.5f);
        if (atomicExch(&st->exch_seen, 1) == 0) atomicAdd(&st->inc, 1000000u);
    }
    __syncthreads();
    for (int i = threadIdx.x; i < 256; i += blockDim.x)
        if (local[i]) atomicAdd(&bins[i], local[i]);
}

int main() {
    const int n = 100000;
    unsigned char* h = new unsigned char[n];
    for (int i = 0; i < n; ++i) h[i] = (unsigned char)((i * 2654435761u) >> 13);
    unsigned char* d;
    unsigned* bins;
    Stats* st;
    CHECK(cudaMalloc(&d, n));
    CHECK(cudaMalloc(&bins, 256 * sizeof(unsigned)));
    CHECK(cudaMalloc(&st, sizeof(Stats)));
    CHECK(cudaMemcpy(d, h, n, cudaMemcpyHostToDevice));
    CHECK(cudaMemset(bins, 0, 256 * sizeof(unsigned)));
    Stats init = {0, 1 << 30, -(1 << 30), 0xffffffffu, 0, 0, 0, -1.0f, 0};
    CHECK(cudaMemcpy(st, &init, sizeof init, cudaMemcpyHostToDevice));
    histogram<<<13, 192>>>(d, n, bins, st);
    CHECK(cudaGetLastError());
    unsigned hb[256];
    Stats s;
    CHECK(cudaMemcpy(hb, bins, sizeof hb, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&s, st, sizeof s, cudaMemcpyDeviceToHost));
    unsigned expect[256] = {0};
    int mn = 1 << 30, mx = -(1 << 30);
    unsigned and_ = 0xffffffffu, or_ = 0, xor_ = 0;
    unsigned long long sum = 0;
    float fmax = -1.0f;
    for (int i = 0; i < n; ++i) {
        unsigned char v = h[i];
        expect[v]++;
        mn = mn < v - 100 ? mn : v - 100;
        mx = mx > v * 3 ? mx : v * 3;
        and_ &= ~(1u << (v % 32));
        or_ |= 1u << (v % 32);
        xor_ ^= v;
        sum += (unsigned long long)v << 33;
        fmax = fmax > v * 0.5f ? fmax : v * 0.5f;
    }
    for (int i = 0; i < 256; ++i) EXPECT(hb[i] == expect[i]);
    EXPECT(s.inc == n + 1000000u);
    EXPECT(s.mn == mn && s.mx == mx);
    EXPECT(s.and_ == and_ && s.or_ == or_ && s.xor_ == xor_);
    EXPECT(s.sum64 == sum);
    EXPECT(s.fmax == fmax);
    EXPECT(s.exch_seen == 1);
    CHECK(cudaFree(d));
    CHECK(cudaFree(bins));
    CHECK(cudaFree(st));
    delete[] h;
    std::printf("PASS atomics\n");
    return 0;
}
