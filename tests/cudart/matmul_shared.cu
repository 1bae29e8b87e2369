// Tiled single-precision matrix multiply through shared memory with
// non-multiple-of-tile sizes, checked against a host product computed in the
// same order (fmaf over k), so the results match exactly.
#include <cmath>
#include "check.h"

#define T 16
__global__ void sgemm(const float* a, const float* b, float* c, int m, int n, int k) {
    __shared__ float as[T][T], bs[T][T];
    int row = blockIdx.y * T + threadIdx.y, col = blockIdx.x * T + threadIdx.x;
    float acc = 0.0f;
    for (int t = 0; t < k; t += T) {
        as[threadIdx.y][threadIdx.x] = (row < m && t + threadIdx.x < k) ? a[row * k + t + threadIdx.x] : 0.0f;
        bs[threadIdx.y][threadIdx.x] = (col < n && t + threadIdx.y < k) ? b[(t + threadIdx.y) * n + col] : 0.0f;
        __syncthreads();
        for (int i = 0; i < T; ++i) acc = __fmaf_rn(as[threadIdx.y][i], bs[i][threadIdx.x], acc);
        __syncthreads();
    }
    if (row < m && col < n) c[row * n + col] = acc;
}

int main() {
    const int m = 67, n = 45, k = 83;
    float *ha = new float[m * k], *hb = new float[k * n], *hc = new float[m * n];
    for (int i = 0; i < m * k; ++i) ha[i] = ((i * 37) % 101) / 17.0f - 2.5f;
    for (int i = 0; i < k * n; ++i) hb[i] = ((i * 53) % 97) / 13.0f - 3.0f;
    float *a, *b, *c;
    CHECK(cudaMalloc(&a, m * k * sizeof(float)));
    CHECK(cudaMalloc(&b, k * n * sizeof(float)));
    CHECK(cudaMalloc(&c, m * n * sizeof(float)));
    CHECK(cudaMemcpy(a, ha, m * k * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(b, hb, k * n * sizeof(float), cudaMemcpyHostToDevice));
    sgemm<<<dim3((n + T - 1) / T, (m + T - 1) / T), dim3(T, T)>>>(a, b, c, m, n, k);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(hc, c, m * n * sizeof(float), cudaMemcpyDeviceToHost));
    for (int r = 0; r < m; ++r)
        for (int q = 0; q < n; ++q) {
            float acc = 0.0f;
            // Padding terms are 0 * 0 and leave acc unchanged.
            for (int i = 0; i < k; ++i) acc = std::fmaf(ha[r * k + i], hb[i * n + q], acc);
            EXPECT(hc[r * n + q] == acc);
        }
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(c));
    delete[] ha;
    delete[] hb;
    delete[] hc;
    std::printf("PASS matmul_shared\n");
    return 0;
}
