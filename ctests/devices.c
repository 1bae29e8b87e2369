/*
 * Device enumeration with SOFTCUDA_DEVICES and CUDA_VISIBLE_DEVICES: the
 * harness runs this program under several environments and says what to
 * expect through
 *   CT_EXPECT_INIT  the CUresult cuInit must return (default 0), and
 *   CT_EXPECT_BUS   the PCI bus number of each visible device, in ordinal
 *                   order, comma-separated (default "0").
 * Checks, per device: PCI bus ids both ways, distinct UUIDs, one primary
 * context each, contexts on each device, peer access between distinct
 * devices, and work on one device's memory from another device's context
 * (one address space).
 *
 * Usage: devices path/to/kernels.ptx
 */
#include "common.h"

#define MAXDEV 16

static int env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    return s != NULL && *s != '\0' ? atoi(s) : dflt;
}

int main(int argc, char **argv)
{
    size_t len = 0;
    char *ptx = ct_read_file(ct_ptx_path(argc, argv), &len);
    int want_bus[MAXDEV], want_count = 0;
    const char *spec = getenv("CT_EXPECT_BUS");
    for (const char *p = spec != NULL ? spec : "0"; *p != '\0' && want_count < MAXDEV;) {
        want_bus[want_count++] = atoi(p);
        p = strchr(p, ',');
        if (p == NULL)
            break;
        p++;
    }
    CUresult want_init = (CUresult)env_int("CT_EXPECT_INIT", 0);

    int count = -1;
    CHECK(cuInit(0), want_init);
    if (want_init != CUDA_SUCCESS) {
        /* The driver stays uninitialised. */
        CHECK(cuDeviceGetCount(&count), CUDA_ERROR_NOT_INITIALIZED);
        CHECK(cuInit(0), want_init);
        free(ptx);
        return ct_pass("devices");
    }
    OK(cuDeviceGetCount(&count));
    ASSERT(count == want_count, "%d devices, want %d", count, want_count);

    CUdevice d;
    CHECK(cuDeviceGet(&d, count), CUDA_ERROR_INVALID_DEVICE);
    CHECK(cuDeviceGet(&d, -1), CUDA_ERROR_INVALID_DEVICE);
    int v = 0;
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, count), CUDA_ERROR_INVALID_DEVICE);
    CUcontext c = NULL;
    CHECK(cuCtxCreate(&c, NULL, 0, count), CUDA_ERROR_INVALID_DEVICE);
    CHECK(cuDevicePrimaryCtxRetain(&c, count), CUDA_ERROR_INVALID_DEVICE);

    CUuuid uuid[MAXDEV];
    CUcontext prim[MAXDEV];
    for (int i = 0; i < count; i++) {
        OK(cuDeviceGet(&d, i));
        ASSERT(d == i, "cuDeviceGet(%d) gave %d", i, d);
        char name[64];
        OK(cuDeviceGetName(name, sizeof name, i));
        OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, i));
        ASSERT(v == want_bus[i], "device %d: PCI bus %d, want %d", i, v, want_bus[i]);
        OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, i));
        ASSERT(v > 0, "device %d: %d SMs", i, v);

        /* PCI bus id string, and back in each accepted form. */
        char bus[32], want[32], alt[32];
        OK(cuDeviceGetPCIBusId(bus, sizeof bus, i));
        /* domain:bus:device.function from the attributes (the H100 sits at
           device 06; our devices at 00). */
        int domain = -1, pci_dev = -1;
        OK(cuDeviceGetAttribute(&domain, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID, i));
        OK(cuDeviceGetAttribute(&pci_dev, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID, i));
        snprintf(want, sizeof want, "%04x:%02x:%02x.0", domain, want_bus[i], pci_dev);
        ASSERT(strcmp(bus, want) == 0, "device %d: PCI bus id %s, want %s", i, bus, want);
        CUdevice back = -1;
        OK(cuDeviceGetByPCIBusId(&back, bus));
        ASSERT(back == i, "%s maps to device %d, want %d", bus, back, i);
        snprintf(alt, sizeof alt, "%02X:%02X.0", want_bus[i], pci_dev);
        OK(cuDeviceGetByPCIBusId(&back, alt));
        ASSERT(back == i, "%s maps to device %d", alt, back);
        snprintf(alt, sizeof alt, "%04x:%02x:%02x", domain, want_bus[i], pci_dev);
        OK(cuDeviceGetByPCIBusId(&back, alt));
        ASSERT(back == i, "%s maps to device %d", alt, back);
        char small[6];
        CHECK(cuDeviceGetPCIBusId(small, sizeof small, i), CUDA_ERROR_INVALID_VALUE);
        ASSERT(strcmp(small, "0000:") == 0, "truncated bus id \"%s\"", small);

        OK(cuDeviceGetUuid(&uuid[i], i));
        for (int j = 0; j < i; j++)
            ASSERT(memcmp(&uuid[i], &uuid[j], sizeof(CUuuid)) != 0, "devices %d and %d share a UUID", j, i);

        char luid[8];
        unsigned mask = 0;
        CHECK(cuDeviceGetLuid(luid, &mask, i), CUDA_ERROR_NOT_SUPPORTED);

        OK(cuDevicePrimaryCtxRetain(&prim[i], i));
        for (int j = 0; j < i; j++)
            ASSERT(prim[i] != prim[j], "devices %d and %d share a primary context", j, i);
        OK(cuCtxPushCurrent(prim[i]));
        OK(cuCtxGetDevice(&d));
        ASSERT(d == i, "primary context of device %d says device %d", i, d);
        OK(cuCtxPopCurrent(NULL));
    }
    CUdevice back = -1;
    CHECK(cuDeviceGetByPCIBusId(&back, "0000:3f:00.0"), CUDA_ERROR_INVALID_DEVICE);
    CHECK(cuDeviceGetByPCIBusId(&back, "nonsense"), CUDA_ERROR_INVALID_VALUE);

    /* Peer access: every distinct pair, never a device with itself. */
    for (int i = 0; i < count; i++)
        for (int j = 0; j < count; j++) {
            int can = -1;
            OK(cuDeviceCanAccessPeer(&can, i, j));
            ASSERT(can == (i != j), "can %d access %d: %d", i, j, can);
            if (i == j) {
                CHECK(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED, i, j),
                      CUDA_ERROR_INVALID_DEVICE);
                continue;
            }
            OK(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED, i, j));
            ASSERT(v == 1, "P2P access %d -> %d: %d", i, j, v);
            OK(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_NATIVE_ATOMIC_SUPPORTED, i, j));
            ASSERT(v == 1, "P2P atomics %d -> %d: %d", i, j, v);
            OK(cuDeviceGetP2PAttribute(&v, CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK, i, j));
        }

    /* Memory of the first device, filled by a kernel in the last device's
       context after enabling peer access. */
    if (count > 1) {
        CUcontext first = prim[0], last = prim[count - 1];
        CUdeviceptr p = 0;
        float host[64], out[64];
        OK(cuCtxPushCurrent(first));
        OK(cuMemAlloc(&p, sizeof host));
        for (int i = 0; i < 64; i++)
            host[i] = (float)i;
        OK(cuMemcpyHtoD(p, host, sizeof host));
        OK(cuCtxPopCurrent(NULL));
        OK(cuCtxPushCurrent(last));
        OK(cuCtxEnablePeerAccess(first, 0));
        CHECK(cuCtxEnablePeerAccess(first, 0), CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED);
        CHECK(cuCtxEnablePeerAccess(last, 0), CUDA_ERROR_PEER_ACCESS_UNSUPPORTED);
        CUmodule m = NULL;
        CUfunction scale = NULL;
        OK(cuModuleLoadData(&m, ptx));
        OK(cuModuleGetFunction(&scale, m, "scale"));
        float f = 3.0f;
        int n = 64;
        void *params[] = {&p, &f, &n};
        OK(cuLaunchKernel(scale, 1, 1, 1, 64, 1, 1, 0, NULL, params, NULL));
        OK(cuCtxSynchronize());
        OK(cuMemcpyDtoH(out, p, sizeof out));
        for (int i = 0; i < 64; i++)
            ASSERT(out[i] == 3.0f * (float)i, "out[%d] = %f", i, (double)out[i]);
        OK(cuCtxDisablePeerAccess(first));
        CHECK(cuCtxDisablePeerAccess(first), CUDA_ERROR_PEER_ACCESS_NOT_ENABLED);
        OK(cuModuleUnload(m));
        OK(cuCtxPopCurrent(NULL));
        OK(cuCtxPushCurrent(first));
        OK(cuMemFree(p));
        OK(cuCtxPopCurrent(NULL));
    }

    /* Releasing one device's primary context leaves the others alone. */
    for (int i = 0; i < count; i++) {
        OK(cuDevicePrimaryCtxRelease(i));
        int active = -1;
        unsigned flags = 0;
        OK(cuDevicePrimaryCtxGetState(i, &flags, &active));
        ASSERT(active == 0, "device %d still active", i);
        if (i + 1 < count) {
            OK(cuDevicePrimaryCtxGetState(i + 1, &flags, &active));
            ASSERT(active == 1, "device %d went inactive with device %d", i + 1, i);
        }
    }
    free(ptx);
    return ct_pass("devices");
}
