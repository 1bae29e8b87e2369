// Per-thread divergent control flow. Threads with even threadIdx.x count Collatz
// steps of in[i] (data-dependent loop length, capped at 1000 steps); odd ones
// compute a sum of a short data-dependent series. Result per thread.
extern "C" __global__ void divergent(const unsigned int* in, unsigned int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    unsigned int x = in[i];
    unsigned int r;
    if ((threadIdx.x & 1u) == 0u) {
        unsigned int steps = 0;
        unsigned long long v = x;
        while (v > 1ull && steps < 1000u) {
            if (v & 1ull) {
                v = 3ull * v + 1ull;
            } else {
                v >>= 1;
            }
            ++steps;
        }
        r = steps;
    } else {
        unsigned int len = x & 63u;
        unsigned int acc = 0x9e3779b9u;
        for (unsigned int k = 0; k < len; ++k) {
            if ((acc ^ k) & 4u) {
                acc = acc * 33u + k;
            } else {
                acc = (acc >> 3) ^ (x + k);
            }
        }
        r = acc;
    }
    out[i] = r;
}
