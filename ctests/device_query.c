/* Initialization, device enumeration, attributes and error strings. */
#define CUDA_ENABLE_DEPRECATED /* for cuDeviceComputeCapability */
#include "common.h"

static void check_attr(CUdevice dev, CUdevice_attribute a, const char *name, int want)
{
    int v = -12345;
    OK(cuDeviceGetAttribute(&v, a, dev));
    ASSERT(v == want, "%s = %d, expected %d", name, v, want);
}
#define ATTR_IS(dev, a, want) check_attr(dev, a, #a, want)

int main(void)
{
    CUdevice dev = -1;
    int n = -1, v = 0;
    const char *s = NULL;

    /* Before cuInit every device call fails with NOT_INITIALIZED. */
    CHECK(cuDeviceGetCount(&n), CUDA_ERROR_NOT_INITIALIZED);
    CHECK(cuDeviceGet(&dev, 0), CUDA_ERROR_NOT_INITIALIZED);
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0), CUDA_ERROR_NOT_INITIALIZED);
    {
        CUdeviceptr p = 0;
        CHECK(cuMemAlloc(&p, 16), CUDA_ERROR_NOT_INITIALIZED);
    }

    OK(cuInit(0));
    OK(cuInit(0)); /* idempotent */

    int version = 0;
    OK(cuDriverGetVersion(&version));
    ASSERT(version >= 13000 && version % 10 == 0, "driver version %d is not a 13.x version", version);
    ASSERT(version >= CUDA_VERSION, "driver version %d older than header %d", version, CUDA_VERSION);
    CHECK(cuDriverGetVersion(NULL), CUDA_ERROR_INVALID_VALUE);

    OK(cuDeviceGetCount(&n));
    ASSERT(n == 1, "device count %d, expected 1", n);
    CHECK(cuDeviceGetCount(NULL), CUDA_ERROR_INVALID_VALUE);

    OK(cuDeviceGet(&dev, 0));
    ASSERT(dev == 0, "device 0 has handle %d", dev);
    {
        CUdevice other = 0;
        CHECK(cuDeviceGet(&other, 1), CUDA_ERROR_INVALID_DEVICE);
        CHECK(cuDeviceGet(&other, -1), CUDA_ERROR_INVALID_DEVICE);
    }

    char name[256];
    memset(name, 0, sizeof name);
    OK(cuDeviceGetName(name, (int)sizeof name, dev));
    ASSERT(strlen(name) > 0, "empty device name");
    ASSERT(strlen(name) < sizeof name, "device name not terminated");
    printf("device 0: %s\n", name);

    size_t total = 0;
    OK(cuDeviceTotalMem(&total, dev));
    ASSERT(total > 0, "total memory is 0");

    CUuuid uuid;
    OK(cuDeviceGetUuid(&uuid, dev));

    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1024);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 1024);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 64);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 32);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, 49152);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY, 65536);
    ATTR_IS(dev, CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, 1);

    int major = 0, minor = -1, cc_major = 0, cc_minor = -1;
    OK(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
    OK(cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev));
    ASSERT(major >= 8, "compute capability major %d < 8", major);
    ASSERT(minor >= 0, "compute capability minor %d", minor);
    OK(cuDeviceComputeCapability(&cc_major, &cc_minor, dev));
    ASSERT(cc_major == major && cc_minor == minor, "cuDeviceComputeCapability %d.%d, attributes %d.%d",
           cc_major, cc_minor, major, minor);

    /* Every valid id answers; ids outside the enum do not. */
    for (int a = 1; a < (int)CU_DEVICE_ATTRIBUTE_MAX; a++) {
        int x = 0;
        CUresult r = cuDeviceGetAttribute(&x, (CUdevice_attribute)a, dev);
        ASSERT(r == CUDA_SUCCESS, "attribute %d returned %d", a, (int)r);
    }
    CHECK(cuDeviceGetAttribute(&v, (CUdevice_attribute)0, dev), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX, dev), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuDeviceGetAttribute(&v, (CUdevice_attribute)100000, dev), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 1), CUDA_ERROR_INVALID_DEVICE);

    /* Error names and descriptions. */
    OK(cuGetErrorName(CUDA_SUCCESS, &s));
    ASSERT(s != NULL && strcmp(s, "CUDA_SUCCESS") == 0, "name of 0 is %s", s ? s : "(null)");
    OK(cuGetErrorName(CUDA_ERROR_INVALID_VALUE, &s));
    ASSERT(s != NULL && strcmp(s, "CUDA_ERROR_INVALID_VALUE") == 0, "name of 1 is %s", s ? s : "(null)");
    OK(cuGetErrorName(CUDA_ERROR_ILLEGAL_ADDRESS, &s));
    ASSERT(s != NULL && strcmp(s, "CUDA_ERROR_ILLEGAL_ADDRESS") == 0, "name of 700 is %s", s ? s : "(null)");
    OK(cuGetErrorName(CUDA_ERROR_UNKNOWN, &s));
    ASSERT(s != NULL && strcmp(s, "CUDA_ERROR_UNKNOWN") == 0, "name of 999 is %s", s ? s : "(null)");
    OK(cuGetErrorString(CUDA_ERROR_OUT_OF_MEMORY, &s));
    ASSERT(s != NULL && strlen(s) > 0, "empty description for CUDA_ERROR_OUT_OF_MEMORY");
    OK(cuGetErrorString(CUDA_SUCCESS, &s));
    ASSERT(s != NULL && strlen(s) > 0, "empty description for CUDA_SUCCESS");

    s = "untouched";
    CHECK(cuGetErrorName((CUresult)12345, &s), CUDA_ERROR_INVALID_VALUE);
    ASSERT(s == NULL, "unknown code: name pointer not cleared");
    s = "untouched";
    CHECK(cuGetErrorString((CUresult)12345, &s), CUDA_ERROR_INVALID_VALUE);
    ASSERT(s == NULL, "unknown code: description pointer not cleared");

    return ct_pass("device_query");
}
