/*
 * The context stack is per host thread: THREADS threads at once each create
 * their own context, push and pop it over the shared primary context, and
 * allocate, fill, copy and launch in it, checking after every step that
 * their current context is still their own and their data is intact.
 *
 * Usage: ctx_threads path/to/kernels.ptx
 */
#include "common.h"
#include <pthread.h>

#define THREADS 8
#define ROUNDS 25
#define N 256

static const char *ptx_text;
static CUdevice dev;
static CUcontext primary;

static CUcontext current(void)
{
    CUcontext c = NULL;
    OK(cuCtxGetCurrent(&c));
    return c;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    CUcontext mine = NULL, popped = NULL;
    CUmodule mod = NULL;
    CUfunction scale = NULL;
    float host[N], back[N];

    ASSERT(current() == NULL, "thread %d starts with a context", id);
    OK(cuCtxCreate(&mine, NULL, 0, dev));
    ASSERT(current() == mine, "thread %d: new context not current", id);
    OK(cuModuleLoadData(&mod, ptx_text));
    OK(cuModuleGetFunction(&scale, mod, "scale"));

    for (int round = 0; round < ROUNDS; round++) {
        CUdeviceptr d = 0;
        /* Over the primary context and back. */
        OK(cuCtxPushCurrent(primary));
        ASSERT(current() == primary, "thread %d round %d: push did not take", id, round);
        CUdeviceptr q = 0;
        OK(cuMemAlloc(&q, 64));
        OK(cuMemsetD32(q, (unsigned)id, 16));
        unsigned w[16];
        OK(cuMemcpyDtoH(w, q, sizeof w));
        ASSERT(w[15] == (unsigned)id, "thread %d: primary-context memory holds %u", id, w[15]);
        OK(cuMemFree(q));
        OK(cuCtxPopCurrent(&popped));
        ASSERT(popped == primary, "thread %d popped %p", id, (void *)popped);
        ASSERT(current() == mine, "thread %d round %d: lost its context", id, round);

        /* Work in the thread's own context. */
        for (int i = 0; i < N; i++)
            host[i] = (float)(id * 1000 + round + i);
        OK(cuMemAlloc(&d, N * sizeof(float)));
        OK(cuMemcpyHtoD(d, host, sizeof host));
        float factor = 2.0f;
        int n = N;
        void *params[] = {&d, &factor, &n};
        OK(cuLaunchKernel(scale, 2, 1, 1, 128, 1, 1, 0, NULL, params, NULL));
        OK(cuCtxSynchronize());
        OK(cuMemcpyDtoH(back, d, sizeof back));
        for (int i = 0; i < N; i++)
            ASSERT(back[i] == 2.0f * host[i], "thread %d round %d: [%d] = %f, want %f", id, round, i,
                   (double)back[i], 2.0 * host[i]);
        OK(cuMemFree(d));
        CUdevice got = -1;
        OK(cuCtxGetDevice(&got));
        ASSERT(got == dev, "thread %d: device %d", id, got);
    }

    OK(cuModuleUnload(mod));
    OK(cuCtxDestroy(mine));
    ASSERT(current() == NULL, "thread %d: context current after destroy", id);
    return NULL;
}

int main(int argc, char **argv)
{
    size_t len = 0;
    ptx_text = ct_read_file(ct_ptx_path(argc, argv), &len);
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuDevicePrimaryCtxRetain(&primary, dev));

    /* The main thread keeps its own context current throughout. */
    CUcontext main_ctx = NULL;
    OK(cuCtxCreate(&main_ctx, NULL, 0, dev));

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        ASSERT(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 1)) == 0, "pthread_create %d", i);
    /* Meanwhile: the main thread's stack is its own. */
    for (int i = 0; i < 200; i++) {
        ASSERT(current() == main_ctx, "main thread lost its context");
        OK(cuCtxPushCurrent(primary));
        OK(cuCtxPopCurrent(NULL));
    }
    for (int i = 0; i < THREADS; i++)
        ASSERT(pthread_join(t[i], NULL) == 0, "pthread_join %d", i);

    ASSERT(current() == main_ctx, "main thread lost its context after the joins");
    OK(cuCtxDestroy(main_ctx));
    OK(cuDevicePrimaryCtxRelease(dev));
    free((void *)ptx_text);
    return ct_pass("ctx_threads");
}
