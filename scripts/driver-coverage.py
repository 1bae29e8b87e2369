#!/usr/bin/env python3
"""Counts the exported driver functions implemented vs stubbed, by the
driver API group (the `\\defgroup` sections of the pinned toolkit's cuda.h).

Exported names: ../shared/reference/libcuda_symbols.txt (what NVIDIA's
libcuda.so.1 exports). Implemented: the rows of src/driver/table.rs; every
other export returns CUDA_ERROR_NOT_SUPPORTED. Prints a Markdown table.
Usage: scripts/driver-coverage.py [path/to/cuda.h]
"""
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

root = Path(__file__).resolve().parent.parent
if len(sys.argv) > 1:
    header = Path(sys.argv[1])
else:
    tk = subprocess.run([str(root / "scripts/install-toolkit.sh")], capture_output=True, text=True, check=True)
    header = Path(tk.stdout.strip()) / "include/cuda.h"

symbols = [s.strip() for s in (root.parent / "shared/reference/libcuda_symbols.txt").read_text().split() if s.strip()]
implemented = set(re.findall(r"^\s+(cu\w+)\(", (root / "src/driver/table.rs").read_text(), re.M))

# Group of each declared function: the last \defgroup before its first
# declaration (`CUresult CUDAAPI name(`, possibly across lines).
text = header.read_text()
marks = [(m.start(), "group", m.group(1)) for m in re.finditer(r"\\defgroup \w+ ([^\n]*)", text)]
marks += [(m.start(), "decl", m.group(1)) for m in re.finditer(r"\bCUDAAPI\s+(cu\w+)\s*\(", text)]
group_of = {}
group = "(none)"
for _, kind, value in sorted(marks):
    if kind == "group":
        group = value.replace("[DEPRECATED]", "").strip()
    elif value not in group_of:
        group_of[value] = group


def group_for(name):
    # The section declares the plain name (cuMemcpyHtoD); `_v2`, `_ptsz`
    # and `_ptds` variants are declared again at the end of the header.
    base = re.sub(r"(_ptsz|_ptds)$", "", name)
    base = re.sub(r"_v\d+$", "", base)
    for n in (base, name):
        if n in group_of:
            return group_of[n]
    return "(not in cuda.h)"


rows = defaultdict(lambda: [0, 0])
for s in symbols:
    if not s.startswith("cu"):
        continue
    rows[group_for(s)][0 if s in implemented else 1] += 1
print("| group | implemented | stubbed (NOT_SUPPORTED) |")
print("|---|---:|---:|")
ti = ts = 0
for g, (i, st) in sorted(rows.items(), key=lambda kv: -sum(kv[1])):
    print(f"| {g} | {i} | {st} |")
    ti += i
    ts += st
print(f"| **all {ti + ts} exports** | **{ti}** | **{ts}** |")
