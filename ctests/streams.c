/*
 * Streams and events with real asynchrony (driver API "Stream Management",
 * "Event Management"; Programming Guide "Asynchronous Concurrent Execution"):
 *
 *  - a launch returns while its kernel runs: the kernel waits for a flag the
 *    host sets afterwards in mapped pinned memory;
 *  - cuStreamQuery / cuEventQuery say NOT_READY until the work has run;
 *  - work on one stream runs in submission order;
 *  - cuStreamWaitEvent orders work across streams;
 *  - the legacy default stream waits for blocking streams but not for
 *    CU_STREAM_NON_BLOCKING ones;
 *  - host functions and callbacks run in stream order;
 *  - with CUDA_LAUNCH_BLOCKING=1 every launch completes before returning;
 *  - a stress test: many host threads creating streams and events, launching,
 *    copying, waiting on each other's events, with every result checked.
 *
 * argv[1] is ctests/kernels.ptx. Runs on NVIDIA's driver too.
 */
#include "common.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

static CUcontext ctx;
static CUfunction f_wait, f_step, f_copy;

/* Polls a kernel makes before giving up on its flag (seconds, emulated). */
static const unsigned long long LIMIT = 200000000ull;

static void sleep_ms(int ms)
{
    struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static void launch_wait(CUstream s, unsigned *flag, CUdeviceptr out, unsigned value, unsigned long long limit)
{
    CUdeviceptr f = (CUdeviceptr)(uintptr_t)flag;
    void *args[] = { &f, &out, &value, &limit };
    OK(cuLaunchKernel(f_wait, 1, 1, 1, 32, 1, 1, 0, s, args, NULL));
}

static void launch_step(CUstream s, CUdeviceptr data, unsigned n, unsigned k)
{
    void *args[] = { &data, &n, &k };
    OK(cuLaunchKernel(f_step, (n + 127) / 128, 1, 1, 128, 1, 1, 0, s, args, NULL));
}

static void launch_copy(CUstream s, CUdeviceptr dst, CUdeviceptr src)
{
    void *args[] = { &dst, &src };
    OK(cuLaunchKernel(f_copy, 1, 1, 1, 32, 1, 1, 0, s, args, NULL));
}

static unsigned read_word(CUdeviceptr p)
{
    unsigned v = 0;
    OK(cuMemcpyDtoH(&v, p, sizeof v));
    return v;
}

static void release(unsigned *flag)
{
    __atomic_store_n(flag, 1u, __ATOMIC_SEQ_CST);
}

/* The value `step` leaves in element i after steps k0..k0+count-1. */
static unsigned expect_steps(unsigned start, unsigned i, unsigned k0, unsigned count)
{
    unsigned v = start;
    for (unsigned k = k0; k < k0 + count; k++)
        v = v * 31u + k + i;
    return v;
}

static unsigned *flags; /* mapped pinned memory: one flag per test */

static void test_launch_returns_while_kernel_runs(void)
{
    CUstream s;
    CUevent e;
    CUdeviceptr out;
    OK(cuStreamCreate(&s, CU_STREAM_DEFAULT));
    OK(cuEventCreate(&e, CU_EVENT_DEFAULT));
    OK(cuMemAlloc(&out, 4));
    launch_wait(s, &flags[0], out, 7, LIMIT);
    OK(cuEventRecord(e, s));
    CHECK(cuStreamQuery(s), CUDA_ERROR_NOT_READY);
    CHECK(cuEventQuery(e), CUDA_ERROR_NOT_READY);
    sleep_ms(20);
    CHECK(cuStreamQuery(s), CUDA_ERROR_NOT_READY);
    release(&flags[0]);
    OK(cuStreamSynchronize(s));
    OK(cuStreamQuery(s));
    OK(cuEventQuery(e));
    ASSERT(read_word(out) == 7, "wait_flag stored %#x", read_word(out));
    OK(cuEventSynchronize(e));
    OK(cuEventDestroy(e));
    OK(cuStreamDestroy(s));
    OK(cuMemFree(out));
}

static void test_stream_order(void)
{
    enum { N = 1000, STEPS = 40 };
    CUstream s;
    CUdeviceptr d;
    unsigned host[N];
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    OK(cuMemAlloc(&d, sizeof host));
    OK(cuMemsetD32Async(d, 5, N, s));
    for (unsigned k = 0; k < STEPS; k++)
        launch_step(s, d, N, k);
    OK(cuMemcpyDtoHAsync(host, d, sizeof host, s));
    OK(cuStreamSynchronize(s));
    for (unsigned i = 0; i < N; i++)
        ASSERT(host[i] == expect_steps(5, i, 0, STEPS), "element %u: %u, expected %u", i, host[i],
               expect_steps(5, i, 0, STEPS));
    OK(cuStreamDestroy(s));
    OK(cuMemFree(d));
}

static void test_wait_event_orders_streams(void)
{
    CUstream s1, s2;
    CUevent e;
    CUdeviceptr out, copy;
    OK(cuStreamCreate(&s1, CU_STREAM_NON_BLOCKING));
    OK(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
    OK(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
    OK(cuMemAlloc(&out, 4));
    OK(cuMemAlloc(&copy, 4));
    OK(cuMemsetD32(out, 1, 1));
    OK(cuMemsetD32(copy, 2, 1));
    /* A never-recorded event is complete; waiting for it is a no-op. */
    OK(cuEventQuery(e));
    OK(cuStreamWaitEvent(s2, e, 0));
    launch_wait(s1, &flags[1], out, 99, LIMIT);
    OK(cuEventRecord(e, s1));
    OK(cuStreamWaitEvent(s2, e, 0));
    launch_copy(s2, copy, out);
    sleep_ms(20);
    CHECK(cuStreamQuery(s2), CUDA_ERROR_NOT_READY);
    CHECK(cuEventQuery(e), CUDA_ERROR_NOT_READY);
    release(&flags[1]);
    OK(cuStreamSynchronize(s2));
    OK(cuEventQuery(e));
    ASSERT(read_word(copy) == 99, "copy_word ran before the event: %u", read_word(copy));
    OK(cuEventDestroy(e));
    OK(cuStreamDestroy(s1));
    OK(cuStreamDestroy(s2));
    OK(cuMemFree(out));
    OK(cuMemFree(copy));
}

static void test_legacy_stream(void)
{
    CUstream nb, b;
    CUevent e;
    CUdeviceptr out, copy, scratch;
    unsigned v = 0;
    OK(cuStreamCreate(&nb, CU_STREAM_NON_BLOCKING));
    OK(cuStreamCreate(&b, CU_STREAM_DEFAULT));
    OK(cuEventCreate(&e, CU_EVENT_DEFAULT));
    OK(cuMemAlloc(&out, 4));
    OK(cuMemAlloc(&copy, 4));
    OK(cuMemAlloc(&scratch, 4));

    /* A non-blocking stream's kernel does not hold up the legacy stream:
       a synchronous copy (legacy stream) completes while it waits. */
    launch_wait(nb, &flags[2], out, 3, LIMIT);
    v = 41;
    OK(cuMemcpyHtoD(scratch, &v, 4));
    ASSERT(read_word(scratch) == 41, "copy");
    launch_copy(NULL, copy, scratch);
    OK(cuStreamSynchronize(NULL));
    ASSERT(read_word(copy) == 41, "legacy-stream kernel did not run: %u", read_word(copy));
    CHECK(cuStreamQuery(nb), CUDA_ERROR_NOT_READY);
    release(&flags[2]);
    OK(cuStreamSynchronize(nb));
    ASSERT(read_word(out) == 3, "wait_flag stored %u", read_word(out));

    /* A blocking stream's kernel does: legacy-stream work waits for it. */
    launch_wait(b, &flags[3], out, 4, LIMIT);
    launch_copy(NULL, copy, out);
    OK(cuEventRecord(e, NULL));
    sleep_ms(20);
    CHECK(cuEventQuery(e), CUDA_ERROR_NOT_READY);
    CHECK(cuStreamQuery(b), CUDA_ERROR_NOT_READY);
    release(&flags[3]);
    OK(cuEventSynchronize(e));
    ASSERT(read_word(copy) == 4, "legacy kernel ran before the blocking stream's: %u", read_word(copy));

    /* ...and blocking-stream work waits for the legacy stream. */
    launch_wait(NULL, &flags[4], out, 5, LIMIT);
    launch_copy(b, copy, out);
    sleep_ms(20);
    CHECK(cuStreamQuery(b), CUDA_ERROR_NOT_READY);
    release(&flags[4]);
    OK(cuStreamSynchronize(b));
    ASSERT(read_word(copy) == 5, "blocking stream ran before the legacy stream: %u", read_word(copy));

    /* The per-thread default stream is a stream of its own. */
    launch_copy(CU_STREAM_PER_THREAD, copy, scratch);
    OK(cuStreamSynchronize(CU_STREAM_PER_THREAD));
    ASSERT(read_word(copy) == 41, "per-thread stream kernel: %u", read_word(copy));

    OK(cuCtxSynchronize());
    OK(cuEventDestroy(e));
    OK(cuStreamDestroy(nb));
    OK(cuStreamDestroy(b));
    OK(cuMemFree(out));
    OK(cuMemFree(copy));
    OK(cuMemFree(scratch));
}

static int order_log[8];
static int order_len;

static void CUDA_CB host_fn(void *user)
{
    int v = (int)(intptr_t)user;
    order_log[__atomic_fetch_add(&order_len, 1, __ATOMIC_SEQ_CST)] = v;
}

static void CUDA_CB callback(CUstream s, CUresult status, void *user)
{
    (void)s;
    host_fn((void *)(intptr_t)((intptr_t)user + (status == CUDA_SUCCESS ? 0 : 100)));
}

static void test_host_functions(void)
{
    CUstream s;
    CUdeviceptr out;
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    OK(cuMemAlloc(&out, 4));
    order_len = 0;
    OK(cuLaunchHostFunc(s, host_fn, (void *)1));
    launch_wait(s, &flags[5], out, 1, LIMIT);
    OK(cuLaunchHostFunc(s, host_fn, (void *)2));
    OK(cuStreamAddCallback(s, callback, (void *)3, 0));
    sleep_ms(20);
    ASSERT(__atomic_load_n(&order_len, __ATOMIC_SEQ_CST) == 1, "%d host functions ran before the kernel ended",
           order_len);
    release(&flags[5]);
    OK(cuStreamSynchronize(s));
    ASSERT(order_len == 3 && order_log[0] == 1 && order_log[1] == 2 && order_log[2] == 3,
           "host functions ran as %d: %d %d %d", order_len, order_log[0], order_log[1], order_log[2]);
    OK(cuStreamDestroy(s));
    OK(cuMemFree(out));
}

static void test_elapsed_time(void)
{
    CUstream s;
    CUevent a, b;
    CUdeviceptr out;
    float ms = -1;
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    OK(cuEventCreate(&a, CU_EVENT_DEFAULT));
    OK(cuEventCreate(&b, CU_EVENT_DEFAULT));
    OK(cuMemAlloc(&out, 4));
    OK(cuEventRecord(a, s));
    launch_wait(s, &flags[6], out, 1, LIMIT);
    OK(cuEventRecord(b, s));
    CHECK(cuEventElapsedTime(&ms, a, b), CUDA_ERROR_NOT_READY);
    sleep_ms(50);
    release(&flags[6]);
    OK(cuEventSynchronize(b));
    OK(cuEventElapsedTime(&ms, a, b));
    ASSERT(ms >= 40.0f && ms < 10000.0f, "elapsed %f ms across a 50 ms wait", ms);
    OK(cuEventDestroy(a));
    OK(cuEventDestroy(b));
    OK(cuStreamDestroy(s));
    OK(cuMemFree(out));
}

/* Stream queries that libraries make: capture status, device, context,
   attributes. */
static void test_stream_queries(void)
{
    CUstream s;
    CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_ACTIVE;
    CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_RELAXED;
    CUdevice d = -1;
    CUcontext c = NULL;
    CUgreenCtx g = (CUgreenCtx)1;
    CUstreamAttrValue v;
    OK(cuStreamCreateWithPriority(&s, CU_STREAM_NON_BLOCKING, -1));
    OK(cuStreamIsCapturing(s, &status));
    ASSERT(status == CU_STREAM_CAPTURE_STATUS_NONE, "capture status %d", (int)status);
    status = CU_STREAM_CAPTURE_STATUS_ACTIVE;
    OK(cuStreamGetCaptureInfo(s, &status, NULL, NULL, NULL, NULL, NULL));
    ASSERT(status == CU_STREAM_CAPTURE_STATUS_NONE, "capture info status %d", (int)status);
    OK(cuStreamIsCapturing(NULL, &status));
    OK(cuStreamGetDevice(s, &d));
    ASSERT(d == 0, "stream device %d", d);
    OK(cuStreamGetCtx_v2(s, &c, &g));
    ASSERT(c == ctx && g == NULL, "stream context %p, green %p", (void *)c, (void *)g);
    memset(&v, 0x55, sizeof v);
    OK(cuStreamGetAttribute(s, CU_LAUNCH_ATTRIBUTE_PRIORITY, &v));
    ASSERT(v.priority == -1, "priority attribute %d", v.priority);
    OK(cuThreadExchangeStreamCaptureMode(&mode));
    ASSERT(mode == CU_STREAM_CAPTURE_MODE_GLOBAL, "initial capture mode %d", (int)mode);
    OK(cuThreadExchangeStreamCaptureMode(&mode));
    ASSERT(mode == CU_STREAM_CAPTURE_MODE_RELAXED, "capture mode back %d", (int)mode);
    OK(cuStreamDestroy(s));
}

/* With CUDA_LAUNCH_BLOCKING=1 a launch returns only when its kernel ended. */
static void test_launch_blocking(void)
{
    CUstream s;
    CUdeviceptr out;
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    OK(cuMemAlloc(&out, 4));
    /* flags[7] is never set: the kernel gives up after 2000 polls. */
    launch_wait(s, &flags[7], out, 1, 2000);
    OK(cuStreamQuery(s));
    OK(cuStreamDestroy(s));
    ASSERT(read_word(out) == 0xdeadbeefu, "kernel stored %#x", read_word(out));
    OK(cuMemFree(out));
}

/* ---- stress: threads × iterations of launches, copies and events ---- */

enum { THREADS = 8, ITERS = 60, N = 256 };

static CUevent stage_event[THREADS];
static pthread_barrier_t stage_barrier;
static int stress_failed;

struct worker {
    int id;
    CUdeviceptr data;
};

static void *stress_worker(void *arg)
{
    struct worker *w = arg;
    CUstream s;
    unsigned *host;
    if (cuCtxSetCurrent(ctx) != CUDA_SUCCESS)
        goto fail;
    if (cuStreamCreate(&s, (w->id % 2) ? CU_STREAM_NON_BLOCKING : CU_STREAM_DEFAULT) != CUDA_SUCCESS)
        goto fail;
    if (cuMemAllocHost((void **)&host, N * sizeof(unsigned)) != CUDA_SUCCESS)
        goto fail;
    if (cuMemsetD32Async(w->data, (unsigned)w->id, N, s) != CUDA_SUCCESS)
        goto fail;
    for (unsigned it = 0; it < ITERS; it++) {
        CUevent e;
        launch_step(s, w->data, N, it);
        /* A short-lived event each iteration, destroyed while it may be
           pending (its work still runs). */
        if (cuEventCreate(&e, CU_EVENT_DISABLE_TIMING) != CUDA_SUCCESS || cuEventRecord(e, s) != CUDA_SUCCESS)
            goto fail;
        if (it % 10 == 9) {
            /* Stage: everyone publishes an event, then waits for its
               neighbour's, so streams of different threads are chained. */
            if (cuEventRecord(stage_event[w->id], s) != CUDA_SUCCESS)
                goto fail;
            pthread_barrier_wait(&stage_barrier);
            if (cuStreamWaitEvent(s, stage_event[(w->id + 1) % THREADS], 0) != CUDA_SUCCESS)
                goto fail;
            pthread_barrier_wait(&stage_barrier);
        }
        if (cuEventDestroy(e) != CUDA_SUCCESS)
            goto fail;
    }
    if (cuMemcpyDtoHAsync(host, w->data, N * sizeof(unsigned), s) != CUDA_SUCCESS)
        goto fail;
    if (cuStreamSynchronize(s) != CUDA_SUCCESS)
        goto fail;
    for (unsigned i = 0; i < N; i++) {
        unsigned want = expect_steps((unsigned)w->id, i, 0, ITERS);
        if (host[i] != want) {
            fprintf(stderr, "thread %d element %u: %u, expected %u\n", w->id, i, host[i], want);
            goto fail;
        }
    }
    if (cuStreamDestroy(s) != CUDA_SUCCESS || cuMemFreeHost(host) != CUDA_SUCCESS)
        goto fail;
    return NULL;
fail:
    fprintf(stderr, "stress thread %d failed\n", w->id);
    __atomic_store_n(&stress_failed, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_stress(void)
{
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++)
        OK(cuEventCreate(&stage_event[i], CU_EVENT_DISABLE_TIMING));
    pthread_barrier_init(&stage_barrier, NULL, THREADS);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < THREADS; i++) {
            w[i].id = i;
            OK(cuMemAlloc(&w[i].data, N * sizeof(unsigned)));
            ASSERT(pthread_create(&t[i], NULL, stress_worker, &w[i]) == 0, "pthread_create");
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        ASSERT(!stress_failed, "a stress thread failed (round %d)", round);
        for (int i = 0; i < THREADS; i++)
            OK(cuMemFree(w[i].data));
    }
    pthread_barrier_destroy(&stage_barrier);
    for (int i = 0; i < THREADS; i++)
        OK(cuEventDestroy(stage_event[i]));
}

int main(int argc, char **argv)
{
    CUdevice dev;
    CUmodule mod;
    size_t len;
    const char *blocking = getenv("CUDA_LAUNCH_BLOCKING");
    ASSERT(argc > 1, "usage: streams kernels.ptx");
    char *ptx = ct_read_file(argv[1], &len);
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuDevicePrimaryCtxRetain(&ctx, dev));
    OK(cuCtxSetCurrent(ctx));
    OK(cuModuleLoadData(&mod, ptx));
    OK(cuModuleGetFunction(&f_wait, mod, "wait_flag"));
    OK(cuModuleGetFunction(&f_step, mod, "step"));
    OK(cuModuleGetFunction(&f_copy, mod, "copy_word"));
    OK(cuMemHostAlloc((void **)&flags, 64 * sizeof(unsigned), CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_PORTABLE));
    memset(flags, 0, 64 * sizeof(unsigned));

    if (blocking != NULL && strcmp(blocking, "1") == 0) {
        test_launch_blocking();
        test_stream_order();
    } else {
        test_launch_returns_while_kernel_runs();
        test_stream_order();
        test_wait_event_orders_streams();
        test_legacy_stream();
        test_host_functions();
        test_elapsed_time();
        test_stream_queries();
        test_stress();
    }

    OK(cuMemFreeHost(flags));
    OK(cuModuleUnload(mod));
    OK(cuDevicePrimaryCtxRelease(dev));
    free(ptx);
    printf("PASS streams\n");
    return 0;
}
