// __constant__ memory with cudaMemcpyToSymbol / cudaMemcpyFromSymbol, and
// __device__ globals (cudaGetSymbolAddress, cudaGetSymbolSize).
#include "check.h"

__constant__ float coeffs[4];
__device__ int counter;
__device__ float table[64];

__global__ void poly(float *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float x = (float)i;
        out[i] = coeffs[0] + x * (coeffs[1] + x * (coeffs[2] + x * coeffs[3]));
        table[i % 64] = 1.0f;
        atomicAdd(&counter, 1);
    }
}

int main() {
    const int n = 100;
    float h[4] = {1.0f, -2.0f, 0.5f, 0.25f};
    CHECK(cudaMemcpyToSymbol(coeffs, h, sizeof(h)));
    float back[4] = {0, 0, 0, 0};
    CHECK(cudaMemcpyFromSymbol(back, coeffs, sizeof(back)));
    for (int i = 0; i < 4; i++) EXPECT(back[i] == h[i]);
    int zero = 0;
    CHECK(cudaMemcpyToSymbol(counter, &zero, sizeof(int)));
    float *dout;
    CHECK(cudaMalloc(&dout, n * sizeof(float)));
    poly<<<1, 128>>>(dout, n);
    CHECK(cudaDeviceSynchronize());
    float out[n];
    CHECK(cudaMemcpy(out, dout, sizeof(out), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) {
        float x = (float)i;
        EXPECT(out[i] == h[0] + x * (h[1] + x * (h[2] + x * h[3])));
    }
    int count = 0;
    CHECK(cudaMemcpyFromSymbol(&count, counter, sizeof(int)));
    EXPECT(count == n);
    void *addr = nullptr;
    size_t size = 0;
    CHECK(cudaGetSymbolAddress(&addr, table));
    CHECK(cudaGetSymbolSize(&size, table));
    EXPECT(addr != nullptr && size == 64 * sizeof(float));
    float t[64];
    CHECK(cudaMemcpy(t, addr, sizeof(t), cudaMemcpyDeviceToHost));
    for (int i = 0; i < 64; i++) EXPECT(t[i] == 1.0f);
    // Offset copy into the middle of a symbol.
    float two = 2.0f;
    CHECK(cudaMemcpyToSymbol(table, &two, sizeof(float), 10 * sizeof(float)));
    CHECK(cudaMemcpyFromSymbol(&t[0], table, sizeof(float), 10 * sizeof(float)));
    EXPECT(t[0] == 2.0f);
    CHECK(cudaFree(dout));
    std::printf("PASS symbols\n");
    return 0;
}
