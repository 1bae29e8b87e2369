// A mix of integer operations, INT_OPS_N (= 27) 32-bit results per element,
// written to out[i * 27 + k]. Inputs: a[i], b[i] (32-bit), c[i] (64-bit).
// Every result is well defined in C (no signed overflow, no shift >= width,
// no division by zero / INT_MIN / -1), so the host can reproduce it exactly.
#define INT_OPS_N 27

extern "C" __global__ void int_ops(const int* a, const int* b, const unsigned long long* c,
                                   unsigned int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    int sa = a[i];
    int sb = b[i];
    unsigned int ua = (unsigned int)sa;
    unsigned int ub = (unsigned int)sb;
    unsigned long long c64 = c[i];
    unsigned int* o = out + (size_t)i * INT_OPS_N;

    // high halves of products (mul.hi)
    o[0] = __umulhi(ua, ub);
    o[1] = (unsigned int)__mulhi(sa, sb);
    // multiply-add, low half (mad.lo)
    o[2] = ua * ub + (unsigned int)c64;
    // shifts: logical left, logical right, arithmetic right, rotate
    unsigned int s = ub & 31u;
    o[3] = ua << s;
    o[4] = ua >> s;
    o[5] = (unsigned int)(sa >> s);
    o[6] = (ua << 13) | (ua >> 19);
    // min / max signed and unsigned, abs
    o[7] = (unsigned int)min(sa, sb);
    o[8] = max(ua, ub);
    o[9] = (unsigned int)abs(sa == (int)0x80000000 ? 0 : sa);
    // bit counting / reversal
    o[10] = (unsigned int)__popc(ua) | ((unsigned int)__clz(sb) << 8) | ((unsigned int)__ffs(sa) << 16);
    o[11] = __brev(ua);
    // bit-field extract via shifts and masks (pos 0..15, len 1..16)
    unsigned int pos = ub & 15u;
    unsigned int len = ((ub >> 4) & 15u) + 1u;
    o[12] = (ua >> pos) & ((1u << len) - 1u);
    o[13] = (unsigned int)((int)(ua << (32u - pos - len)) >> (32u - len));
    // signed division / remainder by a runtime divisor (never 0, never -1)
    int d = (sb == 0 || sb == -1) ? 7 : sb;
    o[14] = (unsigned int)(sa / d);
    o[15] = (unsigned int)(sa % d);
    // unsigned division / remainder, by runtime value and by constants
    unsigned int ud = ub | 1u;
    o[16] = ua / ud;
    o[17] = ua % ud;
    o[18] = ua / 7u + (unsigned int)(sa / 10) + ua % 1000u;
    // 64-bit arithmetic
    unsigned long long w = (unsigned long long)ua * (unsigned long long)ub;    // mul.wide.u32
    long long sw = (long long)sa * (long long)sb;                               // mul.wide.s32
    unsigned long long m = c64 * 0x9e3779b97f4a7c15ull + (c64 >> 17) - w;      // 64-bit mul/add/shift
    o[19] = (unsigned int)m;
    o[20] = (unsigned int)(m >> 32);
    unsigned long long q = c64 / (unsigned long long)(ub | 1u) + (unsigned long long)(sw >> 3);
    o[21] = (unsigned int)q ^ (unsigned int)(q >> 32);
    long long sq = (long long)c64 % (long long)((sb == 0 || sb == -1) ? 3 : sb);               // 64-bit signed rem
    o[22] = (unsigned int)sq ^ (unsigned int)((unsigned long long)sq >> 32);
    // byte permute / funnel shift / sad
    o[23] = __byte_perm(ua, ub, 0x5140) ^ __funnelshift_l(ua, ub, ub >> 27) ^ __sad(sa, sb, 5u);
    // PTX bit-field instructions directly (nvcc does not form them from the
    // shift/mask code above): pos = ub & 31, len = (ub >> 5) & 31
    unsigned int bpos = ub & 31u;
    unsigned int blen = (ub >> 5) & 31u;
    unsigned int r;
    asm("bfe.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(ua), "r"(bpos), "r"(blen));
    o[24] = r;
    int sr;
    asm("bfe.s32 %0, %1, %2, %3;" : "=r"(sr) : "r"(sa), "r"(bpos), "r"(blen));
    o[25] = (unsigned int)sr;
    asm("bfi.b32 %0, %1, %2, %3, %4;" : "=r"(r) : "r"(ub), "r"(ua), "r"(bpos), "r"(blen));
    o[26] = r;
}
