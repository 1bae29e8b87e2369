// Control flow: nested if/else, dense and sparse switches (brx.idx), loops with
// break/continue, early return, goto state machines, uniform branches with
// barriers, reconvergence before __syncthreads, bar.red (__syncthreads_count /
// _and / _or), named barriers with partial thread counts, bar.arrive producer /
// consumer, and `exit` from some threads while the rest keep synchronising.
// Every result is a pure function of `in`; barriers order all shared-memory
// communication, so nothing depends on scheduling.

// Nested if/else four levels deep on per-thread data.
// @case ctl_nested_if grid=2 block=128 out=256
extern "C" __global__ void ctl_nested_if(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int w = in[64 + (g & 31)];
    unsigned int r;
    if (v & 1u) {
        if (v & 2u) {
            if (w > v) {
                r = w - v;
            } else if (w == v) {
                r = 0x11111111u;
            } else {
                r = (v ^ w) >> (w & 7u);
            }
        } else {
            if ((int)v < 0) {
                r = v >> 3;
            } else {
                r = v << 2;
            }
        }
    } else {
        if ((v >> 4) & 1u) {
            r = v * 3u + w;
        } else if (w == 0u) {
            r = 0x2222u;
        } else if (w & 0x80000000u) {
            r = v / (w | 1u);
        } else {
            r = v % w;
        }
    }
    out[g] = r;
}

__device__ __forceinline__ unsigned int ctl_rotl(unsigned int x, unsigned int s)
{
    return (x << (s & 31u)) | (x >> ((32u - s) & 31u));
}

// Dense 12-case switch; each case does different work so it is not turned
// into a lookup table (nvcc emits brx.idx for it).
// @case ctl_switch_dense grid=2 block=128 out=256
extern "C" __global__ void ctl_switch_dense(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int w = in[1024 + g];
    unsigned int r;
    switch (v % 12u) {
    case 0: r = w + 1u; break;
    case 1: r = w * v; break;
    case 2: r = ctl_rotl(w, v >> 8); break;
    case 3: r = __brev(w); break;
    case 4: r = __popc(w) + 100u; break;
    case 5: r = w ^ (v >> 5); break;
    case 6: r = __clz(w | 1u) * 7u; break;
    case 7: r = (w >> 16) | (v << 16); break;
    case 8: r = __umulhi(w, v); break;
    case 9: r = w / ((v >> 20) | 1u); break;
    case 10: r = __byte_perm(w, v, 0x3175u); break;
    default: r = ~w & v; break;
    }
    out[g] = r;
}

// Sparse switch on the special integers (compare chains / binary search).
// @case ctl_switch_sparse grid=1 block=64 out=64
extern "C" __global__ void ctl_switch_sparse(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[64 + (t & 31)] + (t >> 5);
    unsigned int r;
    switch (v) {
    case 0u: r = 10; break;
    case 1u: r = 11; break;
    case 7u: r = 12; break;
    case 32u: r = 13; break;
    case 100u: r = 14; break;
    case 1000u: r = 15; break;
    case 0xffffu: r = 16; break;
    case 0x12345678u: r = 17; break;
    case 0xdeadbeefu: r = 18; break;
    case 0x80000000u: r = 19; // fall through
    case 0x80000001u: r = 20 + (v & 1u); break;
    case 0xffffffffu: r = 22; break;
    default: r = v * 2u + 1u; break;
    }
    out[t] = r;
}

// brx.idx written by hand with a .branchtargets table; divergent index.
// @case ctl_brx_asm grid=1 block=128 out=128
extern "C" __global__ void ctl_brx_asm(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int r;
    asm volatile("{\n\t"
                 ".reg .u32 ctlix;\n\t"
                 "and.b32 ctlix, %1, 5;\n\t" // indices 0,1,4,5
                 "ctl_bt: .branchtargets ctl_L0, ctl_L1, ctl_L2, ctl_L3, ctl_L4, ctl_L5;\n\t"
                 "brx.idx ctlix, ctl_bt;\n"
                 "ctl_L0:\n\t"
                 "mul.lo.u32 %0, %1, 3;\n\t"
                 "bra.uni ctl_Ld;\n"
                 "ctl_L1:\n\t"
                 "xor.b32 %0, %1, 0x5a5a5a5a;\n\t"
                 "bra.uni ctl_Ld;\n"
                 "ctl_L2:\n\t"
                 "mov.u32 %0, 0x22222222;\n\t"
                 "bra.uni ctl_Ld;\n"
                 "ctl_L3:\n\t"
                 "mov.u32 %0, 0x33333333;\n\t"
                 "bra.uni ctl_Ld;\n"
                 "ctl_L4:\n\t"
                 "shr.u32 %0, %1, 7;\n\t"
                 "bra.uni ctl_Ld;\n"
                 "ctl_L5:\n\t"
                 "not.b32 %0, %1;\n"
                 "ctl_Ld:\n\t"
                 "}"
                 : "=r"(r)
                 : "r"(v));
    out[t] = r;
}

// Data-dependent trip counts with continue and break.
// @case ctl_loop_break_continue grid=2 block=128 out=512
extern "C" __global__ void ctl_loop_break_continue(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int n = in[128 + g] % 40u;
    unsigned int stop = in[2048 + g] % 64u;
    unsigned int acc = 0x9e3779b9u, iters = 0, skipped = 0;
    for (unsigned int k = 0; k < n; ++k) {
        unsigned int d = in[4096 + ((g * 37u + k) & 4095u)];
        if ((d & 3u) == 0u) {
            ++skipped;
            continue;
        }
        acc = acc * 31u + d;
        ++iters;
        if ((acc & 63u) == stop)
            break;
    }
    out[2 * g] = acc;
    out[2 * g + 1] = (iters << 16) | skipped;
}

// Early return from some threads; the others write. Words of returned
// threads stay 0xDEADBEEF.
// @case ctl_early_return grid=2 block=96 out=192
extern "C" __global__ void ctl_early_return(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    if ((v % 5u) == 0u)
        return;
    unsigned int r = v;
    for (unsigned int k = 0; k < (v & 7u); ++k) {
        if (r & 0x100u)
            return;
        r = r * 5u + k;
    }
    out[g] = r;
}

// A goto-driven state machine with data-dependent transitions.
// @case ctl_goto_state grid=1 block=128 out=128
extern "C" __global__ void ctl_goto_state(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int x = in[128 + t];
    unsigned int steps = 0, trace = 0;
A:
    trace = trace * 3u + 1u;
    if (++steps > 24u)
        goto done;
    if (x & 1u) {
        x >>= 1;
        goto B;
    }
    x = x * 7u + 3u;
    goto C;
B:
    trace = trace * 3u + 2u;
    if (++steps > 24u)
        goto done;
    x ^= x >> 3;
    if ((x & 6u) == 6u)
        goto done;
    if (x & 8u)
        goto A;
    goto C;
C:
    trace = trace ^ (x & 0xffu);
    if (++steps > 24u)
        goto done;
    x = (x >> 2) | (x << 30);
    if (x & 0x10u)
        goto B;
    goto A;
done:
    out[t] = trace ^ (steps << 24);
}

// Branch uniform per block (depends on blockIdx only) with __syncthreads on
// both paths; shared memory exchange on each path.
// @case ctl_uniform_branch_sync grid=4 block=128 out=512
extern "C" __global__ void ctl_uniform_branch_sync(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    unsigned int t = threadIdx.x;
    unsigned int sel = in[64 + blockIdx.x * 3u]; // 0, 3, 0x80000001, 33
    unsigned int v = in[128 + blockIdx.x * 128u + t];
    unsigned int r;
    if (sel & 1u) {
        s[t] = v + 1u;
        __syncthreads();
        r = s[127u - t] ^ v;
        __syncthreads();
        s[t] = r;
        __syncthreads();
        r += s[(t + 1u) & 127u];
    } else {
        s[t] = v * 3u;
        __syncthreads();
        r = s[t ^ 64u];
    }
    out[blockIdx.x * 128u + t] = r;
}

// Lanes leave a loop after different trip counts, reconverge, then the whole
// block synchronises and reads values written by other warps.
// @case ctl_reconverge_sync grid=2 block=128 out=256
extern "C" __global__ void ctl_reconverge_sync(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * blockDim.x + t;
    unsigned int acc = in[128 + g];
    unsigned int lim = in[512 + g] % 29u;
    for (unsigned int k = 0;; ++k) {
        if (k >= lim)
            break;
        acc = (acc >> 1) ^ (-(acc & 1u) & 0xedb88320u);
        if ((acc & 0xfu) == 0xfu)
            break;
    }
    __syncthreads();
    s[t] = acc;
    __syncthreads();
    out[g] = s[t] + s[(t * 5u + 3u) & 127u];
}

// bar.red: __syncthreads_count / _and / _or on data-dependent predicates,
// including predicates that are uniform (all true / all false).
// @case ctl_syncthreads_red grid=4 block=160 out=32
extern "C" __global__ void ctl_syncthreads_red(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int b = blockIdx.x;
    unsigned int v = in[128 + b * 160u + t];
    unsigned int lim = in[64 + b]; // 0, 1, 2, 3
    int c1 = __syncthreads_count(v & 1u);
    int c2 = __syncthreads_count(t < lim * 50u);
    int a1 = __syncthreads_and(v != 0u);
    int a2 = __syncthreads_and((v & 3u) != 0u);
    int a3 = __syncthreads_and(t >= lim * 50u);
    int o1 = __syncthreads_or((v & 0xff) == 0x7fu);
    int o2 = __syncthreads_or(t == 159u - lim);
    int o3 = __syncthreads_or(t > 1000u + lim);
    if (t == 7u) {
        out[b * 8u + 0] = c1;
        out[b * 8u + 1] = c2;
        out[b * 8u + 2] = a1;
        out[b * 8u + 3] = a2;
        out[b * 8u + 4] = a3;
        out[b * 8u + 5] = o1;
        out[b * 8u + 6] = o2;
        out[b * 8u + 7] = o3;
    }
}

// Named barriers with thread counts: warps 0-1 use barrier 1 (64 threads),
// warps 2-3 barrier 2 (64 threads, count and id from registers), then the
// whole block meets at barrier 0.
// @case ctl_bar_partial grid=2 block=128 out=256
extern "C" __global__ void ctl_bar_partial(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    __shared__ unsigned int s2[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 128u + t;
    unsigned int v = in[128 + g];
    s[t] = v;
    unsigned int r;
    if (t < 64u) {
        asm volatile("bar.sync 1, 64;" ::: "memory");
        r = s[(t + 32u) & 63u] ^ v;
    } else {
        unsigned int id = 2u + (in[64] & 1u); // 2 (in[64] == 0)
        unsigned int cnt = 64u + in[64];      // 64
        asm volatile("bar.sync %0, %1;" ::"r"(id), "r"(cnt) : "memory");
        r = s[64u + ((t - 64u + 32u) & 63u)] + v;
    }
    s2[t] = r;
    __syncthreads();
    out[g] = s2[127u - t] - r;
}

// Producer/consumer between two warps with bar.arrive + bar.sync on two named
// barriers (full/empty), four rounds through one shared buffer.
// @case ctl_bar_prodcons grid=2 block=64 out=64
extern "C" __global__ void ctl_bar_prodcons(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int buf[32];
    unsigned int t = threadIdx.x;
    unsigned int lane = t & 31u;
    unsigned int acc = 0;
    for (unsigned int it = 0; it < 4u; ++it) {
        if (t < 32u) { // producer
            if (it > 0u)
                asm volatile("bar.sync 2, 64;" ::: "memory"); // wait until consumed
            buf[lane] = in[128 + blockIdx.x * 128u + it * 32u + lane] + it;
            asm volatile("bar.arrive 1, 64;" ::: "memory");     // signal full
        } else { // consumer
            asm volatile("bar.sync 1, 64;" ::: "memory");       // wait until full
            acc = acc * 17u + buf[31u - lane];
            if (it < 3u)
                asm volatile("bar.arrive 2, 64;" ::: "memory"); // signal empty
        }
    }
    if (t >= 32u)
        out[blockIdx.x * 32u + lane] = acc;
}

// Whole warps (1 and 3) execute `exit`; the remaining warps still meet at
// __syncthreads (exited threads no longer count) and exchange data.
// @case ctl_exit_warps grid=2 block=128 out=256
extern "C" __global__ void ctl_exit_warps(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 128u + t;
    s[t] = in[128 + g];
    __syncthreads();
    if ((t >> 5) & in[65]) // in[65] == 1: warps 1 and 3
        asm volatile("exit;");
    s[t] = s[t] * 3u + s[t ^ 32u];
    __syncthreads();
    out[g] = s[t ^ 64u];
}

// Individual lanes execute `exit` (data-dependent); the survivors of every
// warp keep going through two __syncthreads and a bar.red count.
// @case ctl_exit_lanes grid=2 block=128 out=258
extern "C" __global__ void ctl_exit_lanes(const unsigned int* in, unsigned int* out)
{
    __shared__ unsigned int s[128];
    unsigned int t = threadIdx.x;
    unsigned int g = blockIdx.x * 128u + t;
    unsigned int v = in[128 + g];
    s[t] = v;
    __syncthreads();
    if ((v % 3u) == 0u && t != 0u)
        asm volatile("exit;");
    unsigned int x = s[t] ^ s[(t + 1u) & 127u];
    __syncthreads();
    int alive = __syncthreads_count(1);
    out[g] = x;
    if (t == 0u)
        out[256 + blockIdx.x] = alive;
}

// Bounded Collatz walk (while loop, data-dependent, 64-bit).
// @case ctl_while_collatz grid=1 block=128 out=128
extern "C" __global__ void ctl_while_collatz(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned long long x = (in[128 + t] & 0xffffu) + 1ull;
    unsigned int steps = 0;
    while (x != 1ull) {
        x = (x & 1ull) ? 3ull * x + 1ull : x >> 1;
        if (++steps == 200u)
            break;
    }
    out[t] = steps;
}

// Nested loops left through goto out of the inner loop and labelled continue.
// @case ctl_nested_loops_goto grid=1 block=128 out=256
extern "C" __global__ void ctl_nested_loops_goto(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int n = (in[128 + t] & 7u) + 1u;
    unsigned int m = ((in[128 + t] >> 3) & 7u) + 1u;
    unsigned int key = in[256 + t] & 0x1fu;
    unsigned int acc = 0, found = 0xffffffffu;
    for (unsigned int i = 0; i < n; ++i) {
        for (unsigned int j = 0; j < m; ++j) {
            unsigned int d = in[1024 + ((t + i * 8u + j) & 1023u)];
            if ((d & 0x1fu) == key) {
                found = (i << 8) | j;
                goto out_of_loops;
            }
            if (d & 0x20u)
                goto next_i;
            acc += d >> 6;
        }
    next_i:
        acc ^= i;
    }
out_of_loops:
    out[2 * t] = acc;
    out[2 * t + 1] = found;
}

// do/while whose exit differs per lane, with a warp-wide __syncwarp and a
// shuffle after reconvergence.
// @case ctl_dowhile_reconverge grid=1 block=64 out=64
extern "C" __global__ void ctl_dowhile_reconverge(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int x = in[128 + t];
    unsigned int k = 0;
    do {
        x = x * 1103515245u + 12345u;
        ++k;
    } while ((x >> 28) != 0u && k < 20u);
    __syncwarp();
    unsigned int y = __shfl_sync(0xffffffffu, x + k, (t * 7u) & 31u);
    out[t] = y;
}
