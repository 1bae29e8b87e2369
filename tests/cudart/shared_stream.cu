// Dynamic shared memory, a non-default stream with async copies, events
// and timing.
#include "check.h"
#include <vector>

// Block-wide sum of `in` into out[blockIdx.x], through dynamic shared memory.
__global__ void block_sum(const int *in, int *out, int n) {
    extern __shared__ int buf[];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    buf[threadIdx.x] = i < n ? in[i] : 0;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = buf[0];
}

int main() {
    const int n = 5000, threads = 128, blocks = (n + threads - 1) / threads;
    std::vector<int> in(n), out(blocks);
    for (int i = 0; i < n; i++) in[i] = (i * 7) % 13 - 6;
    int *din, *dout;
    CHECK(cudaMalloc(&din, n * sizeof(int)));
    CHECK(cudaMalloc(&dout, blocks * sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    CHECK(cudaEventRecord(start, s));
    CHECK(cudaMemcpyAsync(din, in.data(), n * sizeof(int), cudaMemcpyHostToDevice, s));
    block_sum<<<blocks, threads, threads * sizeof(int), s>>>(din, dout, n);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpyAsync(out.data(), dout, blocks * sizeof(int), cudaMemcpyDeviceToHost, s));
    CHECK(cudaEventRecord(stop, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaEventSynchronize(stop));
    float ms = -1.0f;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    EXPECT(ms >= 0.0f);
    EXPECT(cudaStreamQuery(s) == cudaSuccess);
    for (int b = 0; b < blocks; b++) {
        int want = 0;
        for (int i = b * threads; i < n && i < (b + 1) * threads; i++) want += in[i];
        EXPECT(out[b] == want);
    }
    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(stop));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(din));
    CHECK(cudaFree(dout));
    std::printf("PASS shared_stream\n");
    return 0;
}
