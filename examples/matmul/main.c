/*
 * matmul: shared-memory tiled SGEMM (16x16 tiles) through the CUDA driver
 * API. C = A * B for 256x256 matrices; the kernel is timed with CUDA events
 * and the result is checked against a double-precision host matmul
 * (relative tolerance 1e-4; inputs are positive, so there is no cancellation).
 *
 * Usage: matmul [path/to/matmul.ptx]   (default: matmul.ptx next to this source)
 * Build and run against softcuda: scripts/run-example.sh matmul
 */
#include <cuda.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                              \
    do {                                                                         \
        CUresult err_ = (call);                                                  \
        if (err_ != CUDA_SUCCESS) {                                              \
            const char* name_ = NULL;                                            \
            const char* desc_ = NULL;                                            \
            if (cuGetErrorName(err_, &name_) != CUDA_SUCCESS) name_ = "?";       \
            if (cuGetErrorString(err_, &desc_) != CUDA_SUCCESS) desc_ = "?";     \
            fprintf(stderr, "matmul: %s failed: %s (%d): %s (%s:%d)\n",          \
                    #call, name_, (int)err_, desc_, __FILE__, __LINE__);         \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

#define TILE 16

static char* read_file(const char* path)
{
    FILE* f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    char* buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

static char* default_ptx_path(void)
{
    const char* src = __FILE__;
    const char* slash = strrchr(src, '/');
    size_t dir = slash ? (size_t)(slash - src + 1) : 0;
    const char* leaf = "matmul.ptx";
    char* p = malloc(dir + strlen(leaf) + 1);
    if (!p) return NULL;
    memcpy(p, src, dir);
    strcpy(p + dir, leaf);
    return p;
}

/* Deterministic inputs in [0.25, 1.25). */
static unsigned int lcg_state = 12345u;
static float next_value(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return 0.25f + (float)(lcg_state >> 8) * (1.0f / 16777216.0f);
}

int main(int argc, char** argv)
{
    char* ptx_path = argc > 1 ? argv[1] : default_ptx_path();
    if (!ptx_path) return 1;
    char* ptx = read_file(ptx_path);
    if (!ptx) {
        fprintf(stderr, "matmul: cannot read PTX from %s\n", ptx_path);
        return 1;
    }

    const int M = 256, N = 256, K = 256;
    const size_t bytes_a = (size_t)M * K * sizeof(float);
    const size_t bytes_b = (size_t)K * N * sizeof(float);
    const size_t bytes_c = (size_t)M * N * sizeof(float);

    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction fn;
    char name[256];
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDeviceGetName(name, (int)sizeof name, dev));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    printf("matmul: device 0: %s\n", name);

    CHECK(cuModuleLoadData(&mod, ptx));
    CHECK(cuModuleGetFunction(&fn, mod, "matmul"));

    float* a = malloc(bytes_a);
    float* b = malloc(bytes_b);
    float* c = malloc(bytes_c);
    if (!a || !b || !c) {
        fprintf(stderr, "matmul: out of host memory\n");
        return 1;
    }
    for (int i = 0; i < M * K; ++i) a[i] = next_value();
    for (int i = 0; i < K * N; ++i) b[i] = next_value();

    CUdeviceptr da, db, dc;
    CHECK(cuMemAlloc(&da, bytes_a));
    CHECK(cuMemAlloc(&db, bytes_b));
    CHECK(cuMemAlloc(&dc, bytes_c));
    CHECK(cuMemcpyHtoD(da, a, bytes_a));
    CHECK(cuMemcpyHtoD(db, b, bytes_b));
    CHECK(cuMemsetD32(dc, 0xffffffffu, (size_t)M * N)); /* NaN: unwritten output shows */

    CUevent start, stop;
    CHECK(cuEventCreate(&start, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&stop, CU_EVENT_DEFAULT));

    int m = M, nn = N, k = K;
    void* args[] = {&da, &db, &dc, &m, &nn, &k};
    const unsigned int gx = (unsigned int)((N + TILE - 1) / TILE);
    const unsigned int gy = (unsigned int)((M + TILE - 1) / TILE);
    CHECK(cuEventRecord(start, NULL));
    CHECK(cuLaunchKernel(fn, gx, gy, 1, TILE, TILE, 1, 0, NULL, args, NULL));
    CHECK(cuEventRecord(stop, NULL));
    CHECK(cuEventSynchronize(stop));
    float ms = 0.0f;
    CHECK(cuEventElapsedTime(&ms, start, stop));
    CHECK(cuCtxSynchronize());
    CHECK(cuMemcpyDtoH(c, dc, bytes_c));

    double max_rel = 0.0;
    int bad = 0;
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            double ref = 0.0;
            for (int l = 0; l < K; ++l) ref += (double)a[i * K + l] * (double)b[l * N + j];
            double got = (double)c[i * N + j];
            double rel = fabs(got - ref) / fabs(ref);
            if (!(rel <= 1e-4)) {
                if (bad < 5) {
                    fprintf(stderr, "matmul: C[%d][%d] = %.9g, expected %.9g\n", i, j, got, ref);
                }
                ++bad;
                if (rel != rel) rel = INFINITY;
            }
            if (rel > max_rel) max_rel = rel;
        }
    }

    CHECK(cuEventDestroy(start));
    CHECK(cuEventDestroy(stop));
    CHECK(cuMemFree(da));
    CHECK(cuMemFree(db));
    CHECK(cuMemFree(dc));
    CHECK(cuModuleUnload(mod));
    CHECK(cuDevicePrimaryCtxRelease(dev));
    free(a);
    free(b);
    free(c);
    free(ptx);

    double gflops = ms > 0.0f ? 2.0 * M * N * K / ((double)ms * 1e6) : 0.0;
    printf("matmul: %dx%dx%d, kernel %.3f ms (%.3f GFLOP/s), max rel error %.3g, %s\n",
           M, N, K, (double)ms, gflops, max_rel, bad ? "FAILED" : "PASSED");
    if (bad) {
        fprintf(stderr, "matmul: %d of %d elements outside tolerance\n", bad, M * N);
        return 1;
    }
    return 0;
}
