/*
 * Drives softcuda's forward backend against tests/forward/fake_libcuda.c:
 * every value and result must be the stand-in's, not the emulator's.
 * Prints "PASS forward" and exits 0 when all hold.
 */
#include <cuda.h>
#include <stdio.h>
#include <string.h>

#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #cond); \
            return 1;                                                      \
        }                                                                  \
    } while (0)

typedef CUresult (*count_fn)(int *);
typedef struct {
    int type;
    int id;
} Loc; /* CUmemLocation: passed by value */
typedef CUresult (*prefetch_fn)(CUdeviceptr, size_t, Loc, unsigned, CUstream);
/* Not in include/cuda.h: libcudart's private tables. */
CUresult cuGetExportTable(const void **ppExportTable, const CUuuid *pExportTableId);

int main(void)
{
    int v = 0, n = 0;
    char name[64] = { 0 };
    CUdeviceptr p = 0;
    CUmodule mod = NULL;
    CUfunction f = NULL;
    EXPECT(cuInit(3) == CUDA_SUCCESS);
    EXPECT(cuDriverGetVersion(&v) == CUDA_SUCCESS && v == 12345);
    EXPECT(cuDeviceGetCount(&n) == CUDA_SUCCESS && n == 7);
    EXPECT(cuDeviceGetName(name, sizeof name, 2) == CUDA_SUCCESS && strcmp(name, "Fake GPU 2") == 0);
    EXPECT(cuMemAlloc(&p, 4096) == CUDA_SUCCESS && p == 0xdead0000ull + 4096);
    EXPECT(cuMemFree(p) == CUDA_ERROR_LAUNCH_FAILED);
    EXPECT(cuModuleLoadData(&mod, ".version 8.0\n.target sm_80\n") == CUDA_SUCCESS && mod == (CUmodule)0x1234);
    EXPECT(cuModuleGetFunction(&f, mod, "kern") == CUDA_SUCCESS && f == (CUfunction)0x5678);
    {
        unsigned long long a = 0xabcdef;
        int k = 42;
        void *params[] = { &a, &k };
        EXPECT(cuLaunchKernel(f, 1, 2, 3, 4, 5, 6, 7, (CUstream)0x99, params, NULL) == CUDA_SUCCESS);
    }
    {
        /* cuMemPrefetchAsync_v2 takes a struct by value. */
        void *fp = NULL;
        CUdriverProcAddressQueryResult st;
        Loc loc = { 1, 5 };
        EXPECT(cuGetProcAddress("cuMemPrefetchAsync", &fp, 12300, 0, &st) == CUDA_SUCCESS && fp != NULL);
        EXPECT(((prefetch_fn)fp)(0x1000, 64, loc, 0, NULL) == CUDA_SUCCESS);
    }
    {
        /* Through cuGetProcAddress: our forwarding export is handed out. */
        void *fp = NULL;
        CUdriverProcAddressQueryResult st = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
        EXPECT(cuGetProcAddress("cuDeviceGetCount", &fp, 12300, 0, &st) == CUDA_SUCCESS);
        EXPECT(st == CU_GET_PROC_ADDRESS_SUCCESS && fp != NULL);
        n = 0;
        EXPECT(((count_fn)fp)(&n) == CUDA_SUCCESS && n == 7);
        /* Versions newer than the real driver's (12345) are refused, as
           that driver would. */
        EXPECT(cuGetProcAddress("cuDeviceGetCount", &fp, 13000, 0, &st) == CUDA_ERROR_INVALID_VALUE);
        /* The stand-in has no cuCtxCreate at all: not found. */
        fp = (void *)1;
        EXPECT(cuGetProcAddress("cuCtxCreate", &fp, 12300, 0, &st) == CUDA_SUCCESS);
        EXPECT(fp == NULL && st == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
    }
    {
        /* Export tables come from the real driver, untouched. */
        const void *table = NULL;
        unsigned char id[16] = { 0xab };
        EXPECT(cuGetExportTable(&table, (const CUuuid *)id) == CUDA_SUCCESS);
        EXPECT(((const void *const *)table)[2] == (const void *)0x33);
    }
    /* A function the stand-in lacks: NOT_SUPPORTED, not a crash. */
    EXPECT(cuCtxSynchronize() == CUDA_ERROR_NOT_SUPPORTED);
    printf("PASS forward\n");
    return 0;
}
