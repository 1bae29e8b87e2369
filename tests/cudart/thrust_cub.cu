// Thrust and CUB from the toolkit's CCCL on softcuda: a sort, a reduction
// and a CUB device-wide sum, checked against the host.
#include <thrust/device_vector.h>
#include <thrust/host_vector.h>
#include <thrust/reduce.h>
#include <thrust/sort.h>
#include <cub/device/device_reduce.cuh>
#include <cstdio>

int main() {
    const int n = 1 << 14;
    thrust::host_vector<int> h(n);
    long long ref = 0;
    for (int i = 0; i < n; i++) {
        h[i] = (i * 7919) % 10007 - 5000;
        ref += h[i];
    }
    thrust::device_vector<int> d = h;
    thrust::sort(d.begin(), d.end());
    thrust::host_vector<int> r = d;
    for (int i = 1; i < n; i++) {
        if (r[i - 1] > r[i]) {
            printf("thrust::sort: not sorted at %d\n", i);
            return 1;
        }
    }
    long long s = thrust::reduce(d.begin(), d.end(), 0LL);
    if (s != ref) {
        printf("thrust::reduce: %lld, expected %lld\n", s, ref);
        return 1;
    }
    // CUB: two-phase temporary storage query, then the sum.
    int* out = nullptr;
    cudaMalloc(&out, sizeof(int));
    void* tmp = nullptr;
    size_t tmp_bytes = 0;
    cub::DeviceReduce::Sum(tmp, tmp_bytes, thrust::raw_pointer_cast(d.data()), out, n);
    cudaMalloc(&tmp, tmp_bytes);
    cub::DeviceReduce::Sum(tmp, tmp_bytes, thrust::raw_pointer_cast(d.data()), out, n);
    int got = 0;
    if (cudaMemcpy(&got, out, sizeof(int), cudaMemcpyDeviceToHost) != cudaSuccess || got != (int)ref) {
        printf("cub::DeviceReduce::Sum: %d, expected %lld\n", got, ref);
        return 1;
    }
    cudaFree(tmp);
    cudaFree(out);
    printf("PASS thrust_cub\n");
    return 0;
}
