// Floating-point operations that are correctly rounded (IEEE 754) in CUDA with
// default flags (no -use_fast_math: -prec-div=true, -prec-sqrt=true, no ftz).
// Per element i:
//   fo[i*16 + k]  float results (k below)
//   io[i*8 + k]   int results (float -> int conversions, saturating, NaN -> 0)
//   dd[i*8 + k]   double results
#define FO_N 16
#define IO_N 8
#define DO_N 8

extern "C" __global__ void float_ops(const float* x, const float* y, const float* z,
                                     const int* iv, const double* dx, const double* dy,
                                     float* fo, int* io, double* dd, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    float a = x[i], b = y[i], c = z[i];
    int k = iv[i];
    double p = dx[i], q = dy[i];
    float* f = fo + (size_t)i * FO_N;
    int* o = io + (size_t)i * IO_N;
    double* d = dd + (size_t)i * DO_N;

    f[0] = __fadd_rn(a, b);   // __f*_rn: not contracted into fma
    f[1] = __fsub_rn(a, b);
    f[2] = __fmul_rn(a, b);
    f[3] = a / b;             // div.rn.f32
    f[4] = sqrtf(fabsf(a));   // sqrt.rn.f32
    f[5] = fmaf(a, b, c);
    f[6] = fminf(a, b);
    f[7] = fmaxf(a, b);
    f[8] = floorf(a);
    f[9] = ceilf(a);
    f[10] = truncf(a);
    f[11] = rintf(a);         // round half to even
    f[12] = (float)k;                        // cvt.rn.f32.s32
    f[13] = (float)(unsigned int)k;          // cvt.rn.f32.u32
    f[14] = (float)p;                        // cvt.rn.f32.f64
    f[15] = a * b + c;                       // contracted to fma.rn.f32

    o[0] = (int)a;                           // cvt.rzi.s32.f32
    o[1] = (int)(unsigned int)a;             // cvt.rzi.u32.f32
    o[2] = __float2int_rn(a);                // cvt.rni.s32.f32
    long long l = (long long)p;              // cvt.rzi.s64.f64
    o[3] = (int)(unsigned int)l;
    o[4] = (int)(unsigned int)((unsigned long long)l >> 32);
    o[5] = (int)p;                           // cvt.rzi.s32.f64
    o[6] = __float_as_int(-a);               // neg.f32 (sign flip, NaN too)
    o[7] = __float_as_int(fabsf(b));         // abs.f32

    d[0] = __dadd_rn(p, q);
    d[1] = __dmul_rn(p, q);
    d[2] = p / q;                            // div.rn.f64
    d[3] = sqrt(fabs(p));                    // sqrt.rn.f64
    d[4] = fma(p, q, (double)c);             // fma.rn.f64, cvt.f64.f32
    d[5] = (double)a * (double)b;            // exact
    d[6] = floor(p) + trunc(q);
    d[7] = (double)(long long)k * 3.0 + (double)(unsigned long long)(unsigned int)k; // cvt.rn.f64.s64 / u64
}
