/*
 * Object lifecycles leave nothing behind: the driver's heap does not grow
 * over ITERS rounds of creating and destroying every kind of object.
 *
 * Each round: a context of its own with two modules, streams (blocking and
 * non-blocking), events, device and pinned memory and launches, all
 * destroyed explicitly; then a second context left holding a module, a
 * stream, an event and memory for cuCtxDestroy to reclaim; a library loaded,
 * launched through cuKernelGetFunction and unloaded; the primary context
 * retained, used and released to zero; and a host thread that uses its
 * per-thread default stream and exits. Every result is checked.
 *
 * The heap in use (glibc's mallinfo2, with one malloc arena so that the
 * stream threads' allocations are counted too) is measured after WARMUP
 * rounds (caches fill up in the first ~20) and twice more, ITERS rounds
 * apart: it must not grow by more than SLACK bytes in both spans (a leak of
 * SLACK/ITERS bytes a round or more fails).
 * Stream threads end after 500 ms without work, so each measurement waits
 * for them first. (Under valgrind, which replaces malloc, mallinfo2 says
 * nothing: the leak check is the judge there; LIFECYCLE_ITERS=n sets the
 * rounds, LIFECYCLE_WARMUP=n the rounds before the first measurement,
 * LIFECYCLE_SLACK=bytes the allowed growth, LIFECYCLE_ONLY one
 * kind of round.)
 *
 * Usage: lifecycle path/to/kernels.ptx    (LIFECYCLE_ITERS=n: rounds)
 */
#include "common.h"
#include <pthread.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define N 512
#define WARMUP 20
#define SLACK (32 * 1024)

static const char *ptx_text;
static CUdevice dev;

/* The value `step` (ctests/kernels.cu) leaves in element i of data that
   held `start` after steps k0..k0+count-1. */
static unsigned expect_steps(unsigned start, unsigned i, unsigned k0, unsigned count)
{
    unsigned v = start;
    for (unsigned k = k0; k < k0 + count; k++)
        v = v * 31u + k + i;
    return v;
}

static void launch_step(CUfunction f, CUstream s, CUdeviceptr data, unsigned n, unsigned k)
{
    void *args[] = {&data, &n, &k};
    OK(cuLaunchKernel(f, (n + 127) / 128, 1, 1, 128, 1, 1, 0, s, args, NULL));
}

static void check_steps(const unsigned *h, unsigned start, unsigned k0, unsigned count, const char *what)
{
    for (unsigned i = 0; i < N; i++)
        ASSERT(h[i] == expect_steps(start, i, k0, count), "%s: element %u is %u, expected %u", what, i, h[i],
               expect_steps(start, i, k0, count));
}

/* A context whose every object is destroyed one by one. */
static void explicit_round(unsigned r)
{
    CUcontext ctx;
    CUmodule m1, m2;
    CUfunction f1, f2;
    CUstream s1, s2;
    CUevent e1, e2;
    CUdeviceptr d;
    unsigned *pinned;
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoadData(&m1, ptx_text));
    OK(cuModuleLoadData(&m2, ptx_text));
    OK(cuModuleGetFunction(&f1, m1, "step"));
    OK(cuModuleGetFunction(&f2, m2, "step"));
    OK(cuStreamCreate(&s1, CU_STREAM_DEFAULT));
    OK(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
    OK(cuEventCreate(&e1, CU_EVENT_DEFAULT));
    OK(cuEventCreate(&e2, CU_EVENT_DISABLE_TIMING));
    OK(cuMemAlloc(&d, N * sizeof(unsigned)));
    OK(cuMemAllocHost((void **)&pinned, N * sizeof(unsigned)));
    for (unsigned i = 0; i < N; i++)
        pinned[i] = r + i;
    OK(cuMemcpyHtoDAsync(d, pinned, N * sizeof(unsigned), s1));
    launch_step(f1, s1, d, N, 0);
    OK(cuEventRecord(e1, s1));
    OK(cuStreamWaitEvent(s2, e1, 0));
    launch_step(f2, s2, d, N, 1);
    OK(cuEventRecord(e2, s2));
    OK(cuStreamWaitEvent(NULL, e2, 0));
    launch_step(f1, NULL, d, N, 2);
    OK(cuMemcpyDtoHAsync(pinned, d, N * sizeof(unsigned), NULL));
    OK(cuStreamSynchronize(NULL));
    for (unsigned i = 0; i < N; i++)
        ASSERT(pinned[i] == expect_steps(r + i, i, 0, 3), "round %u: element %u is %u", r, i, pinned[i]);
    OK(cuEventDestroy(e1));
    OK(cuEventDestroy(e2));
    OK(cuStreamDestroy(s1));
    OK(cuStreamDestroy(s2));
    OK(cuMemFreeHost(pinned));
    OK(cuMemFree(d));
    OK(cuModuleUnload(m1));
    OK(cuModuleUnload(m2));
    OK(cuCtxDestroy(ctx));
}

/* A context destroyed with its objects still alive and work in flight. */
static void teardown_round(unsigned r)
{
    CUcontext ctx;
    CUmodule m;
    CUfunction f;
    CUstream s;
    CUevent e;
    CUdeviceptr d;
    unsigned host[N];
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoadData(&m, ptx_text));
    OK(cuModuleGetFunction(&f, m, "step"));
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    OK(cuEventCreate(&e, CU_EVENT_DEFAULT));
    OK(cuMemAlloc(&d, N * sizeof(unsigned)));
    OK(cuMemsetD32(d, r, N));
    launch_step(f, s, d, N, 7);
    OK(cuEventRecord(e, s));
    OK(cuEventSynchronize(e));
    OK(cuMemcpyDtoH(host, d, sizeof host));
    check_steps(host, r, 7, 1, "teardown round");
    launch_step(f, s, d, N, 8); /* still queued, maybe, when the context goes */
    OK(cuCtxDestroy(ctx));
}

/* A library: loaded without a context, used in the primary one, unloaded. */
static void library_round(unsigned r)
{
    CUcontext prim;
    CUlibrary lib;
    CUkernel k;
    CUfunction f;
    CUdeviceptr d;
    unsigned host[N];
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    OK(cuCtxPushCurrent(prim));
    OK(cuLibraryLoadData(&lib, ptx_text, NULL, NULL, 0, NULL, NULL, 0));
    OK(cuLibraryGetKernel(&k, lib, "step"));
    OK(cuKernelGetFunction(&f, k));
    OK(cuMemAlloc(&d, N * sizeof(unsigned)));
    OK(cuMemsetD32(d, r * 3, N));
    launch_step(f, NULL, d, N, 11);
    OK(cuMemcpyDtoH(host, d, sizeof host));
    check_steps(host, r * 3, 11, 1, "library round");
    OK(cuMemFree(d));
    OK(cuLibraryUnload(lib));
    OK(cuCtxPopCurrent(NULL));
    /* The last release destroys the primary context. */
    OK(cuDevicePrimaryCtxRelease(dev));
    unsigned flags = 0;
    int active = 1;
    OK(cuDevicePrimaryCtxGetState(dev, &flags, &active));
    ASSERT(active == 0, "primary context still active after its last release");
}

/* A host thread with its own per-thread default stream, which exits. */
static void *thread_body(void *arg)
{
    unsigned r = (unsigned)(uintptr_t)arg;
    CUcontext prim;
    CUmodule m;
    CUfunction f;
    CUdeviceptr d;
    unsigned host[N];
    OK(cuDevicePrimaryCtxRetain(&prim, dev));
    OK(cuCtxSetCurrent(prim));
    OK(cuModuleLoadData(&m, ptx_text));
    OK(cuModuleGetFunction(&f, m, "step"));
    OK(cuMemAlloc(&d, N * sizeof(unsigned)));
    OK(cuMemsetD32Async(d, r, N, CU_STREAM_PER_THREAD));
    launch_step(f, CU_STREAM_PER_THREAD, d, N, 5);
    OK(cuMemcpyDtoHAsync(host, d, sizeof host, CU_STREAM_PER_THREAD));
    OK(cuStreamSynchronize(CU_STREAM_PER_THREAD));
    check_steps(host, r, 5, 1, "thread round");
    OK(cuMemFree(d));
    OK(cuModuleUnload(m));
    OK(cuDevicePrimaryCtxRelease(dev));
    return NULL;
}

static void thread_round(unsigned r)
{
    pthread_t t;
    ASSERT(pthread_create(&t, NULL, thread_body, (void *)(uintptr_t)r) == 0, "pthread_create");
    ASSERT(pthread_join(t, NULL) == 0, "pthread_join");
}

/* LIFECYCLE_ONLY=explicit|teardown|library|thread runs one kind of round
   (to find which one leaks). */
static void round_(unsigned r)
{
    const char *only = getenv("LIFECYCLE_ONLY");
    if (only == NULL || strcmp(only, "explicit") == 0)
        explicit_round(r);
    if (only == NULL || strcmp(only, "teardown") == 0)
        teardown_round(r);
    if (only == NULL || strcmp(only, "library") == 0)
        library_round(r);
    if (only == NULL || strcmp(only, "thread") == 0)
        thread_round(r);
}

/* Bytes of heap in use, once idle stream threads have ended. */
static size_t heap_in_use(void)
{
    usleep(800 * 1000);
#ifdef __GLIBC__
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks;
#else
    return 0;
#endif
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* One arena: the stream threads' allocations count in mallinfo2. */
    mallopt(M_ARENA_MAX, 1);
#endif
    ptx_text = ct_read_file(ct_ptx_path(argc, argv), NULL);
    const char *env = getenv("LIFECYCLE_ITERS");
    unsigned iters = env ? (unsigned)atoi(env) : 40;
    const char *warm_env = getenv("LIFECYCLE_WARMUP");
    unsigned warmup = warm_env ? (unsigned)atoi(warm_env) : WARMUP;
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));

    unsigned r = 0;
    for (; r < warmup; r++)
        round_(r);
    /* Three measurements, ITERS rounds apart: a leak grows the heap in both
       spans; a cache that fills once (a hash table doubling, an emulator
       thread's buffers) grows it in one at most. */
    size_t heap[3];
    heap[0] = heap_in_use();
    for (int span = 1; span <= 2; span++) {
        for (unsigned end = r + iters; r < end; r++)
            round_(r);
        heap[span] = heap_in_use();
    }
    long g1 = (long)heap[1] - (long)heap[0], g2 = (long)heap[2] - (long)heap[1];
    const char *slack_env = getenv("LIFECYCLE_SLACK");
    long slack = slack_env ? atol(slack_env) : SLACK;
    printf("heap in use after %u rounds: %zu bytes; after %u more: %+ld; after %u more: %+ld\n", warmup, heap[0],
           iters, g1, iters, g2);
#ifdef __GLIBC__
    ASSERT(g1 <= slack || g2 <= slack, "the heap grew by %ld and %ld bytes over two spans of %u rounds", g1, g2,
           iters);
#endif
    free((void *)ptx_text);
    return ct_pass("lifecycle");
}
