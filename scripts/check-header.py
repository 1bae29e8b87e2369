#!/usr/bin/env python3
"""Checks that include/cuda.h agrees with NVIDIA's cuda.h on everything it declares.

What is compared (each in the default build mode and with
CUDA_API_PER_THREAD_DEFAULT_STREAM defined):

  * every enumerator of ours: its value, and the size of its enum type;
  * every enum type of ours: the same enumerator names, in the same order, as
    NVIDIA's enum of that name (so "complete" enums stay complete);
  * every object-like #define: numeric/pointer value, or for name mappings
    (cuMemAlloc -> cuMemAlloc_v2) the spelling it expands to;
  * the function-like helper macros (__CUDA_API_PTDS/PTSZ) on a sample name;
  * every typedef: sizeof and alignof; every struct field: offset and size;
  * every prototype: pasted after NVIDIA's header, so the C compiler rejects
    any parameter or return type that differs ("conflicting types").

Usage: scripts/check-header.py [--nvidia-include DIR] [--ours FILE] [-v]
Without --nvidia-include the toolkit root comes from scripts/install-toolkit.sh.
Exit status 0 when there are no mismatches.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CC = os.environ.get("CC", "cc")
MODES = [[], ["-DCUDA_API_PER_THREAD_DEFAULT_STREAM"]]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def parse_enums(text):
    """[(type name, [enumerator names])] for every `typedef enum ... {..} NAME;`."""
    out = []
    for m in re.finditer(r"typedef\s+enum\s+\w*\s*\{(.*?)\}\s*(\w+)\s*;", text, flags=re.S):
        body, name = m.groups()
        # Enumerators NVIDIA declares only for its own build are not public.
        body = re.sub(r"#if defined\(__CUDA_API_VERSION_INTERNAL\)[^#]*#endif", "", body)
        body = "\n".join(l for l in body.split("\n") if not l.strip().startswith("#"))
        names = [p.split("=")[0].strip() for p in body.split(",") if p.strip()]
        out.append((name, names))
    return out


def parse_structs(text):
    """[(typedef name, [field names])] for `typedef struct X {..} NAME;` (one nesting level)."""
    out = []
    for m in re.finditer(r"typedef\s+struct\s+\w*\s*\{((?:[^{}]|\{[^{}]*\})*)\}\s*(\w+)\s*;", text, flags=re.S):
        body, name = m.groups()
        body = re.sub(r"\{[^{}]*\}", "{}", body)  # collapse nested union/struct bodies
        fields = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", body)
        out.append((name, fields))
    return out


def parse_typedefs(text):
    names = set(re.findall(r"typedef\b[^;{]*?\b(\w+)\s*;", text))
    # `} NAME;` closing a `typedef struct/union/enum {` (not a nested member,
    # nor the `extern "C" {` block).
    stack = []
    start = 0
    for i, ch in enumerate(text):
        if ch == "{":
            stack.append(re.search(r"typedef\s+(struct|union|enum)\b[^;{}]*$", text[start:i]) is not None)
            start = i + 1
        elif ch == "}":
            opener = stack.pop() if stack else False
            m = re.match(r"\s*(\w+)\s*;", text[i + 1:i + 200])
            if opener and m:
                names.add(m.group(1))
            start = i + 1
        elif ch == ";":
            start = i + 1
    # function-pointer typedefs: typedef R (CB *Name)(...);
    names |= set(re.findall(r"typedef[^;]*?\(\s*\w*\s*\*\s*(\w+)\s*\)\s*\(", text))
    return sorted(n for n in names if n not in ("param",))


def parse_defines(text):
    """(object-like {name: value text}, [function-like names])."""
    obj, fn = {}, []
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\(?)([^\n]*)$", text, flags=re.M):
        name, paren, rest = m.groups()
        if paren:
            fn.append(name)
        else:
            obj[name] = rest.strip()
    return obj, fn


def parse_prototypes(text):
    protos = []
    for m in re.finditer(r"^[ \t]*((?:__CUDA_DEPRECATED[ \t]+)?CUresult[ \t]+CUDAAPI[ \t]+\w+[ \t]*\([^;]*\)[ \t]*;)", text, flags=re.M):
        protos.append(re.sub(r"\s+", " ", m.group(1)))
    return protos


def is_name_mapping(value):
    return re.fullmatch(r"\w+|__CUDA_API_PT(?:DS|SZ)\(\w+\)", value) is not None and not re.fullmatch(r"[0-9]\w*", value)


SKIP_DEFINES = {"__cuda_cuda_h__"}


def build_probe(ours_text):
    clean = strip_comments(ours_text)
    enums = parse_enums(clean)
    structs = parse_structs(clean)
    typedefs = parse_typedefs(clean)
    defines, fn_macros = parse_defines(clean)
    lines = [
        "#include <stddef.h>",
        "#include <stdint.h>",
        "#include <stdio.h>",
        "#include <cuda.h>",
        "#define XSTR_(x) #x",
        "#define XSTR(x) XSTR_(x)",
        "int main(void) {",
    ]
    for ename, consts in enums:
        lines.append('printf("sizeof(%s) %%zu\\n", sizeof(%s));' % (ename, ename))
        for c in consts:
            lines.append('printf("enum %s %%lld\\n", (long long)%s);' % (c, c))
    for t in typedefs:
        lines.append('printf("typedef %s size %%zu align %%zu\\n", sizeof(%s), (size_t)_Alignof(%s));' % (t, t, t))
    for sname, fields in structs:
        for f in fields:
            lines.append('printf("field %s.%s offset %%zu size %%zu\\n", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                         % (sname, f, sname, f, sname, f))
    for name, value in sorted(defines.items()):
        if name in SKIP_DEFINES:
            continue
        lines.append("#ifdef %s" % name)
        if value == "" or is_name_mapping(value):
            lines.append('printf("define %s -> %%s\\n", XSTR(%s));' % (name, name))
        else:
            lines.append('printf("define %s = %%llu\\n", (unsigned long long)(uintptr_t)(%s));' % (name, name))
        lines.append("#else")
        lines.append('printf("define %s undefined\\n");' % name)
        lines.append("#endif")
    for name in fn_macros:
        lines.append("#ifdef %s" % name)
        lines.append('printf("macro %s(cuSample) -> %%s\\n", XSTR(%s(cuSample)));' % (name, name))
        lines.append("#else")
        lines.append('printf("macro %s undefined\\n");' % name)
        lines.append("#endif")
    lines += ["return 0;", "}"]
    return "\n".join(lines) + "\n", enums, structs, typedefs, defines


def compile_and_run(src_path, inc, flags, tmp, tag):
    exe = os.path.join(tmp, "probe_" + tag)
    r = subprocess.run([CC, "-std=c11", "-w", "-I", inc] + flags + ["-o", exe, src_path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr
    r = subprocess.run([exe], capture_output=True, text=True)
    return r.stdout.splitlines(), r.stderr


def toolkit_include():
    r = subprocess.run([os.path.join(ROOT, "scripts", "install-toolkit.sh")], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("check-header: scripts/install-toolkit.sh failed:\n" + r.stderr)
    return os.path.join(r.stdout.strip().splitlines()[-1], "include")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nvidia-include", help="directory holding NVIDIA's cuda.h")
    ap.add_argument("--ours", default=os.path.join(ROOT, "include", "cuda.h"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    nv_inc = args.nvidia_include or toolkit_include()
    nv_header = os.path.join(nv_inc, "cuda.h")
    if not os.path.isfile(nv_header):
        sys.exit("check-header: no cuda.h in %s" % nv_inc)
    ours_text = open(args.ours).read()
    ours_inc = os.path.dirname(os.path.abspath(args.ours))
    mismatches = []

    probe, enums, structs, typedefs, defines = build_probe(ours_text)

    # Enumerator lists must match NVIDIA's enums of the same name exactly.
    nv_enums = dict(parse_enums(strip_comments(open(nv_header).read())))
    for ename, consts in enums:
        theirs = nv_enums.get(ename)
        if theirs is None:
            mismatches.append("enum %s: not in NVIDIA's header" % ename)
        elif theirs != consts:
            missing = [c for c in theirs if c not in consts]
            extra = [c for c in consts if c not in theirs]
            mismatches.append("enum %s: enumerators differ (missing %s, extra %s%s)" % (
                ename, missing, extra, ", order differs" if not missing and not extra else ""))

    protos = parse_prototypes(strip_comments(ours_text))
    n_checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        open(src, "w").write(probe)
        for mode in MODES:
            label = " ".join(mode) or "default"
            out_ours, err = compile_and_run(src, ours_inc, mode, tmp, "ours")
            if out_ours is None:
                mismatches.append("[%s] probe does not compile against our header:\n%s" % (label, err))
                continue
            out_nv, err = compile_and_run(src, nv_inc, mode, tmp, "nv")
            if out_nv is None:
                mismatches.append("[%s] probe does not compile against NVIDIA's header "
                                  "(something we declare is missing there):\n%s" % (label, err))
                continue
            if len(out_ours) != len(out_nv):
                mismatches.append("[%s] probe output length differs" % label)
            for a, b in zip(out_ours, out_nv):
                n_checks += 1
                if a != b:
                    mismatches.append("[%s] ours: %s | NVIDIA: %s" % (label, a, b))
                elif args.verbose:
                    print("ok [%s] %s" % (label, a))

            # Prototypes: redeclare ours after NVIDIA's header; C rejects conflicting types.
            psrc = os.path.join(tmp, "protos.c")
            with open(psrc, "w") as f:
                f.write("#include <cuda.h>\n#ifndef __CUDA_DEPRECATED\n#define __CUDA_DEPRECATED\n#endif\n")
                f.write("\n".join(protos) + "\n")
            r = subprocess.run([CC, "-std=c11", "-Wall", "-Werror", "-I", nv_inc] + mode +
                               ["-c", "-o", os.path.join(tmp, "protos.o"), psrc], capture_output=True, text=True)
            n_checks += len(protos)
            if r.returncode != 0:
                mismatches.append("[%s] prototypes conflict with NVIDIA's:\n%s" % (label, r.stderr))

        # Our header on its own: strict C and C++.
        hsrc = os.path.join(tmp, "alone.c")
        open(hsrc, "w").write("#include <cuda.h>\n#include <cuda.h>\nint main(void) { return CUDA_SUCCESS; }\n")
        for cmd in ([CC, "-std=c99", "-pedantic"], [os.environ.get("CXX", "c++"), "-x", "c++", "-std=c++11"]):
            r = subprocess.run(cmd + ["-Wall", "-Wextra", "-Werror", "-I", ours_inc, "-c", "-o",
                                      os.path.join(tmp, "alone.o"), hsrc], capture_output=True, text=True)
            if r.returncode != 0:
                mismatches.append("our header alone does not compile with %s:\n%s" % (" ".join(cmd), r.stderr))

    print("check-header: %d enums (%d enumerators), %d typedefs, %d struct fields, %d defines, "
          "%d prototypes; %d probe lines compared over %d modes"
          % (len(enums), sum(len(c) for _, c in enums), len(typedefs), sum(len(f) for _, f in structs),
             len(defines), len(protos), n_checks, len(MODES)))
    for m in mismatches:
        print("MISMATCH: " + m)
    print("check-header: %d mismatches" % len(mismatches))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
