/*
 * Host memory the device uses: cuMemHostAlloc (flags), registered host
 * memory (cuMemHostRegister / Unregister) read and written by a kernel
 * through its own address, managed memory touched by host and kernel, and
 * their error cases.
 *
 * Usage: mem_host path/to/kernels.ptx
 */
#include "common.h"

#define N 1000
#define BLOCK 128
#define GRID ((N + BLOCK - 1) / BLOCK)

static void launch_scale(CUfunction scale, CUdeviceptr p, float f, int n)
{
    void *params[] = {&p, &f, &n};
    OK(cuLaunchKernel(scale, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, params, NULL));
    OK(cuCtxSynchronize());
}

int main(int argc, char **argv)
{
    const char *ptx_path = ct_ptx_path(argc, argv);
    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction scale, add;
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoad(&mod, ptx_path));
    OK(cuModuleGetFunction(&scale, mod, "scale"));
    OK(cuModuleGetFunction(&add, mod, "add"));

    /* ---- cuMemHostAlloc ------------------------------------------------ */
    float *h = NULL, *hw = NULL;
    unsigned int flags = 0;
    OK(cuMemHostAlloc((void **)&h, N * sizeof(float), 0));
    OK(cuMemHostAlloc((void **)&hw, N * sizeof(float),
                      CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED));
    OK(cuMemHostGetFlags(&flags, hw));
    ASSERT(flags == 7, "flags of a PORTABLE|DEVICEMAP|WRITECOMBINED block: %u", flags);
    OK(cuMemHostGetFlags(&flags, h + 10));
    ASSERT((flags & ~(unsigned)CU_MEMHOSTALLOC_DEVICEMAP) == 0, "flags of a plain block: %u", flags);
    void *bad = NULL;
    CHECK(cuMemHostAlloc(&bad, 16, 8), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemHostAlloc(NULL, 16, 0), CUDA_ERROR_INVALID_VALUE);
    CUdeviceptr dh = 0;
    OK(cuMemHostGetDevicePointer(&dh, hw, 0));
    ASSERT(dh == (CUdeviceptr)hw, "device pointer %#llx of host block %p", (unsigned long long)dh, (void *)hw);
    OK(cuMemHostGetDevicePointer(&dh, h + 5, 0));
    ASSERT(dh == (CUdeviceptr)(h + 5), "device pointer of an interior host address");
    CHECK(cuMemHostGetDevicePointer(&dh, h, 1), CUDA_ERROR_INVALID_VALUE);
    /* A kernel works on pinned host memory through the device pointer. */
    for (int i = 0; i < N; i++)
        hw[i] = (float)i;
    OK(cuMemHostGetDevicePointer(&dh, hw, 0));
    launch_scale(scale, dh, 2.0f, N);
    for (int i = 0; i < N; i++)
        ASSERT(hw[i] == 2.0f * (float)i, "scale on pinned memory: [%d] = %f", i, (double)hw[i]);

    /* ---- cuMemHostRegister: user memory a kernel uses directly --------- */
    static float user[4 * N];
    float *buf = user + 7; /* not page aligned */
    for (int i = 0; i < N; i++)
        buf[i] = (float)(3 * i);
    user[6] = -1.0f;
    buf[N] = -1.0f;
    OK(cuMemHostRegister(buf, N * sizeof(float), 0));
    OK(cuMemHostGetFlags(&flags, buf + 1));
    ASSERT((flags & ~(unsigned)CU_MEMHOSTREGISTER_DEVICEMAP) == 0, "flags of a registration: %u", flags);
    CHECK(cuMemHostRegister(buf, N * sizeof(float), 0), CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    CHECK(cuMemHostRegister(buf + 10, 4, 0), CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    CHECK(cuMemHostRegister(buf - 1, 8, 0), CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    CHECK(cuMemHostRegister(h, 16, 0), CUDA_ERROR_INVALID_VALUE); /* already driver memory */
    CHECK(cuMemHostRegister(NULL, 16, 0), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemHostRegister(user + 2 * N, 0, 0), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemHostRegister(user + 2 * N, 16, 0x100), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemHostRegister(user + 2 * N, 64, CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP));
    OK(cuMemHostGetFlags(&flags, user + 2 * N));
    ASSERT(flags == 3, "flags of a PORTABLE|DEVICEMAP registration: %u", flags);
    OK(cuMemHostGetDevicePointer(&dh, buf, 0));
    ASSERT(dh == (CUdeviceptr)buf, "registered memory's device pointer %#llx != %p", (unsigned long long)dh, (void *)buf);
    launch_scale(scale, dh, 0.5f, N);
    for (int i = 0; i < N; i++)
        ASSERT(buf[i] == 1.5f * (float)i, "scale on registered memory: [%d] = %f", i, (double)buf[i]);
    ASSERT(user[6] == -1.0f && buf[N] == -1.0f, "the kernel wrote outside the registration");
    /* Copies to and from registered memory, and a device-side fill. */
    CUdeviceptr d;
    OK(cuMemAlloc(&d, N * sizeof(float)));
    OK(cuMemcpyHtoD(d, buf, N * sizeof(float)));
    OK(cuMemsetD32((CUdeviceptr)buf, 0, N));
    ASSERT(buf[0] == 0.0f && buf[N - 1] == 0.0f && buf[N] == -1.0f, "memset of registered memory");
    OK(cuMemcpyDtoD((CUdeviceptr)buf, d, N * sizeof(float)));
    ASSERT(buf[N - 1] == 1.5f * (float)(N - 1), "DtoD into registered memory");
    CHECK(cuMemsetD32((CUdeviceptr)buf, 0, N + 1), CUDA_ERROR_INVALID_VALUE); /* past the registration */
    /* Unregistering. */
    CHECK(cuMemHostUnregister(buf + 1), CUDA_ERROR_INVALID_VALUE); /* not the base */
    CHECK(cuMemHostUnregister(h), CUDA_ERROR_INVALID_VALUE);       /* not registered memory */
    CHECK(cuMemHostUnregister(NULL), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemHostUnregister(buf));
    CHECK(cuMemHostUnregister(buf), CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
    CHECK(cuMemHostGetDevicePointer(&dh, buf, 0), CUDA_ERROR_INVALID_VALUE);
    ASSERT(buf[N - 1] == 1.5f * (float)(N - 1), "unregistering changed the memory");
    /* It can be registered again, smaller. */
    OK(cuMemHostRegister(buf, 16, 0));
    OK(cuMemHostUnregister(buf));

    /* ---- Managed memory ------------------------------------------------ */
    CUdeviceptr ma, mb, mc;
    OK(cuMemAllocManaged(&ma, N * sizeof(float), CU_MEM_ATTACH_GLOBAL));
    OK(cuMemAllocManaged(&mb, N * sizeof(float), CU_MEM_ATTACH_GLOBAL));
    OK(cuMemAllocManaged(&mc, N * sizeof(float), CU_MEM_ATTACH_HOST));
    float *a = (float *)ma, *b = (float *)mb, *cc = (float *)mc;
    for (int i = 0; i < N; i++) {
        a[i] = (float)i;
        b[i] = 10.0f;
        cc[i] = -1.0f;
    }
    {
        int n = N;
        void *params[] = {&ma, &mb, &mc, &n};
        OK(cuLaunchKernel(add, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, params, NULL));
        OK(cuCtxSynchronize());
    }
    for (int i = 0; i < N; i++)
        ASSERT(cc[i] == (float)i + 10.0f, "add on managed memory: [%d] = %f", i, (double)cc[i]);
    launch_scale(scale, mc, 2.0f, N);
    ASSERT(cc[N - 1] == 2.0f * ((float)(N - 1) + 10.0f), "scale on managed memory");
    CHECK(cuMemAllocManaged(&ma, 16, 0), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocManaged(&ma, 16, CU_MEM_ATTACH_GLOBAL | CU_MEM_ATTACH_HOST), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocManaged(&ma, 16, CU_MEM_ATTACH_SINGLE), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocManaged(&ma, 0, CU_MEM_ATTACH_GLOBAL), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemFreeHost((void *)mb), CUDA_ERROR_INVALID_VALUE); /* managed memory is freed with cuMemFree */
    OK(cuMemFree((CUdeviceptr)a));
    OK(cuMemFree(mb));
    OK(cuMemFree(mc));
    CHECK(cuMemFree(mc), CUDA_ERROR_INVALID_VALUE);

    CHECK(cuMemFree((CUdeviceptr)h), CUDA_ERROR_INVALID_VALUE); /* pinned memory is freed with cuMemFreeHost */
    OK(cuMemFreeHost(h));
    OK(cuMemFreeHost(hw));
    OK(cuMemFree(d));
    OK(cuCtxDestroy(ctx));
    /* Destroying the context dropped its remaining registration. */
    CHECK(cuMemHostUnregister(user + 2 * N), CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
    return ct_pass("mem_host");
}
