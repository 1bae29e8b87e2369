/*
 * vector_add: a plain CUDA driver-API program. Loads the vector_add PTX,
 * adds two vectors of n = 1<<20 floats on the device and checks every element
 * on the host.
 *
 * Usage: vector_add [path/to/vector_add.ptx]
 *   (default: vector_add.ptx next to this source file)
 * Build and run against softcuda: scripts/run-example.sh vector_add
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
            fprintf(stderr, "vector_add: %s failed: %s (%d): %s (%s:%d)\n",      \
                    #call, name_, (int)err_, desc_, __FILE__, __LINE__);         \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

/* Reads a whole file into a NUL-terminated buffer (PTX is text). */
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

/* The .ptx beside this source: __FILE__ with "main.c" replaced. */
static char* default_ptx_path(void)
{
    const char* src = __FILE__;
    const char* slash = strrchr(src, '/');
    size_t dir = slash ? (size_t)(slash - src + 1) : 0;
    const char* leaf = "vector_add.ptx";
    char* p = malloc(dir + strlen(leaf) + 1);
    if (!p) return NULL;
    memcpy(p, src, dir);
    strcpy(p + dir, leaf);
    return p;
}

int main(int argc, char** argv)
{
    char* ptx_path = argc > 1 ? argv[1] : default_ptx_path();
    if (!ptx_path) return 1;
    char* ptx = read_file(ptx_path);
    if (!ptx) {
        fprintf(stderr, "vector_add: cannot read PTX from %s\n", ptx_path);
        return 1;
    }

    const int n = 1 << 20;
    const size_t bytes = (size_t)n * sizeof(float);

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
    printf("vector_add: device 0: %s\n", name);

    CHECK(cuModuleLoadData(&mod, ptx));
    CHECK(cuModuleGetFunction(&fn, mod, "vector_add"));

    float* a = malloc(bytes);
    float* b = malloc(bytes);
    float* c = malloc(bytes);
    if (!a || !b || !c) {
        fprintf(stderr, "vector_add: out of host memory\n");
        return 1;
    }
    for (int i = 0; i < n; ++i) {
        a[i] = (float)i * 0.5f;
        b[i] = (float)(n - i) * 0.25f + 1.0f / (float)(1 + (i & 1023));
        c[i] = -1.0f;
    }

    CUdeviceptr da, db, dc;
    CHECK(cuMemAlloc(&da, bytes));
    CHECK(cuMemAlloc(&db, bytes));
    CHECK(cuMemAlloc(&dc, bytes));
    CHECK(cuMemcpyHtoD(da, a, bytes));
    CHECK(cuMemcpyHtoD(db, b, bytes));
    CHECK(cuMemsetD32(dc, 0xffffffffu, (size_t)n)); /* NaN: unwritten output shows */

    int nn = n;
    void* args[] = {&da, &db, &dc, &nn};
    const unsigned int block = 256;
    const unsigned int grid = (unsigned int)((n + (int)block - 1) / (int)block);
    CHECK(cuLaunchKernel(fn, grid, 1, 1, block, 1, 1, 0, NULL, args, NULL));
    CHECK(cuCtxSynchronize());
    CHECK(cuMemcpyDtoH(c, dc, bytes));

    double max_err = 0.0;
    int bad = 0;
    for (int i = 0; i < n; ++i) {
        float expect = a[i] + b[i];
        double err = fabs((double)c[i] - (double)expect);
        if (!(c[i] == expect)) {
            if (bad < 5) {
                fprintf(stderr, "vector_add: c[%d] = %.9g, expected %.9g\n", i, c[i], expect);
            }
            ++bad;
            if (err != err) err = INFINITY; /* NaN */
        }
        if (err > max_err) max_err = err;
    }

    CHECK(cuMemFree(da));
    CHECK(cuMemFree(db));
    CHECK(cuMemFree(dc));
    CHECK(cuModuleUnload(mod));
    CHECK(cuDevicePrimaryCtxRelease(dev));
    free(a);
    free(b);
    free(c);
    free(ptx);

    printf("vector_add: n=%d, max error %g, %s\n", n, max_err, bad ? "FAILED" : "PASSED");
    if (bad) {
        fprintf(stderr, "vector_add: %d of %d elements wrong\n", bad, n);
        return 1;
    }
    return 0;
}
