/*
 * bench-host: runs the kernels of benches/kernels.ptx through the CUDA driver
 * API (whatever libcuda.so.1 it is linked against), verifies them against a
 * host reference and times them next to straightforward OpenMP C versions.
 *
 *   bench-host PTX_FILE [--quick] [--reps N|auto] [NAME...]
 *
 * Names: vector_add saxpy sgemm512 sgemm1024 reduce histogram nbody scan
 * collatz transpose (kernel names are accepted as aliases; "sgemm" = both).
 * One line per benchmark on stdout:
 *   BENCH name=.. size=.. threads=.. emu_s=.. native_s=.. best_s=.. ok=.. maxerr=..
 * See benches/README.md.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cuda.h"

/* ---- helpers ------------------------------------------------------------ */

static void check(CUresult r, const char *call, int line)
{
    if (r == CUDA_SUCCESS) return;
    const char *name = NULL;
    if (cuGetErrorName(r, &name) != CUDA_SUCCESS || !name) name = "(unknown CUresult)";
    fprintf(stderr, "bench-host:%d: %s failed: %s (%d)\n", line, call, name, (int)r);
    exit(1);
}
#define CK(call) check((call), #call, __LINE__)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint32_t lcg_state;
static void lcg_seed(uint32_t s) { lcg_state = s; }
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}
/* uniform in [0,1) from the top 24 bits */
static float lcg_unit(void) { return (float)(lcg() >> 8) * (1.0f / 16777216.0f); }
static float lcg_sym(void) { return 2.0f * lcg_unit() - 1.0f; }

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "bench-host: out of memory (%zu bytes)\n", n); exit(1); }
    memset(p, 0, n); /* first touch outside the timed regions */
    return p;
}

static CUdeviceptr dalloc(size_t bytes)
{
    CUdeviceptr d;
    CK(cuMemAlloc(&d, bytes));
    return d;
}

static CUmodule g_mod;
static int g_quick;
static int g_reps = 1;      /* timed repetitions on the device; 0 = auto */
static int g_all_ok = 1;

static CUfunction getfn(const char *name)
{
    CUfunction f;
    CK(cuModuleGetFunction(&f, g_mod, name));
    return f;
}

static void launch(CUfunction f, unsigned gx, unsigned gy, unsigned bx, unsigned by,
                   unsigned shmem, void **args)
{
    CK(cuLaunchKernel(f, gx, gy, 1, bx, by, 1, shmem, NULL, args, NULL));
}

/* One device "run" of a benchmark: launches (and any host glue) without the
 * final synchronisation. */
typedef void (*dev_fn)(void *ctx);

/* Warm-up run (synchronised, used for verification) then the timed runs;
 * returns seconds per run. */
static double warm_up(dev_fn fn, void *ctx)
{
    double t0 = now();
    fn(ctx);
    CK(cuCtxSynchronize());
    return now() - t0;
}

static double time_device(dev_fn fn, void *ctx, double warm_s)
{
    int reps = g_reps;
    if (reps <= 0) { /* auto: >= 0.2 s in total, at most 5 repetitions */
        reps = warm_s > 0 ? (int)ceil(0.2 / warm_s) : 5;
        if (reps < 1) reps = 1;
        if (reps > 5) reps = 5;
    }
    double t0 = now();
    for (int r = 0; r < reps; ++r) fn(ctx);
    CK(cuCtxSynchronize());
    return (now() - t0) / reps;
}

/* Native timing: the first run counts alone if it takes >= 0.1 s, otherwise
 * it is a warm-up and runs repeat until they total >= 0.1 s. */
typedef void (*host_fn)(void *ctx);
static double time_native(host_fn fn, void *ctx)
{
    double t0 = now();
    fn(ctx);
    double first = now() - t0;
    if (first >= 0.1) return first;
    int runs = 0;
    double total = 0;
    while (total < 0.1 && runs < 100000) {
        t0 = now();
        fn(ctx);
        total += now() - t0;
        ++runs;
    }
    return total / runs;
}

static void report(const char *name, const char *size, long long threads, double emu_s,
                   double native_s, double best_s, int ok, double maxerr)
{
    char best[64];
    if (best_s >= 0) snprintf(best, sizeof best, "%.6g", best_s);
    else snprintf(best, sizeof best, "-");
    printf("BENCH name=%s size=%s threads=%lld emu_s=%.6g native_s=%.6g best_s=%s ok=%d maxerr=%.3g\n",
           name, size, threads, emu_s, native_s, best, ok, maxerr);
    fflush(stdout);
    if (!ok) g_all_ok = 0;
}

static unsigned cdiv(long long a, long long b) { return (unsigned)((a + b - 1) / b); }

/* ---- vector_add ----------------------------------------------------------- */

struct vadd { int n; CUfunction f; CUdeviceptr a, b, c; const float *ha, *hb; float *hc; };

static void vadd_dev(void *p)
{
    struct vadd *s = p;
    void *args[] = { &s->a, &s->b, &s->c, &s->n };
    launch(s->f, cdiv(s->n, 256), 1, 256, 1, 0, args);
}

static void vadd_native(void *p)
{
    struct vadd *s = p;
    const float *a = s->ha, *b = s->hb;
    float *c = s->hc;
    int n = s->n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) c[i] = a[i] + b[i];
}

static void bench_vector_add(void)
{
    struct vadd s;
    s.n = g_quick ? 4194304 / 16 : 4194304;
    size_t bytes = (size_t)s.n * sizeof(float);
    float *a = xmalloc(bytes), *b = xmalloc(bytes), *c = xmalloc(bytes), *ref = xmalloc(bytes);
    lcg_seed(1);
    for (int i = 0; i < s.n; ++i) { a[i] = lcg_sym(); b[i] = lcg_sym(); }
    s.f = getfn("vector_add");
    s.a = dalloc(bytes); s.b = dalloc(bytes); s.c = dalloc(bytes);
    CK(cuMemcpyHtoD(s.a, a, bytes));
    CK(cuMemcpyHtoD(s.b, b, bytes));
    double w = warm_up(vadd_dev, &s);
    CK(cuMemcpyDtoH(c, s.c, bytes));
    double emu = time_device(vadd_dev, &s, w);

    double maxerr = 0;
    for (int i = 0; i < s.n; ++i) {
        double r = (double)a[i] + (double)b[i];
        ref[i] = (float)r;
        double e = fabs((double)c[i] - r) / fmax(fabs(r), 1e-30);
        if (!(e <= maxerr)) maxerr = isnan(e) ? INFINITY : e;
    }
    s.ha = a; s.hb = b; s.hc = ref;
    double nat = time_native(vadd_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("vector_add", size, (long long)cdiv(s.n, 256) * 256, emu, nat, -1, maxerr <= 1e-4, maxerr);
    CK(cuMemFree(s.a)); CK(cuMemFree(s.b)); CK(cuMemFree(s.c));
    free(a); free(b); free(c); free(ref);
}

/* ---- saxpy ---------------------------------------------------------------- */

struct saxpy { int n; float alpha; CUfunction f; CUdeviceptr x, y; const float *hx; float *hy; };

static void saxpy_dev(void *p)
{
    struct saxpy *s = p;
    void *args[] = { &s->n, &s->alpha, &s->x, &s->y };
    launch(s->f, cdiv(s->n, 256), 1, 256, 1, 0, args);
}

static void saxpy_native(void *p)
{
    struct saxpy *s = p;
    const float *x = s->hx;
    float *y = s->hy;
    float alpha = s->alpha;
    int n = s->n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) y[i] = alpha * x[i] + y[i];
}

static void bench_saxpy(void)
{
    struct saxpy s;
    s.n = g_quick ? 4194304 / 16 : 4194304;
    s.alpha = 1.5f;
    size_t bytes = (size_t)s.n * sizeof(float);
    float *x = xmalloc(bytes), *y = xmalloc(bytes), *out = xmalloc(bytes), *scratch = xmalloc(bytes);
    lcg_seed(2);
    for (int i = 0; i < s.n; ++i) { x[i] = lcg_sym(); y[i] = lcg_sym(); }
    s.f = getfn("saxpy");
    s.x = dalloc(bytes); s.y = dalloc(bytes);
    CK(cuMemcpyHtoD(s.x, x, bytes));
    CK(cuMemcpyHtoD(s.y, y, bytes));
    double w = warm_up(saxpy_dev, &s);
    CK(cuMemcpyDtoH(out, s.y, bytes));
    double emu = time_device(saxpy_dev, &s, w); /* keeps updating y in place */

    double maxerr = 0;
    for (int i = 0; i < s.n; ++i) {
        double r = (double)s.alpha * x[i] + y[i];
        double e = fabs((double)out[i] - r) / fmax(fabs(r), 1e-6);
        if (!(e <= maxerr)) maxerr = isnan(e) ? INFINITY : e;
    }
    memcpy(scratch, y, bytes);
    s.hx = x; s.hy = scratch;
    double nat = time_native(saxpy_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("saxpy", size, (long long)cdiv(s.n, 256) * 256, emu, nat, -1, maxerr <= 1e-4, maxerr);
    CK(cuMemFree(s.x)); CK(cuMemFree(s.y));
    free(x); free(y); free(out); free(scratch);
}

/* ---- sgemm ---------------------------------------------------------------- */

struct sgemm { int n; CUfunction f; CUdeviceptr A, B, C; const float *hA, *hB; float *hC; };

static void sgemm_dev(void *p)
{
    struct sgemm *s = p;
    void *args[] = { &s->A, &s->B, &s->C, &s->n };
    launch(s->f, s->n / 16, s->n / 16, 16, 16, 0, args);
}

/* The first version: one dot product per output element (i-j-k). */
static void sgemm_naive(void *p)
{
    struct sgemm *s = p;
    const float *A = s->hA, *B = s->hB;
    float *C = s->hC;
    int n = s->n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < n; ++k) acc += A[i * n + k] * B[k * n + j];
            C[i * n + j] = acc;
        }
}

/* The best simple version: i-k-j, unit-stride vectorisable inner loop. */
static void sgemm_ikj(void *p)
{
    struct sgemm *s = p;
    const float *A = s->hA, *B = s->hB;
    float *C = s->hC;
    int n = s->n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) {
        float *c = C + (size_t)i * n;
        for (int j = 0; j < n; ++j) c[j] = 0.0f;
        for (int k = 0; k < n; ++k) {
            float a = A[i * n + k];
            const float *b = B + (size_t)k * n;
            for (int j = 0; j < n; ++j) c[j] += a * b[j];
        }
    }
}

static void bench_sgemm(const char *name, int n)
{
    struct sgemm s;
    s.n = n;
    size_t elems = (size_t)n * n, bytes = elems * sizeof(float);
    float *A = xmalloc(bytes), *B = xmalloc(bytes), *C = xmalloc(bytes), *ref = xmalloc(bytes),
          *nat_out = xmalloc(bytes);
    lcg_seed(3 + (uint32_t)n);
    for (size_t i = 0; i < elems; ++i) { A[i] = lcg_sym(); B[i] = lcg_sym(); }
    s.f = getfn("sgemm_tiled");
    s.A = dalloc(bytes); s.B = dalloc(bytes); s.C = dalloc(bytes);
    CK(cuMemcpyHtoD(s.A, A, bytes));
    CK(cuMemcpyHtoD(s.B, B, bytes));
    double w = warm_up(sgemm_dev, &s);
    CK(cuMemcpyDtoH(C, s.C, bytes));
    double emu = time_device(sgemm_dev, &s, w);

    s.hA = A; s.hB = B;
    s.hC = ref;
    double best = time_native(sgemm_ikj, &s); /* also the reference */
    s.hC = nat_out;
    double nat = time_native(sgemm_naive, &s);

    double maxref = 0, maxdiff = 0;
    for (size_t i = 0; i < elems; ++i) {
        maxref = fmax(maxref, fabs((double)ref[i]));
        double d = fabs((double)C[i] - ref[i]);
        if (!(d <= maxdiff)) maxdiff = isnan(d) ? INFINITY : d;
    }
    double maxerr = maxdiff / fmax(maxref, 1e-30);
    char size[64];
    snprintf(size, sizeof size, "%dx%d", n, n);
    report(name, size, (long long)elems, emu, nat, best, maxerr <= 1e-3, maxerr);
    CK(cuMemFree(s.A)); CK(cuMemFree(s.B)); CK(cuMemFree(s.C));
    free(A); free(B); free(C); free(ref); free(nat_out);
}

/* ---- reduce --------------------------------------------------------------- */

struct reduce { int n; unsigned grid; CUfunction f; CUdeviceptr in, out; const float *hin; float result; };

static void reduce_dev(void *p)
{
    struct reduce *s = p;
    CK(cuMemsetD32(s->out, 0, 1));
    void *args[] = { &s->in, &s->out, &s->n };
    launch(s->f, s->grid, 1, 256, 1, 0, args);
}

static void reduce_native(void *p)
{
    struct reduce *s = p;
    const float *in = s->hin;
    int n = s->n;
    float sum = 0.0f;
#pragma omp parallel for reduction(+ : sum)
    for (int i = 0; i < n; ++i) sum += in[i];
    s->result = sum;
}

static void bench_reduce(void)
{
    struct reduce s;
    s.n = g_quick ? 16777216 / 16 : 16777216;
    s.grid = cdiv(s.n, 256);
    if (s.grid > 1024) s.grid = 1024; /* grid-stride: 64 elements per thread at full size */
    size_t bytes = (size_t)s.n * sizeof(float);
    float *in = xmalloc(bytes);
    lcg_seed(4);
    for (int i = 0; i < s.n; ++i) in[i] = lcg_unit();
    s.f = getfn("reduce_shfl");
    s.in = dalloc(bytes); s.out = dalloc(sizeof(float));
    CK(cuMemcpyHtoD(s.in, in, bytes));
    double w = warm_up(reduce_dev, &s);
    float got;
    CK(cuMemcpyDtoH(&got, s.out, sizeof got));
    double emu = time_device(reduce_dev, &s, w);

    double ref = 0;
    for (int i = 0; i < s.n; ++i) ref += in[i];
    double maxerr = fabs((double)got - ref) / fmax(fabs(ref), 1e-30);
    if (isnan(maxerr)) maxerr = INFINITY;
    s.hin = in;
    double nat = time_native(reduce_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("reduce", size, (long long)s.grid * 256, emu, nat, -1, maxerr <= 1e-3, maxerr);
    CK(cuMemFree(s.in)); CK(cuMemFree(s.out));
    free(in);
}

/* ---- histogram ------------------------------------------------------------ */

struct hist { int n; unsigned grid; CUfunction f; CUdeviceptr in, bins; const unsigned *hin; unsigned *hbins; };

static void hist_dev(void *p)
{
    struct hist *s = p;
    CK(cuMemsetD32(s->bins, 0, 256));
    void *args[] = { &s->in, &s->bins, &s->n };
    launch(s->f, s->grid, 1, 256, 1, 0, args);
}

/* OpenMP array-section reduction: each thread its private bins. */
static void hist_native(void *p)
{
    struct hist *s = p;
    const unsigned *in = s->hin;
    unsigned *bins = s->hbins;
    int n = s->n;
    for (int b = 0; b < 256; ++b) bins[b] = 0;
#pragma omp parallel for reduction(+ : bins[:256])
    for (int i = 0; i < n; ++i) bins[in[i] & 255u]++;
}

static void bench_histogram(void)
{
    struct hist s;
    s.n = g_quick ? 16777216 / 16 : 16777216;
    s.grid = cdiv(s.n, 256);
    if (s.grid > 1024) s.grid = 1024;
    size_t bytes = (size_t)s.n * sizeof(unsigned);
    unsigned *in = xmalloc(bytes), got[256], ref[256], nat_bins[256];
    lcg_seed(5);
    for (int i = 0; i < s.n; ++i) in[i] = lcg();
    s.f = getfn("histogram_shared");
    s.in = dalloc(bytes); s.bins = dalloc(256 * sizeof(unsigned));
    CK(cuMemcpyHtoD(s.in, in, bytes));
    double w = warm_up(hist_dev, &s);
    CK(cuMemcpyDtoH(got, s.bins, sizeof got));
    double emu = time_device(hist_dev, &s, w);

    memset(ref, 0, sizeof ref);
    for (int i = 0; i < s.n; ++i) ref[in[i] & 255u]++;
    double maxerr = 0;
    for (int b = 0; b < 256; ++b) maxerr = fmax(maxerr, fabs((double)got[b] - (double)ref[b]));
    s.hin = in; s.hbins = nat_bins;
    double nat = time_native(hist_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("histogram", size, (long long)s.grid * 256, emu, nat, -1, maxerr == 0, maxerr);
    CK(cuMemFree(s.in)); CK(cuMemFree(s.bins));
    free(in);
}

/* ---- nbody ---------------------------------------------------------------- */

struct nbody { int n; float eps2; CUfunction f; CUdeviceptr pos, acc; const float *hpos; float *hacc; };

static void nbody_dev(void *p)
{
    struct nbody *s = p;
    void *args[] = { &s->pos, &s->acc, &s->n, &s->eps2 };
    launch(s->f, cdiv(s->n, 256), 1, 256, 1, 256 * 4 * sizeof(float), args);
}

static void nbody_native(void *p)
{
    struct nbody *s = p;
    const float *pos = s->hpos;
    float *acc = s->hacc;
    int n = s->n;
    float eps2 = s->eps2;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) {
        float px = pos[4 * i], py = pos[4 * i + 1], pz = pos[4 * i + 2];
        float ax = 0, ay = 0, az = 0;
        for (int j = 0; j < n; ++j) {
            float rx = pos[4 * j] - px, ry = pos[4 * j + 1] - py, rz = pos[4 * j + 2] - pz;
            float d2 = rx * rx + ry * ry + rz * rz + eps2;
            float inv = 1.0f / sqrtf(d2);
            float sc = pos[4 * j + 3] * inv * inv * inv;
            ax += rx * sc; ay += ry * sc; az += rz * sc;
        }
        acc[4 * i] = ax; acc[4 * i + 1] = ay; acc[4 * i + 2] = az; acc[4 * i + 3] = 0;
    }
}

static void bench_nbody(void)
{
    struct nbody s;
    s.n = g_quick ? 1024 : 4096;
    s.eps2 = 0.01f;
    size_t bytes = (size_t)s.n * 4 * sizeof(float);
    float *pos = xmalloc(bytes), *got = xmalloc(bytes), *nat_acc = xmalloc(bytes);
    double *ref = xmalloc((size_t)s.n * 3 * sizeof(double));
    lcg_seed(6);
    for (int i = 0; i < s.n; ++i) {
        pos[4 * i] = lcg_sym(); pos[4 * i + 1] = lcg_sym(); pos[4 * i + 2] = lcg_sym();
        pos[4 * i + 3] = 0.5f + lcg_unit();
    }
    s.f = getfn("nbody_step");
    s.pos = dalloc(bytes); s.acc = dalloc(bytes);
    CK(cuMemcpyHtoD(s.pos, pos, bytes));
    double w = warm_up(nbody_dev, &s);
    CK(cuMemcpyDtoH(got, s.acc, bytes));
    double emu = time_device(nbody_dev, &s, w);

    /* double-precision reference */
    int n = s.n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) {
        double ax = 0, ay = 0, az = 0;
        for (int j = 0; j < n; ++j) {
            double rx = (double)pos[4 * j] - pos[4 * i], ry = (double)pos[4 * j + 1] - pos[4 * i + 1],
                   rz = (double)pos[4 * j + 2] - pos[4 * i + 2];
            double d2 = rx * rx + ry * ry + rz * rz + (double)s.eps2;
            double inv = 1.0 / sqrt(d2);
            double sc = pos[4 * j + 3] * inv * inv * inv;
            ax += rx * sc; ay += ry * sc; az += rz * sc;
        }
        ref[3 * i] = ax; ref[3 * i + 1] = ay; ref[3 * i + 2] = az;
    }
    double maxref = 0, maxdiff = 0;
    for (int i = 0; i < n; ++i) {
        for (int c = 0; c < 3; ++c) {
            maxref = fmax(maxref, fabs(ref[3 * i + c]));
            double d = fabs((double)got[4 * i + c] - ref[3 * i + c]);
            if (!(d <= maxdiff)) maxdiff = isnan(d) ? INFINITY : d;
        }
        if (got[4 * i + 3] != 0.0f) maxdiff = INFINITY;
    }
    double maxerr = maxdiff / fmax(maxref, 1e-30);
    s.hpos = pos; s.hacc = nat_acc;
    double nat = time_native(nbody_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("nbody", size, (long long)cdiv(s.n, 256) * 256, emu, nat, -1, maxerr <= 1e-3, maxerr);
    CK(cuMemFree(s.pos)); CK(cuMemFree(s.acc));
    free(pos); free(got); free(nat_acc); free(ref);
}

/* ---- scan ----------------------------------------------------------------- */

struct scan {
    int n, nblocks;
    CUfunction f_block, f_add;
    CUdeviceptr in, out, sums, prefix;
    unsigned *hsums, *hprefix;
    const unsigned *hin;
    unsigned *hout;
};

/* Both kernels plus the host glue between them (block totals down, CPU
 * exclusive scan, block prefixes up). */
static void scan_dev(void *p)
{
    struct scan *s = p;
    void *a1[] = { &s->in, &s->out, &s->sums, &s->n };
    launch(s->f_block, s->nblocks, 1, 1024, 1, 0, a1);
    CK(cuMemcpyDtoH(s->hsums, s->sums, (size_t)s->nblocks * sizeof(unsigned)));
    unsigned run = 0;
    for (int b = 0; b < s->nblocks; ++b) { s->hprefix[b] = run; run += s->hsums[b]; }
    CK(cuMemcpyHtoD(s->prefix, s->hprefix, (size_t)s->nblocks * sizeof(unsigned)));
    void *a2[] = { &s->out, &s->prefix, &s->n };
    launch(s->f_add, s->nblocks, 1, 1024, 1, 0, a2);
}

/* Same three phases on the host: blocks of 1024 scanned in parallel, block
 * prefixes serially, offsets added in parallel. */
static void scan_native(void *p)
{
    struct scan *s = p;
    const unsigned *in = s->hin;
    unsigned *out = s->hout, *sums = s->hsums;
    int n = s->n, nb = s->nblocks;
#pragma omp parallel for
    for (int b = 0; b < nb; ++b) {
        unsigned run = 0;
        int end = (b + 1) * 1024 < n ? (b + 1) * 1024 : n;
        for (int i = b * 1024; i < end; ++i) { run += in[i]; out[i] = run; }
        sums[b] = run;
    }
    unsigned run = 0;
    for (int b = 0; b < nb; ++b) { unsigned t = sums[b]; sums[b] = run; run += t; }
#pragma omp parallel for
    for (int i = 0; i < n; ++i) out[i] += sums[i / 1024];
}

static void bench_scan(void)
{
    struct scan s;
    s.n = g_quick ? 4194304 / 16 : 4194304;
    s.nblocks = (int)cdiv(s.n, 1024);
    size_t bytes = (size_t)s.n * sizeof(unsigned), sbytes = (size_t)s.nblocks * sizeof(unsigned);
    unsigned *in = xmalloc(bytes), *got = xmalloc(bytes), *nat_out = xmalloc(bytes);
    s.hsums = xmalloc(sbytes); s.hprefix = xmalloc(sbytes);
    lcg_seed(7);
    for (int i = 0; i < s.n; ++i) in[i] = lcg() >> 24;
    s.f_block = getfn("scan_block");
    s.f_add = getfn("scan_add");
    s.in = dalloc(bytes); s.out = dalloc(bytes); s.sums = dalloc(sbytes); s.prefix = dalloc(sbytes);
    CK(cuMemcpyHtoD(s.in, in, bytes));
    double w = warm_up(scan_dev, &s);
    CK(cuMemcpyDtoH(got, s.out, bytes));
    double emu = time_device(scan_dev, &s, w);

    unsigned run = 0;
    double maxerr = 0;
    for (int i = 0; i < s.n; ++i) {
        run += in[i];
        if (got[i] != run) maxerr = fmax(maxerr, fabs((double)got[i] - (double)run));
    }
    s.hin = in; s.hout = nat_out;
    double nat = time_native(scan_native, &s);
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("scan", size, (long long)s.nblocks * 1024, emu, nat, -1, maxerr == 0, maxerr);
    CK(cuMemFree(s.in)); CK(cuMemFree(s.out)); CK(cuMemFree(s.sums)); CK(cuMemFree(s.prefix));
    free(in); free(got); free(nat_out); free(s.hsums); free(s.hprefix);
}

/* ---- collatz -------------------------------------------------------------- */

struct collatz { int n; CUfunction f; CUdeviceptr start, steps; const unsigned *hstart; unsigned *hsteps; };

static void collatz_dev(void *p)
{
    struct collatz *s = p;
    void *args[] = { &s->start, &s->steps, &s->n };
    launch(s->f, cdiv(s->n, 256), 1, 256, 1, 0, args);
}

static void collatz_native(void *p)
{
    struct collatz *s = p;
    const unsigned *start = s->hstart;
    unsigned *steps = s->hsteps;
    int n = s->n;
#pragma omp parallel for
    for (int i = 0; i < n; ++i) {
        unsigned long long x = start[i];
        unsigned c = 0;
        while (x > 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; ++c; }
        steps[i] = c;
    }
}

static void bench_collatz(void)
{
    struct collatz s;
    s.n = g_quick ? 1048576 / 16 : 1048576;
    size_t bytes = (size_t)s.n * sizeof(unsigned);
    unsigned *start = xmalloc(bytes), *got = xmalloc(bytes), *ref = xmalloc(bytes);
    for (int i = 0; i < s.n; ++i) start[i] = (unsigned)i + 1;
    s.f = getfn("collatz");
    s.start = dalloc(bytes); s.steps = dalloc(bytes);
    CK(cuMemcpyHtoD(s.start, start, bytes));
    double w = warm_up(collatz_dev, &s);
    CK(cuMemcpyDtoH(got, s.steps, bytes));
    double emu = time_device(collatz_dev, &s, w);

    s.hstart = start; s.hsteps = ref;
    double nat = time_native(collatz_native, &s); /* its output is the reference */
    double maxerr = 0;
    for (int i = 0; i < s.n; ++i)
        if (got[i] != ref[i]) maxerr = fmax(maxerr, fabs((double)got[i] - (double)ref[i]));
    char size[64];
    snprintf(size, sizeof size, "n=%d", s.n);
    report("collatz", size, (long long)cdiv(s.n, 256) * 256, emu, nat, -1, maxerr == 0, maxerr);
    CK(cuMemFree(s.start)); CK(cuMemFree(s.steps));
    free(start); free(got); free(ref);
}

/* ---- transpose ------------------------------------------------------------ */

struct transp { int w, h; CUfunction f; CUdeviceptr in, out; const float *hin; float *hout; };

static void transp_dev(void *p)
{
    struct transp *s = p;
    void *args[] = { &s->in, &s->out, &s->w, &s->h };
    launch(s->f, cdiv(s->w, 32), cdiv(s->h, 32), 32, 8, 0, args);
}

static void transp_native(void *p)
{
    struct transp *s = p;
    const float *in = s->hin;
    float *out = s->hout;
    int w = s->w, h = s->h;
#pragma omp parallel for
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) out[(size_t)x * h + y] = in[(size_t)y * w + x];
}

static void bench_transpose(void)
{
    struct transp s;
    s.w = s.h = g_quick ? 512 : 2048;
    size_t elems = (size_t)s.w * s.h, bytes = elems * sizeof(float);
    float *in = xmalloc(bytes), *got = xmalloc(bytes), *nat_out = xmalloc(bytes);
    lcg_seed(9);
    for (size_t i = 0; i < elems; ++i) in[i] = lcg_sym();
    s.f = getfn("transpose");
    s.in = dalloc(bytes); s.out = dalloc(bytes);
    CK(cuMemcpyHtoD(s.in, in, bytes));
    double w = warm_up(transp_dev, &s);
    CK(cuMemcpyDtoH(got, s.out, bytes));
    double emu = time_device(transp_dev, &s, w);

    double maxerr = 0;
    for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x) {
            float r = in[(size_t)y * s.w + x], g = got[(size_t)x * s.h + y];
            if (memcmp(&r, &g, sizeof r) != 0) {
                double d = fabs((double)g - r);
                maxerr = fmax(maxerr, isnan(d) ? INFINITY : (d > 0 ? d : INFINITY));
            }
        }
    s.hin = in; s.hout = nat_out;
    double nat = time_native(transp_native, &s);
    char size[64];
    snprintf(size, sizeof size, "%dx%d", s.w, s.h);
    report("transpose", size, (long long)cdiv(s.w, 32) * cdiv(s.h, 32) * 256, emu, nat, -1,
           maxerr == 0, maxerr);
    CK(cuMemFree(s.in)); CK(cuMemFree(s.out));
    free(in); free(got); free(nat_out);
}

/* ---- costs that scale (issue 7 item 4) ------------------------------------ */

/* Empty-kernel launch + cuCtxSynchronize, launches alone (one sync at the
   end), and launch + sync of a 64-CTA grid, in microseconds per launch. */
static void cost_launch(void)
{
    CUfunction f = getfn("empty_kernel");
    const int n = g_quick ? 500 : 5000;
    for (int i = 0; i < 100; ++i) {
        CK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
        CK(cuCtxSynchronize());
    }
    double t0 = now();
    for (int i = 0; i < n; ++i) {
        CK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
        CK(cuCtxSynchronize());
    }
    double sync_us = (now() - t0) / n * 1e6;
    t0 = now();
    for (int i = 0; i < n; ++i)
        CK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
    CK(cuCtxSynchronize());
    double async_us = (now() - t0) / n * 1e6;
    /* A grid of 64 CTAs: every worker thread takes part. */
    t0 = now();
    for (int i = 0; i < n; ++i) {
        CK(cuLaunchKernel(f, 64, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL));
        CK(cuCtxSynchronize());
    }
    double grid_us = (now() - t0) / n * 1e6;
    printf("COST name=launch_sync us=%.3f launches=%d\n", sync_us, n);
    printf("COST name=launch_async us=%.3f launches=%d\n", async_us, n);
    printf("COST name=launch_sync_grid64 us=%.3f launches=%d\n", grid_us, n);
    fflush(stdout);
}

/* cuModuleLoadData + cuModuleUnload of a large PTX file, in seconds. */
static void cost_module_load(const char *path, const char *text)
{
    CUmodule m;
    double t0 = now();
    CK(cuModuleLoadData(&m, text));
    double load = now() - t0;
    CK(cuModuleUnload(m));
    printf("COST name=module_load bytes=%zu s=%.4f file=%s\n", strlen(text), load, path);
    fflush(stdout);
}

/* Peak resident memory of this process so far (kB), from /proc. */
static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb;
}

/* ---- driver --------------------------------------------------------------- */

static void run_sgemm512(void) { bench_sgemm("sgemm512", g_quick ? 128 : 512); }
static void run_sgemm1024(void) { bench_sgemm("sgemm1024", g_quick ? 256 : 1024); }

static const struct { const char *name, *alias; void (*fn)(void); } benches[] = {
    { "vector_add", "vector_add", bench_vector_add },
    { "saxpy", "saxpy", bench_saxpy },
    { "sgemm512", "sgemm", run_sgemm512 },
    { "sgemm1024", "sgemm", run_sgemm1024 },
    { "reduce", "reduce_shfl", bench_reduce },
    { "histogram", "histogram_shared", bench_histogram },
    { "nbody", "nbody_step", bench_nbody },
    { "scan", "scan_block", bench_scan },
    { "collatz", "collatz", bench_collatz },
    { "transpose", "transpose", bench_transpose },
};
#define NBENCH ((int)(sizeof benches / sizeof benches[0]))

static void usage(void)
{
    fprintf(stderr, "usage: bench-host PTX_FILE [--quick] [--reps N|auto] [--costs] [--big-ptx FILE] [NAME...]\n"
                    "  --costs: launch overhead (and module load time of --big-ptx FILE), no kernels unless named\nnames:");
    for (int i = 0; i < NBENCH; ++i) fprintf(stderr, " %s", benches[i].name);
    fprintf(stderr, "\n");
    exit(2);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xmalloc((size_t)len + 1);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) { perror(path); exit(1); }
    buf[len] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const char *ptx_path = NULL, *big_ptx = NULL;
    int selected[NBENCH] = { 0 }, any = 0, costs = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--quick")) g_quick = 1;
        else if (!strcmp(argv[i], "--costs")) costs = 1;
        else if (!strcmp(argv[i], "--big-ptx")) {
            if (++i >= argc) usage();
            big_ptx = argv[i];
        }
        else if (!strcmp(argv[i], "--reps")) {
            if (++i >= argc) usage();
            g_reps = !strcmp(argv[i], "auto") ? 0 : atoi(argv[i]);
            if (g_reps < 0) usage();
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) usage();
        else if (!ptx_path) ptx_path = argv[i];
        else {
            int found = 0;
            for (int b = 0; b < NBENCH; ++b)
                if (!strcmp(argv[i], benches[b].name) || !strcmp(argv[i], benches[b].alias)) {
                    selected[b] = 1;
                    found = 1;
                }
            if (!found) { fprintf(stderr, "bench-host: unknown benchmark '%s'\n", argv[i]); usage(); }
            any = 1;
        }
    }
    if (!ptx_path) usage();
    char *ptx = read_file(ptx_path);

    CUdevice dev;
    CUcontext ctx;
    CK(cuInit(0));
    CK(cuDeviceGet(&dev, 0));
    CK(cuCtxCreate(&ctx, NULL, 0, dev));
    CK(cuModuleLoadData(&g_mod, ptx));
    char devname[256];
    CK(cuDeviceGetName(devname, sizeof devname, dev));
    fprintf(stderr, "bench-host: device \"%s\", %s sizes, reps=%s\n", devname,
            g_quick ? "quick" : "full", g_reps ? "fixed" : "auto");

    if (costs) {
        cost_launch();
        if (big_ptx) {
            char *text = read_file(big_ptx);
            cost_module_load(big_ptx, text);
            free(text);
        }
    }
    for (int b = 0; b < NBENCH; ++b)
        if ((!any && !costs) || selected[b]) benches[b].fn();
    printf("COST name=peak_rss kb=%ld\n", peak_rss_kb());

    CK(cuModuleUnload(g_mod));
    CK(cuCtxDestroy(ctx));
    free(ptx);
    return g_all_ok ? 0 : 1;
}
