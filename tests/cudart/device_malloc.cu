// Device-side malloc/free and new/delete: per-thread linked lists built on
// the device heap, a heap size set with cudaDeviceSetLimit, and an
// allocation too large for the heap returning NULL.
#include "check.h"

struct Node {
    int value;
    Node* next;
};

__global__ void lists(int* sums, int* nulls, size_t huge) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    Node* head = nullptr;
    for (int i = 0; i < t % 7 + 1; ++i) {
        Node* n = static_cast<Node*>(malloc(sizeof(Node)));
        if (!n) { sums[t] = -1; return; }
        n->value = t * 10 + i;
        n->next = head;
        head = n;
    }
    int s = 0;
    while (head) {
        s += head->value;
        Node* next = head->next;
        free(head);
        head = next;
    }
    int* arr = new int[t % 5 + 1];
    for (int i = 0; i <= t % 5; ++i) arr[i] = i;
    for (int i = 0; i <= t % 5; ++i) s += arr[i];
    delete[] arr;
    sums[t] = s;
    if (t == 0) nulls[0] = malloc(huge) == nullptr;
}

int main() {
    CHECK(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 16 << 20));
    size_t heap = 0;
    CHECK(cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize));
    EXPECT(heap >= (16u << 20));
    const int n = 512;
    int *sums, *nulls;
    CHECK(cudaMalloc(&sums, n * sizeof(int)));
    CHECK(cudaMalloc(&nulls, sizeof(int)));
    lists<<<4, 128>>>(sums, nulls, (size_t)1 << 40);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    int h[n], hn = 0;
    CHECK(cudaMemcpy(h, sums, sizeof h, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&hn, nulls, sizeof hn, cudaMemcpyDeviceToHost));
    for (int t = 0; t < n; ++t) {
        int want = 0;
        for (int i = 0; i < t % 7 + 1; ++i) want += t * 10 + i;
        for (int i = 0; i <= t % 5; ++i) want += i;
        EXPECT(h[t] == want);
    }
    EXPECT(hn == 1);
    CHECK(cudaFree(sums));
    CHECK(cudaFree(nulls));
    std::printf("PASS device_malloc\n");
    return 0;
}
