/*
 * SOFTCUDA_DEVICE_MEMORY caps device memory: run with 64M (tests/ctests.rs
 * does). Allocations beyond the cap fail with CUDA_ERROR_OUT_OF_MEMORY,
 * freeing makes room again, and cuMemGetInfo / cuDeviceTotalMem report it.
 */
#include "common.h"

int main(void)
{
    CUdevice dev;
    CUcontext ctx;
    CUdeviceptr a, b, c;
    size_t free_b = 0, total = 0;
    OK(cuInit(0));
    if (!ct_is_softcuda()) {
        printf("memcap: not softcuda, nothing to check\nPASS memcap\n");
        return 0;
    }
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuDeviceTotalMem(&total, dev));
    ASSERT(total == (size_t)64 << 20, "total %zu", total);
    OK(cuMemAlloc(&a, 40 << 20));
    OK(cuMemGetInfo(&free_b, &total));
    ASSERT(total == (size_t)64 << 20 && free_b == (size_t)24 << 20, "free %zu of %zu", free_b, total);
    CHECK(cuMemAlloc(&b, 40 << 20), CUDA_ERROR_OUT_OF_MEMORY);
    CHECK(cuMemAllocManaged(&b, 40 << 20, CU_MEM_ATTACH_GLOBAL), CUDA_ERROR_OUT_OF_MEMORY);
    OK(cuMemAlloc(&c, 20 << 20)); /* what is left still fits */
    OK(cuMemFree(a));
    OK(cuMemAlloc(&b, 40 << 20)); /* room again */
    OK(cuMemFree(b));
    OK(cuMemFree(c));
    OK(cuCtxDestroy(ctx));
    return ct_pass("memcap");
}
