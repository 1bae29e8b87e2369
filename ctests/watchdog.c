/*
 * SOFTCUDA_WATCHDOG_MS: a kernel that never ends is stopped and reported as
 * CUDA_ERROR_LAUNCH_TIMEOUT, sticky for its context, instead of hanging the
 * program. Run with SOFTCUDA_WATCHDOG_MS=300 (tests/ctests.rs does).
 * NVIDIA's compute GPUs have no watchdog: elsewhere the test only says so.
 * argv[1] is ctests/kernels.ptx.
 */
#include "common.h"

#include <stdint.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction wait_flag;
    CUdeviceptr out, flag, p;
    size_t len;
    ASSERT(argc > 1, "usage: watchdog kernels.ptx");
    char *ptx = ct_read_file(argv[1], &len);
    OK(cuInit(0));
    if (!ct_is_softcuda()) {
        printf("watchdog: not softcuda, nothing to check\nPASS watchdog\n");
        return 0;
    }
    const char *ms = getenv("SOFTCUDA_WATCHDOG_MS");
    ASSERT(ms != NULL && atoi(ms) > 0, "run with SOFTCUDA_WATCHDOG_MS set");
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoadData(&mod, ptx));
    OK(cuModuleGetFunction(&wait_flag, mod, "wait_flag"));
    OK(cuMemAlloc(&out, 4));
    OK(cuMemAlloc(&flag, 4));
    OK(cuMemsetD32(flag, 0, 1));

    /* The flag is never set and the poll limit is endless. */
    unsigned value = 1;
    unsigned long long limit = ~0ull;
    void *args[] = { &flag, &out, &value, &limit };
    double t0 = now();
    OK(cuLaunchKernel(wait_flag, 4, 1, 1, 64, 1, 1, 0, NULL, args, NULL));
    CHECK(cuCtxSynchronize(), CUDA_ERROR_LAUNCH_TIMEOUT);
    double took = now() - t0;
    ASSERT(took >= atoi(ms) * 1e-3 * 0.9 && took < 30.0, "stopped after %.3f s with a %s ms watchdog", took, ms);
    /* Sticky for the context, as every kernel fault. */
    CHECK(cuMemAlloc(&p, 4), CUDA_ERROR_LAUNCH_TIMEOUT);
    OK(cuCtxDestroy(ctx));

    /* A new context works, and a kernel that ends in time is not stopped. */
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoadData(&mod, ptx));
    OK(cuModuleGetFunction(&wait_flag, mod, "wait_flag"));
    OK(cuMemAlloc(&out, 4));
    OK(cuMemAlloc(&flag, 4));
    OK(cuMemsetD32(flag, 1, 1));
    limit = 1000;
    OK(cuLaunchKernel(wait_flag, 4, 1, 1, 64, 1, 1, 0, NULL, args, NULL));
    OK(cuCtxSynchronize());
    unsigned got = 0;
    OK(cuMemcpyDtoH(&got, out, 4));
    ASSERT(got == 1, "wait_flag stored %#x", got);
    OK(cuCtxDestroy(ctx));
    free(ptx);
    return ct_pass("watchdog");
}
