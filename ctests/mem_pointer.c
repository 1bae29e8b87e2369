/*
 * Pointer queries: cuPointerGetAttribute(s) for device, managed, pinned,
 * registered and pool memory and for unknown pointers, cuMemGetAddressRange,
 * cuPointerSetAttribute.
 */
#include "common.h"

static unsigned int u32_attr(CUpointer_attribute a, CUdeviceptr p)
{
    unsigned int v = 0xAAAAAAAAu;
    OK(cuPointerGetAttribute(&v, a, p));
    return v;
}

static unsigned long long u64_attr(CUpointer_attribute a, CUdeviceptr p)
{
    unsigned long long v = 0xAAAAAAAAAAAAAAAAull;
    OK(cuPointerGetAttribute(&v, a, p));
    return v;
}

/* Attributes every kind of allocation shares. */
static void common_attrs(const char *what, CUcontext ctx, CUdeviceptr base, size_t size, unsigned int type, int managed)
{
    CUdeviceptr inner = base + size / 2;
    CUcontext c = NULL;
    OK(cuPointerGetAttribute(&c, CU_POINTER_ATTRIBUTE_CONTEXT, inner));
    ASSERT(c == ctx, "%s: CONTEXT %p, expected %p", what, (void *)c, (void *)ctx);
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_MEMORY_TYPE, inner) == type, "%s: MEMORY_TYPE", what);
    ASSERT(u64_attr(CU_POINTER_ATTRIBUTE_DEVICE_POINTER, inner) == inner, "%s: DEVICE_POINTER", what);
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_IS_MANAGED, inner) == (unsigned)managed, "%s: IS_MANAGED", what);
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, inner) == 0, "%s: DEVICE_ORDINAL", what);
    ASSERT(u64_attr(CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, inner) == base, "%s: RANGE_START_ADDR", what);
    ASSERT(u64_attr(CU_POINTER_ATTRIBUTE_RANGE_SIZE, inner) == size, "%s: RANGE_SIZE", what);
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_MAPPED, inner) == 1, "%s: MAPPED", what);
    ASSERT(u64_attr(CU_POINTER_ATTRIBUTE_BUFFER_ID, inner) == u64_attr(CU_POINTER_ATTRIBUTE_BUFFER_ID, base),
           "%s: BUFFER_ID differs within one allocation", what);
    CUdeviceptr b = 0;
    size_t s = 0;
    OK(cuMemGetAddressRange(&b, &s, inner));
    ASSERT(b == base && s == size, "%s: cuMemGetAddressRange gave %#llx+%zu", what, (unsigned long long)b, s);
    OK(cuMemGetAddressRange(NULL, &s, base));
    OK(cuMemGetAddressRange(&b, NULL, base + size - 1));
    ASSERT(b == base, "%s: range of the last byte", what);
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx;
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));

    CUdeviceptr d, m;
    void *h;
    static char user[10000];
    OK(cuMemAlloc(&d, 1000));
    OK(cuMemAllocManaged(&m, 3000, CU_MEM_ATTACH_GLOBAL));
    OK(cuMemHostAlloc(&h, 2000, CU_MEMHOSTALLOC_DEVICEMAP));
    OK(cuMemHostRegister(user + 100, 5000, 0));

    common_attrs("device", ctx, d, 1000, CU_MEMORYTYPE_DEVICE, 0);
    common_attrs("managed", ctx, m, 3000, CU_MEMORYTYPE_DEVICE, 1);
    common_attrs("pinned", ctx, (CUdeviceptr)h, 2000, CU_MEMORYTYPE_HOST, 0);
    common_attrs("registered", ctx, (CUdeviceptr)user + 100, 5000, CU_MEMORYTYPE_HOST, 0);

    /* Host pointers: device memory has none; the others are their own. */
    void *hp = NULL;
    CHECK(cuPointerGetAttribute(&hp, CU_POINTER_ATTRIBUTE_HOST_POINTER, d), CUDA_ERROR_INVALID_VALUE);
    OK(cuPointerGetAttribute(&hp, CU_POINTER_ATTRIBUTE_HOST_POINTER, m + 8));
    ASSERT(hp == (void *)(m + 8), "managed HOST_POINTER");
    OK(cuPointerGetAttribute(&hp, CU_POINTER_ATTRIBUTE_HOST_POINTER, (CUdeviceptr)user + 150));
    ASSERT(hp == user + 150, "registered HOST_POINTER");
    /* Buffer ids are unique per allocation. */
    ASSERT(u64_attr(CU_POINTER_ATTRIBUTE_BUFFER_ID, d) != u64_attr(CU_POINTER_ATTRIBUTE_BUFFER_ID, m), "BUFFER_ID");
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, d) == 0, "SYNC_MEMOPS of fresh device memory");
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_ACCESS_FLAGS, d) == 3, "ACCESS_FLAGS of device memory");
    CUmemoryPool none = (CUmemoryPool)1;
    OK(cuPointerGetAttribute(&none, CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE, d));
    ASSERT(none == NULL, "MEMPOOL_HANDLE of cuMemAlloc memory");

    /* Stream-ordered memory: device memory of its pool, no context. */
    CUdeviceptr a;
    CUmemoryPool pool, owner = NULL;
    OK(cuDeviceGetDefaultMemPool(&pool, dev));
    OK(cuMemAllocAsync(&a, 4096, NULL));
    OK(cuStreamSynchronize(NULL));
    OK(cuPointerGetAttribute(&owner, CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE, a + 1));
    ASSERT(owner == pool, "MEMPOOL_HANDLE %p, expected the default pool %p", (void *)owner, (void *)pool);
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_MEMORY_TYPE, a) == CU_MEMORYTYPE_DEVICE, "pool MEMORY_TYPE");
    CUcontext pc = (CUcontext)1;
    OK(cuPointerGetAttribute(&pc, CU_POINTER_ATTRIBUTE_CONTEXT, a));
    ASSERT(pc == NULL, "pool memory belongs to no context");
    OK(cuMemFreeAsync(a, NULL));

    /* Unknown pointers. */
    int on_stack = 0;
    unsigned int type = 99;
    CHECK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, (CUdeviceptr)&on_stack), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d + 1000), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, 0), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuPointerGetAttribute(NULL, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d), CUDA_ERROR_INVALID_VALUE);
    CUdeviceptr b;
    size_t s;
    CHECK(cuMemGetAddressRange(&b, &s, d + 1000), CUDA_ERROR_NOT_FOUND);
    CHECK(cuMemGetAddressRange(&b, &s, (CUdeviceptr)&on_stack), CUDA_ERROR_NOT_FOUND);

    /* cuPointerGetAttributes: several at once; unknown pointers get defaults. */
    CUpointer_attribute attrs[] = {CU_POINTER_ATTRIBUTE_CONTEXT, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                   CU_POINTER_ATTRIBUTE_DEVICE_POINTER, CU_POINTER_ATTRIBUTE_IS_MANAGED,
                                   CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, CU_POINTER_ATTRIBUTE_RANGE_SIZE};
    CUcontext g_ctx = NULL;
    unsigned int g_type = 0, g_managed = 9;
    CUdeviceptr g_dptr = 0;
    int g_ordinal = 7;
    size_t g_size = 0;
    void *data[] = {&g_ctx, &g_type, &g_dptr, &g_managed, &g_ordinal, &g_size};
    OK(cuPointerGetAttributes(6, attrs, data, m + 100));
    ASSERT(g_ctx == ctx && g_type == CU_MEMORYTYPE_DEVICE && g_dptr == m + 100 && g_managed == 1 && g_ordinal == 0 &&
               g_size == 3000,
           "cuPointerGetAttributes on managed memory");
    g_size = 12345;
    OK(cuPointerGetAttributes(6, attrs, data, (CUdeviceptr)&on_stack));
    ASSERT(g_ctx == NULL && g_type == 0 && g_dptr == 0 && g_managed == 0 && g_ordinal == -2,
           "cuPointerGetAttributes on an unknown pointer: ctx %p type %u dptr %#llx managed %u ordinal %d",
           (void *)g_ctx, g_type, (unsigned long long)g_dptr, g_managed, g_ordinal);

    /* SYNC_MEMOPS is the one settable attribute. */
    unsigned int one = 1;
    OK(cuPointerSetAttribute(&one, CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, d + 4));
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, d) == 1, "SYNC_MEMOPS after setting it");
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, (CUdeviceptr)h) == 0, "SYNC_MEMOPS of another allocation");
    ASSERT(u32_attr(CU_POINTER_ATTRIBUTE_SYNC_MEMOPS, m) == 1, "SYNC_MEMOPS of managed memory");
    CHECK(cuPointerSetAttribute(&one, CU_POINTER_ATTRIBUTE_IS_MANAGED, d), CUDA_ERROR_INVALID_VALUE);

    /* Freed memory is unknown again. */
    OK(cuMemFree(d));
    CHECK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemGetAddressRange(&b, &s, d), CUDA_ERROR_NOT_FOUND);

    OK(cuMemHostUnregister(user + 100));
    OK(cuMemFreeHost(h));
    OK(cuMemFree(m));
    OK(cuCtxDestroy(ctx));
    return ct_pass("mem_pointer");
}
