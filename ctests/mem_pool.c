/*
 * Stream-ordered allocation: cuMemAllocAsync / cuMemFreeAsync with the
 * device's default memory pool, cuMemAllocFromPoolAsync, pool attributes,
 * created pools, and the error cases.
 */
#include "common.h"

static cuuint64_t pool_u64(CUmemoryPool pool, CUmemPool_attribute a)
{
    cuuint64_t v = 0xAAAAAAAAAAAAAAAAull;
    OK(cuMemPoolGetAttribute(pool, a, &v));
    return v;
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));

    CUmemoryPool pool = NULL, cur = NULL;
    OK(cuDeviceGetDefaultMemPool(&pool, dev));
    ASSERT(pool != NULL, "no default pool");
    OK(cuDeviceGetMemPool(&cur, dev));
    ASSERT(cur == pool, "the current pool is not the default pool");
    CHECK(cuDeviceGetDefaultMemPool(&cur, 99), CUDA_ERROR_INVALID_DEVICE);
    CHECK(cuDeviceGetDefaultMemPool(NULL, dev), CUDA_ERROR_INVALID_VALUE);

    int reuse = 0;
    OK(cuMemPoolGetAttribute(pool, CU_MEMPOOL_ATTR_REUSE_ALLOW_OPPORTUNISTIC, &reuse));
    ASSERT(reuse == 1, "REUSE_ALLOW_OPPORTUNISTIC default %d", reuse);
    cuuint64_t zero = 0, big = 1 << 20;
    OK(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &big));
    ASSERT(pool_u64(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD) == big, "RELEASE_THRESHOLD");
    OK(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &zero));
    OK(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &zero));
    cuuint64_t used0 = pool_u64(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT);

    /* Allocate, use, free on a stream. */
    CUdeviceptr a = 0, b = 0;
    OK(cuMemAllocAsync(&a, 1000, s));
    OK(cuMemAllocFromPoolAsync(&b, 3000, pool, s));
    ASSERT(a != 0 && b != 0 && a != b, "stream-ordered allocations %#llx %#llx", (unsigned long long)a,
           (unsigned long long)b);
    ASSERT(pool_u64(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT) == used0 + 4000, "USED_MEM_CURRENT after 4000 bytes: %llu",
           (unsigned long long)pool_u64(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT));
    ASSERT(pool_u64(pool, CU_MEMPOOL_ATTR_USED_MEM_HIGH) >= used0 + 4000, "USED_MEM_HIGH");
    ASSERT(pool_u64(pool, CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT) >= used0 + 4000, "RESERVED_MEM_CURRENT");
    unsigned char host[3000], back[3000];
    for (int i = 0; i < 3000; i++)
        host[i] = (unsigned char)(i * 13);
    OK(cuMemcpyHtoDAsync(b, host, 3000, s));
    OK(cuMemsetD8Async(a, 0x42, 1000, s));
    OK(cuMemcpyDtoDAsync(b + 1000, a, 1000, s));
    OK(cuMemcpyDtoHAsync(back, b, 3000, s));
    OK(cuStreamSynchronize(s));
    for (int i = 0; i < 3000; i++)
        ASSERT(back[i] == ((i >= 1000 && i < 2000) ? 0x42 : host[i]), "pool memory byte %d = %#x", i, back[i]);
    OK(cuMemFreeAsync(a, s));
    OK(cuMemFreeAsync(b, s));
    OK(cuStreamSynchronize(s));
    ASSERT(pool_u64(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT) == used0, "USED_MEM_CURRENT after the frees");
    CHECK(cuMemcpyHtoD(a, host, 10), CUDA_ERROR_INVALID_VALUE); /* freed */

    /* cuMemFree frees pool memory; cuMemFreeAsync frees cuMemAlloc memory. */
    OK(cuMemAllocAsync(&a, 100, NULL));
    OK(cuMemFree(a));
    OK(cuMemAlloc(&a, 100));
    OK(cuMemFreeAsync(a, s));
    /* Managed memory cannot be freed stream-ordered. */
    CUdeviceptr m;
    OK(cuMemAllocManaged(&m, 100, CU_MEM_ATTACH_GLOBAL));
    CHECK(cuMemFreeAsync(m, s), CUDA_ERROR_NOT_SUPPORTED);
    OK(cuMemFree(m));
    /* Zero bytes: success and NULL. */
    a = 77;
    OK(cuMemAllocAsync(&a, 0, s));
    ASSERT(a == 0, "a zero-byte stream-ordered allocation gave %#llx", (unsigned long long)a);
    CHECK(cuMemAllocAsync(NULL, 16, s), CUDA_ERROR_INVALID_VALUE);

    /* Attribute errors. */
    cuuint64_t five = 5;
    CHECK(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_USED_MEM_HIGH, &five), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT, &zero), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemPoolDestroy(pool), CUDA_ERROR_INVALID_VALUE); /* the default pool stays */
    OK(cuMemPoolTrimTo(pool, 0));

    OK(cuStreamDestroy(s));
    OK(cuCtxDestroy(ctx));
    return ct_pass("mem_pool");
}
