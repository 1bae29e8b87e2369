// Shared-memory algorithms: a tiled matrix transpose with a padded tile and a
// block-wide inclusive scan built from warp shuffles, with dynamic shared
// memory sized at launch.
#include "check.h"

#define TILE 32
__global__ void transpose(float* out, const float* in, int w, int h) {
    __shared__ float tile[TILE][TILE + 1];
    int x = blockIdx.x * TILE + threadIdx.x;
    int y = blockIdx.y * TILE + threadIdx.y;
    for (int j = 0; j < TILE; j += blockDim.y)
        if (x < w && y + j < h) tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * w + x];
    __syncthreads();
    x = blockIdx.y * TILE + threadIdx.x;
    y = blockIdx.x * TILE + threadIdx.y;
    for (int j = 0; j < TILE; j += blockDim.y)
        if (x < h && y + j < w) out[(y + j) * h + x] = tile[threadIdx.x][threadIdx.y + j];
}

__global__ void block_scan(const int* in, int* out, int n) {
    extern __shared__ int warp_totals[];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    int v = i < n ? in[i] : 0;
    for (int off = 1; off < 32; off *= 2) {
        int t = __shfl_up_sync(0xffffffffu, v, off);
        if (lane >= off) v += t;
    }
    if (lane == 31) warp_totals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int t = lane < blockDim.x / 32 ? warp_totals[lane] : 0;
        for (int off = 1; off < 32; off *= 2) {
            int u = __shfl_up_sync(0xffffffffu, t, off);
            if (lane >= off) t += u;
        }
        warp_totals[lane] = t;
    }
    __syncthreads();
    if (warp > 0) v += warp_totals[warp - 1];
    if (i < n) out[i] = v;
}

int main() {
    const int w = 70, h = 45;
    float *in, *out;
    CHECK(cudaMalloc(&in, w * h * sizeof(float)));
    CHECK(cudaMalloc(&out, w * h * sizeof(float)));
    float* hi = new float[w * h];
    for (int i = 0; i < w * h; ++i) hi[i] = i * 0.5f - 3.0f;
    CHECK(cudaMemcpy(in, hi, w * h * sizeof(float), cudaMemcpyHostToDevice));
    transpose<<<dim3((w + TILE - 1) / TILE, (h + TILE - 1) / TILE), dim3(TILE, 8)>>>(out, in, w, h);
    CHECK(cudaGetLastError());
    float* ho = new float[w * h];
    CHECK(cudaMemcpy(ho, out, w * h * sizeof(float), cudaMemcpyDeviceToHost));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) EXPECT(ho[x * h + y] == hi[y * w + x]);

    const int n = 3000, threads = 512;
    int *sin, *sout;
    CHECK(cudaMalloc(&sin, n * sizeof(int)));
    CHECK(cudaMalloc(&sout, n * sizeof(int)));
    int* hs = new int[n];
    for (int i = 0; i < n; ++i) hs[i] = (i * 37) % 11 - 5;
    CHECK(cudaMemcpy(sin, hs, n * sizeof(int), cudaMemcpyHostToDevice));
    block_scan<<<(n + threads - 1) / threads, threads, 32 * sizeof(int)>>>(sin, sout, n);
    CHECK(cudaGetLastError());
    int* hr = new int[n];
    CHECK(cudaMemcpy(hr, sout, n * sizeof(int), cudaMemcpyDeviceToHost));
    for (int b = 0; b * threads < n; ++b) {
        int acc = 0;
        for (int i = b * threads; i < n && i < (b + 1) * threads; ++i) {
            acc += hs[i];
            EXPECT(hr[i] == acc);
        }
    }
    CHECK(cudaFree(in));
    CHECK(cudaFree(out));
    CHECK(cudaFree(sin));
    CHECK(cudaFree(sout));
    delete[] hi;
    delete[] ho;
    delete[] hs;
    delete[] hr;
    std::printf("PASS scan_transpose\n");
    return 0;
}
