/*
 * A stand-in for NVIDIA's libcuda.so.1, for testing softcuda's forward
 * backend without a GPU. Each function appends one line naming itself and
 * its arguments to the file named by FAKE_CUDA_LOG, and answers with values
 * and results no emulator would give, so the test can tell that calls and
 * results pass through softcuda unchanged.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

static void record(const char *fmt, ...)
{
    const char *path = getenv("FAKE_CUDA_LOG");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

CUresult cuInit(unsigned int flags)
{
    record("cuInit %u", flags);
    return 0;
}

CUresult cuDriverGetVersion(int *v)
{
    record("cuDriverGetVersion");
    *v = 12345;
    return 0;
}

CUresult cuDeviceGetCount(int *n)
{
    record("cuDeviceGetCount");
    *n = 7;
    return 0;
}

CUresult cuDeviceGetName(char *name, int len, int dev)
{
    record("cuDeviceGetName %d %d", len, dev);
    snprintf(name, (size_t)len, "Fake GPU %d", dev);
    return 0;
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t size)
{
    record("cuMemAlloc_v2 %zu", size);
    *p = 0xdead0000ull + size;
    return 0;
}

/* Fails on purpose: errors must come back unchanged. */
CUresult cuMemFree_v2(CUdeviceptr p)
{
    record("cuMemFree_v2 %#llx", p);
    return 719; /* CUDA_ERROR_LAUNCH_FAILED */
}

CUresult cuModuleLoadData(void **mod, const void *image)
{
    record("cuModuleLoadData %.24s", (const char *)image);
    *mod = (void *)0x1234;
    return 0;
}

CUresult cuModuleGetFunction(void **f, void *mod, const char *name)
{
    record("cuModuleGetFunction %p %s", mod, name);
    *f = (void *)0x5678;
    return 0;
}

CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra)
{
    record("cuLaunchKernel %p %u %u %u %u %u %u %u %p %llx %d %p", f, gx, gy, gz, bx, by, bz, shared, stream,
           *(unsigned long long *)params[0], *(int *)params[1], (void *)extra);
    return 0;
}

/* A by-value struct argument (CUmemLocation, 8 bytes) must arrive intact. */
typedef struct { int type; int id; } CUmemLocation;
CUresult cuMemPrefetchAsync_v2(CUdeviceptr p, size_t n, CUmemLocation loc, unsigned flags, void *stream)
{
    record("cuMemPrefetchAsync_v2 %#llx %zu %d %d %u %p", p, n, loc.type, loc.id, flags, stream);
    return 0;
}

static const void *fake_table[4] = { (void *)0x11, (void *)0x22, (void *)0x33, (void *)0x44 };

CUresult cuGetExportTable(const void **table, const void *id)
{
    record("cuGetExportTable %02x", ((const unsigned char *)id)[0]);
    *table = fake_table;
    return 0;
}
