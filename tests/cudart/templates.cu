// Templates, functors and lambdas in device code.
#include "check.h"

template <typename T, typename F>
__global__ void transform(const T *in, T *out, int n, F f) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = f(in[i]);
}

struct Square {
    template <typename T> __device__ T operator()(T x) const { return x * x; }
};

template <typename T> void run(int n) {
    T *in, *out;
    CHECK(cudaMallocManaged(&in, n * sizeof(T)));
    CHECK(cudaMallocManaged(&out, n * sizeof(T)));
    for (int i = 0; i < n; i++) in[i] = (T)(i - 10);
    transform<<<(n + 63) / 64, 64>>>(in, out, n, Square());
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < n; i++) EXPECT(out[i] == (T)(i - 10) * (T)(i - 10));
    CHECK(cudaFree(in));
    CHECK(cudaFree(out));
}

__global__ void with_lambda(int *out, int n) {
    auto twice_plus = [=](int x) { return 2 * x + n; };
    int i = threadIdx.x;
    if (i < n) out[i] = twice_plus(i);
}

int main() {
    run<int>(100);
    run<float>(100);
    run<double>(100);
    run<long long>(100);
    int *d;
    CHECK(cudaMallocManaged(&d, 32 * sizeof(int)));
    with_lambda<<<1, 32>>>(d, 32);
    CHECK(cudaDeviceSynchronize());
    for (int i = 0; i < 32; i++) EXPECT(d[i] == 2 * i + 32);
    CHECK(cudaFree(d));
    std::printf("PASS templates\n");
    return 0;
}
