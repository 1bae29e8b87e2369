/*
 * Pitched allocations, 2D and 3D copies (host, device and unified sides,
 * pitches and offsets, verified byte by byte), 2D fills, unified cuMemcpy,
 * peer copies, the Async forms, and their error cases.
 */
#include "common.h"

#define W 100 /* bytes per row copied */
#define H 7   /* rows */
#define D 3   /* slices */

static unsigned char src[64 * 1024], dst[64 * 1024];

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 31u + seed + (i >> 8));
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx;
    CUstream s;
    OK(cuInit(0));
    OK(cuDeviceGet(&dev, 0));
    OK(cuCtxCreate(&ctx, NULL, 0, dev));
    OK(cuStreamCreate(&s, CU_STREAM_DEFAULT));

    /* ---- cuMemAllocPitch: rows rounded up to 512 bytes --------------- */
    CUdeviceptr pd = 0, base = 0;
    size_t pitch = 0, size = 0;
    OK(cuMemAllocPitch(&pd, &pitch, W, H, 4));
    ASSERT(pitch >= W && pitch % 256 == 0, "pitch %zu for width %d", pitch, W);
    OK(cuMemGetAddressRange(&base, &size, pd + pitch));
    ASSERT(base == pd && size == pitch * H, "pitched block %zu bytes, expected %zu", size, pitch * H);
    CUdeviceptr p2;
    size_t pitch2;
    OK(cuMemAllocPitch(&p2, &pitch2, 513, 2, 16));
    ASSERT(pitch2 >= 513 && pitch2 % 256 == 0, "pitch %zu for width 513", pitch2);
    OK(cuMemFree(p2));
    CHECK(cuMemAllocPitch(&p2, &pitch2, W, H, 1), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocPitch(&p2, &pitch2, W, H, 2), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocPitch(&p2, &pitch2, W, H, 32), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocPitch(&p2, &pitch2, 0, H, 4), CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAllocPitch(&p2, &pitch2, W, 0, 4), CUDA_ERROR_INVALID_VALUE);

    /* ---- 2D host -> pitched device -> host, with offsets ------------- */
    const size_t spitch = 150, sx = 9, sy = 2; /* source rows 150 bytes apart */
    fill_pattern(src, sizeof src, 1);
    OK(cuMemsetD8(pd, 0xEE, pitch * H));
    CUDA_MEMCPY2D c;
    memset(&c, 0, sizeof c);
    c.srcMemoryType = CU_MEMORYTYPE_HOST;
    c.srcHost = src;
    c.srcXInBytes = sx;
    c.srcY = sy;
    c.srcPitch = spitch;
    c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    c.dstDevice = pd;
    c.dstXInBytes = 5;
    c.dstY = 1;
    c.dstPitch = pitch;
    c.WidthInBytes = W - 5;
    c.Height = H - 1;
    OK(cuMemcpy2D(&c));
    OK(cuMemcpyDtoH(dst, pd, pitch * H));
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < pitch; x++) {
            int inside = y >= 1 && x >= 5 && x < W;
            unsigned char want = inside ? src[(y - 1 + sy) * spitch + sx + (x - 5)] : 0xEE;
            ASSERT(dst[y * pitch + x] == want, "2D HtoD: row %zu byte %zu = %#x, expected %#x", y, x,
                   dst[y * pitch + x], want);
        }

    /* Device -> host with a tight destination pitch, through Unaligned and Async. */
    memset(&c, 0, sizeof c);
    c.srcMemoryType = CU_MEMORYTYPE_DEVICE;
    c.srcDevice = pd;
    c.srcPitch = pitch;
    c.dstMemoryType = CU_MEMORYTYPE_HOST;
    c.dstHost = dst;
    c.dstPitch = W;
    c.WidthInBytes = W;
    c.Height = H;
    unsigned char expect[W * H];
    OK(cuMemcpyDtoH(src, pd, pitch * H)); /* src now mirrors the device block */
    for (size_t y = 0; y < H; y++)
        memcpy(expect + y * W, src + y * pitch, W);
    memset(dst, 0, sizeof dst);
    OK(cuMemcpy2DUnaligned(&c));
    ASSERT(memcmp(dst, expect, sizeof expect) == 0, "2D DtoH (Unaligned) differs");
    memset(dst, 0, sizeof dst);
    OK(cuMemcpy2DAsync(&c, s));
    OK(cuStreamSynchronize(s));
    ASSERT(memcmp(dst, expect, sizeof expect) == 0, "2D DtoH (Async) differs");
    ASSERT(dst[W * H] == 0, "2D DtoH wrote past its last row");

    /* Device -> device between odd pitches and unified sides. */
    CUdeviceptr d1, d2;
    OK(cuMemAlloc(&d1, 4096));
    OK(cuMemAlloc(&d2, 4096));
    fill_pattern(src, 4096, 7);
    OK(cuMemcpyHtoD(d1, src, 4096));
    OK(cuMemsetD8(d2, 0, 4096));
    memset(&c, 0, sizeof c);
    c.srcMemoryType = CU_MEMORYTYPE_UNIFIED;
    c.srcDevice = d1 + 3;
    c.srcPitch = 13;
    c.dstMemoryType = CU_MEMORYTYPE_UNIFIED;
    c.dstDevice = d2;
    c.dstXInBytes = 1;
    c.dstPitch = 37;
    c.WidthInBytes = 11;
    c.Height = 20;
    OK(cuMemcpy2D(&c));
    OK(cuMemcpyDtoH(dst, d2, 4096));
    for (size_t y = 0; y < 20; y++)
        for (size_t x = 0; x < 37; x++) {
            unsigned char want = (x >= 1 && x < 12) ? src[3 + y * 13 + (x - 1)] : 0;
            ASSERT(dst[y * 37 + x] == want, "2D DtoD: row %zu byte %zu = %#x, expected %#x", y, x, dst[y * 37 + x], want);
        }

    /* 2D error cases. */
    memset(&c, 0, sizeof c);
    c.srcMemoryType = CU_MEMORYTYPE_HOST;
    c.srcHost = src;
    c.srcPitch = 100;
    c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    c.dstDevice = d1;
    c.dstPitch = 100;
    c.WidthInBytes = 100;
    c.Height = 40;
    OK(cuMemcpy2D(&c));
    c.Height = 41; /* 4100 bytes: past the 4096-byte block */
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.Height = 40;
    c.WidthInBytes = 101; /* wider than the pitch */
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.WidthInBytes = 100;
    c.srcXInBytes = 1; /* X + width past the pitch */
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.srcXInBytes = 0;
    c.dstMemoryType = (CUmemorytype)7;
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.dstMemoryType = CU_MEMORYTYPE_ARRAY; /* NULL array */
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    c.dstDevice = (CUdeviceptr)dst; /* plain host memory is not device memory */
    CHECK(cuMemcpy2D(&c), CUDA_ERROR_INVALID_VALUE);
    c.dstDevice = d1;
    c.Height = 0;
    OK(cuMemcpy2D(&c)); /* nothing to copy */
    CHECK(cuMemcpy2D(NULL), CUDA_ERROR_INVALID_VALUE);

    /* ---- 3D: a sub-box between two padded volumes -------------------- */
    /* source volume: pitch 40, 9 rows per slice, 4 slices (host) */
    fill_pattern(src, 40 * 9 * 4, 3);
    CUdeviceptr vol;
    const size_t dp = 64, dh = 8, dd = 5; /* device volume: pitch 64, 8 rows, 5 slices */
    OK(cuMemAlloc(&vol, dp * dh * dd));
    OK(cuMemsetD8(vol, 0xCD, dp * dh * dd));
    CUDA_MEMCPY3D c3;
    memset(&c3, 0, sizeof c3);
    c3.srcMemoryType = CU_MEMORYTYPE_HOST;
    c3.srcHost = src;
    c3.srcXInBytes = 2;
    c3.srcY = 1;
    c3.srcZ = 1;
    c3.srcPitch = 40;
    c3.srcHeight = 9;
    c3.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    c3.dstDevice = vol;
    c3.dstXInBytes = 10;
    c3.dstY = 2;
    c3.dstZ = 1;
    c3.dstPitch = dp;
    c3.dstHeight = dh;
    c3.WidthInBytes = 30;
    c3.Height = 6;
    c3.Depth = D;
    OK(cuMemcpy3D(&c3));
    OK(cuMemcpyDtoH(dst, vol, dp * dh * dd));
    for (size_t z = 0; z < dd; z++)
        for (size_t y = 0; y < dh; y++)
            for (size_t x = 0; x < dp; x++) {
                int inside = z >= 1 && z < 1 + D && y >= 2 && y < 8 && x >= 10 && x < 40;
                unsigned char want =
                    inside ? src[(z - 1 + 1) * 40 * 9 + (y - 2 + 1) * 40 + (x - 10 + 2)] : 0xCD;
                unsigned char got = dst[z * dp * dh + y * dp + x];
                ASSERT(got == want, "3D HtoD: (%zu,%zu,%zu) = %#x, expected %#x", x, y, z, got, want);
            }

    /* Back to the host through cuMemcpy3DAsync and cuMemcpy3DPeer. */
    CUDA_MEMCPY3D b3;
    memset(&b3, 0, sizeof b3);
    b3.srcMemoryType = CU_MEMORYTYPE_DEVICE;
    b3.srcDevice = vol;
    b3.srcPitch = dp;
    b3.srcHeight = dh;
    b3.dstMemoryType = CU_MEMORYTYPE_HOST;
    b3.dstHost = src;
    b3.dstPitch = dp;
    b3.dstHeight = dh;
    b3.WidthInBytes = dp;
    b3.Height = dh;
    b3.Depth = dd;
    memset(src, 0, dp * dh * dd);
    OK(cuMemcpy3DAsync(&b3, s));
    OK(cuStreamSynchronize(s));
    ASSERT(memcmp(src, dst, dp * dh * dd) == 0, "3D DtoH (Async) differs");
    CUDA_MEMCPY3D_PEER p3;
    memset(&p3, 0, sizeof p3);
    p3.srcMemoryType = CU_MEMORYTYPE_DEVICE;
    p3.srcDevice = vol;
    p3.srcContext = ctx;
    p3.srcPitch = dp;
    p3.srcHeight = dh;
    p3.dstMemoryType = CU_MEMORYTYPE_HOST;
    p3.dstHost = src;
    p3.dstContext = ctx;
    p3.dstPitch = dp;
    p3.dstHeight = dh;
    p3.WidthInBytes = dp;
    p3.Height = dh;
    p3.Depth = dd;
    memset(src, 0, dp * dh * dd);
    OK(cuMemcpy3DPeer(&p3));
    ASSERT(memcmp(src, dst, dp * dh * dd) == 0, "3D peer DtoH differs");

    /* 3D error cases. */
    c3.Depth = 20; /* past the device volume */
    CHECK(cuMemcpy3D(&c3), CUDA_ERROR_INVALID_VALUE);
    c3.Depth = D;
    c3.dstHeight = 5; /* slices of 5 rows cannot hold 6 */
    CHECK(cuMemcpy3D(&c3), CUDA_ERROR_INVALID_VALUE);
    c3.dstHeight = dh;
    c3.Depth = 0;
    OK(cuMemcpy3D(&c3));

    /* ---- 2D fills ------------------------------------------------------ */
    OK(cuMemsetD8(pd, 0, pitch * H));
    OK(cuMemsetD2D32(pd + 8, pitch, 0xA1B2C3D4u, 10, 3));
    OK(cuMemsetD2D16Async(pd + 8 + 3 * pitch, pitch, 0x5566, 4, 2, s));
    OK(cuMemsetD2D8(pd + 200 + 5 * pitch, pitch, 0x7F, 3, 2));
    OK(cuStreamSynchronize(s));
    OK(cuMemcpyDtoH(dst, pd, pitch * H));
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < pitch; x++) {
            unsigned char want = 0;
            if (y < 3 && x >= 8 && x < 48)
                want = (unsigned char)(0xA1B2C3D4u >> (8 * ((x - 8) % 4)));
            else if (y >= 3 && y < 5 && x >= 8 && x < 16)
                want = (x - 8) % 2 ? 0x55 : 0x66;
            else if (y >= 5 && x >= 200 && x < 203)
                want = 0x7F;
            ASSERT(dst[y * pitch + x] == want, "2D fill: row %zu byte %zu = %#x, expected %#x", y, x,
                   dst[y * pitch + x], want);
        }
    CHECK(cuMemsetD2D32(pd + 2, pitch, 1, 5, 2), CUDA_ERROR_INVALID_VALUE);      /* misaligned */
    CHECK(cuMemsetD2D32(pd, pitch + 2, 1, 5, 2), CUDA_ERROR_INVALID_VALUE);      /* pitch not a multiple of 4 */
    CHECK(cuMemsetD2D32(pd, 8, 1, 5, 2), CUDA_ERROR_INVALID_VALUE);              /* pitch shorter than a row */
    OK(cuMemsetD2D32(pd, 8, 1, 5, 1));                                           /* pitch unused for one row */
    CHECK(cuMemsetD2D8(pd, pitch, 1, 10, H + 1), CUDA_ERROR_INVALID_VALUE);      /* past the block */
    OK(cuMemsetD2D8(pd, pitch, 1, 0, 5));

    /* 1D async fills. */
    OK(cuMemsetD32Async(d1, 0x01020304u, 4, s));
    OK(cuMemsetD16Async(d1 + 16, 0xBEEF, 2, s));
    OK(cuMemsetD8Async(d1 + 20, 0x11, 3, s));
    OK(cuStreamSynchronize(s));
    OK(cuMemcpyDtoH(dst, d1, 24));
    for (int i = 0; i < 16; i++)
        ASSERT(dst[i] == 4 - i % 4, "memsetD32Async byte %d = %#x", i, dst[i]);
    ASSERT(dst[16] == 0xEF && dst[17] == 0xBE && dst[18] == 0xEF && dst[19] == 0xBE, "memsetD16Async");
    ASSERT(dst[20] == 0x11 && dst[21] == 0x11 && dst[22] == 0x11, "memsetD8Async");

    /* ---- cuMemcpy: any direction through unified addresses ------------ */
    fill_pattern(src, 4096, 11);
    OK(cuMemcpy(d1, (CUdeviceptr)src, 4096));         /* host (pageable) -> device */
    OK(cuMemcpy(d2, d1, 4096));                       /* device -> device */
    memset(dst, 0, 4096);
    OK(cuMemcpyAsync((CUdeviceptr)dst, d2, 4096, s)); /* device -> host */
    OK(cuStreamSynchronize(s));
    ASSERT(memcmp(src, dst, 4096) == 0, "cuMemcpy round trip differs");
    OK(cuMemcpy((CUdeviceptr)dst, (CUdeviceptr)src + 1, 100)); /* host -> host */
    ASSERT(memcmp(dst, src + 1, 100) == 0, "cuMemcpy host to host differs");
    CHECK(cuMemcpy(d1 + 4000, d2, 200), CUDA_ERROR_INVALID_VALUE); /* past the block */
    CHECK(cuMemcpy(0, d2, 10), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemcpyDtoDAsync(d2 + 1, d1, 100, s));
    OK(cuStreamSynchronize(s));
    OK(cuMemcpyDtoH(dst, d2, 101));
    ASSERT(memcmp(dst + 1, src, 100) == 0, "cuMemcpyDtoDAsync differs");

    /* Peer copies (one device: the same context on both sides). */
    OK(cuMemsetD8(d2, 0, 4096));
    OK(cuMemcpyPeer(d2, ctx, d1 + 100, ctx, 500));
    OK(cuMemcpyPeerAsync(d2 + 1000, ctx, d1, ctx, 10, s));
    OK(cuStreamSynchronize(s));
    OK(cuMemcpyDtoH(dst, d2, 1010));
    ASSERT(memcmp(dst, src + 100, 500) == 0 && memcmp(dst + 1000, src, 10) == 0, "cuMemcpyPeer differs");
    CHECK(cuMemcpyPeer(d2, ctx, d1, ctx, 5000), CUDA_ERROR_INVALID_VALUE);

    OK(cuMemFree(pd));
    OK(cuMemFree(d1));
    OK(cuMemFree(d2));
    OK(cuMemFree(vol));
    OK(cuStreamDestroy(s));
    OK(cuCtxDestroy(ctx));
    return ct_pass("mem_copy");
}
