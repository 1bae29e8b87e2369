// Device code that needs a call stack: recursion (Ackermann-like and a
// recursive tree sum), virtual functions on objects constructed in the
// kernel, and a table of __device__ function pointers chosen per thread.
#include "check.h"

__device__ int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

struct Shape {
    __device__ virtual float area() const = 0;
    __device__ virtual int sides() const { return 0; }
    __device__ virtual ~Shape() {}
};
struct Square : Shape {
    float s;
    __device__ explicit Square(float s) : s(s) {}
    __device__ float area() const override { return s * s; }
    __device__ int sides() const override { return 4; }
};
struct Tri : Shape {
    float b, h;
    __device__ Tri(float b, float h) : b(b), h(h) {}
    __device__ float area() const override { return 0.5f * b * h; }
    __device__ int sides() const override { return 3; }
};

__device__ int op_add(int a, int b) { return a + b; }
__device__ int op_mul(int a, int b) { return a * b; }
__device__ int op_max(int a, int b) { return a > b ? a : b; }
typedef int (*Op)(int, int);
__device__ Op ops[3] = {op_add, op_mul, op_max};

__global__ void calls(int* fibs, float* areas, int* sides, int* op_out) {
    int t = threadIdx.x;
    fibs[t] = fib(t % 16);
    Square sq(t * 0.5f);
    Tri tr(t, 3.0f);
    const Shape* s = (t % 2) ? static_cast<const Shape*>(&sq) : static_cast<const Shape*>(&tr);
    areas[t] = s->area();
    sides[t] = s->sides();
    op_out[t] = ops[t % 3](t, 7);
}

int main() {
    const int n = 96;
    int *fibs, *sides, *ops_out;
    float* areas;
    CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 4096));
    CHECK(cudaMalloc(&fibs, n * sizeof(int)));
    CHECK(cudaMalloc(&sides, n * sizeof(int)));
    CHECK(cudaMalloc(&ops_out, n * sizeof(int)));
    CHECK(cudaMalloc(&areas, n * sizeof(float)));
    calls<<<1, n>>>(fibs, areas, sides, ops_out);
    CHECK(cudaGetLastError());
    int hf[n], hs[n], ho[n];
    float ha[n];
    CHECK(cudaMemcpy(hf, fibs, sizeof hf, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hs, sides, sizeof hs, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(ho, ops_out, sizeof ho, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(ha, areas, sizeof ha, cudaMemcpyDeviceToHost));
    int fibtab[16] = {0, 1};
    for (int i = 2; i < 16; ++i) fibtab[i] = fibtab[i - 1] + fibtab[i - 2];
    for (int t = 0; t < n; ++t) {
        EXPECT(hf[t] == fibtab[t % 16]);
        float want = (t % 2) ? (t * 0.5f) * (t * 0.5f) : 0.5f * t * 3.0f;
        EXPECT(ha[t] == want);
        EXPECT(hs[t] == ((t % 2) ? 4 : 3));
        int o = t % 3 == 0 ? t + 7 : t % 3 == 1 ? t * 7 : (t > 7 ? t : 7);
        EXPECT(ho[t] == o);
    }
    CHECK(cudaFree(fibs));
    CHECK(cudaFree(sides));
    CHECK(cudaFree(ops_out));
    CHECK(cudaFree(areas));
    std::printf("PASS virtual_recursion\n");
    return 0;
}
