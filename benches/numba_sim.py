#!/usr/bin/env python3
"""Numba CUDA-simulator counterparts of the kernels in benches/kernels.cu.

Usage (venv from benches/setup-numba.sh):
    target/numba-venv/bin/python benches/numba_sim.py [--scale S] [--emulate-shfl] [NAME...]

Each benchmark does one launch (plus cuda.synchronize()) timed with
time.perf_counter(); inputs are copied to the (fake) device before and results
copied back after the timed region, then checked against numpy.  One line per
benchmark:
    NUMBA name=<name> size=<text> threads=<CUDA threads launched> s=<seconds> ok=<1|0>
or, when the simulator cannot express a kernel:
    NUMBA name=<name> skipped=<reason>
Exit status is 0 only if every benchmark that ran was ok (skips do not fail).

reduce_shfl: numba 0.60's simulator has no warp shuffles, so it is reported as
skipped; with --emulate-shfl a stand-in that emulates __shfl_down_sync through
shared memory (+ syncthreads) runs instead, with ",shfl-emulated-via-shared"
appended to its size text.

The simulator runs every CUDA thread as a Python thread, so sizes are small.
--scale multiplies the element count of each problem (approximately; 2-D
problems scale each side by sqrt(S) and round to the tile size).
"""

import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # must precede the numba import

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numba import cuda, float32, uint32  # noqa: E402

# ---------------------------------------------------------------------------
# Kernels (same algorithms as benches/kernels.cu)
# ---------------------------------------------------------------------------

TILE = 16          # sgemm tile
NB_BLOCK = 128     # nbody block size (tile of bodies in shared memory)
SCAN_BLOCK = 1024  # scan block size
T_TILE = 32        # transpose tile
T_ROWS = 8         # transpose block rows


@cuda.jit
def vector_add(a, b, c, n):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    if i < n:
        c[i] = a[i] + b[i]


@cuda.jit
def saxpy(n, alpha, x, y):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    if i < n:
        y[i] = alpha * x[i] + y[i]


@cuda.jit
def sgemm_tiled(A, B, C, n):
    As = cuda.shared.array((TILE, TILE), float32)
    Bs = cuda.shared.array((TILE, TILE), float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    row = cuda.blockIdx.y * TILE + ty
    col = cuda.blockIdx.x * TILE + tx
    acc = float32(0.0)
    for t in range(0, n, TILE):
        As[ty, tx] = A[row * n + t + tx]
        Bs[ty, tx] = B[(t + ty) * n + col]
        cuda.syncthreads()
        for k in range(TILE):
            acc += As[ty, k] * Bs[k, tx]
        cuda.syncthreads()
    C[row * n + col] = acc


def _make_reduce_shfl():
    @cuda.jit
    def reduce_shfl(inp, out, n):
        s = float32(0.0)
        i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
        stride = cuda.blockDim.x * cuda.gridDim.x
        while i < n:
            s += inp[i]
            i += stride
        off = 16
        while off > 0:
            s += cuda.shfl_down_sync(0xFFFFFFFF, s, off)
            off >>= 1
        if (cuda.threadIdx.x & 31) == 0:
            cuda.atomic.add(out, 0, s)

    return reduce_shfl


RED_BLOCK = 256


@cuda.jit
def reduce_shfl_emulated(inp, out, n):
    # Same as reduce_shfl, but __shfl_down_sync(full mask, s, off) is emulated
    # through a shared-memory slot per thread (exact shfl_down semantics:
    # lanes whose source lane is >= 32 keep their own value).
    sh = cuda.shared.array(RED_BLOCK, float32)
    tid = cuda.threadIdx.x
    lane = tid & 31
    s = float32(0.0)
    i = cuda.blockIdx.x * cuda.blockDim.x + tid
    stride = cuda.blockDim.x * cuda.gridDim.x
    while i < n:
        s += inp[i]
        i += stride
    off = 16
    while off > 0:
        sh[tid] = s
        cuda.syncthreads()
        s += sh[tid + off] if lane + off < 32 else s
        cuda.syncthreads()
        off >>= 1
    if lane == 0:
        cuda.atomic.add(out, 0, s)


@cuda.jit
def histogram_shared(inp, bins, n):
    local = cuda.shared.array(256, uint32)
    b = cuda.threadIdx.x
    while b < 256:
        local[b] = 0
        b += cuda.blockDim.x
    cuda.syncthreads()
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    stride = cuda.blockDim.x * cuda.gridDim.x
    while i < n:
        cuda.atomic.add(local, inp[i] & 255, 1)
        i += stride
    cuda.syncthreads()
    b = cuda.threadIdx.x
    while b < 256:
        if local[b] != 0:
            cuda.atomic.add(bins, b, local[b])
        b += cuda.blockDim.x


@cuda.jit
def nbody_step(pos, acc, n, eps2):
    # pos: (n, 4) float32 (x, y, z, mass); acc: (n, 4) float32.
    tile = cuda.shared.array((NB_BLOCK, 4), float32)
    tid = cuda.threadIdx.x
    i = cuda.blockIdx.x * cuda.blockDim.x + tid
    px = float32(0.0)
    py = float32(0.0)
    pz = float32(0.0)
    if i < n:
        px = pos[i, 0]
        py = pos[i, 1]
        pz = pos[i, 2]
    ax = float32(0.0)
    ay = float32(0.0)
    az = float32(0.0)
    for base in range(0, n, cuda.blockDim.x):
        j = base + tid
        for c in range(4):
            tile[tid, c] = pos[j, c] if j < n else float32(0.0)
        cuda.syncthreads()
        cnt = min(cuda.blockDim.x, n - base)
        for k in range(cnt):
            rx = tile[k, 0] - px
            ry = tile[k, 1] - py
            rz = tile[k, 2] - pz
            d2 = rx * rx + ry * ry + rz * rz + eps2
            inv = float32(1.0) / math.sqrt(d2)
            s = tile[k, 3] * inv * inv * inv
            ax += rx * s
            ay += ry * s
            az += rz * s
        cuda.syncthreads()
    if i < n:
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az
        acc[i, 3] = float32(0.0)


@cuda.jit
def scan_block(inp, out, block_sums, n):
    buf = cuda.shared.array((2, SCAN_BLOCK), uint32)
    t = cuda.threadIdx.x
    i = cuda.blockIdx.x * cuda.blockDim.x + t
    cur = 0
    buf[0, t] = inp[i] if i < n else 0
    cuda.syncthreads()
    off = 1
    while off < cuda.blockDim.x:
        v = buf[cur, t]
        if t >= off:
            v += buf[cur, t - off]
        buf[cur ^ 1, t] = v
        cur ^= 1
        cuda.syncthreads()
        off <<= 1
    if i < n:
        out[i] = buf[cur, t]
    if t == cuda.blockDim.x - 1:
        block_sums[cuda.blockIdx.x] = buf[cur, t]


@cuda.jit
def scan_add(out, block_prefix, n):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    if i < n:
        out[i] += block_prefix[cuda.blockIdx.x]


@cuda.jit
def collatz(start, steps, n):
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    if i >= n:
        return
    x = int(start[i])  # 64-bit intermediates
    s = 0
    while x > 1:
        x = 3 * x + 1 if (x & 1) else x >> 1
        s += 1
    steps[i] = s


@cuda.jit
def transpose(inp, out, w, h):
    tile = cuda.shared.array((T_TILE, T_TILE + 1), float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    x = cuda.blockIdx.x * T_TILE + tx
    y = cuda.blockIdx.y * T_TILE + ty
    for j in range(0, T_TILE, T_ROWS):
        if x < w and y + j < h:
            tile[ty + j, tx] = inp[(y + j) * w + x]
    cuda.syncthreads()
    x = cuda.blockIdx.y * T_TILE + tx
    y = cuda.blockIdx.x * T_TILE + ty
    for j in range(0, T_TILE, T_ROWS):
        if x < h and y + j < w:
            out[(y + j) * h + x] = tile[tx, ty + j]


# ---------------------------------------------------------------------------
# Benchmarks: each returns (size_text, threads, seconds, ok)
# ---------------------------------------------------------------------------

class Skip(Exception):
    pass


def _timed(fn):
    cuda.synchronize()
    t0 = time.perf_counter()
    fn()
    cuda.synchronize()
    return time.perf_counter() - t0


def _close(got, want, rtol=1e-3):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    scale = max(float(np.max(np.abs(want))), 1e-30)
    # relative 1e-3 per element, with an absolute floor relative to the data
    # magnitude so that near-zero elements (cancellation) do not fail.
    return bool(np.all(np.abs(got - want) <= rtol * np.maximum(np.abs(want), 1e-3 * scale)))


def _n(base, scale, mult=1):
    return max(mult, int(round(base * scale / mult)) * mult)


def _side(base, scale, mult):
    return max(mult, int(round(base * math.sqrt(scale) / mult)) * mult)


def bench_vector_add(scale, rng):
    n = _n(4096, scale)
    a = rng.random(n, dtype=np.float32)
    b = rng.random(n, dtype=np.float32)
    da, db, dc = cuda.to_device(a), cuda.to_device(b), cuda.device_array(n, np.float32)
    block = 256
    grid = (n + block - 1) // block
    s = _timed(lambda: vector_add[grid, block](da, db, dc, n))
    ok = np.array_equal(dc.copy_to_host(), a + b)
    return [(str(n), grid * block, s, ok)]


def bench_saxpy(scale, rng):
    n = _n(4096, scale)
    alpha = np.float32(2.5)
    x = rng.random(n, dtype=np.float32)
    y = rng.random(n, dtype=np.float32)
    dx, dy = cuda.to_device(x), cuda.to_device(y)
    block = 256
    grid = (n + block - 1) // block
    s = _timed(lambda: saxpy[grid, block](n, alpha, dx, dy))
    ok = _close(dy.copy_to_host(), alpha * x + y)
    return [(str(n), grid * block, s, ok)]


def bench_sgemm(scale, rng):
    out = []
    for base in (32, 64):
        n = _side(base, scale, TILE)
        A = rng.random((n, n), dtype=np.float32) - 0.5
        B = rng.random((n, n), dtype=np.float32) - 0.5
        dA, dB = cuda.to_device(A.ravel()), cuda.to_device(B.ravel())
        dC = cuda.device_array(n * n, np.float32)
        grid = (n // TILE, n // TILE)
        block = (TILE, TILE)
        s = _timed(lambda: sgemm_tiled[grid, block](dA, dB, dC, n))
        want = A.astype(np.float64) @ B.astype(np.float64)
        ok = _close(dC.copy_to_host().reshape(n, n), want)
        out.append((f"{n}x{n}x{n}", n * n, s, ok))
    return out


def bench_reduce_shfl(scale, rng, emulate_shfl=False):
    # Inside kernels the simulator substitutes its FakeCUDAModule for `cuda`;
    # numba 0.60's has no warp shuffles (shfl_*_sync), so the real kernel
    # cannot run.  --emulate-shfl runs a shared-memory stand-in instead.
    from numba.cuda.simulator.kernelapi import FakeCUDAModule
    tag = ""
    if hasattr(FakeCUDAModule, "shfl_down_sync"):
        kern = _make_reduce_shfl()
    elif emulate_shfl:
        kern, tag = reduce_shfl_emulated, ",shfl-emulated-via-shared"
    else:
        raise Skip("cudasim_has_no_shfl_down_sync")
    n = _n(8192, scale)
    x = rng.random(n, dtype=np.float32)
    dx = cuda.to_device(x)
    dout = cuda.to_device(np.zeros(1, np.float32))
    block = RED_BLOCK
    grid = max(1, min(8, (n + block - 1) // block))
    s = _timed(lambda: kern[grid, block](dx, dout, n))
    ok = _close(dout.copy_to_host()[0], x.astype(np.float64).sum())
    return [(f"{n}{tag}", grid * block, s, ok)]


def bench_histogram_shared(scale, rng):
    n = _n(8192, scale)
    x = rng.integers(0, 2**32, n, dtype=np.uint32)
    dx = cuda.to_device(x)
    dbins = cuda.to_device(np.zeros(256, np.uint32))
    block = 256
    grid = max(1, min(16, (n + block - 1) // block))
    s = _timed(lambda: histogram_shared[grid, block](dx, dbins, n))
    want = np.bincount(x & 255, minlength=256).astype(np.uint32)
    ok = np.array_equal(dbins.copy_to_host(), want)
    return [(str(n), grid * block, s, ok)]


def bench_nbody_step(scale, rng):
    n = _n(512, scale)
    pos = np.empty((n, 4), np.float32)
    pos[:, :3] = rng.random((n, 3), dtype=np.float32) * 2 - 1
    pos[:, 3] = rng.random(n, dtype=np.float32) + 0.5
    eps2 = np.float32(0.01)
    dpos = cuda.to_device(pos)
    dacc = cuda.device_array((n, 4), np.float32)
    block = NB_BLOCK
    grid = (n + block - 1) // block
    s = _timed(lambda: nbody_step[grid, block](dpos, dacc, n, eps2))
    p = pos.astype(np.float64)
    r = p[None, :, :3] - p[:, None, :3]                    # r[i, j] = pos_j - pos_i
    d2 = (r * r).sum(-1) + float(eps2)
    want = (r * (p[None, :, 3] * d2 ** -1.5)[:, :, None]).sum(1)
    ok = _close(dacc.copy_to_host()[:, :3], want)
    return [(str(n), grid * block, s, ok)]


def bench_scan_block(scale, rng):
    n = _n(4096, scale)
    x = rng.integers(0, 16, n, dtype=np.uint32)
    block = SCAN_BLOCK
    grid = (n + block - 1) // block
    dx = cuda.to_device(x)
    dout = cuda.device_array(n, np.uint32)
    dsums = cuda.device_array(grid, np.uint32)

    def run():
        scan_block[grid, block](dx, dout, dsums, n)
        cuda.synchronize()
        sums = dsums.copy_to_host()
        prefix = np.zeros(grid, np.uint32)
        prefix[1:] = np.cumsum(sums, dtype=np.uint32)[:-1]
        scan_add[grid, block](dout, cuda.to_device(prefix), n)

    s = _timed(run)
    ok = np.array_equal(dout.copy_to_host(), np.cumsum(x, dtype=np.uint32))
    return [(str(n), 2 * grid * block, s, ok)]


def bench_collatz(scale, rng):
    n = _n(4096, scale)
    start = np.arange(1, n + 1, dtype=np.uint32)
    dstart = cuda.to_device(start)
    dsteps = cuda.device_array(n, np.uint32)
    block = 256
    grid = (n + block - 1) // block
    s = _timed(lambda: collatz[grid, block](dstart, dsteps, n))
    want = np.empty(n, np.uint32)
    for k, v in enumerate(start.tolist()):
        c = 0
        while v > 1:
            v = 3 * v + 1 if v & 1 else v >> 1
            c += 1
        want[k] = c
    ok = np.array_equal(dsteps.copy_to_host(), want)
    return [(str(n), grid * block, s, ok)]


def bench_transpose(scale, rng):
    w = h = _side(128, scale, T_TILE)
    a = rng.random((h, w), dtype=np.float32)
    din = cuda.to_device(a.ravel())
    dout = cuda.device_array(w * h, np.float32)
    grid = ((w + T_TILE - 1) // T_TILE, (h + T_TILE - 1) // T_TILE)
    block = (T_TILE, T_ROWS)
    s = _timed(lambda: transpose[grid, block](din, dout, w, h))
    ok = np.array_equal(dout.copy_to_host().reshape(w, h), a.T)
    return [(f"{w}x{h}", grid[0] * grid[1] * T_TILE * T_ROWS, s, ok)]


BENCHES = {
    "vector_add": bench_vector_add,
    "saxpy": bench_saxpy,
    "sgemm": bench_sgemm,
    "reduce_shfl": bench_reduce_shfl,
    "histogram_shared": bench_histogram_shared,
    "nbody_step": bench_nbody_step,
    "scan_block": bench_scan_block,
    "collatz": bench_collatz,
    "transpose": bench_transpose,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply problem sizes by S (approximately)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--emulate-shfl", action="store_true",
                    help="run reduce_shfl with shuffles emulated through shared "
                         "memory (cudasim has none) instead of skipping it")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help="benchmarks to run (default: all): " + ", ".join(BENCHES))
    args = ap.parse_args(argv)
    if args.scale <= 0:
        ap.error("--scale must be positive")
    names = args.names or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error("unknown benchmark(s): " + ", ".join(unknown))

    all_ok = True
    for name in names:
        rng = np.random.default_rng(args.seed)
        try:
            if name == "reduce_shfl":
                rows = BENCHES[name](args.scale, rng, args.emulate_shfl)
            else:
                rows = BENCHES[name](args.scale, rng)
        except Skip as e:
            print(f"NUMBA name={name} skipped={e}", flush=True)
            continue
        except Exception as e:  # report and keep going
            print(f"numba_sim: {name}: {type(e).__name__}: {e}", file=sys.stderr)
            print(f"NUMBA name={name} size=? threads=0 s=0 ok=0", flush=True)
            all_ok = False
            continue
        for size, threads, secs, ok in rows:
            all_ok &= bool(ok)
            print(f"NUMBA name={name} size={size} threads={threads} "
                  f"s={secs:.6f} ok={int(bool(ok))}", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
