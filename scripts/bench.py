#!/usr/bin/env python3
"""The benchmark suite in one side-by-side run; writes BENCHMARKS.md.

For every kernel in benches/kernels.cu (run by benches/host.c on the CUDA
driver API, results checked against a C reference) it measures, in one run
on this machine:

  * softcuda: seconds per launch, and thread-instructions per launch from
    SOFTCUDA_STATS (instructions executed summed over active lanes);
  * the same algorithm as plain C (-O3 -march=native, OpenMP on the same
    cores): the straightforward loop nest, and for SGEMM also the best simple
    (i-k-j) order;
  * Numba's CUDA simulator on small inputs (benches/numba_sim.py), compared
    per unit of work (elements; n^3 for SGEMM, n^2 for n-body);
  * parallel efficiency: softcuda with SOFTCUDA_THREADS=1 against all cores;
  * optionally the real GPU through the forward backend: BENCH lines recorded
    on the GPU machine (`--gpu-results FILE`, from
    `SOFTCUDA_BACKEND=forward bench-host ...` there).

Usage: scripts/bench.py [--quick] [--runs N] [--no-numba] [--gpu-results F] [--scaling F]
                        [--out BENCHMARKS.md] [NAME...]
`--scaling F` adds a scaling table from a file of `host_threads=N name=... emu_s=...`
lines (e.g. recorded on a 16-core machine with scripts/bench.py --scaling-run).
"""
import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(ROOT, "target", "release")
HOST = os.path.join(LIB, "bench-host")
PTX = os.path.join(ROOT, "benches", "kernels.ptx")

# Which PTX kernels one benchmark launches (for the instruction counts) and
# how its work scales with the size (for the Numba comparison).
KERNELS = {
    "vector_add": ["vector_add"],
    "saxpy": ["saxpy"],
    "sgemm512": ["sgemm_tiled"],
    "sgemm1024": ["sgemm_tiled"],
    "reduce": ["reduce_shfl"],
    "histogram": ["histogram_shared"],
    "nbody": ["nbody_step"],
    "scan": ["scan_block", "scan_add"],
    "collatz": ["collatz"],
    "transpose": ["transpose"],
}
NUMBA_NAME = {k: ("sgemm" if k.startswith("sgemm") else v[0]) for k, v in KERNELS.items()}


def sh(cmd, env=None, check=True):
    r = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def build():
    sh(["cargo", "build", "--release", "--quiet"])
    sh(["gcc", "-O3", "-march=native", "-fopenmp", "-std=c11", "-Iinclude", "benches/host.c", "-o", HOST,
        "-L" + LIB, "-lcuda", "-lm"])


def run_host(names, quick, threads=None):
    """BENCH fields per benchmark, plus thread-instructions per launch."""
    out = {}
    for name in names:
        with tempfile.NamedTemporaryFile(suffix=".stats", delete=False) as f:
            stats = f.name
        env = dict(os.environ, LD_LIBRARY_PATH=LIB, SOFTCUDA_STATS=stats, SOFTCUDA_LOG="0")
        env.pop("SOFTCUDA_BACKEND", None)
        if threads:
            env["SOFTCUDA_THREADS"] = str(threads)
        args = [HOST, PTX] + (["--quick"] if quick else []) + [name]
        r = sh(args, env=env, check=False)
        lines = [l for l in r.stdout.splitlines() if l.startswith("BENCH ")]
        if not lines:
            sys.exit(f"bench: {name}: no BENCH line (exit {r.returncode}):\n{r.stdout}\n{r.stderr[-2000:]}")
        b = fields(lines[0])
        per_kernel = {}
        cta_bytes = 0
        with open(stats) as f:
            for l in f:
                k, n, *rest = l.rstrip("\n").split("\t")
                per_kernel.setdefault(k, []).append(int(n))
                if len(rest) >= 4 and k in KERNELS.get(name, [name]):
                    cta_bytes = max(cta_bytes, int(rest[3]))
        os.unlink(stats)
        # Every launch of a kernel does the same work (warm-up included):
        # the instructions of one launch of the benchmark.
        instr = 0
        for k in KERNELS.get(name, [name]):
            if k in per_kernel:
                instr += sum(per_kernel[k]) // len(per_kernel[k])
        b["instr"] = instr
        b["cta_bytes"] = cta_bytes
        b["rc"] = r.returncode
        out[name] = b
    return out


def big_ptx():
    """A large real PTX module: tests/cudart/thrust_cub.cu built with -G by the
    pinned nvcc (cached in target/bench/)."""
    out = os.path.join(ROOT, "target", "bench", "thrust_cub_G.ptx")
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tk = sh(["scripts/install-toolkit.sh"]).stdout.strip().splitlines()[-1]
        sh([os.path.join(tk, "bin", "nvcc"), "-G", "-ptx", "-arch=compute_80", "-I", "tests/cudart",
            "tests/cudart/thrust_cub.cu", "-o", out])
    return out


def run_costs(quick):
    env = dict(os.environ, LD_LIBRARY_PATH=LIB, SOFTCUDA_LOG="0")
    env.pop("SOFTCUDA_BACKEND", None)
    r = sh([HOST, PTX, "--costs", "--big-ptx", big_ptx()] + (["--quick"] if quick else []), env=env)
    return {fields(l)["name"]: fields(l) for l in r.stdout.splitlines() if l.startswith("COST ")}


def collatz_steps(n):
    """Total Collatz steps of the starting values 1..n (both the benchmark
    and the Numba kernel start thread i at i + 1): the work grows faster
    than n (75 steps per value up to 4096, 132 up to 2^20)."""
    steps = [0] * (n + 1)
    for v in range(2, n + 1):
        x, c = v, 0
        while x >= v:
            x = 3 * x + 1 if x & 1 else x >> 1
            c += 1
        steps[v] = c + steps[x]
    return sum(steps)


def work(name, size):
    """Units of work for a size text (n=…, AxB, AxBxC): multiply-adds for
    SGEMM, interactions for n-body, steps for Collatz, elements otherwise."""
    nums = [int(x) for x in re.findall(r"\d+", size)]
    if not nums:
        return None
    if name == "collatz":
        return collatz_steps(nums[0])
    if name.startswith("sgemm"):
        return nums[0] ** 3
    if name == "nbody":
        return nums[0] ** 2
    p = 1
    for x in nums[:2]:
        p *= x
    return p


def best_of(a, b):
    """Per benchmark, the run with the smaller softcuda time."""
    out = dict(a)
    for name, r in b.items():
        if name not in out or float(r["emu_s"]) < float(out[name]["emu_s"]):
            out[name] = r
    return out


def run_numba():
    py = sh(["bash", "benches/setup-numba.sh"]).stdout.strip().splitlines()[-1]
    r = sh([py, "benches/numba_sim.py"], check=False)
    res = {}
    for l in r.stdout.splitlines():
        if l.startswith("NUMBA "):
            f = fields(l)
            if f.get("ok") == "1":
                res.setdefault(f["name"], []).append(f)
    return res


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    gcc = sh(["gcc", "--version"]).stdout.splitlines()[0]
    rustc = sh(["rustc", "--version"]).stdout.strip()
    return f"{cpu}, {cores} cores available; {gcc}; {rustc}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--runs", type=int, default=5, help="softcuda runs per configuration; the fastest counts")
    ap.add_argument("--no-numba", action="store_true")
    ap.add_argument("--gpu-results", help="BENCH lines recorded on a GPU through the forward backend")
    ap.add_argument("--scaling", help="host_threads=N lines recorded by --scaling-run on another machine")
    ap.add_argument("--scaling-run", action="store_true", help="only print threads=N lines for 1 and all cores")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    names = a.names or list(KERNELS)
    build()
    cores = os.cpu_count() or 1
    if a.scaling_run:
        for t in sorted({1, cores}):
            for name, b in run_host(names, a.quick, threads=t).items():
                print(f"host_threads={t} name={name} emu_s={b['emu_s']} ok={b.get('ok')}", flush=True)
        return
    t0 = time.time()
    # Best of --runs interleaved runs (all threads, one thread, all, one...):
    # the machine is shared, and one slow run of either side would skew the
    # parallel efficiency.
    full, one = {}, {}
    for _ in range(a.runs):
        full = best_of(full, run_host(names, a.quick))
        if cores > 1:
            one = best_of(one, run_host(names, a.quick, threads=1))
    if cores == 1:
        one = full
    numba = {} if a.no_numba else run_numba()
    costs = run_costs(a.quick)
    gpu = {}
    if a.gpu_results:
        for l in open(a.gpu_results):
            if l.startswith("BENCH "):
                f = fields(l)
                gpu[f["name"]] = f
    rows = []
    for name in names:
        b = full[name]
        s = float(b["emu_s"])
        instr = b["instr"]
        ips_core = instr / s / cores if s > 0 else 0
        nat = float(b["native_s"])
        best = b.get("best_s", "-")
        eff = float(one[name]["emu_s"]) / (cores * s) if s > 0 else 0
        nb = "-"
        for f in numba.get(NUMBA_NAME[name], []):
            w_n, w_e = work(name, f["size"]), work(name, b["size"])
            if w_n and w_e:
                nb_rate = float(f["s"]) / w_n
                nb = f"{nb_rate / (s / w_e):,.0f}×"
        g = gpu.get(name)
        rows.append((
            name, b["size"], f"{s:.4f}", f"{instr / 1e6:,.1f}", f"{ips_core / 1e9:.2f}",
            f"{nat:.4f}", f"{s / nat:.1f}×" if nat > 0 else "-",
            best if best == "-" else f"{float(best):.4f}",
            "-" if best == "-" else f"{s / float(best):.1f}×",
            f"{eff:.2f}", f"{b.get('cta_bytes', 0) / 1024:,.0f}", nb,
            "-" if not g else f"{float(g['emu_s']) * 1e3:.3f} ms ({s / float(g['emu_s']):,.0f}×)",
            "yes" if b.get("ok") == "1" else "NO",
        ))
    hdr = ("benchmark", "size", "softcuda s", "M thread-instr", "G thread-instr/s/core", "naive C s",
           "softcuda / naive", "best C s", "softcuda / best", f"parallel eff. ({cores} thr)", "KiB per resident CTA",
           "Numba sim / softcuda (per work)", "H100 (forward)", "checked")
    md = ["# Benchmarks", "",
          "Generated by `scripts/bench.py` from one side-by-side run; do not edit by hand.", "",
          f"- Machine: {machine()}",
          f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; run took {time.time() - t0:.0f} s"
          + (" (--quick sizes)" if a.quick else ""),
          f"- softcuda s: one launch + cuCtxSynchronize, the fastest of {a.runs} interleaved runs (all threads and"
          " one thread alternating); thread-instructions from `SOFTCUDA_STATS`.",
          "- naive C: the loop nest as each CUDA thread computes it, `-O3 -march=native`, OpenMP on the same cores;"
          " best C: the best simple order (SGEMM i-k-j).",
          "- Numba: its CUDA simulator (`NUMBA_ENABLE_CUDASIM=1`) on small inputs, compared per unit of work"
          " (elements; n³ for SGEMM, n² for n-body, total steps for Collatz).",
          "- parallel eff.: softcuda with SOFTCUDA_THREADS=1 time / (threads × time with all threads).",
          "- KiB per resident CTA: host memory one CTA holds while it runs (shared and local memory, warp"
          " registers, frames and stacks; from `SOFTCUDA_STATS`); one CTA is resident per host thread.",
          "", "| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    lc, la, ml = costs.get("launch_sync", {}), costs.get("launch_async", {}), costs.get("module_load", {})
    if lc:
        mb = int(ml.get("bytes", "0")) / 1e6
        secs = float(ml.get("s", "0"))
        md += ["", "## Costs", "",
               "| cost | measured | target |", "|---|---|---|",
               f"| empty-kernel launch + cuCtxSynchronize | {float(lc['us']):.1f} µs | < 20 µs |",
               f"| empty-kernel launch alone (one sync at the end) | {float(la['us']):.1f} µs | |",
               f"| empty 64-CTA grid launch + cuCtxSynchronize | {float(costs.get('launch_sync_grid64', {}).get('us', 'nan')):.1f} µs | |",
               f"| cuModuleLoadData of a {mb:.1f} MB PTX (`thrust_cub.cu -G`) | {secs:.3f} s"
               f" ({secs / mb if mb else 0:.3f} s per MB) | 1 MB < 0.5 s |"]
    if a.gpu_results:
        md += ["", f"H100 column: `{os.path.relpath(a.gpu_results, ROOT)}`, recorded through the forward backend;"
               " the ratio is softcuda time / H100 time."]
    if a.scaling:
        sc, copies = {}, {}
        for l in open(a.scaling):
            if l.startswith("host_threads="):
                f = fields("x " + l)
                sc.setdefault(f["name"], {})[int(f["host_threads"])] = float(f["emu_s"])
            elif l.startswith("copies="):
                f = fields("x " + l)
                copies.setdefault(f["name"], []).append(float(f["emu_s"]))
        md += ["", f"## Scaling on another machine (`{os.path.relpath(a.scaling, ROOT)}`)", ""]
        if copies:
            md += ["N single-thread copies: N processes of `SOFTCUDA_THREADS=1` run at once (their mean time);"
                   " alone / copies is how fast one core still runs when all are busy on that machine, the ceiling"
                   " of any parallel efficiency there; the last column is the N-thread run against that ceiling.", ""]
        md += ["| benchmark | 1 thread s | N threads s | N | efficiency | N single-thread copies s | alone / copies"
               " | efficiency / that |", "|---|---|---|---|---|---|---|---|"]
        for name, d in sc.items():
            n = max(d)
            if 1 in d and n > 1:
                c = copies.get(name)
                extra = "| - | - | - |"
                if c:
                    mean = sum(c) / len(c)
                    extra = f"| {mean:.4f} | {d[1] / mean:.2f} | {mean / (n * d[n]):.2f} |"
                md.append(f"| {name} | {d[1]:.4f} | {d[n]:.4f} | {n} | {d[1] / (n * d[n]):.2f} {extra}")
    text = "\n".join(md) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
