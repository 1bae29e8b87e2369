// In-kernel malloc/free. PTX: nvcc -ptx -arch=compute_80 heap.cu -o heap.ptx (pinned nvcc 13.5)
extern "C" __global__ void heap_roundtrip(unsigned* out) {
    unsigned t = threadIdx.x + blockIdx.x * blockDim.x;
    unsigned* p = (unsigned*)malloc(16 * sizeof(unsigned));
    if (!p) { out[t] = 0xffffffffu; return; }
    for (int i = 0; i < 16; i++) p[i] = t * 16 + i;
    unsigned s = 0;
    for (int i = 0; i < 16; i++) s += p[i];
    free(p);
    out[t] = s;
}
