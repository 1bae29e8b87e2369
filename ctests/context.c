/* Context creation, the per-thread context stack, and primary contexts. */
#include "common.h"

static CUcontext current(void)
{
    CUcontext c = (CUcontext)(uintptr_t)0x1;
    OK(cuCtxGetCurrent(&c));
    return c;
}

/* An allocation works in the current context (and is freed again). */
static void alloc_works(void)
{
    CUdeviceptr p = 0;
    OK(cuMemAlloc(&p, 256));
    ASSERT(p != 0, "cuMemAlloc returned a null pointer");
    OK(cuMemFree(p));
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx = NULL, ctx2 = NULL, popped = NULL;
    CUdevice got = -1;
    CUdeviceptr p = 0;

    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));

    /* No context yet: queries succeed with NULL, context-bound calls fail. */
    ASSERT(current() == NULL, "a context is current before any was created");
    CHECK(cuMemAlloc(&p, 256), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxSynchronize(), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxGetDevice(&got), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxPopCurrent(&popped), CUDA_ERROR_INVALID_CONTEXT);

    /* Bad arguments to cuCtxCreate. */
    CHECK(cuCtxCreate(NULL, NULL, 0, dev), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxCreate(&ctx, NULL, 0, 7), CUDA_ERROR_INVALID_DEVICE);

    /* cuCtxCreate makes the new context current. */
    OK(cuCtxCreate(&ctx, NULL, CU_CTX_SCHED_AUTO, dev));
    ASSERT(ctx != NULL, "cuCtxCreate returned NULL");
    ASSERT(current() == ctx, "new context is not current");
    OK(cuCtxGetDevice(&got));
    ASSERT(got == dev, "cuCtxGetDevice gave %d", got);
    OK(cuCtxSynchronize());
    alloc_works();

    /* SetCurrent(NULL) leaves the thread without a context. */
    OK(cuCtxSetCurrent(NULL));
    ASSERT(current() == NULL, "context still current after cuCtxSetCurrent(NULL)");
    CHECK(cuMemAlloc(&p, 256), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuCtxSetCurrent(ctx));
    ASSERT(current() == ctx, "cuCtxSetCurrent(ctx) did not take");
    OK(cuCtxSetCurrent(NULL));

    /* Push / pop. */
    OK(cuCtxPushCurrent(ctx));
    ASSERT(current() == ctx, "pushed context is not current");
    alloc_works();
    OK(cuCtxPopCurrent(&popped));
    ASSERT(popped == ctx, "popped a different context");
    ASSERT(current() == NULL, "stack not empty after pop");

    /* A second context stacks on top of nothing, then ctx on top of it. */
    OK(cuCtxCreate(&ctx2, NULL, 0, dev));
    ASSERT(ctx2 != NULL && ctx2 != ctx, "second context handle %p", (void *)ctx2);
    ASSERT(current() == ctx2, "second context is not current");
    OK(cuCtxPushCurrent(ctx));
    ASSERT(current() == ctx, "push over ctx2 did not take");
    OK(cuCtxPopCurrent(NULL)); /* NULL: pop without reporting */
    ASSERT(current() == ctx2, "ctx2 not current after popping ctx");

    /* Destroying the current context pops it. */
    OK(cuCtxDestroy(ctx2));
    ASSERT(current() == NULL, "destroyed context still current");
    /* ctx is not current; destroying it is fine too. */
    OK(cuCtxDestroy(ctx));
    ASSERT(current() == NULL, "a context became current after destroy");

    /* Primary context: retained handles are the same, release balances. */
    CUcontext prim = NULL, prim2 = NULL;
    CHECK(cuDevicePrimaryCtxRetain(&prim, 5), CUDA_ERROR_INVALID_DEVICE);
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    ASSERT(prim != NULL, "primary context is NULL");
    OK(cuDevicePrimaryCtxRetain(&prim2, dev));
    ASSERT(prim2 == prim, "two retains gave different primary contexts");
    ASSERT(current() == NULL, "retain made the primary context current");
    OK(cuCtxSetCurrent(prim));
    OK(cuCtxGetDevice(&got));
    ASSERT(got == dev, "primary context device %d", got);
    alloc_works();
    OK(cuCtxSynchronize());
    OK(cuDevicePrimaryCtxRelease(dev));
    OK(cuDevicePrimaryCtxRelease(dev));
    /* The last release resets the primary context: it is still current on
       this thread, but using it reports that it was destroyed. */
    CUdeviceptr q = 0;
    CHECK(cuMemAlloc(&q, 16), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    OK(cuCtxSetCurrent(NULL));
    /* A new retain gives a working primary context. */
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    OK(cuCtxSetCurrent(prim));
    alloc_works();
    OK(cuCtxSetCurrent(NULL));
    OK(cuDevicePrimaryCtxRelease(dev));
    CHECK(cuDevicePrimaryCtxRelease(dev), CUDA_ERROR_INVALID_CONTEXT);

    return ct_pass("context");
}
