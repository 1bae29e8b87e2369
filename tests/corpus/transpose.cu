// out[x][y] = in[y][x] for a rows x cols row-major input (out is cols x rows).
// 32x32 tile in shared memory padded to 33 columns to avoid bank conflicts;
// block (32, 8), each thread moves 4 elements; grid (ceil(cols/32), ceil(rows/32)).
#define TILE_DIM 32
#define BLOCK_ROWS 8

extern "C" __global__ void transpose(const float* in, float* out, int rows, int cols)
{
    __shared__ float tile[TILE_DIM][TILE_DIM + 1];

    int x = blockIdx.x * TILE_DIM + threadIdx.x;  // column in input
    int y = blockIdx.y * TILE_DIM + threadIdx.y;  // row in input
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS) {
        if (x < cols && y + j < rows) {
            tile[threadIdx.y + j][threadIdx.x] = in[(size_t)(y + j) * cols + x];
        }
    }
    __syncthreads();

    x = blockIdx.y * TILE_DIM + threadIdx.x;  // column in output = row in input
    y = blockIdx.x * TILE_DIM + threadIdx.y;  // row in output = column in input
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS) {
        if (x < rows && y + j < cols) {
            out[(size_t)(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
        }
    }
}
