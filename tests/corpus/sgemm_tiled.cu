// C[M x N] = A[M x K] * B[K x N], all row-major. 16x16 thread blocks, one
// output element per thread, 16x16 tiles of A and B staged in shared memory.
// Handles M, N, K that are not multiples of 16 (out-of-range tile elements are
// loaded as 0 and out-of-range outputs are not stored).
// Launch: block (16, 16), grid (ceil(N/16), ceil(M/16)).
// Accumulation order per output: k = 0, 1, ..., K-1 (then zeros from padding),
// each step acc = fma(A[row][k], B[k][col], acc) (nvcc contracts acc += a*b).
#define TILE 16

extern "C" __global__ void sgemm_tiled(const float* A, const float* B, float* C, int M, int N, int K)
{
    __shared__ float As[TILE][TILE];
    __shared__ float Bs[TILE][TILE];

    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * TILE + ty;
    int col = blockIdx.x * TILE + tx;
    float acc = 0.0f;

    for (int t = 0; t < K; t += TILE) {
        int ak = t + tx;
        int bk = t + ty;
        As[ty][tx] = (row < M && ak < K) ? A[row * K + ak] : 0.0f;
        Bs[ty][tx] = (bk < K && col < N) ? B[bk * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int k = 0; k < TILE; ++k) {
            acc += As[ty][k] * Bs[k][tx];
        }
        __syncthreads();
    }
    if (row < M && col < N) {
        C[row * N + col] = acc;
    }
}
