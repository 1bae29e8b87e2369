// Extended-precision integer arithmetic through the carry flag:
// add.cc/addc(.cc)/sub.cc/subc(.cc)/mad.lo.cc/mad.hi.cc/madc.lo/madc.hi
// chains (u32, s32, u64, s64). Each asm block is self-contained so the
// carry flag never crosses asm statements.

static __device__ __forceinline__ unsigned int gtid() { return blockIdx.x * blockDim.x + threadIdx.x; }

// limb i of multi-word operand `which` for thread t. Threads 0..63 use
// words drawn from {0, 1, 0xffffffff, 0x80000000, 0x7fffffff} so carries
// ripple all the way through; later threads use random words.
static __device__ __forceinline__ unsigned int limb(const unsigned int* in, unsigned int t, unsigned int which, unsigned int i) {
    if (t < 64) {
        unsigned int sel = ((t >> (i + which * 2)) + i * 3 + which) % 5;
        unsigned int idx = sel == 0 ? 64 : sel == 1 ? 65 : sel == 2 ? 68 : sel == 3 ? 71 : 70;
        return in[idx];
    }
    return in[128 + t * 8 + which * 4 + i];
}

// 128-bit add: add.cc / addc.cc / addc.cc / addc, carry-out extracted.
// @case arith_carry_add128 grid=2 block=256 out=2560
extern "C" __global__ void arith_carry_add128(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a0 = limb(in, t, 0, 0), a1 = limb(in, t, 0, 1), a2 = limb(in, t, 0, 2), a3 = limb(in, t, 0, 3);
    unsigned int b0 = limb(in, t, 1, 0), b1 = limb(in, t, 1, 1), b2 = limb(in, t, 1, 2), b3 = limb(in, t, 1, 3);
    unsigned int r0, r1, r2, r3, c;
    asm volatile(
        "add.cc.u32 %0, %5, %9;\n\t"
        "addc.cc.u32 %1, %6, %10;\n\t"
        "addc.cc.u32 %2, %7, %11;\n\t"
        "addc.cc.u32 %3, %8, %12;\n\t"
        "addc.u32 %4, 0, 0;"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3), "=r"(c)
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "r"(b2), "r"(b3));
    out[t * 5] = r0; out[t * 5 + 1] = r1; out[t * 5 + 2] = r2; out[t * 5 + 3] = r3; out[t * 5 + 4] = c;
}

// 128-bit subtract: sub.cc / subc.cc / subc; borrow extracted with subc.
// @case arith_carry_sub128 grid=2 block=256 out=2560
extern "C" __global__ void arith_carry_sub128(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a0 = limb(in, t, 0, 0), a1 = limb(in, t, 0, 1), a2 = limb(in, t, 0, 2), a3 = limb(in, t, 0, 3);
    unsigned int b0 = limb(in, t, 1, 0), b1 = limb(in, t, 1, 1), b2 = limb(in, t, 1, 2), b3 = limb(in, t, 1, 3);
    unsigned int r0, r1, r2, r3, c;
    asm volatile(
        "sub.cc.u32 %0, %5, %9;\n\t"
        "subc.cc.u32 %1, %6, %10;\n\t"
        "subc.cc.u32 %2, %7, %11;\n\t"
        "subc.cc.u32 %3, %8, %12;\n\t"
        "subc.u32 %4, 0, 0;"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3), "=r"(c)
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "r"(b2), "r"(b3));
    out[t * 5] = r0; out[t * 5 + 1] = r1; out[t * 5 + 2] = r2; out[t * 5 + 3] = r3; out[t * 5 + 4] = c;
}

// Carry-in without carry-out, signed forms, and CC consumed by both
// addc and subc: CF after sub.cc is the borrow (1 = borrow).
// @case arith_carry_flags grid=2 block=256 out=4096
extern "C" __global__ void arith_carry_flags(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = limb(in, t, 0, 0), b = limb(in, t, 1, 0), c = limb(in, t, 0, 1), d = limb(in, t, 1, 1);
    unsigned int r[8];
    asm volatile("add.cc.s32 %0, %2, %3;\n\taddc.s32 %1, %4, %5;" : "=r"(r[0]), "=r"(r[1]) : "r"(a), "r"(b), "r"(c), "r"(d));
    asm volatile("sub.cc.s32 %0, %2, %3;\n\tsubc.s32 %1, %4, %5;" : "=r"(r[2]), "=r"(r[3]) : "r"(a), "r"(b), "r"(c), "r"(d));
    // carry from add feeding a subc, borrow from sub feeding an addc
    asm volatile("add.cc.u32 %0, %2, %3;\n\tsubc.u32 %1, %4, %5;" : "=r"(r[4]), "=r"(r[5]) : "r"(a), "r"(b), "r"(c), "r"(d));
    asm volatile("sub.cc.u32 %0, %2, %3;\n\taddc.u32 %1, %4, %5;" : "=r"(r[6]), "=r"(r[7]) : "r"(a), "r"(b), "r"(c), "r"(d));
    for (int j = 0; j < 8; j++) out[t * 8 + j] = r[j];
}

// 64-bit carry chains: add.cc.u64/addc.u64, sub.cc.s64/subc.s64 (192-bit add).
// @case arith_carry_64 grid=2 block=128 out=2560
extern "C" __global__ void arith_carry_64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned long long a0 = ((unsigned long long)limb(in, t, 0, 1) << 32) | limb(in, t, 0, 0);
    unsigned long long a1 = ((unsigned long long)limb(in, t, 0, 3) << 32) | limb(in, t, 0, 2);
    unsigned long long b0 = ((unsigned long long)limb(in, t, 1, 1) << 32) | limb(in, t, 1, 0);
    unsigned long long b1 = ((unsigned long long)limb(in, t, 1, 3) << 32) | limb(in, t, 1, 2);
    unsigned long long r0, r1, r2, s0, s1;
    asm volatile(
        "add.cc.u64 %0, %3, %5;\n\t"
        "addc.cc.u64 %1, %4, %6;\n\t"
        "addc.u64 %2, 0, 0;"
        : "=l"(r0), "=l"(r1), "=l"(r2) : "l"(a0), "l"(a1), "l"(b0), "l"(b1));
    asm volatile(
        "sub.cc.s64 %0, %2, %4;\n\t"
        "subc.s64 %1, %3, %5;"
        : "=l"(s0), "=l"(s1) : "l"(a0), "l"(a1), "l"(b0), "l"(b1));
    unsigned int o = t * 10;
    out[o + 0] = (unsigned int)r0; out[o + 1] = (unsigned int)(r0 >> 32);
    out[o + 2] = (unsigned int)r1; out[o + 3] = (unsigned int)(r1 >> 32);
    out[o + 4] = (unsigned int)r2; out[o + 5] = (unsigned int)(r2 >> 32);
    out[o + 6] = (unsigned int)s0; out[o + 7] = (unsigned int)(s0 >> 32);
    out[o + 8] = (unsigned int)s1; out[o + 9] = (unsigned int)(s1 >> 32);
}

// 64x64 -> 128-bit unsigned product from 32-bit pieces using
// mul.lo/mul.hi + mad.lo.cc / madc.hi.cc / madc.lo.cc / madc.hi / addc.
// @case arith_carry_mul64x64 grid=2 block=256 out=2048
extern "C" __global__ void arith_carry_mul64x64(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a0 = limb(in, t, 0, 0), a1 = limb(in, t, 0, 1);
    unsigned int b0 = limb(in, t, 1, 0), b1 = limb(in, t, 1, 1);
    unsigned int r0, r1, r2, r3;
    asm volatile(
        "{\n\t.reg .u32 t1, t2;\n\t"
        "mul.lo.u32 %0, %4, %6;\n\t"          // r0 = lo(a0*b0)
        "mul.hi.u32 %1, %4, %6;\n\t"          // r1 = hi(a0*b0)
        "mad.lo.cc.u32 %1, %5, %6, %1;\n\t"   // r1 += lo(a1*b0)
        "madc.hi.u32 %2, %5, %6, 0;\n\t"      // r2 = hi(a1*b0) + c
        "mad.lo.cc.u32 %1, %4, %7, %1;\n\t"   // r1 += lo(a0*b1)
        "madc.hi.cc.u32 %2, %4, %7, %2;\n\t"  // r2 += hi(a0*b1) + c
        "addc.u32 %3, 0, 0;\n\t"              // r3 = c
        "mad.lo.cc.u32 %2, %5, %7, %2;\n\t"   // r2 += lo(a1*b1)
        "madc.hi.u32 %3, %5, %7, %3;\n\t"     // r3 += hi(a1*b1) + c
        "}"
        : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3)
        : "r"(a0), "r"(a1), "r"(b0), "r"(b1));
    out[t * 4] = r0; out[t * 4 + 1] = r1; out[t * 4 + 2] = r2; out[t * 4 + 3] = r3;
}

// Low 128 bits of a 128x128 product, schoolbook with madc.lo.cc chains.
// @case arith_carry_mul128 grid=2 block=256 out=2048
extern "C" __global__ void arith_carry_mul128(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a0 = limb(in, t, 0, 0), a1 = limb(in, t, 0, 1), a2 = limb(in, t, 0, 2), a3 = limb(in, t, 0, 3);
    unsigned int b0 = limb(in, t, 1, 0), b1 = limb(in, t, 1, 1), b2 = limb(in, t, 1, 2), b3 = limb(in, t, 1, 3);
    unsigned int r0, r1, r2, r3;
    asm volatile(
        // row b0
        "mul.lo.u32 %0, %4, %8;\n\t"
        "mul.lo.u32 %1, %5, %8;\n\t"
        "mul.lo.u32 %2, %6, %8;\n\t"
        "mul.lo.u32 %3, %7, %8;\n\t"
        "mad.hi.cc.u32 %1, %4, %8, %1;\n\t"
        "madc.hi.cc.u32 %2, %5, %8, %2;\n\t"
        "madc.hi.u32 %3, %6, %8, %3;\n\t"
        // row b1
        "mad.lo.cc.u32 %1, %4, %9, %1;\n\t"
        "madc.lo.cc.u32 %2, %5, %9, %2;\n\t"
        "madc.lo.u32 %3, %6, %9, %3;\n\t"
        "mad.hi.cc.u32 %2, %4, %9, %2;\n\t"
        "madc.hi.u32 %3, %5, %9, %3;\n\t"
        // row b2
        "mad.lo.cc.u32 %2, %4, %10, %2;\n\t"
        "madc.lo.u32 %3, %5, %10, %3;\n\t"
        "mad.hi.u32 %3, %4, %10, %3;\n\t"
        // row b3
        "mad.lo.u32 %3, %4, %11, %3;"
        : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3)
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "r"(b2), "r"(b3));
    out[t * 4] = r0; out[t * 4 + 1] = r1; out[t * 4 + 2] = r2; out[t * 4 + 3] = r3;
}

// Signed mad.cc forms and carry-in to madc with all-ones operands.
// @case arith_carry_mad_signed grid=2 block=256 out=3072
extern "C" __global__ void arith_carry_mad_signed(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a = limb(in, t, 0, 0), b = limb(in, t, 1, 0), c = limb(in, t, 0, 1), d = limb(in, t, 1, 1);
    unsigned int r[6];
    asm volatile(
        "mad.lo.cc.s32 %0, %3, %4, %5;\n\t"
        "madc.hi.cc.s32 %1, %3, %4, %6;\n\t"
        "addc.cc.s32 %2, %5, %6;"
        : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]) : "r"(a), "r"(b), "r"(c), "r"(d));
    asm volatile(
        "mad.hi.cc.u32 %0, %3, %4, %5;\n\t"
        "madc.lo.cc.u32 %1, %3, %4, %6;\n\t"
        "madc.hi.s32 %2, %5, %6, %3;"
        : "=r"(r[3]), "=r"(r[4]), "=r"(r[5]) : "r"(a), "r"(b), "r"(c), "r"(d));
    for (int j = 0; j < 6; j++) out[t * 6 + j] = r[j];
}

// 256-bit add with a loop-free 8-limb chain, operands from the squares
// region and random words.
// @case arith_carry_add256 grid=1 block=256 out=2304
extern "C" __global__ void arith_carry_add256(const unsigned int* in, unsigned int* out) {
    unsigned int t = gtid();
    unsigned int a[8], b[8], r[9];
    for (int i = 0; i < 8; i++) {
        a[i] = t < 128 ? ~in[64 + ((t + i) & 63)] | (t & 1 ? 0xffffffffu : 0u) : in[128 + t * 16 + i];
        b[i] = t < 128 ? in[64 + ((t * 3 + i) & 63)] : in[128 + t * 16 + 8 + i];
    }
    asm volatile(
        "add.cc.u32 %0, %9, %17;\n\t"
        "addc.cc.u32 %1, %10, %18;\n\t"
        "addc.cc.u32 %2, %11, %19;\n\t"
        "addc.cc.u32 %3, %12, %20;\n\t"
        "addc.cc.u32 %4, %13, %21;\n\t"
        "addc.cc.u32 %5, %14, %22;\n\t"
        "addc.cc.u32 %6, %15, %23;\n\t"
        "addc.cc.u32 %7, %16, %24;\n\t"
        "addc.u32 %8, 0, 0;"
        : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]), "=r"(r[4]), "=r"(r[5]), "=r"(r[6]), "=r"(r[7]), "=r"(r[8])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(a[4]), "r"(a[5]), "r"(a[6]), "r"(a[7]),
          "r"(b[0]), "r"(b[1]), "r"(b[2]), "r"(b[3]), "r"(b[4]), "r"(b[5]), "r"(b[6]), "r"(b[7]));
    for (int j = 0; j < 9; j++) out[t * 9 + j] = r[j];
}
