// Device printf (vprintf): every conversion, flags, widths, precisions, length
// modifiers, 64-bit and double arguments, strings from the constant bank and
// from __constant__ arrays, %%. Values come from `in` so nothing is folded.
// No %p (addresses differ between GPU and emulator). Each case prints from one
// thread or a handful; out[] records printf's return values.
#include <cstdio>

__constant__ char ctl_pf_words[4][8] = {"alpha", "beta", "gamma", "delta"};

// Integer conversions with flags, widths and precisions.
// @case ctl_printf_int grid=1 block=32 out=8
extern "C" __global__ void ctl_printf_int(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 3u)
        return;
    int a = (int)in[64 + 29];        // 100
    int b = (int)in[64 + 4];         // -1
    unsigned int c = in[64 + 19];    // 0xdeadbeef
    int d = (int)in[64 + 7];         // INT_MIN
    unsigned int e = in[64 + 0];     // 0
    int f = (int)in[64 + 31];        // 1000000
    out[0] = printf("d=%d i=%i u=%u x=%x X=%X o=%o\n", a, b, c, c, c, a);
    out[1] = printf("[%8d][%-8d][%08d][%+d][% d][%+d][% d]\n", a, a, a, a, a, b, b);
    out[2] = printf("[%#x][%#X][%#o][%#x][%#o]\n", c, c, a, e, e);
    out[3] = printf("[%.5d][%8.3d][%-8.3d|][%.0d][%.0u][%5.0x]\n", a, b, a, (int)e, e, e);
    out[4] = printf("min=%d max=%d umax=%u neg0=%d\n", d, (int)in[64 + 6], in[64 + 4], -(int)e);
    out[5] = printf("[%010u][%-10x|][%+08d][% 08d][%x]\n", c, c, f, -f, in[64 + 22]);
    out[6] = printf("no args\n");
    out[7] = printf("%d%d%d|%u%u\n", (int)in[64 + 1], (int)in[64 + 2], (int)in[64 + 3], in[64 + 27], in[64 + 28]);
}

// Length modifiers: ll, l, h, hh, and 64-bit values.
// @case ctl_printf_len grid=1 block=32 out=5
extern "C" __global__ void ctl_printf_len(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 0u)
        return;
    unsigned long long big = ((unsigned long long)in[64 + 19] << 32) | in[64 + 20];
    long long neg = -(long long)(((unsigned long long)in[64 + 17] << 20) | in[64 + 18]);
    long long minll = (long long)((unsigned long long)in[64 + 7] << 32);
    out[0] = printf("lld=%lld llu=%llu llx=%llx llX=%llX lli=%lli\n", neg, big, big, big, neg);
    out[1] = printf("[%20lld][%-20llu|][%#llx][%+lld][%llo]\n", neg, big, big, minll, big);
    out[2] = printf("ld=%ld lu=%lu lx=%lx\n", (long)neg, (unsigned long)big, (unsigned long)big);
    // (%hh conversions are left out: the H100 prints unrelated bytes for them.)
    out[3] = printf("hd=%hd hu=%hu hx=%hx\n", (short)in[64 + 19], (unsigned short)in[64 + 19],
                    (unsigned short)in[64 + 20]);
    out[4] = printf("mixed %d %lld %u %llx %d\n", (int)in[64 + 9], neg, in[64 + 10], big, (int)in[64 + 11]);
}

// Floating point: %f %e %g %a (and upper case) of floats (promoted) and
// doubles, precisions, widths, flags, and the special values.
// @case ctl_printf_float grid=1 block=32 out=6
extern "C" __global__ void ctl_printf_float(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 1u)
        return;
    float x = __uint_as_float(in[24]);   // pi
    float y = __uint_as_float(in[32]);   // -11.3
    float h = __uint_as_float(in[14]);   // 0.5
    double dx = (double)x * 1.0e10;
    double tiny = (double)__uint_as_float(in[25]) * 1.0e-300; // 6e-8 * 1e-300
    out[0] = printf("f=%f e=%e g=%g E=%E G=%G\n", x, x, x, x, x);
    out[1] = printf("[%10.3f][%-10.2f|][%+.1f][% .4f][%010.4f][%.0f][%#.0f]\n", x, y, x, x, y, h, h);
    out[2] = printf("[%.3e][%12.4E][%g][%g][%g][%#g][%.10g]\n", dx, (double)y, dx, tiny, 100000.0 * (double)h,
                    (double)h, (double)x);
    out[3] = printf("a=%a A=%A [%.3a] [%a] [%a]\n", (double)x, (double)y, (double)x, (double)h, tiny);
    out[4] = printf("inf=%f ninf=%f nan=%f zero=%f nzero=%f [%e] [%g] [%E]\n", __uint_as_float(in[4]),
                    __uint_as_float(in[5]), __uint_as_float(in[6]), __uint_as_float(in[0]), __uint_as_float(in[1]),
                    __uint_as_float(in[4]), __uint_as_float(in[5]), __uint_as_float(in[0]));
    out[5] = printf("sub=%g %e max=%g min=%g big=%.17g\n", __uint_as_float(in[9]), __uint_as_float(in[10]),
                    __uint_as_float(in[12]), __uint_as_float(in[11]), (double)__uint_as_float(in[22]));
}

// Strings and characters: literals, __constant__ arrays indexed by data, %c,
// %s with width/precision, %%.
// @case ctl_printf_str grid=1 block=32 out=4
extern "C" __global__ void ctl_printf_str(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 2u)
        return;
    const char* w = ctl_pf_words[in[64 + 3] & 3u];  // "delta"
    const char* w2 = ctl_pf_words[in[64 + 1] & 3u]; // "beta"
    out[0] = printf("s=%s s2=%s lit=%s c=%c%c%c\n", w, w2, "literal", (int)(in[64 + 24] & 0x0f) + 'A',
                    'x', (char)(in[64 + 2] + '0'));
    out[1] = printf("[%10s][%-10s|][%.3s][%8.2s][%c][%3c][%-3c|]\n", w, w2, w, w2, 'q', 'r', 's');
    out[2] = printf("100%% done %d%%\n", (int)in[64 + 29]);
    out[3] = printf("%s\n", "");
}

// A handful of threads in two blocks print (compared as a multiset).
// @case ctl_printf_threads grid=2 block=64 out=128
extern "C" __global__ void ctl_printf_threads(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    int r = -7;
    if ((threadIdx.x % 16u) == 5u)
        r = printf("block %u thread %u v=%08x f=%.6f\n", blockIdx.x, threadIdx.x, v,
                   __uint_as_float(in[32 + (g & 31)]));
    out[g] = (unsigned int)r;
}

// Many arguments in one call (int, double and 64-bit mixed).
// @case ctl_printf_many_args grid=1 block=32 out=1
extern "C" __global__ void ctl_printf_many_args(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 0u)
        return;
    const unsigned int* d = in + 64;
    out[0] = printf("%u %u %u %u %u %u %u %u|%x %x %x %x %x %x %x %x|%d %d %d %d|%.2f %.2f %.2f %.2f|%llu %llx|%s %c\n",
                    d[0], d[1], d[2], d[3], d[9], d[10], d[11], d[12], d[17], d[18], d[19], d[20], d[21], d[22],
                    d[23], d[24], (int)d[4], (int)d[5], (int)d[6], (int)d[7], __uint_as_float(in[32]),
                    __uint_as_float(in[40]), (double)__uint_as_float(in[50]), (double)__uint_as_float(in[63]),
                    ((unsigned long long)d[31] << 20) + d[30], ((unsigned long long)d[20] << 32) | d[21], "end",
                    'Z');
}

// printf in divergent branches and in a loop of data-dependent length.
// @case ctl_printf_divergent grid=1 block=32 out=32
extern "C" __global__ void ctl_printf_divergent(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    int total = 0;
    if (t < 4u) {
        if (v & 1u)
            total += printf("odd t=%u v=%u\n", t, v);
        else
            total += printf("even t=%u v=%x\n", t, v);
        for (unsigned int k = 0; k < (v & 3u); ++k)
            total += printf("t=%u k=%u\n", t, k);
    }
    out[t] = (unsigned int)total;
}

// '*' width and precision taken from arguments.
// @case ctl_printf_star grid=1 block=32 out=2
extern "C" __global__ void ctl_printf_star(const unsigned int* in, unsigned int* out)
{
    if (threadIdx.x != 0u)
        return;
    int w = (int)in[64 + 28];  // 13
    int p = (int)in[64 + 3];   // 3
    out[0] = printf("[%*d][%-*d|][%.*f][%*.*f]\n", w, (int)in[64 + 29], w, (int)in[64 + 30], p,
                    (double)__uint_as_float(in[24]), w, p, (double)__uint_as_float(in[32]));
    out[1] = printf("[%*s][%.*s]\n", w, "right", p, "truncated");
}
