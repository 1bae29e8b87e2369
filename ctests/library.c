/*
 * Libraries and kernels (cuLibrary*, cuKernel*), function queries
 * (cuFuncGetName/GetModule/GetParamInfo, attributes) and module function
 * enumeration. A library needs no context and outlives the contexts it was
 * used in; a CUkernel works wherever a CUfunction does.
 *
 * Usage: library path/to/kernels.ptx
 */
#include "common.h"

#define N 200

static const char lib_ptx[] =
    ".version 8.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".const .align 4 .b8 cbuf[100];\n"
    ".global .align 4 .u32 counter = 7;\n"
    "\n"
    ".visible .entry fill(.param .u64 out, .param .u32 n, .param .align 16 .b8 s[20], .param .u8 c)\n"
    "{\n"
    "    .reg .pred %p<2>;\n"
    "    .reg .b32 %r<8>;\n"
    "    .reg .b64 %rd<5>;\n"
    "    ld.param.u64 %rd1, [out];\n"
    "    ld.param.u32 %r1, [n];\n"
    "    ld.param.u32 %r5, [s+4];\n"
    "    ld.param.u8 %r6, [c];\n"
    "    mov.u32 %r2, %ctaid.x;\n"
    "    mov.u32 %r3, %ntid.x;\n"
    "    mov.u32 %r4, %tid.x;\n"
    "    mad.lo.s32 %r2, %r2, %r3, %r4;\n"
    "    setp.ge.u32 %p1, %r2, %r1;\n"
    "    @%p1 bra $L_done;\n"
    "    cvta.to.global.u64 %rd2, %rd1;\n"
    "    mul.wide.u32 %rd3, %r2, 4;\n"
    "    add.s64 %rd4, %rd2, %rd3;\n"
    "    add.u32 %r7, %r2, %r5;\n"
    "    add.u32 %r7, %r7, %r6;\n"
    "    st.global.u32 [%rd4], %r7;\n"
    "$L_done:\n"
    "    ret;\n"
    "}\n"
    "\n"
    ".visible .entry k2()\n"
    "{\n"
    "    ret;\n"
    "}\n"
    "\n"
    ".visible .entry k0()\n"
    "{\n"
    "    ret;\n"
    "}\n";

struct s20 {
    unsigned v[5];
};

/* Launches `f` (a CUfunction or a CUkernel) and checks out[i] = i + 1000 + 3. */
static void launch_fill(CUfunction f)
{
    CUdeviceptr d = 0;
    unsigned n = N;
    struct s20 s = {{0, 1000, 0, 0, 0}};
    unsigned char c = 3;
    unsigned host[N];
    void *params[] = {&d, &n, &s, &c};
    OK(cuMemAlloc(&d, sizeof host));
    OK(cuMemsetD32(d, 0, N));
    OK(cuLaunchKernel(f, (N + 63) / 64, 1, 1, 64, 1, 1, 0, NULL, params, NULL));
    OK(cuCtxSynchronize());
    OK(cuMemcpyDtoH(host, d, sizeof host));
    for (unsigned i = 0; i < N; i++)
        ASSERT(host[i] == i + 1003, "out[%u] = %u, want %u", i, host[i], i + 1003);
    OK(cuMemFree(d));
}

static const char *kname(CUkernel k)
{
    const char *name = NULL;
    OK(cuKernelGetName(&name, k));
    ASSERT(name != NULL, "NULL kernel name");
    return name;
}

int main(int argc, char **argv)
{
    const char *ptx_path = ct_ptx_path(argc, argv);
    CUdevice dev;
    CUcontext ctx = NULL;
    CUlibrary lib = NULL, lib2 = NULL;
    CUkernel k = NULL, ks[4] = {0};
    CUfunction f = NULL;
    CUmodule mod = NULL, fmod = NULL;
    unsigned count = 0;
    size_t off = 0, size = 0;
    int v = 0;

    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));

    /* Loading needs no context; library options are checked. */
    CUlibraryOption opt = CU_LIBRARY_BINARY_IS_PRESERVED;
    void *optval = (void *)1;
    CUlibraryOption bad = (CUlibraryOption)7;
    CHECK(cuLibraryLoadData(&lib, lib_ptx, NULL, NULL, 0, &bad, &optval, 1), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuLibraryLoadData(NULL, lib_ptx, NULL, NULL, 0, NULL, NULL, 0), CUDA_ERROR_INVALID_VALUE);
    OK(cuLibraryLoadData(&lib, lib_ptx, NULL, NULL, 0, &opt, &optval, 1));
    ASSERT(lib != NULL, "NULL library");

    /* Kernels: count, enumeration, lookup, names. */
    OK(cuLibraryGetKernelCount(&count, lib));
    ASSERT(count == 3, "kernel count %u", count);
    OK(cuLibraryEnumerateKernels(ks, 4, lib));
    ASSERT(ks[3] == NULL, "more than 3 kernels written");
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        const char *n = kname(ks[i]);
        seen |= strcmp(n, "fill") == 0 ? 1 : strcmp(n, "k2") == 0 ? 2 : strcmp(n, "k0") == 0 ? 4 : 8;
    }
    ASSERT(seen == 7, "enumerated kernels are not fill, k2, k0 (mask %d)", seen);
    memset(ks, 0, sizeof ks);
    OK(cuLibraryEnumerateKernels(ks, 2, lib));
    ASSERT(ks[0] != NULL && ks[1] != NULL && ks[2] == NULL, "enumeration ignored the buffer size");
    CHECK(cuLibraryGetKernel(&k, lib, "nope"), CUDA_ERROR_NOT_FOUND);
    if (ct_is_softcuda())
        CHECK(cuLibraryGetKernel(&k, (CUlibrary)(uintptr_t)0x1234, "fill"), CUDA_ERROR_INVALID_HANDLE);
    OK(cuLibraryGetKernel(&k, lib, "fill"));
    ASSERT(strcmp(kname(k), "fill") == 0, "kernel name %s", kname(k));
    CUkernel again = NULL;
    OK(cuLibraryGetKernel(&again, lib, "fill"));
    ASSERT(again == k, "two lookups gave two kernel handles");
    CUlibrary owner = NULL;
    OK(cuKernelGetLibrary(&owner, k));
    ASSERT(owner == lib, "cuKernelGetLibrary");

    /* Parameter layout from the PTX signature (as on the H100); unlike the
       attributes below, it needs a current context (measured). */
    const size_t want_off[4] = {0, 8, 16, 36}, want_size[4] = {8, 4, 20, 1};
    CHECK(cuKernelGetParamInfo(k, 0, &off, &size), CUDA_ERROR_INVALID_CONTEXT);
    CUcontext pctx = NULL;
    OK(cuDevicePrimaryCtxRetain(&pctx, dev));
    OK(cuCtxPushCurrent(pctx));
    for (int i = 0; i < 4; i++) {
        OK(cuKernelGetParamInfo(k, i, &off, &size));
        ASSERT(off == want_off[i] && size == want_size[i], "param %d: offset %zu size %zu", i, off, size);
    }
    CHECK(cuKernelGetParamInfo(k, 4, &off, &size), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuKernelGetParamInfo(k, 0, NULL, &size), CUDA_ERROR_INVALID_VALUE);
    OK(cuKernelGetParamInfo(k, 2, &off, NULL));
#if CUDA_VERSION >= 13020 /* cuKernelGetParamCount is new in 13.2 */
    OK(cuKernelGetParamCount(k, &size));
    ASSERT(size == 4, "param count %zu", size);
#endif
    OK(cuCtxPopCurrent(NULL));
    OK(cuDevicePrimaryCtxRelease(dev));

    /* Attributes need no context either. */
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_PTX_VERSION, k, dev));
    ASSERT(v == 75, "PTX version %d (the .target SM)", v);
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_BINARY_VERSION, k, dev));
    int cc_major = 0, cc_minor = 0;
    OK(cuDeviceGetAttribute(&cc_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
    OK(cuDeviceGetAttribute(&cc_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev));
    ASSERT(v == cc_major * 10 + cc_minor, "binary version %d, device %d.%d", v, cc_major, cc_minor);
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES, k, dev));
    ASSERT(v == 100, "const size %d", v);
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_NUM_REGS, k, dev));
    ASSERT(v > 0 && v <= 255, "registers %d", v);
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, k, dev));
    ASSERT(v == -1, "carveout %d", v);
    CHECK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_NUM_REGS, k, 5), CUDA_ERROR_INVALID_DEVICE);
    CHECK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_MAX, k, dev), CUDA_ERROR_INVALID_VALUE);
    OK(cuKernelSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 1024, k, dev));
    OK(cuKernelGetAttribute(&v, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, k, dev));
    ASSERT(v == 1024, "max dynamic shared %d", v);
    OK(cuKernelSetCacheConfig(k, CU_FUNC_CACHE_PREFER_SHARED, dev));
    CHECK(cuKernelSetCacheConfig(k, (CUfunc_cache)9, dev), CUDA_ERROR_INVALID_VALUE);

    /* cuKernelGetFunction needs a current context. */
    CHECK(cuKernelGetFunction(&f, k), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuKernelGetFunction(&f, k));
    {
        /* A bad image loads; asking for its kernels or module reports it
           (measured on the H100). */
        CUlibrary junk = NULL;
        CUkernel jk = NULL;
        CUmodule jm = NULL;
        unsigned jn = 99;
        OK(cuLibraryLoadData(&junk, "not ptx", NULL, NULL, 0, NULL, NULL, 0));
        OK(cuLibraryGetKernelCount(&jn, junk));
        ASSERT(jn == 0, "kernel count of a bad library: %u", jn);
        CHECK(cuLibraryGetKernel(&jk, junk, "x"), CUDA_ERROR_INVALID_IMAGE);
        CHECK(cuLibraryGetModule(&jm, junk), CUDA_ERROR_INVALID_IMAGE);
        OK(cuLibraryUnload(junk));
    }

    ASSERT(f != NULL, "NULL function");

    /* The function and the kernel both launch, and both answer queries. */
    launch_fill(f);
    launch_fill((CUfunction)k);
    /* softcuda accepts a CUkernel wherever a CUfunction is taken; NVIDIA's
       13.0 driver refuses it here with CUDA_ERROR_INVALID_HANDLE. */
    if (ct_is_softcuda()) {
        OK(cuFuncGetAttribute(&v, CU_FUNC_ATTRIBUTE_PTX_VERSION, (CUfunction)k));
        ASSERT(v == 75, "PTX version through a CUkernel %d", v);
    } else {
        CHECK(cuFuncGetAttribute(&v, CU_FUNC_ATTRIBUTE_PTX_VERSION, (CUfunction)k), CUDA_ERROR_INVALID_HANDLE);
    }
    OK(cuFuncGetParamInfo(f, 3, &off, &size));
    ASSERT(off == 36 && size == 1, "func param 3: %zu %zu", off, size);
    const char *fname = NULL;
    OK(cuFuncGetName(&fname, f));
    ASSERT(strcmp(fname, "fill") == 0, "function name %s", fname);

    /* The library's module and globals. */
    OK(cuLibraryGetModule(&mod, lib));
    OK(cuFuncGetModule(&fmod, f));
    ASSERT(fmod == mod, "function's module is not the library's");
    CUfunction viamod = NULL;
    OK(cuModuleGetFunction(&viamod, mod, "fill"));
    launch_fill(viamod);
    CHECK(cuModuleUnload(mod), CUDA_ERROR_NOT_PERMITTED); /* measured on the H100 */
    CUdeviceptr g = 0;
    size = 0;
    OK(cuLibraryGetGlobal(&g, &size, lib, "counter"));
    ASSERT(g != 0 && size == 4, "global counter at %#llx, %zu bytes", (unsigned long long)g, size);
    unsigned cval = 0;
    OK(cuMemcpyDtoH(&cval, g, 4));
    ASSERT(cval == 7, "counter = %u", cval);
    OK(cuLibraryGetGlobal(NULL, &size, lib, "cbuf"));
    ASSERT(size == 100, "cbuf size %zu", size);
    CHECK(cuLibraryGetGlobal(&g, &size, lib, "nope"), CUDA_ERROR_NOT_FOUND);
    CHECK(cuLibraryGetManaged(&g, &size, lib, "counter"), CUDA_ERROR_NOT_FOUND);

    /* The library outlives the context it was used in. Its variables are
       asked for again in the new context (NVIDIA's driver loads a library
       into each context, so the old address is gone there). */
    OK(cuCtxDestroy(ctx));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    launch_fill((CUfunction)k);
    OK(cuLibraryGetGlobal(&g, &size, lib, "counter"));
    OK(cuMemcpyDtoH(&cval, g, 4));
    ASSERT(cval == 7, "counter = %u after the context went", cval);

    /* Module function enumeration: definition order. */
    CUmodule m2 = NULL;
    OK(cuModuleLoadData(&m2, lib_ptx));
    OK(cuModuleGetFunctionCount(&count, m2));
    ASSERT(count == 3, "module function count %u", count);
    CUfunction fs[4] = {0};
    OK(cuModuleEnumerateFunctions(fs, 4, m2));
    const char *order[3] = {"fill", "k2", "k0"};
    for (int i = 0; i < 3; i++) {
        const char *n = NULL;
        OK(cuFuncGetName(&n, fs[i]));
        ASSERT(strcmp(n, order[i]) == 0, "function %d is %s, want %s", i, n, order[i]);
    }
    ASSERT(fs[3] == NULL, "a fourth function");
    CUfunctionLoadingState st = CU_FUNCTION_LOADING_STATE_MAX;
    /* softcuda loads every function with its module (eager loading);
       NVIDIA's driver loads lazily by default, so a function may start
       unloaded there. After cuFuncLoad it is loaded either way. */
    const int ours = ct_is_softcuda();
    OK(cuFuncIsLoaded(&st, fs[0]));
    ASSERT(st == CU_FUNCTION_LOADING_STATE_LOADED || (!ours && st == CU_FUNCTION_LOADING_STATE_UNLOADED),
           "loading state %d", (int)st);
    OK(cuFuncLoad(fs[0]));
    OK(cuFuncIsLoaded(&st, fs[0]));
    ASSERT(st == CU_FUNCTION_LOADING_STATE_LOADED, "loading state %d after cuFuncLoad", (int)st);
    if (ours) {
        /* A CUfunction is not a CUkernel (NVIDIA's driver may dereference it). */
        CUlibrary none = NULL;
        CHECK(cuKernelGetLibrary(&none, (CUkernel)fs[0]), CUDA_ERROR_INVALID_HANDLE);
    }
    OK(cuModuleUnload(m2));
    if (ours)
        CHECK(cuFuncGetName(&fname, fs[0]), CUDA_ERROR_INVALID_HANDLE);
    CUmoduleLoadingMode mode = (CUmoduleLoadingMode)0;
    OK(cuModuleGetLoadingMode(&mode));
    ASSERT(mode == CU_MODULE_EAGER_LOADING || (!ours && mode == CU_MODULE_LAZY_LOADING), "loading mode %d", (int)mode);

    /* From a file, with a JIT info log. */
    char info[256] = {0};
    CUjit_option jo[2] = {CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES};
    void *jv[2] = {info, (void *)(uintptr_t)sizeof info};
    OK(cuLibraryLoadFromFile(&lib2, ptx_path, jo, jv, 2, NULL, NULL, 0));
    CHECK(cuLibraryLoadFromFile(&lib2, "/nonexistent/x.ptx", NULL, NULL, 0, NULL, NULL, 0), CUDA_ERROR_FILE_NOT_FOUND);
    CUkernel add = NULL;
    OK(cuLibraryGetKernel(&add, lib2, "add"));
    OK(cuLibraryUnload(lib2));

    /* Unloading invalidates the library and its kernels (stale handles are
       checked on softcuda only: NVIDIA's driver may dereference them). */
    OK(cuLibraryUnload(lib));
    if (ours) {
        CHECK(cuLibraryUnload(lib), CUDA_ERROR_INVALID_HANDLE);
        CHECK(cuLibraryGetKernelCount(&count, lib), CUDA_ERROR_INVALID_HANDLE);
        CHECK(cuKernelGetName(&fname, k), CUDA_ERROR_INVALID_HANDLE);
        CHECK(cuLaunchKernel((CUfunction)k, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL), CUDA_ERROR_INVALID_HANDLE);
    }
    OK(cuCtxDestroy(ctx));
    return ct_pass("library");
}
