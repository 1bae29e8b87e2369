// Pitched memory: cudaMallocPitch, cudaMemset2D, cudaMemcpy2D in every
// direction, a kernel indexing by pitch, cudaMemsetAsync and
// cudaMemcpyDeviceToDevice on a sub-range.
#include "check.h"

__global__ void add_coords(float* p, size_t pitch, int w, int h) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < w && y < h) {
        float* row = reinterpret_cast<float*>(reinterpret_cast<char*>(p) + y * pitch);
        row[x] += x + 1000.0f * y;
    }
}

int main() {
    const int w = 37, h = 23;
    float* d;
    size_t pitch = 0;
    CHECK(cudaMallocPitch(reinterpret_cast<void**>(&d), &pitch, w * sizeof(float), h));
    EXPECT(pitch >= w * sizeof(float));
    // Bytes 0x3f800000 is 1.0f; cudaMemset2D sets bytes, so use 0 first.
    CHECK(cudaMemset2D(d, pitch, 0, w * sizeof(float), h));
    float host[h][w];
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) host[y][x] = 0.25f * (x ^ y);
    // Copy only the left 30 columns; the rest stays zero.
    CHECK(cudaMemcpy2D(d, pitch, host, w * sizeof(float), 30 * sizeof(float), h, cudaMemcpyHostToDevice));
    dim3 block(8, 8), grid((w + 7) / 8, (h + 7) / 8);
    add_coords<<<grid, block>>>(d, pitch, w, h);
    CHECK(cudaGetLastError());
    // Device-to-device 2D copy into a second pitched buffer.
    float* e;
    size_t pitch2 = 0;
    CHECK(cudaMallocPitch(reinterpret_cast<void**>(&e), &pitch2, w * sizeof(float), h));
    CHECK(cudaMemcpy2D(e, pitch2, d, pitch, w * sizeof(float), h, cudaMemcpyDeviceToDevice));
    float back[h][w];
    CHECK(cudaMemcpy2D(back, w * sizeof(float), e, pitch2, w * sizeof(float), h, cudaMemcpyDeviceToHost));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float base = x < 30 ? 0.25f * (x ^ y) : 0.0f;
            EXPECT(back[y][x] == base + x + 1000.0f * y);
        }
    // Async memset on a stream plus a 1D device-to-device copy of a range.
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    unsigned char* bytes;
    CHECK(cudaMalloc(&bytes, 4096));
    CHECK(cudaMemsetAsync(bytes, 0xab, 4096, s));
    CHECK(cudaMemsetAsync(bytes + 100, 0x11, 50, s));
    CHECK(cudaMemcpyAsync(bytes + 2000, bytes + 90, 100, cudaMemcpyDeviceToDevice, s));
    unsigned char hb[4096];
    CHECK(cudaMemcpyAsync(hb, bytes, 4096, cudaMemcpyDeviceToHost, s));
    CHECK(cudaStreamSynchronize(s));
    for (int i = 0; i < 4096; ++i) {
        int src = (i >= 2000 && i < 2100) ? i - 2000 + 90 : i;
        unsigned char want = (src >= 100 && src < 150) ? 0x11 : 0xab;
        EXPECT(hb[i] == want);
    }
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(bytes));
    CHECK(cudaFree(d));
    CHECK(cudaFree(e));
    std::printf("PASS memcpy2d\n");
    return 0;
}
