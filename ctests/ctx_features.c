/*
 * Context features: creation flags (kept, reported, changed), API version,
 * ids, limits, cache and shared-memory configuration, stream priorities,
 * primary-context state / flags / reset, cuCtxCreate_v3/_v4 parameters,
 * peer-access errors on one device, and CUDA_ERROR_DEINITIALIZED for calls
 * made after process exit began. Expected values were measured on an H100
 * (driver 580) where the documentation leaves them open.
 */
#include "common.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* Registered before cuInit, so it runs after the driver's own exit hook:
   by then every call reports CUDA_ERROR_DEINITIALIZED (as measured). */
static void after_exit_began(void)
{
    int n = -1;
    CUcontext c = NULL;
    const char *s = NULL;
    CUresult r1 = cuDeviceGetCount(&n);
    CUresult r2 = cuCtxGetCurrent(&c);
    CUresult r3 = cuInit(0);
    CUresult r4 = cuGetErrorString(CUDA_ERROR_INVALID_VALUE, &s);
    if (r1 != CUDA_ERROR_DEINITIALIZED || r2 != CUDA_ERROR_DEINITIALIZED || r3 != CUDA_ERROR_DEINITIALIZED ||
        r4 != CUDA_ERROR_DEINITIALIZED) {
        fprintf(stderr, "after exit began: count %d, current %d, init %d, error string %d (want 4)\n", (int)r1,
                (int)r2, (int)r3, (int)r4);
        fflush(stdout);
        _Exit(1);
    }
}

static unsigned flags_now(void)
{
    unsigned f = 0xdead;
    OK(cuCtxGetFlags(&f));
    return f;
}

static size_t limit(CUlimit l)
{
    size_t v = 12345;
    OK(cuCtxGetLimit(&v, l));
    return v;
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx = NULL, c2 = NULL, prim = NULL;
    unsigned u = 0;
    int a = 0, b = 0;
    size_t s = 0;

    atexit(after_exit_began);
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));

    /* Without a context. */
    CHECK(cuCtxGetFlags(&u), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxGetLimit(&s, CU_LIMIT_STACK_SIZE), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, 2048), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxGetApiVersion(NULL, &u), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxGetStreamPriorityRange(&a, &b), CUDA_ERROR_INVALID_CONTEXT);

    /* Creation flags: one scheduling policy at most, nothing above 0xff. */
    CHECK(cuCtxCreate(&ctx, NULL, CU_CTX_SCHED_SPIN | CU_CTX_SCHED_YIELD, dev), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxCreate(&ctx, NULL, 0x100, dev), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxCreate(&ctx, NULL, CU_CTX_MAP_HOST | CU_CTX_SCHED_SPIN, dev));
    ASSERT(flags_now() == (CU_CTX_MAP_HOST | CU_CTX_SCHED_SPIN), "flags %#x", flags_now());
    OK(cuCtxDestroy(ctx));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    ASSERT(flags_now() == 0, "flags %#x", flags_now());

    /* cuCtxSetFlags replaces the scheduling policy; MAP_HOST is not settable. */
    OK(cuCtxSetFlags(CU_CTX_SCHED_YIELD));
    ASSERT(flags_now() == CU_CTX_SCHED_YIELD, "flags %#x", flags_now());
    CHECK(cuCtxSetFlags(3), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxSetFlags(0x100), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxSetFlags(CU_CTX_MAP_HOST));
    ASSERT(flags_now() == 0, "flags %#x after setting MAP_HOST", flags_now());
    OK(cuCtxSetFlags(CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_SYNC_MEMOPS));
    ASSERT(flags_now() == (CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_SYNC_MEMOPS), "flags %#x", flags_now());

    /* API version and ids. */
    OK(cuCtxGetApiVersion(ctx, &u));
    ASSERT(u == 3020, "api version %u", u);
    OK(cuCtxGetApiVersion(NULL, &u));
    ASSERT(u == 3020, "api version (current) %u", u);
    unsigned long long id1 = 0, id1b = 0, id2 = 0;
    OK(cuCtxGetId(ctx, &id1));
    OK(cuCtxGetId(NULL, &id1b));
    ASSERT(id1 != 0 && id1 == id1b, "ids %llu %llu", id1, id1b);
    CHECK(cuCtxGetId(ctx, NULL), CUDA_ERROR_INVALID_VALUE);
    CUdevice got = -1;
    OK(cuCtxGetDevice_v2(&got, NULL));
    ASSERT(got == dev, "cuCtxGetDevice_v2 %d", got);

    /* Limits: defaults, rounding and clamping, errors. */
    ASSERT(limit(CU_LIMIT_STACK_SIZE) == 1024, "stack %zu", limit(CU_LIMIT_STACK_SIZE));
    /* The default printf FIFO is 64 KiB per multiprocessor (measured on the
       H100: 132 SMs, 8650752 bytes; here 16 SMs, 1 MiB). */
    int sms = 0;
    OK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
    ASSERT(limit(CU_LIMIT_PRINTF_FIFO_SIZE) == (size_t)sms << 16, "printf fifo %zu with %d SMs",
           limit(CU_LIMIT_PRINTF_FIFO_SIZE), sms);
    ASSERT(limit(CU_LIMIT_MALLOC_HEAP_SIZE) == 8 << 20, "heap %zu", limit(CU_LIMIT_MALLOC_HEAP_SIZE));
    ASSERT(limit(CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT) == 2048, "pending %zu",
           limit(CU_LIMIT_DEV_RUNTIME_PENDING_LAUNCH_COUNT));
    ASSERT(limit(CU_LIMIT_MAX_L2_FETCH_GRANULARITY) == 64, "l2 fetch %zu", limit(CU_LIMIT_MAX_L2_FETCH_GRANULARITY));
    ASSERT(limit(CU_LIMIT_CIG_ENABLED) == 0, "cig %zu", limit(CU_LIMIT_CIG_ENABLED));
    CHECK(cuCtxGetLimit(&s, CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH), CUDA_ERROR_UNSUPPORTED_LIMIT);
    CHECK(cuCtxGetLimit(&s, CU_LIMIT_MAX), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxGetLimit(NULL, CU_LIMIT_STACK_SIZE), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, 1000));
    ASSERT(limit(CU_LIMIT_STACK_SIZE) == 1008, "stack rounds to 16: %zu", limit(CU_LIMIT_STACK_SIZE));
    CHECK(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, (size_t)1 << 40), CUDA_ERROR_INVALID_VALUE);
    ASSERT(limit(CU_LIMIT_STACK_SIZE) == 1008, "a refused stack size changed the limit");
    OK(cuCtxSetLimit(CU_LIMIT_PRINTF_FIFO_SIZE, 3 << 20));
    ASSERT(limit(CU_LIMIT_PRINTF_FIFO_SIZE) == 3 << 20, "printf fifo %zu", limit(CU_LIMIT_PRINTF_FIFO_SIZE));
    OK(cuCtxSetLimit(CU_LIMIT_MALLOC_HEAP_SIZE, 1000));
    ASSERT(limit(CU_LIMIT_MALLOC_HEAP_SIZE) == 4 << 20, "heap minimum %zu", limit(CU_LIMIT_MALLOC_HEAP_SIZE));
    OK(cuCtxSetLimit(CU_LIMIT_MALLOC_HEAP_SIZE, 10000000));
    ASSERT(limit(CU_LIMIT_MALLOC_HEAP_SIZE) == 10027008, "heap rounds to 64 KiB: %zu", limit(CU_LIMIT_MALLOC_HEAP_SIZE));
    CHECK(cuCtxSetLimit(CU_LIMIT_STACK_SIZE, 1 << 20), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxSetLimit(CU_LIMIT_MAX_L2_FETCH_GRANULARITY, 128));
    CHECK(cuCtxSetLimit(CU_LIMIT_MAX_L2_FETCH_GRANULARITY, 200), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxSetLimit(CU_LIMIT_SHMEM_SIZE, 100), CUDA_ERROR_NOT_PERMITTED);
    CHECK(cuCtxSetLimit(CU_LIMIT_DEV_RUNTIME_SYNC_DEPTH, 3), CUDA_ERROR_UNSUPPORTED_LIMIT);
    CHECK(cuCtxSetLimit(CU_LIMIT_MAX, 1), CUDA_ERROR_INVALID_VALUE);

    /* Cache and shared-memory configuration. */
    CUfunc_cache cc = (CUfunc_cache)9;
    OK(cuCtxGetCacheConfig(&cc));
    ASSERT(cc == CU_FUNC_CACHE_PREFER_NONE, "cache config %d", (int)cc);
    OK(cuCtxSetCacheConfig(CU_FUNC_CACHE_PREFER_L1));
    OK(cuCtxGetCacheConfig(&cc));
    ASSERT(cc == CU_FUNC_CACHE_PREFER_L1, "cache config %d", (int)cc);
    CHECK(cuCtxSetCacheConfig((CUfunc_cache)7), CUDA_ERROR_INVALID_VALUE);
    CUsharedconfig sc = (CUsharedconfig)9;
    OK(cuCtxGetSharedMemConfig(&sc));
    ASSERT(sc == CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE, "shared config %d", (int)sc);
    OK(cuCtxSetSharedMemConfig(CU_SHARED_MEM_CONFIG_EIGHT_BYTE_BANK_SIZE));
    OK(cuCtxGetSharedMemConfig(&sc));
    ASSERT(sc == CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE, "shared config changed to %d", (int)sc);
    CHECK(cuCtxSetSharedMemConfig((CUsharedconfig)9), CUDA_ERROR_INVALID_VALUE);

    /* Stream priorities and the persisting L2 cache. */
    OK(cuCtxGetStreamPriorityRange(&a, &b));
    ASSERT(a == 0 && b == -5, "priority range %d..%d", a, b);
    OK(cuCtxGetStreamPriorityRange(NULL, &b));
    OK(cuCtxResetPersistingL2Cache());

    /* Limits are per context. */
    OK(cuCtxCreate(&c2, NULL, 0, dev));
    ASSERT(limit(CU_LIMIT_STACK_SIZE) == 1024, "new context inherited a stack limit");
    OK(cuCtxGetId(c2, &id2));
    ASSERT(id2 > id1, "context ids %llu then %llu", id1, id2);
    /* Peer access: one device has no peer. */
    CHECK(cuCtxEnablePeerAccess(ctx, 0), CUDA_ERROR_PEER_ACCESS_UNSUPPORTED);
    CHECK(cuCtxDisablePeerAccess(ctx), CUDA_ERROR_PEER_ACCESS_NOT_ENABLED);
    OK(cuCtxDestroy(c2));
    CHECK(cuCtxGetId(c2, &id2), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    CHECK(cuCtxSynchronize_v2(c2), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    CHECK(cuCtxGetApiVersion(c2, &u), CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxPushCurrent(NULL), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxSetCurrent(ctx));
    ASSERT(limit(CU_LIMIT_STACK_SIZE) == 1008, "limit of the first context lost");

    /* cuCtxCreate_v3 / _v4 parameters: no execution affinity. */
    CUexecAffinityParam aff;
    aff.type = CU_EXEC_AFFINITY_TYPE_SM_COUNT;
    aff.param.smCount.val = 4;
    CHECK(cuCtxCreate_v3(&c2, &aff, 1, 0, dev), CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY);
    /* Measured on the H100: a negative count with no list is an empty list. */
    OK(cuCtxCreate_v3(&c2, NULL, -1, 0, dev));
    OK(cuCtxDestroy(c2));
    CHECK(cuCtxCreate_v3(&c2, NULL, 5, 0, dev), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxCreate_v3(&c2, NULL, 0, 0, dev));
    OK(cuCtxDestroy(c2));
    CUctxCreateParams params;
    memset(&params, 0, sizeof params);
    OK(cuCtxCreate(&c2, &params, 0, dev));
    OK(cuCtxDestroy(c2));
    params.execAffinityParams = &aff;
    params.numExecAffinityParams = 1;
    CHECK(cuCtxCreate(&c2, &params, 0, dev), CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY);
    int support = -1;
    OK(cuDeviceGetExecAffinitySupport(&support, CU_EXEC_AFFINITY_TYPE_SM_COUNT, dev));
    ASSERT(support == 0, "exec affinity support %d", support);
    OK(cuCtxDestroy(ctx));

    /* Primary context: state, flags (validated like creation flags), reset. */
    int active = -1;
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(u == 0 && active == 0, "initial primary state flags %#x active %d", u, active);
    CHECK(cuDevicePrimaryCtxSetFlags(dev, 3), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuDevicePrimaryCtxSetFlags(dev, 0x100), CUDA_ERROR_INVALID_VALUE);
    OK(cuDevicePrimaryCtxSetFlags(dev, CU_CTX_SCHED_BLOCKING_SYNC));
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(u == CU_CTX_SCHED_BLOCKING_SYNC && active == 0, "flags %#x active %d", u, active);
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(u == CU_CTX_SCHED_BLOCKING_SYNC && active == 1, "flags %#x active %d", u, active);
    OK(cuCtxSetCurrent(prim));
    /* A primary context always maps host memory. */
    ASSERT(flags_now() == (CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_MAP_HOST), "primary flags %#x", flags_now());
    /* _v2 changes the flags of an active primary context too. */
    OK(cuDevicePrimaryCtxSetFlags(dev, CU_CTX_SCHED_SPIN));
    ASSERT(flags_now() == (CU_CTX_SCHED_SPIN | CU_CTX_MAP_HOST), "primary flags %#x", flags_now());
    CHECK(cuDevicePrimaryCtxSetFlags_v2(dev, 7), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuCtxDestroy(prim), CUDA_ERROR_INVALID_CONTEXT);
    /* Reset destroys it and clears the flags, but does not release it. */
    OK(cuDevicePrimaryCtxReset(dev));
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(u == 0 && active == 0, "after reset: flags %#x active %d", u, active);
    CUdeviceptr p = 0;
    CHECK(cuMemAlloc(&p, 16), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    OK(cuCtxSetCurrent(prim));
    OK(cuMemAlloc(&p, 16));
    OK(cuDevicePrimaryCtxRelease(dev));
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(active == 1, "one release after reset + retain deactivated the primary context");
    OK(cuDevicePrimaryCtxRelease(dev));
    OK(cuDevicePrimaryCtxGetState(dev, &u, &active));
    ASSERT(active == 0, "primary context still active after its last release");
    CHECK(cuDevicePrimaryCtxRelease(dev), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuDevicePrimaryCtxReset(dev)); /* resetting an inactive one is fine */
    CHECK(cuDevicePrimaryCtxGetState(dev, NULL, &active), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuDevicePrimaryCtxGetState(1, &u, &active), CUDA_ERROR_INVALID_DEVICE);
    OK(cuCtxSetCurrent(NULL));

    /* Every status code has a readable description. */
    for (int code = 0; code < 1000; code++) {
        const char *name = NULL, *desc = NULL;
        if (cuGetErrorName((CUresult)code, &name) != CUDA_SUCCESS)
            continue;
        OK(cuGetErrorString((CUresult)code, &desc));
        ASSERT(desc != NULL && strlen(desc) > 3 && strncmp(desc, "CUDA_", 5) != 0, "code %d: %s", code,
               desc ? desc : "(null)");
    }

    return ct_pass("ctx_features");
}
