/*
 * Entry points through cuGetProcAddress_v2, the way cudart binds to the
 * driver: lookups before cuInit, (name, version, flags) -> ABI variant, the
 * status codes, and calls through the returned pointers.
 */
#include "common.h"
#include <dlfcn.h>

typedef CUresult (*pfn_init)(unsigned int);
typedef CUresult (*pfn_device_get)(CUdevice *, int);
typedef CUresult (*pfn_ctx_create_v4)(CUcontext *, CUctxCreateParams *, unsigned int, CUdevice);
typedef CUresult (*pfn_mem_alloc_v2)(CUdeviceptr *, size_t);
typedef CUresult (*pfn_mem_free_v2)(CUdeviceptr);
typedef CUresult (*pfn_htod_v2)(CUdeviceptr, const void *, size_t);
typedef CUresult (*pfn_dtoh_v2)(void *, CUdeviceptr, size_t);
typedef CUresult (*pfn_graph_create)(void **, unsigned int);
typedef CUresult (*pfn_get_proc_address_v1)(const char *, void **, int, cuuint64_t);

static void *lib;

/* The library's own definition of `name`. */
static void *sym(const char *name)
{
    void *p = dlsym(lib, name);
    ASSERT(p != NULL, "dlsym(%s) failed: %s", name, dlerror());
    return p;
}

/* Looks (name, version, flags) up; checks the status and returns the pointer. */
static void *lookup(const char *name, int version, cuuint64_t flags, CUdriverProcAddressQueryResult want)
{
    void *p = (void *)0x1;
    CUdriverProcAddressQueryResult st = (CUdriverProcAddressQueryResult)99;
    OK(cuGetProcAddress(name, &p, version, flags, &st));
    ASSERT(st == want, "%s@%d flags %llu: status %d, expected %d", name, version, (unsigned long long)flags,
           (int)st, (int)want);
    ASSERT((p != NULL) == (want == CU_GET_PROC_ADDRESS_SUCCESS), "%s@%d: pointer %p with status %d", name, version,
           p, (int)st);
    return p;
}

#define FOUND(name, version, flags) lookup(name, version, flags, CU_GET_PROC_ADDRESS_SUCCESS)

int main(void)
{
    lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
    ASSERT(lib != NULL, "libcuda.so.1 is not loaded: %s", dlerror());

    /* Before cuInit, as cudart does: "" first, then real names. */
    lookup("", 13000, CU_GET_PROC_ADDRESS_DEFAULT, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
    lookup("cuNoSuchFunction", 13000, CU_GET_PROC_ADDRESS_DEFAULT, CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
    lookup("cuLibraryLoadData", 11000, CU_GET_PROC_ADDRESS_DEFAULT, CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);
    pfn_init init = (pfn_init)FOUND("cuInit", 2000, CU_GET_PROC_ADDRESS_DEFAULT);
    ASSERT((void *)init == sym("cuInit"), "cuInit@2000 is not cuInit");

    /* The version names the ABI variant. */
    void *alloc = FOUND("cuMemAlloc", 3020, CU_GET_PROC_ADDRESS_DEFAULT);
    ASSERT(alloc == sym("cuMemAlloc_v2"), "cuMemAlloc@3020 is not cuMemAlloc_v2");
    ASSERT(FOUND("cuMemAlloc", 2000, CU_GET_PROC_ADDRESS_DEFAULT) == sym("cuMemAlloc"), "cuMemAlloc@2000");
    void *create = FOUND("cuCtxCreate", 12050, CU_GET_PROC_ADDRESS_DEFAULT);
    ASSERT(create == sym("cuCtxCreate_v4"), "cuCtxCreate@12050 is not cuCtxCreate_v4");
    ASSERT(FOUND("cuCtxCreate", 11040, CU_GET_PROC_ADDRESS_DEFAULT) == sym("cuCtxCreate_v3"), "cuCtxCreate@11040");
    ASSERT(FOUND("cuCtxSynchronize", 13000, CU_GET_PROC_ADDRESS_DEFAULT) == sym("cuCtxSynchronize_v2"),
           "cuCtxSynchronize@13000");

    /* Per-thread default stream twins; legacy and default flags do not pick them. */
    void *htod = FOUND("cuMemcpyHtoD", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM);
    ASSERT(htod == sym("cuMemcpyHtoD_v2_ptds"), "cuMemcpyHtoD@12000 per-thread is not cuMemcpyHtoD_v2_ptds");
    ASSERT(FOUND("cuMemcpyHtoD", 12000, CU_GET_PROC_ADDRESS_LEGACY_STREAM) == sym("cuMemcpyHtoD_v2"),
           "cuMemcpyHtoD@12000 legacy");
    ASSERT(FOUND("cuMemAlloc", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) == alloc,
           "cuMemAlloc has no per-thread twin");
    /* A name with twins searches only them: older than the twin is not sufficient. */
    lookup("cuLaunchKernel", 4000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM,
           CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);

    /* The older 4-argument entry point, found through the new one. */
    pfn_get_proc_address_v1 gpa1 = (pfn_get_proc_address_v1)FOUND("cuGetProcAddress", 11030, 0);
    ASSERT((void *)gpa1 == sym("cuGetProcAddress"), "cuGetProcAddress@11030");
    ASSERT(FOUND("cuGetProcAddress", 12000, 0) == sym("cuGetProcAddress_v2"), "cuGetProcAddress@12000");
    void *p = (void *)0x1;
    OK(gpa1("cuMemAlloc", &p, 3020, 0));
    ASSERT(p == alloc, "v1 lookup of cuMemAlloc@3020");
    /* Its misses are errors (as measured on the H100), leaving *pfn alone. */
    p = (void *)0x1;
    CHECK(gpa1("cuNoSuchFunction", &p, 3020, 0), CUDA_ERROR_NOT_FOUND);
    CHECK(gpa1("cuLibraryLoadData", &p, 11000, 0), CUDA_ERROR_NOT_FOUND);
    ASSERT(p == (void *)0x1, "v1 miss wrote %p", p);

    /* Bad arguments. */
    CUdriverProcAddressQueryResult st;
    CHECK(cuGetProcAddress(NULL, &p, 12000, 0, &st), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuGetProcAddress("cuInit", NULL, 12000, 0, &st), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuGetProcAddress("cuInit", &p, 12000, 4, &st), CUDA_ERROR_INVALID_VALUE);
    int driver_version = 0;
    OK(cuDriverGetVersion(&driver_version));
    CHECK(cuGetProcAddress("cuInit", &p, driver_version + 10, 0, &st), CUDA_ERROR_INVALID_VALUE);

    /* Use what the table gave. */
    OK(init(0));
    CUdevice dev;
    OK(((pfn_device_get)FOUND("cuDeviceGet", 2000, 0))(&dev, 0));
    CUcontext ctx;
    OK(((pfn_ctx_create_v4)create)(&ctx, NULL, 0, dev));
    CUdeviceptr d = 0;
    OK(((pfn_mem_alloc_v2)alloc)(&d, 1024));
    ASSERT(d != 0, "cuMemAlloc_v2 through the table returned 0");
    unsigned char src[1024], back[1024];
    for (int i = 0; i < 1024; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    memset(back, 0, sizeof back);
    OK(((pfn_htod_v2)htod)(d, src, sizeof src));
    OK(((pfn_dtoh_v2)FOUND("cuMemcpyDtoH", 12000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM))(back, d, sizeof back));
    ASSERT(memcmp(src, back, sizeof src) == 0, "round trip through the per-thread copies differs");
    OK(((pfn_mem_free_v2)FOUND("cuMemFree", 3020, 0))(d));

    /* A function we do not implement is found, and says so when called
       (on the emulator; forwarded to NVIDIA's driver it works). */
    pfn_graph_create graph_create = (pfn_graph_create)FOUND("cuGraphCreate", 10000, 0);
    void *graph = NULL;
    if (ct_is_softcuda())
        CHECK(graph_create(&graph, 0), CUDA_ERROR_NOT_SUPPORTED);

    OK(cuCtxDestroy(ctx));
    return ct_pass("proc_address");
}
