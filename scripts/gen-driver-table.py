#!/usr/bin/env python3
"""Generates src/driver/generated/functions.rs: the one list of driver functions.

Inputs:
  * src/driver/generated/libcuda_symbols.txt: the symbols NVIDIA's libcuda.so.1
    exports (`nm -D --defined-only`, driver 13.0 on the team's H100);
  * the pinned toolkit's headers (cuda.h, cudaGL.h, cudaEGL.h, cudaVDPAU.h and
    their cuda*Typedefs.h), run through the C preprocessor with
    __CUDA_API_VERSION_INTERNAL defined, which makes the header declare every
    ABI variant under its real symbol name (cuMemAlloc = the 32-bit v1 ABI,
    cuMemAlloc_v2, cuMemcpyHtoD_v2_ptds, ...).

Output (Rust, committed):
  * `types`: a Rust FFI type for every C type a signature uses (integers and
    enums by width and signedness, handles and function pointers as
    `*mut c_void`, structs passed by value as #[repr(C)] stand-ins with the C
    size and alignment);
  * `driver_function_list!`: calls a macro with `name(arg: Type, ...);` for
    every exported symbol (the reference list plus what the 13.5 headers
    declare); names without a public prototype get no arguments;
  * `PROC_TABLE`: (name, cudaVersion, per-thread, symbol) from the
    `PFN_<name>_v<version>[_ptds|_ptsz]` typedefs, the table cuGetProcAddress
    resolves through.

The (name, version) -> symbol rule: the k-th distinct default-stream version
of a name (oldest first) is `name` for k = 0 and `name_v<k+1>` after; a
per-thread entry is the `_ptds`/`_ptsz` twin of the default symbol of the
newest default version not newer than it. Every mapping is checked with the C
compiler (`__builtin_types_compatible_p` of the PFN typedef and the declared
symbol); the script fails on any mismatch or on a mapped symbol that is
neither declared nor in the reference list.

Usage: scripts/gen-driver-table.py [--include DIR] [--check]
Without --include the toolkit root comes from scripts/install-toolkit.sh.
--check compares with the committed file instead of writing it (exit 1 if stale).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN_DIR = os.path.join(ROOT, "src", "driver", "generated")
OUT = os.path.join(GEN_DIR, "functions.rs")
SYMBOLS = os.path.join(GEN_DIR, "libcuda_symbols.txt")
CC = os.environ.get("CC", "cc")

# Minimal stand-ins for the window-system headers the interop headers include
# (only the types their prototypes use), and for cudaProfiler.h, which the
# wheels do not ship (its prototypes come from cudaProfilerTypedefs.h).
STUB_HEADERS = {
    "GL/gl.h": "typedef unsigned int GLuint;\ntypedef unsigned int GLenum;\n",
    "EGL/egl.h": "#include <stdint.h>\ntypedef int32_t EGLint;\ntypedef void *EGLImageKHR;\n"
    "typedef void *EGLStreamKHR;\ntypedef void *EGLSyncKHR;\n",
    "EGL/eglext.h": "",
    "vdpau/vdpau.h": "#include <stdint.h>\ntypedef uint32_t VdpDevice;\ntypedef uint32_t VdpVideoSurface;\n"
    "typedef uint32_t VdpOutputSurface;\ntypedef int VdpStatus;\n"
    "typedef VdpStatus VdpGetProcAddress(uint32_t device, uint32_t function_id, void **function_pointer);\n",
    "cudaProfiler.h": "typedef enum CUoutput_mode_enum { CU_OUT_KEY_VALUE_PAIR = 0, CU_OUT_CSV = 1 } CUoutput_mode;\n",
}

TU = """#include <cuda.h>
#include <cudaGL.h>
#include <cudaEGL.h>
#include <vdpau/vdpau.h>
#include <cudaVDPAU.h>
#include <cudaTypedefs.h>
#include <cudaGLTypedefs.h>
#include <cudaEGLTypedefs.h>
#include <cudaVDPAUTypedefs.h>
#include <cudaProfilerTypedefs.h>
"""
DEFINES = ["-D__CUDA_API_VERSION_INTERNAL"]

RUST_KEYWORDS = set(
    "as break const continue crate else enum extern false fn for if impl in let loop match mod move mut "
    "pub ref return self Self static struct super trait true type unsafe use where while async await dyn "
    "abstract become box do final macro override priv typeof unsized virtual yield try".split()
)
# Names the generated export functions use in their bodies.
RESERVED_ARGS = {"guard", "bodies", "stubs", "log"}

# By-value structs of at most 16 bytes travel in registers, classified by
# their fields (SysV x86-64 ABI 3.2.3), so they get real fields here; the
# script checks their size and alignment against the C compiler's.
SMALL_STRUCTS = {
    # { CUmemLocationType type; union { int id; struct { u8 deviceId, localityDomainId; } }; }
    "CUmemLocation_v1": [("type_", "CUmemLocationType"), ("id", "int")],
}

BUILTIN_RUST = {
    "void": "c_void",
    "char": "c_char",
    "size_t": "usize",
    "int": "i32",
    "float": "f32",
    "double": "f64",
}


def die(msg):
    sys.exit(f"gen-driver-table: {msg}")


def toolkit_include():
    out = subprocess.run([os.path.join(ROOT, "scripts", "install-toolkit.sh")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return os.path.join(out.strip().splitlines()[-1].strip(), "include")


def split_top(s, sep=","):
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def tokenize(ctype):
    return re.findall(r"[A-Za-z_]\w*|\*|\S", ctype)


def parse_params(text, what):
    """[(name, C type)] of a parameter list; [] for `void` or empty."""
    text = text.strip()
    if text in ("", "void"):
        return []
    out = []
    for i, p in enumerate(split_top(text)):
        if "(" in p or "[" in p:
            die(f"{what}: parameter `{p}` is a function pointer or array; extend the parser")
        toks = tokenize(p)
        if (len(toks) < 2 or not re.match(r"[A-Za-z_]", toks[-1]) or toks[-2] in ("struct", "enum")
                or toks[-1] in ("int", "char", "short", "long", "float", "double", "void", "unsigned", "signed")):
            die(f"{what}: parameter `{p}` has no name")
        name = toks[-1]
        ctype = " ".join(toks[:-1]).replace(" *", "*").replace("* ", "*")
        if ctype in ("unsigned", "signed"):
            ctype += " int"
        out.append((name, ctype))
    return out


def preprocess(inc, stubdir, src):
    path = os.path.join(stubdir, "tu.c")
    with open(path, "w") as f:
        f.write(src)
    r = subprocess.run([CC, "-E", "-P", *DEFINES, "-I", stubdir, "-I", inc, path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        die(f"preprocessing the toolkit headers failed:\n{r.stderr}")
    return re.sub(r"\s+", " ", r.stdout)


def base_and_pointer(ctype):
    """Splits a C type into (pointee, is_pointee_const) if it is written as a
    pointer, else None."""
    t = ctype.strip()
    if not t.endswith("*"):
        return None
    inner = t[:-1].strip()
    if inner.endswith("const") and not inner.endswith("*const"):
        pass
    toks = tokenize(inner)
    if "*" in toks:
        last = len(toks) - 1 - toks[::-1].index("*")
        const = "const" in toks[last + 1:]
        toks = toks[: last + 1] + [x for x in toks[last + 1:] if x != "const"]
    else:
        const = "const" in toks
        toks = [x for x in toks if x != "const"]
    return " ".join(toks).replace(" *", "*"), const


def strip_const(ctype):
    return " ".join(t for t in tokenize(ctype) if t != "const")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--include", help="toolkit include directory (default: from scripts/install-toolkit.sh)")
    ap.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = ap.parse_args()
    inc = args.include or toolkit_include()
    if not os.path.isfile(os.path.join(inc, "cudaTypedefs.h")):
        die(f"no cudaTypedefs.h under {inc}")
    version = "unknown"
    m = re.search(r"#define CUDA_VERSION (\d+)", open(os.path.join(inc, "cuda.h")).read())
    if m:
        version = m.group(1)
    reference = [l.strip() for l in open(SYMBOLS) if l.strip()]
    refset = set(reference)

    with tempfile.TemporaryDirectory() as stubdir:
        for rel, text in STUB_HEADERS.items():
            os.makedirs(os.path.dirname(os.path.join(stubdir, rel)), exist_ok=True)
            with open(os.path.join(stubdir, rel), "w") as f:
                f.write(text)
        text = preprocess(inc, stubdir, TU)

        # Declarations: symbol -> [(name, ctype)].
        decls = {}
        for m in re.finditer(r"\bCUresult (\w+) ?\(([^;{}]*?)\) ?;", text):
            params = parse_params(m.group(2), m.group(1))
            if m.group(1) in decls and [t for _, t in decls[m.group(1)]] != [t for _, t in params]:
                die(f"{m.group(1)} is declared twice with different parameters")
            decls[m.group(1)] = params
        # PFN typedefs: (name, version, suffix) -> params.
        pfns = {}
        for m in re.finditer(r"typedef CUresult \( ?\* ?PFN_(\w+?)_v(\d+)(_ptds|_ptsz)? ?\) ?\(([^;]*?)\) ?;", text):
            key = (m.group(1), int(m.group(2)), m.group(3) or "")
            pfns[key] = parse_params(m.group(4), "PFN_" + m.group(1))
        if not decls or not pfns:
            die("found no declarations or no PFN typedefs")

        # The (name, version, suffix) -> symbol rule.
        by_name = collections.defaultdict(list)
        for key in pfns:
            by_name[key[0]].append(key)
        mapping = {}
        for name, keys in by_name.items():
            default = sorted(v for (_, v, s) in keys if not s)
            for i, v in enumerate(default):
                mapping[(name, v, "")] = name if i == 0 else f"{name}_v{i + 1}"
            for (_, v, s) in keys:
                if s:
                    older = [d for d in default if d <= v]
                    base = mapping[(name, older[-1], "")] if older else name
                    mapping[(name, v, s)] = base + s

        exported = sorted(refset | set(decls))
        for key, sym in mapping.items():
            if sym not in decls and sym not in refset:
                die(f"PFN_{key[0]}_v{key[1]}{key[2]} maps to {sym}, which is neither declared nor exported")
            if sym not in exported:
                exported.append(sym)
        exported = sorted(set(exported))

        # Signatures: the declaration, else the PFN typedef mapped to it, else none.
        sigs, no_proto = {}, []
        pfn_of = collections.defaultdict(list)
        for key, sym in mapping.items():
            pfn_of[sym].append(key)
        for sym in exported:
            if sym in decls:
                sigs[sym] = decls[sym]
            elif sym in pfn_of:
                sigs[sym] = pfns[sorted(pfn_of[sym])[0]]
            else:
                sigs[sym] = []
                no_proto.append(sym)

        # Ask the C compiler: mapping compatibility and what each type is.
        base_types = set()

        def collect(ctype):
            bp = base_and_pointer(ctype)
            if bp:
                collect(bp[0])
            else:
                base_types.add(strip_const(ctype))

        for params in list(sigs.values()) + list(pfns.values()):
            for _, t in params:
                collect(t)
        for fields in SMALL_STRUCTS.values():
            base_types.update(ft for _, ft in fields)
        base_types -= {"void"}
        checks = []
        lines = [TU, "#include <stdio.h>", "int main(void) {"]
        for key, sym in sorted(mapping.items()):
            pfn = f"PFN_{key[0]}_v{key[1]}{key[2]}"
            if sym in decls:
                checks.append((pfn, sym))
                lines.append(f'  printf("compat\\t{pfn}\\t{sym}\\t%d\\n", '
                             f"__builtin_types_compatible_p({pfn}, __typeof__(&{sym})));")
            else:
                # Compare with the PFN typedef that defines the symbol's signature.
                ref = sorted(pfn_of[sym])[0]
                lines.append(f'  printf("compat\\t{pfn}\\t{sym}\\t%d\\n", __builtin_types_compatible_p({pfn}, '
                             f"PFN_{ref[0]}_v{ref[1]}{ref[2]}));")
        generic = ("_Generic(*p, char: \"c_char\", signed char: \"i8\", unsigned char: \"u8\", short: \"i16\", "
                   "unsigned short: \"u16\", int: \"i32\", unsigned int: \"u32\", long: \"i64\", "
                   "unsigned long: \"u64\", long long: \"i64\", unsigned long long: \"u64\", float: \"f32\", "
                   "double: \"f64\", default: \"other\")")
        for t in sorted(base_types):
            lines.append(f'  {{ {t} *p = 0; printf("type\\t{t}\\t%s\\t%d\\t%zu\\t%zu\\n", {generic}, '
                         f"__builtin_classify_type(*p), sizeof(*p), __alignof__(*p)); }}")
        # Enumerator values of the enum types passed by value (for the
        # tracer's enum names), as the C compiler computes them.
        enum_bodies = {}
        for m in re.finditer(r"typedef enum \w* ?\{([^{}]*)\} ?(\w+) ?;", text):
            names = [e.split("=")[0].strip() for e in m.group(1).split(",") if e.strip()]
            enum_bodies[m.group(2)] = [n for n in names if re.fullmatch(r"\w+", n)]
        for t in sorted(base_types):
            for n in enum_bodies.get(t, []):
                lines.append(f'  printf("enum\\t{t}\\t{n}\\t%lld\\n", (long long){n});')
        for t in sorted(base_types):
            if t + "_v1" in base_types:
                lines.append(f'  printf("same\\t{t}\\t{t}_v1\\t%d\\n", __builtin_types_compatible_p({t}, {t}_v1));')
        lines.append("  return 0;\n}\n")
        src = os.path.join(stubdir, "query.c")
        with open(src, "w") as f:
            f.write("\n".join(lines))
        exe = os.path.join(stubdir, "query")
        r = subprocess.run([CC, "-w", *DEFINES, "-I", stubdir, "-I", inc, src, "-o", exe],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            die(f"compiling the type query failed:\n{r.stderr[:4000]}")
        out = subprocess.run([exe], check=True, stdout=subprocess.PIPE, text=True).stdout

    info = {}
    same_types = set()
    bad = []
    enums = collections.defaultdict(dict)  # type -> value -> first name
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "enum":
            enums[f[1]].setdefault(int(f[3]), f[2])
        elif f[0] == "compat" and f[3] != "1":
            bad.append(f"{f[1]} is not the type of {f[2]}")
        elif f[0] == "same" and f[3] == "1":
            same_types.add((f[1], f[2]))
        elif f[0] == "type":
            info[f[1]] = (f[2], int(f[3]), int(f[4]), int(f[5]))
    if bad:
        die("mapping rule disagrees with the headers:\n  " + "\n  ".join(bad))

    # ---- Rust types --------------------------------------------------------
    aliases = {}  # C typedef name -> Rust definition
    structs = {}  # C type name -> (size, align) for by-value structs
    by_value = set()

    def scalar(t):
        kind, cls, size, align = info[t]
        if t in BUILTIN_RUST:
            return BUILTIN_RUST[t]
        if cls == 5 and size == 1:  # a function type (GCC: sizeof 1), used behind a pointer
            return "c_void"
        if cls == 5:  # pointer typedef: handle or function pointer
            return "*mut c_void"
        if cls == 12 or cls == 13:
            return None
        if kind == "other":
            die(f"type {t} is neither integer, float, pointer nor struct (class {cls})")
        return kind

    def rust_name(t):
        """The Rust spelling of a base C type (alias name for typedefs)."""
        if t in BUILTIN_RUST:
            return BUILTIN_RUST[t]
        if t == "CUresult":
            return "CUresult"
        if re.fullmatch(r"[A-Za-z_]\w*", t):
            if t not in aliases:
                s = scalar(t)
                if s is None:
                    return None
                aliases[t] = s
            return t
        s = scalar(t)  # "unsigned int" and friends
        if s is None:
            die(f"unexpected by-value type {t}")
        return s

    def rust_type(ctype, fn):
        bp = base_and_pointer(ctype)
        if bp:
            inner, const = bp
            if base_and_pointer(inner):
                r = rust_type(inner, None)
            elif inner == "void":
                r = "c_void"
            else:
                r = rust_name(strip_const(inner)) or "c_void"  # struct pointee: opaque
            return ("*const " if const else "*mut ") + r
        t = strip_const(ctype)
        r = rust_name(t)
        if r is None:  # struct or union by value
            kind, cls, size, align = info[t]
            structs[t] = (size, align)
            if fn:
                by_value.add(fn)
            r = t
        return r

    def arg_name(name, used):
        n = name + "_" if name in RUST_KEYWORDS or name in RESERVED_ARGS else name
        while n in used:
            n += "_"
        used.add(n)
        return n

    entries = []
    for sym in exported:
        used = set()
        args_ = [f"{arg_name(n, used)}: {rust_type(t, sym)}" for n, t in sigs[sym]]
        entries.append(f"    {sym}({', '.join(args_)});")
    proc_rows = []
    for (name, ver, suffix), sym in sorted(mapping.items(), key=lambda kv: (kv[0][0], kv[0][2] != "", kv[0][1])):
        proc_rows.append(f'    ("{name}", {ver}, {"true" if suffix else "false"}, "{sym}"),')
    for (name, ver, suffix), params in pfns.items():  # PFN-only types matter for the stand-ins too
        for _, t in params:
            rust_type(t, None)

    same = {}  # T -> T_v1 where both are by-value structs and the same type
    for t in structs:
        if t + "_v1" in structs and (t, t + "_v1") in same_types:
            same[t] = t + "_v1"
    for t, (size, align) in structs.items():
        if size <= 16 and t not in same:
            if t not in SMALL_STRUCTS:
                die(f"{t} ({size} bytes) is passed by value and small enough to travel in registers: "
                    "its SysV classification depends on its fields; describe it in SMALL_STRUCTS")
            for _, ft in SMALL_STRUCTS[t]:
                rust_name(ft)

    o = []
    o.append("//! The one list of driver functions, GENERATED by scripts/gen-driver-table.py")
    o.append(f"//! from the CUDA toolkit headers (CUDA_VERSION {version}) and")
    o.append("//! src/driver/generated/libcuda_symbols.txt. Do not edit; rerun the script.")
    o.append("//!")
    o.append("//! * [`types`]: the FFI types of the signatures (C typedef names kept).")
    o.append("//! * [`driver_function_list!`]: every exported symbol with its parameters.")
    o.append("//! * [`PROC_TABLE`]: (name, cudaVersion, per-thread) -> symbol, from the")
    o.append("//!   `PFN_<name>_v<version>[_ptds|_ptsz]` typedefs of cudaTypedefs.h.")
    o.append("")
    o.append("/// FFI types of the driver signatures: integers and enums by width and")
    o.append("/// signedness, handles and callbacks as `*mut c_void`, structs behind pointers")
    o.append("/// as `c_void`. Structs passed by value get same-size, same-alignment")
    o.append("/// stand-ins: byte arrays when larger than 16 bytes (the SysV ABI passes those")
    o.append("/// in memory), real fields otherwise (they travel in registers by field class).")
    o.append("#[allow(non_camel_case_types, dead_code)]")
    o.append("pub mod types {")
    o.append("    pub use crate::driver::codes::CUresult;")
    o.append("    pub use std::ffi::{c_char, c_void};")
    for t in sorted(aliases):
        o.append(f"    pub type {t} = {aliases[t]};")
    for t in sorted(structs):
        size, align = structs[t]
        if t in same:
            o.append(f"    pub type {t} = {same[t]};")
            continue
        o.append(f"    /// `{t}` passed by value: {size} bytes, aligned to {align}.")
        if t in SMALL_STRUCTS:
            o.append("    #[repr(C)]")
            o.append("    #[derive(Clone, Copy)]")
            o.append(f"    pub struct {t} {{")
            for fname, ft in SMALL_STRUCTS[t]:
                o.append(f"        pub {fname}: {rust_name(ft)},")
        else:
            o.append("    #[repr(C, align(%d))]" % align)
            o.append("    #[derive(Clone, Copy)]")
            o.append(f"    pub struct {t} {{")
            o.append(f"        pub bytes: [u8; {size}],")
        o.append("    }")
        o.append(f"    const _: () = assert!(std::mem::size_of::<{t}>() == {size});")
        o.append(f"    const _: () = assert!(std::mem::align_of::<{t}>() == {align});")
    o.append("}")
    o.append("")
    o.append("/// Calls `$m! { name(arg: Type, ...); ... }` with every exported driver")
    o.append(f"/// function ({len(exported)}), sorted by name. Types are those of [`types`].")
    o.append("macro_rules! driver_function_list {")
    o.append("    ($m:ident) => {")
    o.append("        $m! {")
    o.extend("        " + e for e in entries)
    o.append("        }")
    o.append("    };")
    o.append("}")
    o.append("pub(crate) use driver_function_list;")
    o.append("")
    o.append("/// Exported names without a prototype in the public headers (debugger")
    o.append("/// hooks and internal entry points); exported with no parameters.")
    o.append("pub const NO_PROTOTYPE: &[&str] = &[")
    o.extend(f'    "{n}",' for n in no_proto)
    o.append("];")
    o.append("")
    o.append("/// Names that NVIDIA's driver (13.0, the reference list) does not export but")
    o.append("/// the 13.5 headers declare; exported too, since we report a 13.5 driver.")
    o.append("pub const NEWER_THAN_REFERENCE: &[&str] = &[")
    o.extend(f'    "{n}",' for n in exported if n not in refset)
    o.append("];")
    o.append("")
    o.append("/// Functions that take a struct by value.")
    o.append("pub const BY_VALUE_STRUCT: &[&str] = &[")
    o.extend(f'    "{n}",' for n in sorted(by_value))
    o.append("];")
    o.append("")
    o.append("/// (C enum type, value, enumerator) for the enum types that driver functions")
    o.append("/// take by value, sorted by type then value; the first name of each value.")
    o.append("pub static ENUM_NAMES: &[(&str, i64, &str)] = &[")
    for t in sorted(enums):
        for v in sorted(enums[t]):
            o.append(f'    ("{t}", {v}, "{enums[t][v]}"),')
    o.append("];")
    o.append("")
    o.append("/// (name, cudaVersion, per-thread default stream twin, exported symbol), one")
    o.append("/// row per `PFN_<name>_v<version>[_ptds|_ptsz]` typedef; sorted by name, then")
    o.append("/// default rows before per-thread rows, then version.")
    o.append("pub static PROC_TABLE: &[(&str, i32, bool, &str)] = &[")
    o.extend(proc_rows)
    o.append("];")
    text = "\n".join(o) + "\n"
    # Format as `cargo fmt` would (the project's rustfmt.toml applies).
    r = subprocess.run(["rustfmt", "--edition", "2021", "--config-path", os.path.join(ROOT, "rustfmt.toml")],
                       input=text, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        die(f"rustfmt failed:\n{r.stderr[:4000]}")
    text = r.stdout

    if args.check:
        old = open(OUT).read() if os.path.exists(OUT) else ""
        if old != text:
            die(f"{os.path.relpath(OUT, ROOT)} is stale; run scripts/gen-driver-table.py")
        print("up to date")
        return
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(exported)} functions "
          f"({len(exported) - len([n for n in exported if n not in refset])} from the reference list, "
          f"{len([n for n in exported if n not in refset])} newer), {len(no_proto)} without prototype, "
          f"{len(by_value)} taking structs by value, {len(proc_rows)} PFN rows")


if __name__ == "__main__":
    main()
