#!/usr/bin/env python3
"""Compiles one CUDA C++ file to PTX with NVRTC (through ctypes), the way a
program that JIT-compiles its kernels at run time would.

Usage: scripts/nvrtc-ptx.py TOOLKIT_ROOT SRC.cu OUT.ptx [--arch compute_80]

TOOLKIT_ROOT is what scripts/install-toolkit.sh prints; libnvrtc.so.13 is
loaded from its lib/ directory. Options passed to NVRTC:
--gpu-architecture=<arch>, --include-path=<toolkit>/include (cuda_fp16.h
and friends) and --include-path=<toolkit>/include/cccl (libcu++). NVRTC has
no host headers. When the file does not compile as is and includes one of
the C/C++ library headers below, each such #include line is replaced by one
line (line numbers are kept) and the file is compiled again:
  <cstdio> <stdio.h> <cmath> <math.h>  -> removed (printf and the math
                                          functions are NVRTC builtins)
  <cstdint> <stdint.h>                 -> <cuda/std/cstdint> + using
                                          declarations for the [u]intN_t types
                                          (+ a #line directive)
  <climits> <limits.h> <cfloat> <float.h> -> <cuda/std/climits>, <cuda/std/cfloat>

NVRTC's output for some files depends on heap addresses, so the script
re-executes itself with address-space randomization off (personality
ADDR_NO_RANDOMIZE), which makes it repeatable.

Exit status: 0 with OUT written; 1 when NVRTC rejects the file (its log goes
to stderr, OUT is not written); 2 for usage errors or a missing library.
"""

import ctypes
import os
import re
import sys

NVRTC_SUCCESS = 0


def load_nvrtc(toolkit):
    path = os.path.join(toolkit, "lib", "libnvrtc.so.13")
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise RuntimeError(f"nvrtc-ptx: cannot load {path}: {e}") from e
    lib.nvrtcGetErrorString.restype = ctypes.c_char_p
    lib.nvrtcGetErrorString.argtypes = [ctypes.c_int]
    lib.nvrtcCreateProgram.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.nvrtcCompileProgram.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.nvrtcGetProgramLogSize.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
    lib.nvrtcGetProgramLog.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.nvrtcGetPTXSize.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
    lib.nvrtcGetPTX.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.nvrtcDestroyProgram.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return lib


def compile_source(lib, source, name, options):
    """Returns (ptx or None, log)."""

    def check(r, what):
        if r != NVRTC_SUCCESS:
            raise RuntimeError(f"{what}: {lib.nvrtcGetErrorString(r).decode()}")

    prog = ctypes.c_void_p()
    check(lib.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), name.encode(), 0, None, None), "nvrtcCreateProgram")
    try:
        opts = (ctypes.c_char_p * len(options))(*[o.encode() for o in options])
        r = lib.nvrtcCompileProgram(prog, len(options), opts)
        size = ctypes.c_size_t()
        check(lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size)), "nvrtcGetProgramLogSize")
        buf = ctypes.create_string_buffer(size.value)
        check(lib.nvrtcGetProgramLog(prog, buf), "nvrtcGetProgramLog")
        log = buf.value.decode(errors="replace")
        if r != NVRTC_SUCCESS:
            return None, f"{lib.nvrtcGetErrorString(r).decode()}\n{log}"
        check(lib.nvrtcGetPTXSize(prog, ctypes.byref(size)), "nvrtcGetPTXSize")
        buf = ctypes.create_string_buffer(size.value)
        check(lib.nvrtcGetPTX(prog, buf), "nvrtcGetPTX")
        return buf.value.decode(), log
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(prog))


HOST_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([a-z.]+)[>"][^\n]*$', re.M)
INT_TYPES = ["int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "intptr_t", "uintptr_t"]
CSTDINT = "#include <cuda/std/cstdint>\n" + " ".join(f"using cuda::std::{t};" for t in INT_TYPES)
SUBSTITUTES = {
    "cstdio": "",
    "stdio.h": "",
    "cmath": "",
    "math.h": "",
    "cstdint": CSTDINT,
    "stdint.h": CSTDINT,
    "climits": "#include <cuda/std/climits>",
    "limits.h": "#include <cuda/std/climits>",
    "cfloat": "#include <cuda/std/cfloat>",
    "float.h": "#include <cuda/std/cfloat>",
}


def substitute_host_includes(source):
    """Returns the source with the host library #includes replaced, or None
    when it has none. A `#line` directive after a multi-line replacement
    keeps the line numbers of the rest of the file."""
    changed = False

    def repl(m):
        nonlocal changed
        sub = SUBSTITUTES.get(m.group(1))
        if sub is None:
            return m.group(0)
        changed = True
        if "\n" not in sub:
            return sub
        next_line = source.count("\n", 0, m.start()) + 2
        return f"{sub}\n#line {next_line}"

    out = HOST_INCLUDE.sub(repl, source)
    return out if changed else None


ADDR_NO_RANDOMIZE = 0x0040000


def without_aslr():
    """Re-executes this script with address-space randomization off: NVRTC's
    output for some files depends on the relative order of heap addresses,
    so with randomization it differs from run to run."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        current = libc.personality(0xFFFFFFFF)
        if current == -1 or current & ADDR_NO_RANDOMIZE:
            return
        if libc.personality(current | ADDR_NO_RANDOMIZE) == -1:
            return
    except (OSError, AttributeError):
        return
    os.execv(sys.executable, [sys.executable] + sys.argv)


def main(argv):
    args = list(argv[1:])
    arch = "compute_80"
    if "--arch" in args:
        i = args.index("--arch")
        if i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        arch = args[i + 1]
        del args[i : i + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    toolkit, src, out = args
    try:
        lib = load_nvrtc(toolkit)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 2
    with open(src, encoding="utf-8") as f:
        source = f.read()
    name = os.path.basename(src)
    include = os.path.join(toolkit, "include")
    options = [
        f"--gpu-architecture={arch}",
        f"--include-path={include}",
        f"--include-path={os.path.join(include, 'cccl')}",
    ]
    ptx, log = compile_source(lib, source, name, options)
    substituted = substitute_host_includes(source) if ptx is None else None
    if substituted is not None:
        first_log = log
        ptx, log = compile_source(lib, substituted, name, options)
        if ptx is None:
            log = f"{first_log}\n(again with the host library #includes replaced:)\n{log}"
    if ptx is None:
        sys.stderr.write(f"nvrtc-ptx: {src}: {log.rstrip()}\n")
        return 1
    if log.strip():
        sys.stderr.write(f"nvrtc-ptx: {src}: {log.rstrip()}\n")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(ptx)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    without_aslr()
    sys.exit(main(sys.argv))
