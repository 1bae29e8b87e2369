/*
 * A plain driver-API program, built twice by the test harness: once against
 * include/cuda.h and once against NVIDIA's cuda.h. Both builds must compile
 * with -Wall -Wextra -Werror and run against softcuda's libcuda.so.1, which
 * shows the two headers are interchangeable for what ours declares.
 * Self-contained on purpose (no common.h): it is what a user would write.
 *
 * Usage: nvidia_header path/to/kernels.ptx
 */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 512

#define DRV(call)                                                                  \
    do {                                                                           \
        CUresult r_ = (call);                                                      \
        if (r_ != CUDA_SUCCESS) {                                                  \
            const char *name_ = NULL;                                              \
            cuGetErrorName(r_, &name_);                                            \
            fprintf(stderr, "%s:%d: %s failed: %s (%d)\n", __FILE__, __LINE__, #call, \
                    name_ ? name_ : "?", (int)r_);                                 \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s kernels.ptx\n", argv[0]);
        return 2;
    }

    CUdevice dev;
    CUcontext ctx;
    char name[128];
    int count = 0, version = 0, major = 0, warp = 0;
    size_t mem = 0;

    DRV(cuInit(0));
    DRV(cuDriverGetVersion(&version));
    DRV(cuDeviceGetCount(&count));
    if (count < 1) {
        fprintf(stderr, "no devices\n");
        return 1;
    }
    DRV(cuDeviceGet(&dev, 0));
    DRV(cuDeviceGetName(name, (int)sizeof name, dev));
    DRV(cuDeviceTotalMem(&mem, dev));
    DRV(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
    DRV(cuDeviceGetAttribute(&warp, CU_DEVICE_ATTRIBUTE_WARP_SIZE, dev));
    printf("%s: driver %d, sm_%d, %zu bytes, warp %d\n", name, version, major, mem, warp);

    DRV(cuCtxCreate(&ctx, NULL, 0, dev));

    CUmodule mod;
    CUfunction add;
    DRV(cuModuleLoad(&mod, argv[1]));
    DRV(cuModuleGetFunction(&add, mod, "add"));

    float *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c);
    if (!a || !b || !c)
        return 1;
    for (int i = 0; i < N; i++) {
        a[i] = (float)i;
        b[i] = (float)(3 * i);
        c[i] = -1.0f;
    }
    CUdeviceptr da, db, dc;
    DRV(cuMemAlloc(&da, N * sizeof(float)));
    DRV(cuMemAlloc(&db, N * sizeof(float)));
    DRV(cuMemAlloc(&dc, N * sizeof(float)));
    DRV(cuMemcpyHtoD(da, a, N * sizeof(float)));
    DRV(cuMemcpyHtoD(db, b, N * sizeof(float)));

    int n = N;
    void *params[] = {&da, &db, &dc, &n};
    DRV(cuLaunchKernel(add, (N + 127) / 128, 1, 1, 128, 1, 1, 0, NULL, params, NULL));
    DRV(cuCtxSynchronize());
    DRV(cuMemcpyDtoH(c, dc, N * sizeof(float)));

    for (int i = 0; i < N; i++) {
        if (c[i] != (float)(4 * i)) {
            fprintf(stderr, "c[%d] = %f, expected %f\n", i, (double)c[i], (double)(4 * i));
            return 1;
        }
    }

    DRV(cuMemFree(da));
    DRV(cuMemFree(db));
    DRV(cuMemFree(dc));
    DRV(cuModuleUnload(mod));
    DRV(cuCtxDestroy(ctx));
    free(a);
    free(b);
    free(c);
    printf("PASS nvidia_header\n");
    return 0;
}
