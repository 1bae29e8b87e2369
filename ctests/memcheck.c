/*
 * SOFTCUDA_MEMCHECK=1: out-of-bounds and freed-memory accesses, reads of
 * never-written device memory and shared-memory races are reported in the
 * log SOFTCUDA_MEMCHECK_LOG names; correct programs get no report.
 *
 * Each case runs in a fresh context (a kernel fault is sticky for its
 * context) and then reads the log: how many reports it added and what they
 * say. Usage: memcheck kernels.ptx (with both variables set). On a driver
 * other than softcuda it checks nothing and passes.
 */
#include <stdarg.h>
#include "common.h"

static char *ptx;
static const char *log_path;
static size_t log_seen; /* bytes of the log already checked */
static CUdevice dev;

/* What the log gained since the last call (a heap string). */
static char *log_new(void)
{
    FILE *f = fopen(log_path, "rb");
    char *text = calloc(1, 1);
    if (f == NULL)
        return text;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    free(text);
    text = calloc((size_t)n + 1, 1);
    ASSERT(text != NULL, "out of memory");
    size_t got = fread(text, 1, (size_t)n, f);
    fclose(f);
    ASSERT(got >= log_seen, "the log shrank");
    char *fresh = strdup(text + log_seen);
    log_seen = got;
    free(text);
    return fresh;
}

/* Reports in `text`: each ends with a line that is exactly "=========". */
static int count_reports(const char *text)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, "=========\n")) != NULL; p += 10)
        if (p == text || p[-1] == '\n')
            n++;
    return n;
}

/* The log since the last check must hold `reports` reports, containing
   every string of the NULL-terminated list. */
static void expect(const char *name, int reports, ...)
{
    char *text = log_new();
    int n = count_reports(text);
    ASSERT(n == reports, "%s: %d reports, expected %d; log:\n%s", name, n, reports, text);
    va_list ap;
    va_start(ap, reports);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        ASSERT(strstr(text, s) != NULL, "%s: the report lacks \"%s\"; log:\n%s", name, s, text);
    va_end(ap);
    printf("%-28s ok   %d report(s)\n", name, n);
    free(text);
}

static CUcontext fresh(CUmodule *mod)
{
    CUcontext ctx;
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuModuleLoadData(mod, ptx));
    return ctx;
}

static CUresult launch(CUmodule mod, const char *kernel, unsigned threads, void **args)
{
    CUfunction f;
    OK(cuModuleGetFunction(&f, mod, kernel));
    CUresult r = cuLaunchKernel(f, 1, 1, 1, threads, 1, 1, 0, NULL, args, NULL);
    return r ? r : cuCtxSynchronize();
}

static CUdeviceptr alloc_filled(size_t bytes)
{
    CUdeviceptr p;
    OK(cuMemAlloc(&p, bytes));
    OK(cuMemsetD8(p, 7, bytes));
    return p;
}

int main(int argc, char **argv)
{
    size_t len;
    CUmodule mod;
    CUcontext ctx;
    ASSERT(argc > 1, "usage: memcheck kernels.ptx");
    ptx = ct_read_file(argv[1], &len);
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    if (!ct_is_softcuda()) {
        printf("not softcuda: nothing to check\nPASS memcheck\n");
        return 0;
    }
    log_path = getenv("SOFTCUDA_MEMCHECK_LOG");
    ASSERT(log_path != NULL && getenv("SOFTCUDA_MEMCHECK") != NULL, "run with SOFTCUDA_MEMCHECK=1 SOFTCUDA_MEMCHECK_LOG=<file>");

    /* A read just past the end of a 400-byte buffer. */
    ctx = fresh(&mod);
    {
        CUdeviceptr buf = alloc_filled(400), dst = alloc_filled(4), past = buf + 400;
        void *args[] = { &dst, &past };
        CHECK(launch(mod, "copy_word", 1, args), CUDA_ERROR_ILLEGAL_ADDRESS);
        expect("read_past_end", 1, "Invalid __global__ read of size 4 bytes", "at copy_word (PTX line",
               "kernels.cu:", "by thread (0,0,0) in block (0,0,0)",
               "Access to 0x", "is out of bounds", "1 bytes after the nearest allocation", "of size 400 bytes", NULL);
    }
    OK(cuCtxDestroy(ctx));

    /* A write 16 bytes past the end: the redzone keeps it out of any
       neighbouring allocation. */
    ctx = fresh(&mod);
    {
        CUdeviceptr a = alloc_filled(256), b = alloc_filled(256);
        unsigned long long off = 256 + 16;
        void *args[] = { &a, &off };
        CHECK(launch(mod, "store_at", 1, args), CUDA_ERROR_ILLEGAL_ADDRESS);
        expect("write_past_end", 1, "Invalid __global__ write of size 4 bytes", "17 bytes after", NULL);
        (void)b;
    }
    OK(cuCtxDestroy(ctx));

    /* A read of freed memory. */
    ctx = fresh(&mod);
    {
        CUdeviceptr src = alloc_filled(64), dst = alloc_filled(4);
        OK(cuMemFree(src));
        void *args[] = { &dst, &src };
        CHECK(launch(mod, "copy_word", 1, args), CUDA_ERROR_ILLEGAL_ADDRESS);
        expect("use_after_free", 1, "Invalid __global__ read", "which was freed (use after free)", NULL);
    }
    OK(cuCtxDestroy(ctx));

    ctx = fresh(&mod);
    {
        /* A read of memory nobody wrote: reported, the kernel goes on. */
        CUdeviceptr src, dst = alloc_filled(4);
        OK(cuMemAlloc(&src, 64));
        void *args[] = { &dst, &src };
        OK(launch(mod, "copy_word", 1, args));
        expect("uninitialised_read", 1, "Uninitialized __global__ memory read of size 4 bytes",
               "was never written", "kernels.cu:", NULL);

        /* Written by a copy, a memset or an earlier kernel: no report. */
        CUdeviceptr a, b, c, d;
        unsigned v = 5, out = 0;
        OK(cuMemAlloc(&a, 4));
        OK(cuMemAlloc(&b, 4));
        OK(cuMemAlloc(&c, 4));
        OK(cuMemAlloc(&d, 4));
        OK(cuMemcpyHtoD(a, &v, 4));
        OK(cuMemsetD32(b, 9, 1));
        void *a_to_c[] = { &c, &a }, *c_to_d[] = { &d, &c }, *b_to_a[] = { &a, &b };
        OK(launch(mod, "copy_word", 1, a_to_c));
        OK(launch(mod, "copy_word", 1, c_to_d));
        OK(launch(mod, "copy_word", 1, b_to_a));
        OK(cuMemcpyDtoH(&out, d, 4));
        ASSERT(out == 5, "copied %u", out);
        expect("written_memory", 0, NULL);
    }
    OK(cuCtxDestroy(ctx));

    ctx = fresh(&mod);
    {
        /* Warps read shared words another warp writes, with no barrier. */
        CUdeviceptr out = alloc_filled(64 * 4);
        int sync = 0;
        void *args[] = { &out, &sync };
        OK(launch(mod, "race_shared", 64, args));
        /* Warp 0 reads words warp 1 writes later (write after read);
           warp 1 reads words warp 0 wrote (read after write): 64 hazards
           between the same two lines, one report (as compute-sanitizer
           groups them). */
        expect("shared_race", 1, "Error: Race reported between", "hazard on __shared__ memory",
               "race_shared (PTX line", "kernels.cu:", "63 more race hazards between PTX lines", NULL);

        /* The same with __syncthreads(): no report, and the right values. */
        sync = 1;
        OK(launch(mod, "race_shared", 64, args));
        int got[64];
        OK(cuMemcpyDtoH(got, out, sizeof got));
        for (int i = 0; i < 64; i++)
            ASSERT(got[i] == (i + 32) % 64, "out[%d] = %d", i, got[i]);
        expect("shared_with_barrier", 0, NULL);
    }
    OK(cuCtxDestroy(ctx));

    printf("PASS memcheck\n");
    return 0;
}
