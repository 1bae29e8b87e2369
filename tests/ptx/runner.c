/*
 * PTX corpus runner: loads the PTX of every file stem in a manifest through the
 * CUDA driver API, launches each annotated case once and writes what it got.
 * The same program runs against NVIDIA's driver (to record expectations, see
 * scripts/record-ptx-expected.sh) and against softcuda (tests/ptx_corpus.rs).
 *
 *   runner MANIFEST PTX_DIR OUT_DIR [--max-ptx-version X.Y] [--only STEM]...
 *                                   [--resume]
 *
 * MANIFEST is tests/ptx/manifest.tsv (scripts/gen-ptx-corpus.sh writes it):
 * tab-separated lines
 *   stem kernel gx gy gz bx by bz out shared tol min_sm
 * ('#' starts a comment line). For each stem, in manifest order, that has
 * PTX_DIR/<stem>.ptx (and is named by an --only, when any is given):
 *   - the PTX is read; with --max-ptx-version a higher `.version` is lowered;
 *   - it is loaded with cuModuleLoadDataEx (the JIT error log goes to stderr);
 *   - each case gets `in` (65536 words, tests/ptx/README.md describes them) and
 *     `out` (65536 words of 0xDEADBEEF; the first `out` of them are read back),
 *     is launched on the primary context with its grid, block and dynamic
 *     shared memory (above 48 KiB after raising the function's limit), and
 *     synchronized;
 *   - OUT_DIR/<stem>.bin gets the `out` words of every case (little-endian,
 *     cases concatenated; a failed case writes 0xDEADBEEF words) and
 *     OUT_DIR/<stem>.status one line `<kernel> <CUresult name>` per case,
 *     written after the case's words.
 * stdout carries `== <stem>.<kernel>` before each launch and the kernels'
 * printf output (flushed after each synchronize), nothing else; diagnostics go
 * to stderr.
 *
 * Errors. A case that fails to load gets the load error. After a failed
 * launch/synchronize/copy the primary context is released until it resets,
 * retained again and the module reloaded, so later cases run on a clean
 * context. NVIDIA's driver does not allow that after a sticky error
 * (CUDA_ERROR_ILLEGAL_ADDRESS, _LAUNCH_FAILED, ...: the process must exit):
 * then the runner stops with exit status 5 and is to be started again with
 * --resume.
 *
 * --resume continues in OUT_DIR where an earlier run stopped: files whose
 * .status has all their cases are skipped, a partial one is continued. The
 * case being worked on is named in OUT_DIR/.inflight (`stem kernel`) until
 * its status is written; if an earlier run died there (crash, timeout kill),
 * --resume records that case as `RUNNER_DIED` (0xDEADBEEF words) and goes
 * on with the next one. So `until runner ... --resume; do :; done`-style loops
 * always make progress (exit 2, 3, 4 should end such a loop).
 *
 * Exit status: 0 when every selected case has its status, 5 when stopped
 * early (see above), 2 for bad arguments, 3 for I/O errors, 4 when the driver
 * cannot even be initialized.
 */
#define _POSIX_C_SOURCE 200809L
#include <cuda.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IN_WORDS 65536u
#define OUT_MAX_WORDS 65536u
#define FILL 0xDEADBEEFu
#define LOG_SIZE (64u * 1024u)

typedef struct {
    char *stem;
    char *kernel;
    unsigned grid[3], block[3];
    unsigned out_words, shared;
} Case;

static Case *cases;
static size_t ncases;

static uint32_t in_host[IN_WORDS];
static uint32_t out_host[OUT_MAX_WORDS];

/* Runner state on the device side. */
static CUdevice dev;
static CUcontext ctx;
static int ctx_ok;
static CUdeviceptr d_in, d_out;

static void die(int code, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "runner: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
    exit(code);
}

static const char *err_name(CUresult r)
{
    static char buf[32];
    const char *s = NULL;
    if (cuGetErrorName(r, &s) == CUDA_SUCCESS && s)
        return s;
    snprintf(buf, sizeof buf, "CUresult_%d", (int)r);
    return buf;
}

/* ---- input ------------------------------------------------------------- */

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void make_input(void)
{
    static const uint32_t specials[32] = {
        0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fa00000u,
        0xffc00001u, 0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu, 0x3f000000u, 0x3fc00000u,
        0x40200000u, 0xc0200000u, 0x4b000000u, 0x4b800000u, 0x4f000000u, 0xcf000000u, 0x5f000000u, 0x3eaaaaabu,
        0x40490fdbu, 0x33800000u, 0x4effffffu, 0x4f800000u, 0xbf000000u, 0x3f7fffffu, 0x3f800001u, 0x00400000u,
    };
    static const uint32_t ints[32] = {
        0u,          1u,          2u,          3u,          0xffffffffu, 0xfffffffeu, 0x7fffffffu, 0x80000000u,
        0x80000001u, 31u,         32u,         33u,         63u,         64u,         0x0000ffffu, 0x00010000u,
        0xffff0000u, 0x12345678u, 0x87654321u, 0xdeadbeefu, 0xcafebabeu, 0x55555555u, 0xaaaaaaaau, 0x0f0f0f0fu,
        0x000000ffu, 0x00000080u, 0x00008000u, 7u,          13u,         100u,        1000u,       1000000u,
    };
    for (unsigned i = 0; i < 32; i++)
        in_host[i] = specials[i];
    for (unsigned k = 0; k < 32; k++) /* computed in double, rounded once to f32 */
        in_host[32 + k] = f32_bits((float)((double)k * 0.75 - 11.3));
    for (unsigned i = 0; i < 32; i++)
        in_host[64 + i] = ints[i];
    for (uint32_t i = 0; i < 32; i++)
        in_host[96 + i] = i * i * 2654435761u;
    uint32_t x = 0x9e3779b9u;
    for (unsigned i = 128; i < IN_WORDS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        in_host[i] = x;
    }
}

/* ---- manifest ---------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        die(3, "out of memory%s%s", "", "");
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap + 1);
        if (!buf)
            die(3, "out of memory%s%s", "", "");
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static unsigned parse_uint(const char *s, const char *what, unsigned line)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > 0xffffffffu) {
        char l[32];
        snprintf(l, sizeof l, "%u", line);
        die(2, "manifest line %s: bad %s", l, what);
    }
    return (unsigned)v;
}

static void load_manifest(const char *path)
{
    char *text = read_file(path, NULL);
    if (!text)
        die(3, "cannot read manifest %s: %s", path, strerror(errno));
    size_t cap = 256;
    cases = malloc(cap * sizeof *cases);
    unsigned lineno = 0;
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        if (*line && *line != '#') {
            char *field[12];
            unsigned nf = 0;
            for (char *p = line; nf < 12;) {
                field[nf++] = p;
                char *tab = strchr(p, '\t');
                if (!tab)
                    break;
                *tab = 0;
                p = tab + 1;
            }
            if (nf != 12) {
                char l[32];
                snprintf(l, sizeof l, "%u", lineno);
                die(2, "manifest line %s: expected 12 tab-separated fields%s", l, "");
            }
            if (ncases == cap) {
                cap *= 2;
                cases = realloc(cases, cap * sizeof *cases);
            }
            Case *c = &cases[ncases++];
            c->stem = field[0];
            c->kernel = field[1];
            for (int i = 0; i < 3; i++) {
                c->grid[i] = parse_uint(field[2 + i], "grid", lineno);
                c->block[i] = parse_uint(field[5 + i], "block", lineno);
            }
            c->out_words = parse_uint(field[8], "out", lineno);
            c->shared = parse_uint(field[9], "shared", lineno);
            if (c->out_words == 0 || c->out_words > OUT_MAX_WORDS) {
                char l[32];
                snprintf(l, sizeof l, "%u", lineno);
                die(2, "manifest line %s: out must be 1..65536%s", l, "");
            }
        }
        line = next;
    }
    /* `text` stays allocated: the cases point into it. */
}

/* ---- PTX ---------------------------------------------------------------- */

/* Lowers a `.version X.Y` directive above max_major.max_minor to the maximum.
   Returns a new buffer (or the input when nothing changes). */
static char *cap_version(char *ptx, int max_major, int max_minor, const char *stem)
{
    char *p = ptx;
    while ((p = strstr(p, ".version")) != NULL) {
        /* only a directive at the start of a line (after blanks) */
        char *b = p;
        while (b > ptx && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b == ptx || b[-1] == '\n')
            break;
        p += 8;
    }
    if (!p)
        return ptx;
    char *v = p + 8;
    while (*v == ' ' || *v == '\t')
        v++;
    char *end;
    long major = strtol(v, &end, 10);
    if (end == v || *end != '.')
        return ptx;
    char *m = end + 1;
    long minor = strtol(m, &end, 10);
    if (end == m)
        return ptx;
    if (major < max_major || (major == max_major && minor <= max_minor))
        return ptx;
    char repl[32];
    int rl = snprintf(repl, sizeof repl, "%d.%d", max_major, max_minor);
    size_t pre = (size_t)(v - ptx), rest = strlen(end);
    char *out = malloc(pre + (size_t)rl + rest + 1);
    if (!out)
        die(3, "out of memory%s%s", "", "");
    memcpy(out, ptx, pre);
    memcpy(out + pre, repl, (size_t)rl);
    memcpy(out + pre + (size_t)rl, end, rest + 1);
    fprintf(stderr, "runner: %s: .version %ld.%ld lowered to %s\n", stem, major, minor, repl);
    free(ptx);
    return out;
}

static CUresult load_module(const char *ptx, CUmodule *mod, const char *stem)
{
    static char log[LOG_SIZE];
    log[0] = 0;
    CUjit_option opts[2] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *vals[2] = {log, (void *)(uintptr_t)LOG_SIZE};
    *mod = NULL;
    CUresult r = cuModuleLoadDataEx(mod, ptx, 2, opts, vals);
    if (r != CUDA_SUCCESS) {
        log[LOG_SIZE - 1] = 0;
        fprintf(stderr, "runner: %s: cuModuleLoadDataEx failed: %s\n%s%s", stem, err_name(r), log,
                (log[0] && log[strlen(log) - 1] != '\n') ? "\n" : "");
        *mod = NULL;
    }
    return r;
}

/* ---- context ------------------------------------------------------------ */

static CUresult setup_context(void)
{
    CUresult r = cuDevicePrimaryCtxRetain(&ctx, dev);
    if (r != CUDA_SUCCESS)
        return r;
    if ((r = cuCtxSetCurrent(ctx)) != CUDA_SUCCESS)
        return r;
    if ((r = cuMemAlloc(&d_in, IN_WORDS * 4u)) != CUDA_SUCCESS)
        return r;
    if ((r = cuMemAlloc(&d_out, OUT_MAX_WORDS * 4u)) != CUDA_SUCCESS)
        return r;
    ctx_ok = 1;
    return CUDA_SUCCESS;
}

/* Drops every reference to the primary context (the last release resets it,
   freeing its memory and modules) and retains a fresh one. */
static CUresult reset_context(void)
{
    ctx_ok = 0;
    d_in = d_out = 0;
    CUresult c = cuCtxSetCurrent(NULL);
    if (c != CUDA_SUCCESS)
        fprintf(stderr, "runner: reset: cuCtxSetCurrent(NULL): %s\n", err_name(c));
    /* The driver may report a sticky error from a release that still drops
       the reference: keep going until there is no reference left. */
    for (int i = 0; i < 64; i++) {
        c = cuDevicePrimaryCtxRelease(dev);
        if (c == CUDA_ERROR_INVALID_CONTEXT)
            break;
        if (c != CUDA_SUCCESS)
            fprintf(stderr, "runner: reset: cuDevicePrimaryCtxRelease: %s\n", err_name(c));
    }
    CUresult r = setup_context();
    if (r != CUDA_SUCCESS)
        fprintf(stderr, "runner: cannot set up a fresh primary context: %s\n", err_name(r));
    return r;
}

/* ---- one file ------------------------------------------------------------ */

static void put_words(FILE *f, const uint32_t *w, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b[4] = {(unsigned char)w[i], (unsigned char)(w[i] >> 8), (unsigned char)(w[i] >> 16),
                              (unsigned char)(w[i] >> 24)};
        if (fwrite(b, 1, 4, f) != 4)
            die(3, "cannot write %s: %s", path, strerror(errno));
    }
}

static void put_fill(FILE *f, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        out_host[i] = FILL;
    put_words(f, out_host, n, path);
}

/* Runs one case; returns its result. On success out_host holds its words. */
static CUresult run_case(CUmodule mod, const Case *c)
{
    CUfunction fn;
    CUresult r = cuModuleGetFunction(&fn, mod, c->kernel);
    if (r != CUDA_SUCCESS)
        return r;
    if (c->shared > 48u * 1024u) {
        r = cuFuncSetAttribute(fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, (int)c->shared);
        if (r != CUDA_SUCCESS)
            return r;
    }
    if ((r = cuMemcpyHtoD(d_in, in_host, IN_WORDS * 4u)) != CUDA_SUCCESS)
        return r;
    if ((r = cuMemsetD32(d_out, FILL, OUT_MAX_WORDS)) != CUDA_SUCCESS)
        return r;
    if ((r = cuCtxSynchronize()) != CUDA_SUCCESS)
        return r;
    void *params[2] = {&d_in, &d_out};
    printf("== %s.%s\n", c->stem, c->kernel);
    fflush(stdout);
    r = cuLaunchKernel(fn, c->grid[0], c->grid[1], c->grid[2], c->block[0], c->block[1], c->block[2], c->shared, NULL,
                       params, NULL);
    if (r == CUDA_SUCCESS)
        r = cuCtxSynchronize();
    fflush(stdout);
    if (r != CUDA_SUCCESS)
        return r;
    return cuMemcpyDtoH(out_host, d_out, (size_t)c->out_words * 4u);
}

static unsigned total_run, total_failed;
static const char *inflight_path;

static void set_inflight(const Case *c)
{
    FILE *f = fopen(inflight_path, "w");
    if (!f || fprintf(f, "%s %s\n", c->stem, c->kernel) < 0 || fclose(f) != 0)
        die(3, "cannot write %s: %s", inflight_path, strerror(errno));
}

static size_t status_lines(const char *st_path)
{
    char *text = read_file(st_path, NULL);
    size_t n = 0;
    if (!text)
        return 0;
    for (char *p = text; *p; p++)
        n += *p == '\n';
    free(text);
    return n;
}

/* Runs cases [first, last) of one file (all of the same stem). With resume,
   continues after the cases OUT_DIR already has. Returns 0, or 5 when the
   driver became unusable and the run has to continue in a new process. */
static int run_file(const char *ptx_dir, const char *out_dir, size_t first, size_t last, int resume,
                    int max_major, int max_minor)
{
    const char *stem = cases[first].stem;
    char path[4096], bin_path[4096], st_path[4096];
    snprintf(bin_path, sizeof bin_path, "%s/%s.bin", out_dir, stem);
    snprintf(st_path, sizeof st_path, "%s/%s.status", out_dir, stem);

    size_t done = resume ? status_lines(st_path) : 0;
    if (done >= last - first)
        return 0;
    FILE *bin, *st;
    if (done > 0) {
        /* Drop words of a case whose status was never written. */
        long long words = 0;
        for (size_t i = first; i < first + done; i++)
            words += cases[i].out_words;
        if (truncate(bin_path, (off_t)(words * 4)) != 0)
            die(3, "cannot truncate %s: %s", bin_path, strerror(errno));
        bin = fopen(bin_path, "ab");
        st = fopen(st_path, "a");
    } else {
        bin = fopen(bin_path, "wb");
        st = fopen(st_path, "w");
    }
    if (!bin || !st)
        die(3, "cannot open the results of %s in %s", stem, out_dir);

    /* The previous run died on the next case: record that and move on. */
    size_t i = first + done;
    if (resume) {
        char *inflight = read_file(inflight_path, NULL);
        char want[600];
        snprintf(want, sizeof want, "%s %s\n", stem, cases[i].kernel);
        if (inflight && !strcmp(inflight, want)) {
            fprintf(stderr, "runner: %s.%s: an earlier run died on this case\n", stem, cases[i].kernel);
            put_fill(bin, cases[i].out_words, bin_path);
            fprintf(st, "%s RUNNER_DIED\n", cases[i].kernel);
            if (fflush(bin) != 0 || fflush(st) != 0)
                die(3, "cannot write the results of %s in %s", stem, out_dir);
            remove(inflight_path);
            total_run++;
            total_failed++;
            i++;
        }
        free(inflight);
    }

    int rc = 0;
    char *ptx = NULL;
    CUmodule mod = NULL;
    CUresult blocked = CUDA_SUCCESS; /* set: every remaining case gets this */
    if (i < last) {
        snprintf(path, sizeof path, "%s/%s.ptx", ptx_dir, stem);
        ptx = read_file(path, NULL);
        if (!ptx)
            die(3, "cannot read %s: %s", path, strerror(errno));
        if (max_major >= 0)
            ptx = cap_version(ptx, max_major, max_minor, stem);
        set_inflight(&cases[i]);
        if (!ctx_ok && reset_context() != CUDA_SUCCESS) {
            remove(inflight_path); /* not this case's fault */
            rc = 5;
        } else
            blocked = load_module(ptx, &mod, stem);
    }

    for (; i < last && rc == 0; i++) {
        const Case *c = &cases[i];
        set_inflight(c);
        CUresult r = blocked;
        if (r == CUDA_SUCCESS)
            r = run_case(mod, c);
        total_run++;
        if (r == CUDA_SUCCESS) {
            put_words(bin, out_host, c->out_words, bin_path);
        } else {
            total_failed++;
            put_fill(bin, c->out_words, bin_path);
            if (blocked == CUDA_SUCCESS)
                fprintf(stderr, "runner: %s.%s: %s\n", stem, c->kernel, err_name(r));
        }
        /* The status line follows the case's words, so a status line means
           its words are complete even if the runner dies later. */
        if (fflush(bin) != 0)
            die(3, "cannot write %s: %s", bin_path, strerror(errno));
        fprintf(st, "%s %s\n", c->kernel, err_name(r));
        if (fflush(st) != 0)
            die(3, "cannot write %s: %s", st_path, strerror(errno));
        remove(inflight_path);

        if (blocked == CUDA_SUCCESS && r != CUDA_SUCCESS && r != CUDA_ERROR_NOT_FOUND) {
            /* Go on with a clean context, the module reloaded. */
            mod = NULL;
            if (reset_context() != CUDA_SUCCESS) {
                fprintf(stderr, "runner: the driver is unusable after %s.%s; continue with --resume\n", stem,
                        c->kernel);
                rc = 5;
            } else if (i + 1 < last) {
                set_inflight(&cases[i + 1]);
                blocked = load_module(ptx, &mod, stem);
            }
        }
    }
    if (mod && ctx_ok) {
        CUresult r = cuModuleUnload(mod);
        if (r != CUDA_SUCCESS) {
            fprintf(stderr, "runner: %s: cuModuleUnload: %s\n", stem, err_name(r));
            if (reset_context() != CUDA_SUCCESS)
                rc = 5;
        }
    }
    if (fclose(bin) != 0 || fclose(st) != 0)
        die(3, "cannot write the results of %s in %s", stem, out_dir);
    free(ptx);
    return rc;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: runner MANIFEST PTX_DIR OUT_DIR [--max-ptx-version X.Y] [--only STEM]... [--resume]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *pos[3];
    int npos = 0, max_major = -1, max_minor = -1;
    const char **only = calloc((size_t)argc, sizeof *only);
    int nonly = 0;
    int resume = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max-ptx-version") && i + 1 < argc) {
            if (sscanf(argv[++i], "%d.%d", &max_major, &max_minor) != 2 || max_major < 0 || max_minor < 0)
                usage();
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only[nonly++] = argv[++i];
        } else if (!strcmp(argv[i], "--resume")) {
            resume = 1;
        } else if (argv[i][0] == '-' || npos == 3) {
            usage();
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (npos != 3)
        usage();
    const char *ptx_dir = pos[1], *out_dir = pos[2];
    load_manifest(pos[0]);
    make_input();
    static char inflight[4096];
    snprintf(inflight, sizeof inflight, "%s/.inflight", out_dir);
    inflight_path = inflight;

    CUresult r = cuInit(0);
    if (r == CUDA_SUCCESS)
        r = cuDeviceGet(&dev, 0);
    if (r == CUDA_SUCCESS)
        r = setup_context();
    if (r != CUDA_SUCCESS)
        die(4, "cannot initialize the driver: %s%s", err_name(r), "");

    int rc = 0;
    for (size_t i = 0; i < ncases && rc == 0;) {
        size_t j = i + 1;
        while (j < ncases && !strcmp(cases[j].stem, cases[i].stem))
            j++;
        int selected = nonly == 0;
        for (int k = 0; k < nonly && !selected; k++)
            selected = !strcmp(only[k], cases[i].stem);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.ptx", ptx_dir, cases[i].stem);
        FILE *probe = selected ? fopen(path, "rb") : NULL;
        if (probe) {
            fclose(probe);
            rc = run_file(ptx_dir, out_dir, i, j, resume, max_major, max_minor);
        }
        i = j;
    }
    fprintf(stderr, "runner: %u cases run, %u not CUDA_SUCCESS%s\n", total_run, total_failed,
            rc ? "; stopped early (exit 5)" : "");
    free(only);
    return rc;
}
