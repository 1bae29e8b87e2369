// Calls: __noinline__ device functions (scalar, struct by value, pointer and
// many-argument signatures, float/double/64-bit params), recursion (factorial,
// Fibonacci, Ackermann, tree walk over a local array, frames with their own
// local arrays), indirect calls through function-pointer tables and virtual
// dispatch (call with a .callprototype), functions with dynamically indexed
// local arrays, divergent calls and calls inside loops. All pure functions of
// `in`.

struct CtlS3 {
    unsigned int a, b, c;
};

struct CtlBig {
    unsigned int v[5];
    float f;
    double d;
    unsigned long long q;
};

__device__ __noinline__ unsigned int ctl_f_scalar(unsigned int a, unsigned int b)
{
    return (a * b) ^ (a >> 3) ^ (b << 5);
}

__device__ __noinline__ CtlS3 ctl_f_struct(CtlS3 s, unsigned int k)
{
    CtlS3 r;
    r.a = s.b + k;
    r.b = s.c ^ k;
    r.c = s.a * (k | 1u);
    return r;
}

__device__ __noinline__ CtlBig ctl_f_big(CtlBig x, int sh)
{
    CtlBig r;
    for (int i = 0; i < 5; ++i)
        r.v[i] = x.v[4 - i] + (unsigned int)i * 0x01010101u;
    r.f = x.f * 2.0f + 1.0f;
    r.d = x.d * 0.5 - (double)sh;
    r.q = (x.q << sh) | (x.q >> (64 - sh));
    return r;
}

__device__ __noinline__ void ctl_f_ptr(unsigned int* p, int n, unsigned int salt)
{
    for (int i = 0; i < n; ++i)
        p[i] = p[i] * 2u + (unsigned int)i + salt;
}

__device__ __noinline__ unsigned int ctl_f_many(unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3,
                                                unsigned int a4, unsigned int a5, unsigned int a6, unsigned int a7,
                                                unsigned long long a8, float a9, double a10, unsigned short a11,
                                                signed char a12, unsigned int a13)
{
    unsigned int r = a0 + 3u * a1 + 5u * a2 + 7u * a3 + 11u * a4 + 13u * a5 + 17u * a6 + 19u * a7;
    r ^= (unsigned int)(a8 >> 17) ^ (unsigned int)a8;
    r += __float_as_uint(a9) ^ (unsigned int)(__double_as_longlong(a10) >> 20);
    r += (unsigned int)a11 * 23u + (unsigned int)(int)a12 + a13;
    return r;
}

__device__ __noinline__ double ctl_f_double(double x, float y)
{
    return x * (double)y + 0.25;
}

__device__ __noinline__ unsigned long long ctl_f_u64(unsigned long long a, unsigned long long b)
{
    return a * 0x9e3779b97f4a7c15ull + (b ^ (b >> 29));
}

// Scalar, struct, big-struct, pointer, many-arg, double and u64 calls.
// @case ctl_call_signatures grid=1 block=64 out=640
extern "C" __global__ void ctl_call_signatures(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    const unsigned int* d = in + 128 + t * 16u;
    unsigned int* o = out + t * 10u;
    o[0] = ctl_f_scalar(d[0], d[1]);
    CtlS3 s = {d[2], d[3], d[4]};
    CtlS3 r = ctl_f_struct(s, d[5]);
    o[1] = r.a;
    o[2] = r.b ^ r.c;
    CtlBig b;
    for (int i = 0; i < 5; ++i)
        b.v[i] = d[6 + i];
    b.f = __uint_as_float(in[32 + (t & 31)]);
    b.d = (double)(int)d[11];
    b.q = ((unsigned long long)d[12] << 32) | d[13];
    CtlBig c = ctl_f_big(b, (int)(d[14] & 31u) + 1);
    o[3] = c.v[0] ^ c.v[1] ^ c.v[2] ^ c.v[3] ^ c.v[4];
    o[4] = __float_as_uint(c.f);
    o[5] = (unsigned int)(__double_as_longlong(c.d) >> 32);
    o[6] = (unsigned int)(c.q ^ (c.q >> 32));
    unsigned int loc[4] = {d[0], d[1], d[2], d[3]};
    ctl_f_ptr(loc, 1 + (int)(d[15] & 3u), t);
    o[7] = loc[0] + loc[1] * 3u + loc[2] * 5u + loc[3] * 7u;
    o[8] = ctl_f_many(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
                      ((unsigned long long)d[8] << 32) | d[9], __uint_as_float(in[32 + (t & 31)]),
                      (double)__uint_as_float(in[32 + ((t + 5) & 31)]), (unsigned short)d[10],
                      (signed char)d[11], d[12]);
    double x = ctl_f_double((double)(int)d[13], __uint_as_float(in[32 + ((t + 9) & 31)]));
    unsigned long long u = ctl_f_u64(((unsigned long long)d[14] << 32) | d[15], __double_as_longlong(x));
    o[9] = (unsigned int)u ^ (unsigned int)(u >> 32);
}

// Not an accumulator recursion (the +(n&1) after the multiply keeps the call).
__device__ __noinline__ unsigned long long ctl_fact(unsigned int n)
{
    if (n <= 1u)
        return 1ull;
    return (unsigned long long)n * ctl_fact(n - 1u) + (n & 1u);
}

__device__ __noinline__ unsigned int ctl_fib(unsigned int n)
{
    if (n < 2u)
        return n;
    return ctl_fib(n - 1u) + ctl_fib(n - 2u);
}

__device__ __noinline__ unsigned int ctl_ack(unsigned int m, unsigned int n)
{
    if (m == 0u)
        return n + 1u;
    if (n == 0u)
        return ctl_ack(m - 1u, 1u);
    return ctl_ack(m - 1u, ctl_ack(m, n - 1u));
}

// Factorial (u64, n <= 25), Fibonacci (n <= 13), Ackermann (m <= 2, n <= 4;
// two lanes do A(3, 0..1)).
// @case ctl_recursion grid=1 block=32 out=128
extern "C" __global__ void ctl_recursion(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned long long f = ctl_fact(v % 26u);
    out[4 * t + 0] = (unsigned int)f;
    out[4 * t + 1] = (unsigned int)(f >> 32);
    out[4 * t + 2] = ctl_fib((v >> 8) % 14u);
    unsigned int m = (v >> 16) % 3u, n = (v >> 20) % 5u;
    if (t >= 30u) {
        m = 3u;
        n = t - 30u; // A(3,0)=5, A(3,1)=13 (deeper would overflow the default 1 KiB stack)
    }
    out[4 * t + 3] = ctl_ack(m, n);
}

// Recursive walk over an implicit binary tree stored in a local array of the
// kernel (passed by pointer: generic pointer to local memory).
__device__ __noinline__ unsigned int ctl_tree_walk(const unsigned int* tree, int idx, int n, unsigned int depth)
{
    if (idx >= n)
        return depth;
    unsigned int v = tree[idx];
    unsigned int l = ctl_tree_walk(tree, 2 * idx + 1, n, depth + 1u);
    if (v & 1u)
        return l ^ v; // prune right subtree
    unsigned int r = ctl_tree_walk(tree, 2 * idx + 2, n, depth + 1u);
    return (l * 3u + r) ^ (v >> 1);
}

// Each frame owns a local array; it is read after the recursive call returns.
__device__ __noinline__ unsigned int ctl_rec_local(unsigned int depth, unsigned int seed)
{
    unsigned int buf[8];
    for (int i = 0; i < 8; ++i) {
        seed = seed * 1664525u + 1013904223u;
        buf[i] = seed;
    }
    if (depth == 0u)
        return buf[seed & 7u];
    unsigned int inner = ctl_rec_local(depth - 1u, buf[(seed >> 8) & 7u]);
    return inner ^ buf[inner & 7u] ^ buf[(inner >> 3) & 7u];
}

// @case ctl_recursion_stack grid=1 block=64 out=128
extern "C" __global__ void ctl_recursion_stack(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int tree[31];
    for (int i = 0; i < 31; ++i)
        tree[i] = in[1024 + t * 31u + i];
    int n = 7 + (int)(in[128 + t] % 25u);
    out[2 * t] = ctl_tree_walk(tree, 0, n, 0u);
    out[2 * t + 1] = ctl_rec_local(in[256 + t] % 7u, in[512 + t]);
}

__device__ __noinline__ unsigned int ctl_op_add(unsigned int a, unsigned int b) { return a + b; }
__device__ __noinline__ unsigned int ctl_op_xor(unsigned int a, unsigned int b) { return a ^ (b * 3u); }
__device__ __noinline__ unsigned int ctl_op_mul(unsigned int a, unsigned int b) { return a * (b | 1u); }
__device__ __noinline__ unsigned int ctl_op_rot(unsigned int a, unsigned int b) { return __funnelshift_l(a, a, b); }
__device__ __noinline__ unsigned int ctl_op_sub(unsigned int a, unsigned int b) { return b - a; }

typedef unsigned int (*CtlBinOp)(unsigned int, unsigned int);
__device__ CtlBinOp ctl_ops_table[5] = {ctl_op_add, ctl_op_xor, ctl_op_mul, ctl_op_rot, ctl_op_sub};

// Indirect calls through a __device__ table of function pointers, with a
// data-dependent (divergent) index, in a loop.
// @case ctl_fnptr_table grid=2 block=64 out=128
extern "C" __global__ void ctl_fnptr_table(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int acc = in[128 + g];
    for (unsigned int k = 0; k < 6u; ++k) {
        unsigned int d = in[2048 + g * 6u + k];
        CtlBinOp f = ctl_ops_table[d % 5u];
        acc = f(acc, d >> 3);
    }
    out[g] = acc;
}

// A function pointer passed as an argument (callee calls through it).
__device__ __noinline__ unsigned int ctl_apply_n(CtlBinOp f, unsigned int x, unsigned int y, int n)
{
    for (int i = 0; i < n; ++i)
        x = f(x, y + (unsigned int)i);
    return x;
}

// @case ctl_fnptr_arg grid=1 block=64 out=64
extern "C" __global__ void ctl_fnptr_arg(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    CtlBinOp f = (v & 1u) ? ctl_op_xor : ((v & 2u) ? ctl_op_sub : ctl_op_mul);
    out[t] = ctl_apply_n(f, in[256 + t], v, 1 + (int)((v >> 4) & 3u));
}

struct CtlShape {
    unsigned int k;
    __device__ virtual unsigned int eval(unsigned int x) const = 0;
    __device__ virtual unsigned int tag() const { return 0xa0u; }
};
struct CtlSq : CtlShape {
    __device__ unsigned int eval(unsigned int x) const override { return x * x + k; }
};
struct CtlTri : CtlShape {
    __device__ unsigned int eval(unsigned int x) const override { return (x * (x + 1u) >> 1) ^ k; }
    __device__ unsigned int tag() const override { return 0xb0u + k; }
};
struct CtlHex : CtlShape {
    __device__ unsigned int eval(unsigned int x) const override { return x * 6u - k; }
    __device__ unsigned int tag() const override { return 0xc0u; }
};

__device__ __noinline__ unsigned int ctl_dispatch(const CtlShape* s, unsigned int x)
{
    return s->eval(x) + s->tag();
}

// Virtual dispatch on objects built in the kernel; the object is picked by
// data, and dispatch goes through a non-inlined helper (vtable loads + indirect
// call).
// @case ctl_virtual grid=1 block=96 out=96
extern "C" __global__ void ctl_virtual(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    CtlSq a;
    CtlTri b;
    CtlHex c;
    a.k = in[64 + 3];
    b.k = in[64 + 2];
    c.k = in[64 + 1];
    const CtlShape* objs[3] = {&a, &b, &c};
    out[t] = ctl_dispatch(objs[v % 3u], v >> 16);
}

// Dynamically indexed local array inside a callee (local memory).
__device__ __noinline__ unsigned int ctl_local_sieve(unsigned int seed, unsigned int n)
{
    unsigned int a[32];
    for (int i = 0; i < 32; ++i) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        a[i] = seed;
    }
    unsigned int idx = n & 31u, acc = 0;
    for (unsigned int k = 0; k < 12u; ++k) {
        acc += a[idx];
        a[(idx * 7u + 3u) & 31u] ^= acc;
        idx = a[idx] & 31u;
    }
    return acc;
}

// @case ctl_local_array_call grid=1 block=128 out=128
extern "C" __global__ void ctl_local_array_call(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    out[t] = ctl_local_sieve(in[128 + t] | 1u, in[512 + t]);
}

__device__ __noinline__ unsigned int ctl_div_f(unsigned int x) { return x * 2654435761u; }
__device__ __noinline__ unsigned int ctl_div_g(unsigned int x, unsigned int y) { return (x >> 7) ^ y; }

// Half of the warp calls f, the other half g (divergent calls), then every
// lane calls a function in a loop whose trip count differs per lane.
// @case ctl_divergent_calls grid=2 block=64 out=256
extern "C" __global__ void ctl_divergent_calls(const unsigned int* in, unsigned int* out)
{
    unsigned int g = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[128 + g];
    unsigned int r;
    if (threadIdx.x & 1u)
        r = ctl_div_f(v);
    else
        r = ctl_div_g(v, g);
    unsigned int s;
    if (v & 4u)
        s = ctl_div_g(ctl_div_f(r), v);
    else
        s = ctl_div_f(ctl_div_g(r, 7u));
    unsigned int acc = s;
    unsigned int n = v & 15u;
    for (unsigned int k = 0; k < n; ++k)
        acc = ctl_f_scalar(acc, k + 1u);
    out[4 * g + 0] = r;
    out[4 * g + 1] = s;
    out[4 * g + 2] = acc;
    out[4 * g + 3] = n;
}

// A callee that itself branches and returns from several places, called from
// divergent context, plus a void callee writing through a global pointer.
__device__ __noinline__ unsigned int ctl_multi_ret(unsigned int x)
{
    if (x < 0x40000000u)
        return x + 1u;
    if (x & 1u)
        return x ^ 0xffu;
    for (int i = 0; i < 3; ++i) {
        x = x * 3u;
        if ((x & 3u) == 3u)
            return x;
    }
    return ~x;
}

__device__ __noinline__ void ctl_store_pair(unsigned int* p, unsigned int a, unsigned int b)
{
    p[0] = a;
    p[1] = b;
}

// @case ctl_multi_return grid=1 block=128 out=256
extern "C" __global__ void ctl_multi_return(const unsigned int* in, unsigned int* out)
{
    unsigned int t = threadIdx.x;
    unsigned int v = in[128 + t];
    unsigned int a = (v & 0x10u) ? ctl_multi_ret(v) : 0u;
    ctl_store_pair(out + 2 * t, a, ctl_multi_ret(v ^ 0xc0000000u));
}
