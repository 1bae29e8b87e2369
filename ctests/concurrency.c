/*
 * Concurrency stress: THREADS host threads at once, for several rounds,
 * allocate, copy, launch and synchronise on shared and separate contexts
 * and streams. Every value is checked, and the kernel (`step`:
 * x -> x * 31 + k + i, from ctests/kernels.cu) does not commute with
 * itself, so lost, repeated or reordered work changes the result.
 *
 * Threads come in groups of four (group g = id / 4); by id % 4:
 *
 *  0 producer   primary context, its own non-blocking stream. Each round:
 *               its private chain of steps; and on a fresh buffer B, steps
 *               0..S-1, then a fresh event recorded and published to its
 *               group; waits until both consumers are done, then frees B
 *               and destroys the event.
 *  1 consumer   primary context; the legacy NULL stream (even groups) or a
 *               non-blocking stream of its own (odd groups). Makes its
 *               stream wait for the producer's event, then runs steps
 *               S..2S-1 on B: correct only if they run after the
 *               producer's (the legacy stream does not wait for
 *               non-blocking streams, so only the event orders them).
 *  2 own context  a context of its own for the whole run, a blocking and a
 *               non-blocking stream chained by an event, a second module
 *               loaded and unloaded every round while others launch, the
 *               primary context pushed and popped; its stream also waits for
 *               the producer's event across contexts (checked: once the
 *               stream is synchronised, the event is complete).
 *  3 churn      every round creates a context, loads a module, works on
 *               its per-thread default stream and a stream of its own, and
 *               destroys the context: every other round with its module,
 *               stream, event and memory still alive and work queued.
 *
 * All threads meet at a barrier at each round's start, so rounds overlap.
 * The main thread meanwhile synchronises the primary context over and over.
 * Then two threads check that work submitted at the same moment to the
 * legacy stream and to a blocking stream never runs interleaved.
 * A watchdog (alarm) turns a deadlock into a failure instead of a hang.
 *
 * Usage: concurrency path/to/kernels.ptx
 * Environment: CONCURRENCY_ROUNDS (default 6), CONCURRENCY_EXCLUSION_ROUNDS
 * (default 800), CONCURRENCY_WATCHDOG seconds (default 120).
 */
#include "common.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#define THREADS 16
#define GROUPS (THREADS / 4)
#define N 512
#define S 4

static const char *ptx_text;
static CUdevice dev;
static CUcontext primary;
static CUfunction primary_step; /* `step` of a module of the primary context */
static int rounds = 6;
static pthread_barrier_t round_barrier;
static int workers_left = THREADS;

/* A producer's hand-off to its group's consumers, one per round. */
struct handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int round;    /* round of the published event and buffer; -1: none yet */
    int consumed; /* consumers done with `round` */
    CUevent ev;
    CUdeviceptr buf;
    unsigned seed;
};
static struct handoff handoffs[GROUPS];

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "concurrency: watchdog fired: deadlock or far too slow\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(3);
}

/* The value `step` leaves in element i of data that held `start` + i after
   steps k0..k0+count-1. */
static unsigned expect(unsigned start, unsigned i, unsigned k0, unsigned count)
{
    unsigned v = start + i;
    for (unsigned k = k0; k < k0 + count; k++)
        v = v * 31u + k + i;
    return v;
}

static void fill(unsigned *h, unsigned start)
{
    for (unsigned i = 0; i < N; i++)
        h[i] = start + i;
}

static void check(const unsigned *h, unsigned start, unsigned k0, unsigned count, int id, int round,
                  const char *what)
{
    for (unsigned i = 0; i < N; i++)
        ASSERT(h[i] == expect(start, i, k0, count), "thread %d round %d %s: element %u is %u, expected %u", id,
               round, what, i, h[i], expect(start, i, k0, count));
}

static void steps(CUfunction f, CUstream s, CUdeviceptr d, unsigned k0, unsigned count)
{
    unsigned n = N;
    for (unsigned k = k0; k < k0 + count; k++) {
        void *args[] = {&d, &n, &k};
        OK(cuLaunchKernel(f, (N + 127) / 128, 1, 1, 128, 1, 1, 0, s, args, NULL));
    }
}

static unsigned seed_of(int id, int round, int salt)
{
    return (unsigned)id * 1000003u + (unsigned)round * 7919u + (unsigned)salt * 104729u;
}

/* A private chain on stream s: upload, steps 0..S-1, download, check.
   `pinned` has 2N words: the upload's source, then the download's target
   (an asynchronous copy from pinned memory may read it any time until the
   stream gets there, so the host must not touch it before then). */
static void private_chain(CUfunction f, CUstream s, unsigned *pinned, int id, int round)
{
    CUdeviceptr d;
    unsigned seed = seed_of(id, round, 1);
    unsigned *up = pinned, *down = pinned + N;
    OK(cuMemAlloc(&d, N * sizeof(unsigned)));
    fill(up, seed);
    OK(cuMemcpyHtoDAsync(d, up, N * sizeof(unsigned), s));
    steps(f, s, d, 0, S);
    memset(down, 0, N * sizeof(unsigned));
    OK(cuMemcpyDtoHAsync(down, d, N * sizeof(unsigned), s));
    OK(cuStreamSynchronize(s));
    check(down, seed, 0, S, id, round, "private chain");
    OK(cuMemFree(d));
}

static void producer(int id, int g)
{
    struct handoff *h = &handoffs[g];
    CUstream s;
    unsigned *pinned;
    OK(cuCtxSetCurrent(primary));
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    /* The hand-off's upload source, then the private chain's two buffers. */
    OK(cuMemAllocHost((void **)&pinned, 3 * N * sizeof(unsigned)));
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&round_barrier);
        CUdeviceptr b;
        CUevent ev;
        unsigned seed = seed_of(id, r, 2);
        OK(cuMemAlloc(&b, N * sizeof(unsigned)));
        OK(cuEventCreate(&ev, CU_EVENT_DISABLE_TIMING));
        fill(pinned, seed);
        OK(cuMemcpyHtoDAsync(b, pinned, N * sizeof(unsigned), s));
        steps(primary_step, s, b, 0, S);
        OK(cuEventRecord(ev, s));
        pthread_mutex_lock(&h->mu);
        h->ev = ev;
        h->buf = b;
        h->seed = seed;
        h->consumed = 0;
        h->round = r;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);

        /* Meanwhile, work of its own on the same stream (after B's steps). */
        private_chain(primary_step, s, pinned + N, id, r);

        pthread_mutex_lock(&h->mu);
        while (h->consumed < 2)
            pthread_cond_wait(&h->cv, &h->mu);
        pthread_mutex_unlock(&h->mu);
        OK(cuEventDestroy(ev));
        OK(cuMemFree(b));
    }
    OK(cuMemFreeHost(pinned));
    OK(cuStreamDestroy(s));
}

/* Waits for group g's round-r hand-off; returns its event, buffer, seed. */
static void await_handoff(int g, int r, CUevent *ev, CUdeviceptr *buf, unsigned *seed)
{
    struct handoff *h = &handoffs[g];
    pthread_mutex_lock(&h->mu);
    while (h->round != r)
        pthread_cond_wait(&h->cv, &h->mu);
    *ev = h->ev;
    *buf = h->buf;
    *seed = h->seed;
    pthread_mutex_unlock(&h->mu);
}

static void done_with_handoff(int g)
{
    struct handoff *h = &handoffs[g];
    pthread_mutex_lock(&h->mu);
    h->consumed++;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

static void consumer(int id, int g)
{
    CUstream s = NULL;
    unsigned *pinned;
    OK(cuCtxSetCurrent(primary));
    if (g % 2)
        OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    /* The private chain's two buffers, then the hand-off's download target. */
    OK(cuMemAllocHost((void **)&pinned, 3 * N * sizeof(unsigned)));
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&round_barrier);
        private_chain(primary_step, s, pinned, id, r);
        CUevent ev;
        CUdeviceptr b;
        unsigned seed;
        await_handoff(g, r, &ev, &b, &seed);
        OK(cuStreamWaitEvent(s, ev, 0));
        steps(primary_step, s, b, S, S);
        memset(pinned + 2 * N, 0, N * sizeof(unsigned));
        OK(cuMemcpyDtoHAsync(pinned + 2 * N, b, N * sizeof(unsigned), s));
        OK(cuStreamSynchronize(s));
        check(pinned + 2 * N, seed, 0, 2 * S, id, r, "steps after the producer's event");
        done_with_handoff(g);
    }
    OK(cuMemFreeHost(pinned));
    if (s != NULL)
        OK(cuStreamDestroy(s));
}

static void own_context(int id, int g)
{
    CUcontext mine, popped;
    CUmodule mod;
    CUfunction f;
    CUstream s1, s2;
    CUevent e;
    unsigned *pinned;
    OK(cuCtxCreate(&mine, NULL, 0, dev));
    OK(cuModuleLoadData(&mod, ptx_text));
    OK(cuModuleGetFunction(&f, mod, "step"));
    OK(cuStreamCreate(&s1, CU_STREAM_NON_BLOCKING));
    OK(cuStreamCreate(&s2, CU_STREAM_DEFAULT));
    OK(cuEventCreate(&e, CU_EVENT_DEFAULT));
    OK(cuMemAllocHost((void **)&pinned, N * sizeof(unsigned)));
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&round_barrier);
        /* A module loaded for this round only, while others launch. */
        CUmodule extra;
        CUfunction f2;
        OK(cuModuleLoadData(&extra, ptx_text));
        OK(cuModuleGetFunction(&f2, extra, "step"));

        /* s1 (non-blocking): steps 0..S-1; s2 (blocking) waits for them by
           the event, runs S..2S-1 with the round's module; a synchronous
           copy on the legacy stream then waits for s2 (blocking). */
        CUdeviceptr d;
        unsigned seed = seed_of(id, r, 3);
        OK(cuMemAlloc(&d, N * sizeof(unsigned)));
        fill(pinned, seed);
        OK(cuMemcpyHtoDAsync(d, pinned, N * sizeof(unsigned), s1));
        steps(f, s1, d, 0, S);
        OK(cuEventRecord(e, s1));
        OK(cuStreamWaitEvent(s2, e, 0));
        steps(f2, s2, d, S, S);
        unsigned back[N];
        OK(cuMemcpyDtoH(back, d, sizeof back));
        check(back, seed, 0, 2 * S, id, r, "two streams chained by an event");

        /* Across contexts: s1 waits for the producer's event (primary
           context); once s1 is synchronised, the event is complete. */
        CUevent pev;
        CUdeviceptr pbuf;
        unsigned pseed;
        await_handoff(g, r, &pev, &pbuf, &pseed);
        OK(cuStreamWaitEvent(s1, pev, 0));
        OK(cuStreamSynchronize(s1));
        OK(cuEventQuery(pev));
        done_with_handoff(g);

        /* The primary context pushed over this one and popped. */
        OK(cuCtxPushCurrent(primary));
        CUdeviceptr q;
        unsigned w[4];
        OK(cuMemAlloc(&q, sizeof w));
        OK(cuMemsetD32(q, (unsigned)id, 4));
        OK(cuMemcpyDtoH(w, q, sizeof w));
        ASSERT(w[3] == (unsigned)id, "thread %d: primary-context memset gave %u", id, w[3]);
        OK(cuMemFree(q));
        OK(cuCtxPopCurrent(&popped));
        ASSERT(popped == primary, "thread %d popped %p", id, (void *)popped);

        OK(cuMemFree(d));
        OK(cuModuleUnload(extra));
    }
    OK(cuMemFreeHost(pinned));
    OK(cuEventDestroy(e));
    OK(cuStreamDestroy(s1));
    OK(cuStreamDestroy(s2));
    OK(cuModuleUnload(mod));
    OK(cuCtxDestroy(mine));
}

static void churn(int id)
{
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&round_barrier);
        CUcontext c;
        CUmodule mod;
        CUfunction f;
        CUstream s;
        CUevent e;
        CUdeviceptr d;
        unsigned back[N], host[N];
        unsigned seed = seed_of(id, r, 4);
        OK(cuCtxCreate(&c, NULL, 0, dev));
        OK(cuModuleLoadData(&mod, ptx_text));
        OK(cuModuleGetFunction(&f, mod, "step"));
        OK(cuStreamCreate(&s, CU_STREAM_DEFAULT));
        OK(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
        OK(cuMemAlloc(&d, N * sizeof(unsigned)));
        /* The per-thread default stream, then a stream of its own ordered
           after it by an event. */
        fill(host, seed);
        OK(cuMemcpyHtoDAsync(d, host, sizeof host, CU_STREAM_PER_THREAD));
        steps(f, CU_STREAM_PER_THREAD, d, 0, S);
        OK(cuEventRecord(e, CU_STREAM_PER_THREAD));
        OK(cuStreamWaitEvent(s, e, 0));
        steps(f, s, d, S, S);
        OK(cuMemcpyDtoHAsync(back, d, sizeof back, s));
        OK(cuStreamSynchronize(s));
        check(back, seed, 0, 2 * S, id, r, "context of one round");
        if (r % 2) {
            /* Destroyed with everything alive and a launch queued. */
            steps(f, s, d, 2 * S, 1);
        } else {
            OK(cuEventDestroy(e));
            OK(cuStreamDestroy(s));
            OK(cuMemFree(d));
            OK(cuModuleUnload(mod));
        }
        OK(cuCtxDestroy(c));
        CUcontext cur = (CUcontext)1;
        OK(cuCtxGetCurrent(&cur));
        ASSERT(cur == NULL, "thread %d: a context is current after destroying its only one", id);
    }
}

/* ---- The legacy stream excludes blocking streams, also for concurrent
   submissions: two threads, released together each round, run one step
   each on the same buffer, one on the legacy stream and one on a blocking
   stream of the primary context. The result must be one step after the
   other, in either order, never the two interleaved. Many idle blocking
   streams make the legacy submission slower (it looks at each), which
   widened a window where the two were once not ordered at all. ---- */

#define EXCL_N 4096
static pthread_barrier_t excl_barrier;
static CUdeviceptr excl_buf;
static CUstream excl_stream;
static int excl_rounds = 800;

static void excl_step(CUstream s, unsigned k)
{
    unsigned n = EXCL_N;
    void *args[] = {&excl_buf, &n, &k};
    OK(cuLaunchKernel(primary_step, EXCL_N / 128, 1, 1, 128, 1, 1, 0, s, args, NULL));
}

static void *excl_worker(void *arg)
{
    int legacy = (int)(intptr_t)arg;
    OK(cuCtxSetCurrent(primary));
    for (int r = 0; r < excl_rounds; r++) {
        pthread_barrier_wait(&excl_barrier);
        excl_step(legacy ? NULL : excl_stream, legacy ? 2 : 1);
        OK(cuStreamSynchronize(legacy ? NULL : excl_stream));
        pthread_barrier_wait(&excl_barrier);
        pthread_barrier_wait(&excl_barrier);
    }
    return NULL;
}

static void legacy_exclusion(void)
{
    enum { IDLE_STREAMS = 1000 };
    static CUstream idle[IDLE_STREAMS];
    static unsigned h[EXCL_N];
    OK(cuCtxSetCurrent(primary));
    OK(cuMemAlloc(&excl_buf, EXCL_N * sizeof(unsigned)));
    OK(cuStreamCreate(&excl_stream, CU_STREAM_DEFAULT));
    for (int i = 0; i < IDLE_STREAMS; i++)
        OK(cuStreamCreate(&idle[i], CU_STREAM_DEFAULT));
    pthread_barrier_init(&excl_barrier, NULL, 3);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ASSERT(pthread_create(&t[i], NULL, excl_worker, (void *)(intptr_t)i) == 0, "pthread_create");
    int orders[2] = {0, 0};
    for (int r = 0; r < excl_rounds; r++) {
        unsigned x = (unsigned)r * 2654435761u;
        OK(cuMemsetD32(excl_buf, x, EXCL_N));
        pthread_barrier_wait(&excl_barrier); /* go */
        pthread_barrier_wait(&excl_barrier); /* both done */
        OK(cuMemcpyDtoH(h, excl_buf, sizeof h));
        int ab = 1, ba = 1;
        for (unsigned i = 0; i < EXCL_N; i++) {
            ab &= h[i] == (x * 31u + 1 + i) * 31u + 2 + i;
            ba &= h[i] == (x * 31u + 2 + i) * 31u + 1 + i;
        }
        ASSERT(ab || ba, "round %d: the legacy-stream and blocking-stream steps ran interleaved", r);
        orders[ab ? 0 : 1]++;
        pthread_barrier_wait(&excl_barrier); /* next round */
    }
    for (int i = 0; i < 2; i++)
        ASSERT(pthread_join(t[i], NULL) == 0, "pthread_join");
    pthread_barrier_destroy(&excl_barrier);
    for (int i = 0; i < IDLE_STREAMS; i++)
        OK(cuStreamDestroy(idle[i]));
    OK(cuStreamDestroy(excl_stream));
    OK(cuMemFree(excl_buf));
    printf("legacy exclusion: %d rounds blocking-first, %d legacy-first\n", orders[0], orders[1]);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    int g = id / 4;
    switch (id % 4) {
    case 0:
        producer(id, g);
        break;
    case 1:
        consumer(id, g);
        break;
    case 2:
        own_context(id, g);
        break;
    default:
        churn(id);
        break;
    }
    __atomic_sub_fetch(&workers_left, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *env = getenv("CONCURRENCY_ROUNDS");
    if (env != NULL)
        rounds = atoi(env);
    env = getenv("CONCURRENCY_EXCLUSION_ROUNDS");
    if (env != NULL)
        excl_rounds = atoi(env);
    env = getenv("CONCURRENCY_WATCHDOG");
    unsigned watchdog = env ? (unsigned)atoi(env) : 120;
    signal(SIGALRM, on_alarm);
    alarm(watchdog);

    ptx_text = ct_read_file(ct_ptx_path(argc, argv), NULL);
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuDevicePrimaryCtxRetain(&primary, dev));
    OK(cuCtxSetCurrent(primary));
    CUmodule mod;
    OK(cuModuleLoadData(&mod, ptx_text));
    OK(cuModuleGetFunction(&primary_step, mod, "step"));

    for (int g = 0; g < GROUPS; g++) {
        pthread_mutex_init(&handoffs[g].mu, NULL);
        pthread_cond_init(&handoffs[g].cv, NULL);
        handoffs[g].round = -1;
    }
    pthread_barrier_init(&round_barrier, NULL, THREADS);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        ASSERT(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0, "pthread_create %d", i);
    /* The primary context synchronised while everyone submits to it. */
    unsigned syncs = 0;
    while (__atomic_load_n(&workers_left, __ATOMIC_SEQ_CST) > 0) {
        OK(cuCtxSynchronize());
        syncs++;
        usleep(2000);
    }
    for (int i = 0; i < THREADS; i++)
        ASSERT(pthread_join(t[i], NULL) == 0, "pthread_join %d", i);
    pthread_barrier_destroy(&round_barrier);
    for (int g = 0; g < GROUPS; g++) {
        pthread_mutex_destroy(&handoffs[g].mu);
        pthread_cond_destroy(&handoffs[g].cv);
    }
    legacy_exclusion();
    OK(cuModuleUnload(mod));
    OK(cuDevicePrimaryCtxRelease(dev));
    alarm(0);
    free((void *)ptx_text);
    printf("%d threads, %d rounds, %u primary-context synchronisations meanwhile\n", THREADS, rounds, syncs);
    return ct_pass("concurrency");
}
