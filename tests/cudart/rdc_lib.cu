// The device half of the -rdc=true program (rdc_main.cu): an extern
// __device__ function and variable used from the other translation unit.
__device__ int rdc_bias = 5;

__device__ int rdc_scale(int x) { return 3 * x + rdc_bias; }
