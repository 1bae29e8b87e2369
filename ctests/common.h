/*
 * Shared helpers for the C test programs in ctests/.
 *
 * Every check is fatal: the first failure prints where it happened and what
 * was expected, and the program exits 1. A program that reaches the end
 * prints "PASS <name>" and exits 0.
 */
#ifndef SOFTCUDA_CTESTS_COMMON_H
#define SOFTCUDA_CTESTS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cuda.h>

/* Name of a status code, or its number when the driver does not know it. */
static inline const char *ct_name(CUresult r, char *buf, size_t len)
{
    const char *s = NULL;
    if (cuGetErrorName(r, &s) == CUDA_SUCCESS && s != NULL)
        return s;
    snprintf(buf, len, "CUresult(%d)", (int)r);
    return buf;
}

static inline void ct_fail_call(const char *file, int line, const char *call, CUresult got, CUresult want)
{
    char b1[32], b2[32];
    fprintf(stderr, "%s:%d: %s\n    returned %s (%d), expected %s (%d)\n", file, line, call,
            ct_name(got, b1, sizeof b1), (int)got, ct_name(want, b2, sizeof b2), (int)want);
    exit(1);
}

/* CHECK(call, expected): call must return exactly `expected`. */
#define CHECK(call, expected) CT_CHECK_((call), #call, (expected))

/* OK(call): call must succeed. */
#define OK(call) CT_CHECK_((call), #call, CUDA_SUCCESS)

#define CT_CHECK_(result, text, expected)                                \
    do {                                                                 \
        CUresult ct_got_ = (result);                                     \
        CUresult ct_want_ = (expected);                                  \
        if (ct_got_ != ct_want_)                                         \
            ct_fail_call(__FILE__, __LINE__, text, ct_got_, ct_want_);   \
    } while (0)

/* ASSERT(cond, printf-style message...): a plain condition. */
#define ASSERT(cond, ...)                                                         \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: assertion failed: %s\n    ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                  \
            exit(1);                                                              \
        }                                                                         \
    } while (0)

/* Whether the driver is softcuda (its device name says so). Checks that
   pass garbage handles run only there: NVIDIA's driver dereferences them
   (measured: cuLibraryGetKernel with a made-up CUlibrary crashes). Needs
   cuInit. */
static inline int ct_is_softcuda(void)
{
    char name[128] = "";
    if (cuDeviceGetName(name, (int)sizeof name, 0) != CUDA_SUCCESS)
        return 0;
    return strstr(name, "softcuda") != NULL;
}

/* Whole file as a NUL-terminated heap buffer (for PTX); exits on error. */
static inline char *ct_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            fprintf(stderr, "out of memory reading %s\n", path);
            exit(1);
        }
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f)) {
        fprintf(stderr, "error reading %s\n", path);
        exit(1);
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

/* The PTX path every launching test takes as argv[1]. */
static inline const char *ct_ptx_path(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/kernels.ptx\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

static inline int ct_pass(const char *name)
{
    printf("PASS %s\n", name);
    return 0;
}

#endif
