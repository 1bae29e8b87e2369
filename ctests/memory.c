/* Device and pinned host allocations, fills, and copies (sync and async). */
#include "common.h"

#define N 4096 /* bytes per buffer */

static unsigned char host[N], back[N];

static void fetch(CUdeviceptr d)
{
    memset(back, 0x5A, sizeof back);
    OK(cuMemcpyDtoH(back, d, N));
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx;
    CUdeviceptr d = 0, d2 = 0;

    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));

    size_t free_b = 0, total_b = 0, dev_total = 0;
    OK(cuMemGetInfo(&free_b, &total_b));
    ASSERT(total_b > 0, "cuMemGetInfo total is 0");
    ASSERT(free_b <= total_b, "free %zu > total %zu", free_b, total_b);
    OK(cuDeviceTotalMem(&dev_total, dev));
    ASSERT(total_b <= dev_total, "context total %zu > device total %zu", total_b, dev_total);

    CHECK(cuMemAlloc(&d, 0), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAlloc(NULL, 16), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAlloc(&d, (size_t)1 << 50), CUDA_ERROR_OUT_OF_MEMORY);

    OK(cuMemAlloc(&d, N));
    OK(cuMemAlloc(&d2, N));
    ASSERT(d != 0 && d2 != 0 && d != d2, "allocations %#llx %#llx", (unsigned long long)d, (unsigned long long)d2);
    ASSERT(d + N <= d2 || d2 + N <= d, "allocations overlap");
    ASSERT(d % 256 == 0 && d2 % 256 == 0, "allocations not 256-byte aligned");

    /* Fills of each width. */
    OK(cuMemsetD8(d, 0xAB, N));
    fetch(d);
    for (size_t i = 0; i < N; i++)
        ASSERT(back[i] == 0xAB, "memsetD8: byte %zu = %#x", i, back[i]);

    OK(cuMemsetD16(d, 0x1234, N / 2));
    fetch(d);
    for (size_t i = 0; i < N / 2; i++) {
        unsigned short x;
        memcpy(&x, back + 2 * i, 2);
        ASSERT(x == 0x1234, "memsetD16: element %zu = %#x", i, x);
    }

    OK(cuMemsetD32(d, 0xDEADBEEFu, N / 4));
    fetch(d);
    for (size_t i = 0; i < N / 4; i++) {
        unsigned int x;
        memcpy(&x, back + 4 * i, 4);
        ASSERT(x == 0xDEADBEEFu, "memsetD32: element %zu = %#x", i, x);
    }

    /* A fill in the middle leaves its neighbours alone. */
    OK(cuMemsetD8(d, 0, N));
    OK(cuMemsetD8(d + 3, 0x77, 5));
    fetch(d);
    for (size_t i = 0; i < 16; i++)
        ASSERT(back[i] == ((i >= 3 && i < 8) ? 0x77 : 0), "partial memsetD8: byte %zu = %#x", i, back[i]);

    /* Host -> device -> device -> host. */
    for (size_t i = 0; i < N; i++)
        host[i] = (unsigned char)(i * 7 + 3);
    OK(cuMemcpyHtoD(d, host, N));
    OK(cuMemsetD8(d2, 0, N));
    OK(cuMemcpyDtoD(d2, d, N));
    fetch(d2);
    ASSERT(memcmp(host, back, N) == 0, "HtoD/DtoD/DtoH round trip differs");

    /* Offsets into an allocation. */
    OK(cuMemcpyDtoD(d2 + 100, d + 1000, 50));
    fetch(d2);
    ASSERT(memcmp(back + 100, host + 1000, 50) == 0, "offset DtoD differs");
    ASSERT(back[99] == host[99] && back[150] == host[150], "offset DtoD wrote outside its range");

    /* Pinned host memory. */
    unsigned char *pinned = NULL;
    OK(cuMemAllocHost((void **)&pinned, N));
    ASSERT(pinned != NULL, "cuMemAllocHost returned NULL");
    for (size_t i = 0; i < N; i++)
        pinned[i] = (unsigned char)(255 - i);
    OK(cuMemcpyHtoD(d, pinned, N));
    memset(pinned, 0, N);
    OK(cuMemcpyDtoH(pinned, d, N));
    for (size_t i = 0; i < N; i++)
        ASSERT(pinned[i] == (unsigned char)(255 - i), "pinned round trip: byte %zu", i);

    /* Async copies on a created stream, then on the special streams. */
    CUstream s;
    OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    for (size_t i = 0; i < N; i++)
        pinned[i] = (unsigned char)(i ^ 0x3C);
    OK(cuMemcpyHtoDAsync(d2, pinned, N, s));
    OK(cuMemcpyDtoHAsync(back, d2, N, s));
    OK(cuStreamSynchronize(s));
    ASSERT(memcmp(back, pinned, N) == 0, "async round trip on a stream differs");
    OK(cuStreamQuery(s));
    OK(cuStreamDestroy(s));

    CUstream special[] = {NULL, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD};
    for (size_t k = 0; k < sizeof special / sizeof special[0]; k++) {
        memset(back, 0, N);
        for (size_t i = 0; i < N; i++)
            pinned[i] = (unsigned char)(i + 11 * k);
        OK(cuMemcpyHtoDAsync(d, pinned, N, special[k]));
        OK(cuMemcpyDtoHAsync(back, d, N, special[k]));
        OK(cuStreamSynchronize(special[k]));
        ASSERT(memcmp(back, pinned, N) == 0, "async round trip on special stream %zu differs", k);
    }

    OK(cuMemFreeHost(pinned));

    /* Freeing. */
    OK(cuMemFree(d));
    CHECK(cuMemFree(d), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemFree(0));
    OK(cuMemFree(d2));

    OK(cuCtxDestroy(ctx));
    return ct_pass("memory");
}
