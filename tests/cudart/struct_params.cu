// Kernel parameters: structs by value with mixed alignment, a 2 KiB
// parameter struct, vector types (float4, double2, char3, short2), and
// 16-byte vector loads and stores.
#include "check.h"

struct Mixed {
    char c;
    double d;
    short s;
    int3 v;
    float f[3];
};

struct Big {
    int values[512];
};

__global__ void mixed(Mixed m, Big big, char3 c3, short2 s2, double2 d2, float4* out4, double* out) {
    int t = threadIdx.x;
    out[t] = m.c + m.d + m.s + m.v.x + m.v.y + m.v.z + m.f[t % 3] + big.values[t * 4] + c3.x + c3.y + c3.z + s2.x +
             s2.y + d2.x * d2.y;
    float4 q = out4[t];
    q.x += t;
    q.y *= 2.0f;
    q.z -= 1.0f;
    q.w = q.x + q.y;
    out4[t] = q;
}

int main() {
    Mixed m;
    m.c = -7;
    m.d = 1.25;
    m.s = 300;
    m.v = make_int3(1, -2, 3);
    m.f[0] = 0.5f;
    m.f[1] = 0.25f;
    m.f[2] = 8.0f;
    Big big;
    for (int i = 0; i < 512; ++i) big.values[i] = i * i - 1000;
    char3 c3 = make_char3(1, -3, 100);
    short2 s2 = make_short2(-32000, 12);
    double2 d2 = make_double2(1.5, -4.0);
    const int n = 128;
    float4 h4[n];
    for (int i = 0; i < n; ++i) h4[i] = make_float4(i, i * 0.5f, -i, 0.0f);
    float4* d4;
    double* dout;
    CHECK(cudaMalloc(&d4, sizeof h4));
    CHECK(cudaMalloc(&dout, n * sizeof(double)));
    CHECK(cudaMemcpy(d4, h4, sizeof h4, cudaMemcpyHostToDevice));
    mixed<<<1, n>>>(m, big, c3, s2, d2, d4, dout);
    CHECK(cudaGetLastError());
    double r[n];
    float4 r4[n];
    CHECK(cudaMemcpy(r, dout, sizeof r, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(r4, d4, sizeof r4, cudaMemcpyDeviceToHost));
    for (int t = 0; t < n; ++t) {
        double want = m.c + m.d + m.s + m.v.x + m.v.y + m.v.z + m.f[t % 3] + big.values[t * 4] + c3.x + c3.y + c3.z +
                      s2.x + s2.y + d2.x * d2.y;
        EXPECT(r[t] == want);
        EXPECT(r4[t].x == h4[t].x + t);
        EXPECT(r4[t].y == h4[t].y * 2.0f);
        EXPECT(r4[t].z == h4[t].z - 1.0f);
        EXPECT(r4[t].w == r4[t].x + r4[t].y);
    }
    CHECK(cudaFree(d4));
    CHECK(cudaFree(dout));
    std::printf("PASS struct_params\n");
    return 0;
}
