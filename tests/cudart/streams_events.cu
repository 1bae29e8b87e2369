// Streams and events: work on several streams, ordering across streams with
// cudaStreamWaitEvent, event queries, elapsed time, the legacy default
// stream, cudaStreamGetFlags/Priority, cudaDeviceGetStreamPriorityRange,
// cudaLaunchHostFunc and cudaStreamAddCallback.
#include <atomic>
#include "check.h"

__global__ void fill(int* p, int n, int v) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) p[i] = v;
}

__global__ void add_from(int* dst, const int* src, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dst[i] += src[i] * 10;
}

// Host work queued on streams: each records its order of arrival.
static int host_calls[4];
static std::atomic<int> host_count{0};
static void CUDART_CB host_fn(void* tag) { host_calls[host_count++] = (int)(size_t)tag; }
static void CUDART_CB stream_cb(cudaStream_t, cudaError_t status, void* tag) {
    host_calls[host_count++] = status == cudaSuccess ? (int)(size_t)tag : -1;
}

int main() {
    const int n = 1 << 14;
    int *a, *b;
    CHECK(cudaMalloc(&a, n * sizeof(int)));
    CHECK(cudaMalloc(&b, n * sizeof(int)));
    int lo = 0, hi = 0;
    CHECK(cudaDeviceGetStreamPriorityRange(&lo, &hi));
    EXPECT(hi <= lo);
    cudaStream_t s1, s2;
    CHECK(cudaStreamCreateWithPriority(&s1, cudaStreamNonBlocking, hi));
    CHECK(cudaStreamCreate(&s2));
    unsigned flags = 99;
    int prio = 99;
    CHECK(cudaStreamGetFlags(s1, &flags));
    CHECK(cudaStreamGetPriority(s1, &prio));
    EXPECT(flags == cudaStreamNonBlocking && prio == hi);
    cudaEvent_t start, ready, stop, notiming;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&ready));
    CHECK(cudaEventCreate(&stop));
    CHECK(cudaEventCreateWithFlags(&notiming, cudaEventDisableTiming));
    CHECK(cudaEventRecord(start, s1));
    fill<<<n / 256, 256, 0, s1>>>(b, n, 7);
    CHECK(cudaEventRecord(ready, s1));
    fill<<<n / 256, 256, 0, s2>>>(a, n, 1);
    CHECK(cudaStreamWaitEvent(s2, ready, 0));
    add_from<<<n / 256, 256, 0, s2>>>(a, b, n);
    CHECK(cudaEventRecord(stop, s2));
    CHECK(cudaEventRecord(notiming, s2));
    CHECK(cudaEventSynchronize(stop));
    EXPECT(cudaEventQuery(stop) == cudaSuccess);
    float ms = -1.0f;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    EXPECT(ms >= 0.0f);
    // An event created without timing cannot be timed.
    EXPECT(cudaEventElapsedTime(&ms, start, notiming) == cudaErrorInvalidResourceHandle);
    int* h = new int[n];
    CHECK(cudaMemcpy(h, a, n * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i) EXPECT(h[i] == 71);
    // The legacy default stream (0) orders after s2's work.
    fill<<<n / 256, 256, 0, s2>>>(a, n, 5);
    add_from<<<n / 256, 256>>>(a, b, n);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, a, n * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i) EXPECT(h[i] == 75);
    EXPECT(cudaStreamQuery(s1) == cudaSuccess && cudaStreamQuery(s2) == cudaSuccess);
    // Host functions and callbacks run in stream order, after the work before them.
    fill<<<n / 256, 256, 0, s1>>>(a, n, 3);
    CHECK(cudaLaunchHostFunc(s1, host_fn, (void*)1));
    CHECK(cudaStreamAddCallback(s1, stream_cb, (void*)2, 0));
    CHECK(cudaLaunchHostFunc(s2, host_fn, (void*)3));
    CHECK(cudaStreamSynchronize(s1));
    CHECK(cudaStreamSynchronize(s2));
    EXPECT(host_count == 3);
    // s1's two run in order; s2's may come at any point (streams are concurrent).
    int p1 = -1, p2 = -1, p3 = -1;
    for (int i = 0; i < 3; ++i) {
        if (host_calls[i] == 1) p1 = i;
        if (host_calls[i] == 2) p2 = i;
        if (host_calls[i] == 3) p3 = i;
    }
    EXPECT(p1 >= 0 && p2 > p1 && p3 >= 0);
    EXPECT(cudaStreamAddCallback(s1, stream_cb, nullptr, 1) == cudaErrorInvalidValue);
    cudaGetLastError();
    CHECK(cudaEventDestroy(start));
    CHECK(cudaEventDestroy(ready));
    CHECK(cudaEventDestroy(stop));
    CHECK(cudaEventDestroy(notiming));
    CHECK(cudaStreamDestroy(s1));
    CHECK(cudaStreamDestroy(s2));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    delete[] h;
    std::printf("PASS streams_events\n");
    return 0;
}
