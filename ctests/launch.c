/*
 * Modules and launches: kernelParams and `extra` argument passing, function
 * lookup and attributes, events, module globals, JIT error logs, and a
 * faulting kernel whose error sticks to the context.
 *
 * Usage: launch path/to/kernels.ptx
 */
#include "common.h"

#define N 1000
#define BLOCK 128
#define GRID ((N + BLOCK - 1) / BLOCK)

/* A PTX module with an unknown instruction on line BAD_LINE. */
#define BAD_LINE 9
static const char bad_ptx[] =
    ".version 7.0\n"                              /* 1 */
    ".target sm_75\n"                             /* 2 */
    ".address_size 64\n"                          /* 3 */
    "\n"                                          /* 4 */
    ".visible .entry broken(.param .u64 p)\n"     /* 5 */
    "{\n"                                         /* 6 */
    "    .reg .b32 %r<2>;\n"                      /* 7 */
    "    mov.u32 %r1, 1;\n"                       /* 8 */
    "    frobnicate.u32 %r1, %r1;\n"              /* 9 = BAD_LINE */
    "    ret;\n"                                  /* 10 */
    "}\n";                                        /* 11 */

/* Does the log name line `line`, as "<file>:<line>:" / ":<line>:" or "line <line>"? */
static int mentions_line(const char *log, int line)
{
    char pat[32];
    snprintf(pat, sizeof pat, ":%d:", line);
    if (strstr(log, pat) != NULL)
        return 1;
    for (const char *p = log; (p = strstr(p, "line")) != NULL; p += 4) {
        const char *q = p + 4;
        while (*q == ' ' || *q == '\t')
            q++;
        char *end;
        long v = strtol(q, &end, 10);
        if (end != q && v == line)
            return 1;
    }
    for (const char *p = log; (p = strstr(p, "Line")) != NULL; p += 4) {
        char *end;
        long v = strtol(p + 4, &end, 10);
        if (end != p + 4 && v == line)
            return 1;
    }
    return 0;
}

static void launch_add(CUfunction add, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c, int n, CUstream s)
{
    void *params[] = {&a, &b, &c, &n};
    OK(cuLaunchKernel(add, GRID, 1, 1, BLOCK, 1, 1, 0, s, params, NULL));
}

int main(int argc, char **argv)
{
    const char *ptx_path = ct_ptx_path(argc, argv);
    CUdevice dev;
    CUcontext ctx;
    CUmodule mod, mod2;
    CUfunction add, scale, add_bias, bump_bias, store_at, missing = NULL;

    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));

    /* Load from file and from memory. */
    OK(cuModuleLoad(&mod, ptx_path));
    CHECK(cuModuleLoad(&mod2, "/nonexistent/kernels.ptx"), CUDA_ERROR_FILE_NOT_FOUND);
    char *ptx = ct_read_file(ptx_path, NULL);
    OK(cuModuleLoadData(&mod2, ptx));

    OK(cuModuleGetFunction(&add, mod, "add"));
    OK(cuModuleGetFunction(&scale, mod2, "scale"));
    OK(cuModuleGetFunction(&add_bias, mod, "add_bias"));
    OK(cuModuleGetFunction(&bump_bias, mod, "bump_bias"));
    OK(cuModuleGetFunction(&store_at, mod, "store_at"));
    CHECK(cuModuleGetFunction(&missing, mod, "no_such_kernel"), CUDA_ERROR_NOT_FOUND);
    CHECK(cuModuleGetFunction(&missing, mod, "bias"), CUDA_ERROR_NOT_FOUND); /* a variable, not a kernel */

    int max_threads = 0;
    OK(cuFuncGetAttribute(&max_threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, add));
    ASSERT(max_threads > 0 && max_threads <= 1024, "MAX_THREADS_PER_BLOCK = %d", max_threads);
    OK(cuFuncSetAttribute(add, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 1024));
    int dyn = 0;
    OK(cuFuncGetAttribute(&dyn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, add));
    ASSERT(dyn == 1024, "MAX_DYNAMIC_SHARED_SIZE_BYTES = %d after setting 1024", dyn);

    /* Vector add with kernelParams, bracketed by events. */
    static float ha[N], hb[N], hc[N];
    for (int i = 0; i < N; i++) {
        ha[i] = (float)i;
        hb[i] = 0.5f * (float)i + 1.0f;
    }
    CUdeviceptr da, db, dc;
    OK(cuMemAlloc(&da, sizeof ha));
    OK(cuMemAlloc(&db, sizeof hb));
    OK(cuMemAlloc(&dc, sizeof hc));
    OK(cuMemcpyHtoD(da, ha, sizeof ha));
    OK(cuMemcpyHtoD(db, hb, sizeof hb));
    OK(cuMemsetD32(dc, 0, N));

    CUevent start, stop;
    OK(cuEventCreate(&start, CU_EVENT_DEFAULT));
    OK(cuEventCreate(&stop, CU_EVENT_DEFAULT));
    OK(cuEventRecord(start, NULL));
    launch_add(add, da, db, dc, N, NULL);
    OK(cuEventRecord(stop, NULL));
    OK(cuEventSynchronize(stop));
    OK(cuEventQuery(stop));
    float ms = -1.0f;
    OK(cuEventElapsedTime(&ms, start, stop));
    {
        /* The same event as start and end: 0 ms (and no deadlock). */
        float same = -1.0f;
        OK(cuEventElapsedTime(&same, stop, stop));
        ASSERT(same == 0.0f, "elapsed time of an event to itself: %f", (double)same);
    }
    ASSERT(ms >= 0.0f, "elapsed time %f ms", (double)ms);

    OK(cuMemcpyDtoH(hc, dc, sizeof hc));
    for (int i = 0; i < N; i++)
        ASSERT(hc[i] == ha[i] + hb[i], "add: c[%d] = %f, expected %f", i, (double)hc[i], (double)(ha[i] + hb[i]));

    /* The same kernel on a created stream. */
    CUstream s;
    OK(cuStreamCreate(&s, CU_STREAM_DEFAULT));
    OK(cuMemsetD32(dc, 0, N));
    launch_add(add, da, da, dc, N, s);
    OK(cuStreamSynchronize(s));
    OK(cuMemcpyDtoH(hc, dc, sizeof hc));
    for (int i = 0; i < N; i++)
        ASSERT(hc[i] == 2.0f * ha[i], "add on stream: c[%d] = %f", i, (double)hc[i]);

    /* scale(p, s, n) through a packed argument buffer. */
    struct {
        CUdeviceptr p;
        float s;
        int n;
    } args = {dc, 0.5f, N};
    size_t args_size = sizeof args;
    void *extra[] = {
        CU_LAUNCH_PARAM_BUFFER_POINTER, &args,
        CU_LAUNCH_PARAM_BUFFER_SIZE, &args_size,
        CU_LAUNCH_PARAM_END,
    };
    OK(cuLaunchKernel(scale, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, NULL, extra));
    OK(cuCtxSynchronize());
    OK(cuMemcpyDtoH(hc, dc, sizeof hc));
    for (int i = 0; i < N; i++)
        ASSERT(hc[i] == ha[i], "scale via extra: c[%d] = %f, expected %f", i, (double)hc[i], (double)ha[i]);

    /* Passing both kernelParams and extra is an error. */
    {
        float sc = 1.0f;
        int n = N;
        void *params[] = {&dc, &sc, &n};
        CHECK(cuLaunchKernel(scale, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, params, extra), CUDA_ERROR_INVALID_VALUE);
    }
    /* Oversized blocks are rejected at launch. */
    {
        void *params[] = {&da, &db, &dc, &(int){N}};
        CHECK(cuLaunchKernel(add, 1, 1, 1, 2048, 1, 1, 0, NULL, params, NULL), CUDA_ERROR_INVALID_VALUE);
    }

    /* A module global: host writes it, kernels read and update it. */
    CUdeviceptr dbias = 0;
    size_t bias_size = 0;
    OK(cuModuleGetGlobal(&dbias, &bias_size, mod, "bias"));
    ASSERT(dbias != 0, "global address is 0");
    ASSERT(bias_size == sizeof(int), "global size %zu", bias_size);
    {
        /* A failed lookup: separate out-variables, since the real driver may
           write them even when it fails (seen on the H100). */
        CUdeviceptr dmissing = 0;
        size_t missing_size = 0;
        CHECK(cuModuleGetGlobal(&dmissing, &missing_size, mod, "no_such_global"), CUDA_ERROR_NOT_FOUND);
    }
    int bias = 42;
    OK(cuMemcpyHtoD(dbias, &bias, sizeof bias));
    {
        CUdeviceptr out = dc;
        int n = N;
        void *params[] = {&out, &n};
        OK(cuLaunchKernel(add_bias, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, params, NULL));
        static int hi[N];
        OK(cuMemcpyDtoH(hi, dc, sizeof hi));
        for (int i = 0; i < N; i++)
            ASSERT(hi[i] == i + 42, "add_bias: out[%d] = %d", i, hi[i]);
    }
    {
        int delta = 5;
        void *params[] = {&delta};
        OK(cuLaunchKernel(bump_bias, 1, 1, 1, 32, 1, 1, 0, NULL, params, NULL));
        OK(cuCtxSynchronize());
        bias = 0;
        OK(cuMemcpyDtoH(&bias, dbias, sizeof bias));
        ASSERT(bias == 47, "bias after bump_bias = %d, expected 47", bias);
    }
    /* The second module has its own copy of the global. */
    {
        CUdeviceptr dbias2 = 0;
        OK(cuModuleGetGlobal(&dbias2, NULL, mod2, "bias"));
        ASSERT(dbias2 != dbias, "two modules share one global");
    }

    /* Malformed PTX: CUDA_ERROR_INVALID_PTX and a log naming the line. */
    {
        char info_log[4096], error_log[4096];
        memset(error_log, 0, sizeof error_log);
        memset(info_log, 0, sizeof info_log);
        CUjit_option opts[] = {
            CU_JIT_ERROR_LOG_BUFFER,
            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
            CU_JIT_INFO_LOG_BUFFER,
            CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
        };
        void *vals[] = {
            error_log,
            (void *)(uintptr_t)sizeof error_log,
            info_log,
            (void *)(uintptr_t)sizeof info_log,
        };
        CUmodule bad = NULL;
        CHECK(cuModuleLoadDataEx(&bad, bad_ptx, 4, opts, vals), CUDA_ERROR_INVALID_PTX);
        printf("error log: %s\n", error_log);
        ASSERT(strlen(error_log) > 0, "error log is empty");
        ASSERT(strlen(error_log) < sizeof error_log, "error log not terminated");
        ASSERT((uintptr_t)vals[1] <= sizeof error_log, "error log size grew to %zu", (size_t)(uintptr_t)vals[1]);
        ASSERT(mentions_line(error_log, BAD_LINE), "error log does not name line %d: %s", BAD_LINE, error_log);

        /* Good PTX through the same entry point, with the same options. */
        vals[1] = (void *)(uintptr_t)sizeof error_log;
        vals[3] = (void *)(uintptr_t)sizeof info_log;
        CUmodule good = NULL;
        OK(cuModuleLoadDataEx(&good, ptx, 4, opts, vals));
        OK(cuModuleUnload(good));
    }

    OK(cuEventDestroy(start));
    OK(cuEventDestroy(stop));
    OK(cuStreamDestroy(s));
    OK(cuModuleUnload(mod2));

    /*
     * Out-of-bounds store, 1 TiB past an allocation. The launch itself is
     * accepted; the fault surfaces at synchronization and then sticks: every
     * later call on the context reports it.
     */
    {
        CUdeviceptr p = da;
        unsigned long long offset = 1ull << 40;
        void *params[] = {&p, &offset};
        OK(cuLaunchKernel(store_at, 1, 1, 1, 1, 1, 1, 0, NULL, params, NULL));
        CHECK(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
        CHECK(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
        CUdeviceptr q = 0;
        CHECK(cuMemAlloc(&q, 64), CUDA_ERROR_ILLEGAL_ADDRESS);
        CHECK(cuMemcpyDtoH(hc, da, sizeof hc), CUDA_ERROR_ILLEGAL_ADDRESS);
        void *add_params[] = {&da, &db, &dc, &(int){N}};
        CHECK(cuLaunchKernel(add, GRID, 1, 1, BLOCK, 1, 1, 0, NULL, add_params, NULL), CUDA_ERROR_ILLEGAL_ADDRESS);
        CHECK(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
        /* Measured on the H100 (driver 580): frees, function lookups and
           unloads report the sticky error too. */
        CHECK(cuMemFree(da), CUDA_ERROR_ILLEGAL_ADDRESS);
        CUfunction again;
        CHECK(cuModuleGetFunction(&again, mod, "add"), CUDA_ERROR_ILLEGAL_ADDRESS);
        CHECK(cuModuleUnload(mod), CUDA_ERROR_ILLEGAL_ADDRESS);
    }

    /* Destroying the faulted context is how a program recovers; it takes
       the modules and memory the sticky error kept from being freed. */
    OK(cuCtxDestroy(ctx));
    free(ptx);
    return ct_pass("launch");
}
