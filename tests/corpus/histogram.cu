// 256-bin byte histogram. Each block builds a private histogram in shared
// memory with shared-memory atomicAdd (grid-stride over the input), then adds
// its non-zero bins into the global histogram with global atomicAdd.
// bins must be zeroed before launch. Any blockDim.x >= 1 works.
#define NBINS 256

extern "C" __global__ void histogram(const unsigned char* data, int n, unsigned int* bins)
{
    __shared__ unsigned int local[NBINS];
    for (int b = threadIdx.x; b < NBINS; b += blockDim.x) {
        local[b] = 0u;
    }
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        atomicAdd(&local[data[i]], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < NBINS; b += blockDim.x) {
        unsigned int v = local[b];
        if (v != 0u) {
            atomicAdd(&bins[b], v);
        }
    }
}
