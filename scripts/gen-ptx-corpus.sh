#!/usr/bin/env bash
# Regenerates the PTX corpus of tests/ptx/ from tests/ptx/src/*.cu with the
# pinned toolkit (found through scripts/install-toolkit.sh); no GPU is needed.
#
#   tests/ptx/manifest.tsv        one line per case, from the `// @case` lines
#   tests/ptx/gen/sm75/<stem>.ptx nvcc -ptx -O3 -arch=compute_75
#   tests/ptx/gen/sm80/           ... compute_80
#   tests/ptx/gen/sm90/           ... compute_90
#   tests/ptx/gen/sm80-G/         ... compute_80 -G        } only the files
#   tests/ptx/gen/sm80-lineinfo/  ... compute_80 -lineinfo } tests/ptx/variants.txt
#   tests/ptx/gen/nvrtc-sm80/     NVRTC, compute_80        } names
#
# A file with `// @min_sm 80` (or 90) is compiled only for archs >= that.
# Files NVRTC rejects are listed in tests/ptx/gen/nvrtc-sm80/skipped.txt.
# Malformed annotations, duplicate kernel names, kernels without an
# annotation (every `extern "C" __global__` kernel needs one) and nvcc errors
# fail the script. The output is deterministic: paths in .file directives are
# written as tests/ptx/src/X.cu and cuda/include/... (the toolkit's headers),
# so they do not depend on where the checkout is, and a rerun with
# the same sources and toolkit gives identical files. tests/ptx/README.md
# describes the convention.
#
# Usage: scripts/gen-ptx-corpus.sh
set -euo pipefail
export LC_ALL=C
root="$(cd "$(dirname "$0")/.." && pwd)"
tk="$("$root/scripts/install-toolkit.sh")"
nvcc="$tk/bin/nvcc"
[ -x "$nvcc" ] || { echo "gen-ptx-corpus: no nvcc at $nvcc" >&2; exit 1; }
py="$root/target/cuda-venv/bin/python"
[ -x "$py" ] || py=python3
ptx="$root/tests/ptx"
src="$ptx/src"
[ -d "$src" ] || { echo "gen-ptx-corpus: $src is missing" >&2; exit 1; }
echo "gen-ptx-corpus: $("$nvcc" --version | tail -1)" >&2

tmp="$(mktemp -d "$ptx/.gen-tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# ---- annotations -> manifest (and the list of "stem min_sm") ---------------
"$py" - "$src" "$tmp/manifest.tsv" "$tmp/files.txt" <<'PY'
import math, os, re, sys

src_dir, manifest_out, files_out = sys.argv[1:4]
errors = []

def err(path, line, msg):
    errors.append(f"{os.path.join('tests/ptx/src', os.path.basename(path))}:{line}: {msg}")

def strip_comments(text):
    """Blanks comments (keeping newlines and string/char literals), so that
    positions and line numbers stay those of the source."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '/' and text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif c == '/' and text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(text[i:j]); i = j
        else:
            out.append(c); i += 1
    return ''.join(out)

def dims(path, line, key, value, limits):
    parts = value.split('x')
    if not 1 <= len(parts) <= 3 or not all(re.fullmatch(r'[0-9]+', p) for p in parts):
        err(path, line, f"{key}={value}: expected X, XxY or XxYxZ (positive integers)")
        return None
    d = [int(p) for p in parts] + [1] * (3 - len(parts))
    if any(v < 1 or v > lim for v, lim in zip(d, limits)):
        err(path, line, f"{key}={value}: each dimension must be 1..{'/'.join(map(str, limits))}")
        return None
    return d

CASE = re.compile(r'^\s*//\s*@case\b(.*)$')
ANY_AT = re.compile(r'^\s*//\s*@(\w+)')
MIN_SM = re.compile(r'^\s*//\s*@min_sm\s+([0-9]+)\s*$')
NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
LB = r'(?:__launch_bounds__\s*\([^()]*\)\s*)?'
KERNEL = re.compile(r'__global__\s+' + LB + r'void\s+' + LB + r'([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*([{;])')
EXTERN_C = re.compile(r'extern\s+"C"\s*' + LB + r'$')
UINT = r'(?:unsigned\s+int|unsigned|uint32_t)'
PARAMS = re.compile(r'const\s+' + UINT + r'\s*\*\s*(?:__restrict__\s*)?(?:[A-Za-z_]\w*)?\s*,\s*'
                    + UINT + r'\s*\*\s*(?:__restrict__\s*)?(?:[A-Za-z_]\w*)?')

files = sorted(f for f in os.listdir(src_dir) if f.endswith('.cu'))
if not files:
    errors.append(f"no .cu files in tests/ptx/src")
rows, stems, seen = [], [], {}
for fname in files:
    path = os.path.join(src_dir, fname)
    stem = fname[:-3]
    if not re.fullmatch(r'[A-Za-z0-9_-]+', stem):
        err(path, 1, f"file stem {stem!r}: only letters, digits, '_' and '-' are allowed")
    with open(path, encoding='utf-8') as f:
        text = f.read()
    lines = text.split('\n')
    min_sm, annots, bad_names = None, [], set()
    for no, l in enumerate(lines, 1):
        m = ANY_AT.match(l)
        if not m:
            continue
        if m.group(1) == 'min_sm':
            mm = MIN_SM.match(l)
            if not mm or int(mm.group(1)) not in (75, 80, 90):
                err(path, no, "malformed @min_sm (expected `// @min_sm 80` or 90)")
            elif min_sm is not None:
                err(path, no, "a second @min_sm")
            else:
                min_sm = int(mm.group(1))
            continue
        if m.group(1) != 'case':
            err(path, no, f"unknown annotation @{m.group(1)} (expected @case or @min_sm)")
            continue
        toks = CASE.match(l).group(1).split()
        if not toks or not NAME.fullmatch(toks[0]):
            err(path, no, "@case needs a kernel name first")
            continue
        case = {'name': toks[0], 'line': no}
        bad_names.add(toks[0])  # until it proves well-formed
        ok = True
        for t in toks[1:]:
            k, eq, v = t.partition('=')
            if not eq or not v or k not in ('grid', 'block', 'out', 'shared', 'tol'):
                err(path, no, f"@case {toks[0]}: bad field {t!r} (fields: grid= block= out= [shared=] [tol=])"); ok = False
            elif k in case:
                err(path, no, f"@case {toks[0]}: {k}= given twice"); ok = False
            else:
                case[k] = v
        for k in ('grid', 'block', 'out'):
            if k not in case:
                err(path, no, f"@case {toks[0]}: missing {k}="); ok = False
        if not ok:
            continue
        g = dims(path, no, 'grid', case['grid'], (2**31 - 1, 65535, 65535))
        b = dims(path, no, 'block', case['block'], (1024, 1024, 64))
        if g is None or b is None:
            continue
        if b[0] * b[1] * b[2] > 1024:
            err(path, no, f"@case {toks[0]}: block {case['block']} has more than 1024 threads"); continue
        if not re.fullmatch(r'[0-9]+', case['out']) or not 1 <= int(case['out']) <= 65536:
            err(path, no, f"@case {toks[0]}: out={case['out']}: expected 1..65536 words"); continue
        shared = case.get('shared', '0')
        if not re.fullmatch(r'[0-9]+', shared) or int(shared) > 232448:
            err(path, no, f"@case {toks[0]}: shared={shared}: expected 0..232448 bytes"); continue
        tol = case.get('tol', 'exact')
        tm = re.fullmatch(r'ulp:([0-9]+)|abs:([0-9.eE+-]+)', tol)
        if tol != 'exact':
            bad = tm is None
            if not bad and tm.group(2) is not None:
                try:
                    x = float(tm.group(2)); bad = not math.isfinite(x) or x < 0
                except ValueError:
                    bad = True
            if bad:
                err(path, no, f"@case {toks[0]}: tol={tol}: expected ulp:K or abs:X"); continue
        case.update(g=g, b=b, out=int(case['out']), shared=int(shared), tol=tol)
        bad_names.discard(toks[0])
        annots.append(case)

    code = strip_comments(text)
    kernels = []
    for m in re.finditer(r'\b__global__\b', code):
        line = code.count('\n', 0, m.start()) + 1
        km = KERNEL.match(code, m.start())
        if not km:
            err(path, line, "cannot parse this __global__ declaration (expected "
                "`extern \"C\" __global__ void NAME(const unsigned int* in, unsigned int* out)`)")
            continue
        name, params, body = km.group(1), ' '.join(km.group(2).split()), km.group(3)
        if not EXTERN_C.search(code[max(0, m.start() - 200):m.start()]):
            err(path, line, f"kernel {name} is not declared `extern \"C\" __global__`")
        if not PARAMS.fullmatch(params):
            err(path, line, f"kernel {name}({params}): parameters must be (const unsigned int* in, unsigned int* out)")
        if body != '{':
            err(path, line, f"kernel {name} is declared without a body here; declare each kernel once")
        kernels.append((line, name))
    if not kernels:
        err(path, 1, "no extern \"C\" __global__ kernels")

    # Pair every kernel with the one @case between it and the previous kernel.
    ai, prev = 0, 0
    for line, name in kernels:
        mine = []
        while ai < len(annots) and annots[ai]['line'] < line:
            mine.append(annots[ai]); ai += 1
        if not mine:
            if name not in bad_names:  # else its malformed @case was reported
                err(path, line, f"kernel {name} has no `// @case {name} ...` annotation before it")
        elif len(mine) > 1:
            err(path, mine[1]['line'], f"more than one @case before kernel {name} (line {line})")
        elif mine[0]['name'] != name:
            err(path, mine[0]['line'], f"@case {mine[0]['name']} is followed by kernel {name} (line {line})")
        else:
            c = mine[0]
            if name in seen:
                err(path, line, f"duplicate kernel name {name} (also in {seen[name]})")
            seen[name] = f"{fname}"
            rows.append([stem, name, *c['g'], *c['b'], c['out'], c['shared'], c['tol'], min_sm or 75])
    for a in annots[ai:]:
        err(path, a['line'], f"@case {a['name']} is not followed by a kernel")
    stems.append((stem, min_sm or 75))

if errors:
    sys.stderr.write("gen-ptx-corpus: bad annotations:\n  " + "\n  ".join(errors) + "\n")
    sys.exit(1)
with open(manifest_out, 'w') as f:
    f.write("# stem\tkernel\tgx\tgy\tgz\tbx\tby\tbz\tout\tshared\ttol\tmin_sm\n")
    f.write("# generated by scripts/gen-ptx-corpus.sh from the // @case lines of tests/ptx/src/*.cu\n")
    for r in rows:
        f.write('\t'.join(map(str, r)) + '\n')
with open(files_out, 'w') as f:
    for s, m in stems:
        f.write(f"{s} {m}\n")
print(f"gen-ptx-corpus: {len(rows)} cases in {len(stems)} files", file=sys.stderr)
PY

# ---- which files get the extra variants ------------------------------------
# tests/ptx/variants.txt: one shell glob over file stems per line (`*` = all);
# '#' starts a comment. A pattern that matches no file is an error.
extra=()
if [ -f "$ptx/variants.txt" ]; then
  patterns=()
  while read -r pat _; do
    case "$pat" in ''|'#'*) continue ;; esac
    patterns+=("$pat")
  done <"$ptx/variants.txt"
  for pat in "${patterns[@]}"; do
    hit=0
    while read -r s _; do
      # shellcheck disable=SC2254
      case "$s" in $pat) hit=1 ;; esac
    done <"$tmp/files.txt"
    [ $hit = 1 ] || { echo "gen-ptx-corpus: variants.txt: $pat matches no tests/ptx/src/*.cu" >&2; exit 1; }
  done
  while read -r s _; do
    for pat in "${patterns[@]}"; do
      # shellcheck disable=SC2254
      case "$s" in $pat) extra+=("$s"); break ;; esac
    done
  done <"$tmp/files.txt"
fi

# ---- compile ----------------------------------------------------------------
jobs="$tmp/jobs.txt"
: >"$jobs"
while read -r stem min_sm; do
  for arch in 75 80 90; do
    if [ "$arch" -ge "$min_sm" ]; then echo "sm$arch $stem nvcc -arch=compute_$arch" >>"$jobs"; fi
  done
done <"$tmp/files.txt"
for stem in "${extra[@]}"; do
  min_sm="$(grep "^$stem " "$tmp/files.txt" | cut -d' ' -f2)"
  [ "$min_sm" -le 80 ] || continue
  echo "sm80-G $stem nvcc -arch=compute_80 -G" >>"$jobs"
  echo "sm80-lineinfo $stem nvcc -arch=compute_80 -lineinfo" >>"$jobs"
  echo "nvrtc-sm80 $stem nvrtc" >>"$jobs"
done
for v in sm75 sm80 sm90 sm80-G sm80-lineinfo nvrtc-sm80; do mkdir -p "$tmp/gen/$v"; done

compile_one() { # compile_one VARIANT STEM TOOL [FLAGS...]
  local variant="$1" stem="$2" tool="$3"; shift 3
  local out="$GEN_TMP/gen/$variant/$stem.ptx"
  if [ "$tool" = nvrtc ]; then
    if ! "$GEN_PY" "$GEN_ROOT/scripts/nvrtc-ptx.py" "$GEN_TK" "$GEN_SRC/$stem.cu" "$out" \
        2>"$GEN_TMP/gen/$variant/$stem.log"; then
      echo "gen-ptx-corpus: NVRTC rejects $stem.cu (listed in nvrtc-sm80/skipped.txt)" >&2
      return 0
    fi
  else
    (cd "$GEN_SRC" && "$GEN_NVCC" -ptx -O3 "$@" -o "$out" "$stem.cu") ||
      { echo "gen-ptx-corpus: nvcc $* failed on tests/ptx/src/$stem.cu" >&2; return 1; }
  fi
  # Absolute paths (in .file directives) become machine-independent:
  # tests/ptx/src/X.cu and cuda/include/... for the toolkit's headers.
  sed -i -e "s#\"$GEN_SRC/#\"tests/ptx/src/#g" -e "s#\"$GEN_TK/bin/\\.\\./#\"cuda/#g" \
    -e "s#\"$GEN_TK/#\"cuda/#g" "$out"
}
export -f compile_one
export GEN_TMP="$tmp" GEN_PY="$py" GEN_ROOT="$root" GEN_TK="$tk" GEN_SRC="$src" GEN_NVCC="$nvcc"
njobs="$(nproc 2>/dev/null || echo 2)"
if ! xargs -P "$njobs" -L 1 bash -c 'compile_one "$@"' _ <"$jobs"; then
  echo "gen-ptx-corpus: compilation failed; tests/ptx/gen is unchanged" >&2
  exit 1
fi

# NVRTC rejections: list them (first error line each), drop the logs.
: >"$tmp/gen/nvrtc-sm80/skipped.txt"
for log in "$tmp"/gen/nvrtc-sm80/*.log; do
  [ -e "$log" ] || continue
  stem="$(basename "$log" .log)"
  if [ ! -f "$tmp/gen/nvrtc-sm80/$stem.ptx" ]; then
    first="$(grep -m1 -E 'error|NVRTC_ERROR' "$log" | sed "s#$src/##g" || true)"
    echo "$stem: ${first:-rejected}" >>"$tmp/gen/nvrtc-sm80/skipped.txt"
  fi
  rm -f "$log"
done
sort -o "$tmp/gen/nvrtc-sm80/skipped.txt" "$tmp/gen/nvrtc-sm80/skipped.txt"
[ -s "$tmp/gen/nvrtc-sm80/skipped.txt" ] || rm -f "$tmp/gen/nvrtc-sm80/skipped.txt"
for v in sm80-G sm80-lineinfo nvrtc-sm80; do
  [ -n "$(ls -A "$tmp/gen/$v")" ] || rmdir "$tmp/gen/$v"
done

# ---- install ---------------------------------------------------------------
rm -rf "$ptx/gen"
mv "$tmp/gen" "$ptx/gen"
mv "$tmp/manifest.tsv" "$ptx/manifest.tsv"
for d in "$ptx"/gen/*/; do
  printf '  %-28s %3d files %8s\n' "tests/ptx/gen/$(basename "$d")" "$(ls "$d" | grep -c '\.ptx$' || true)" \
    "$(du -sh --apparent-size "$d" | cut -f1)" >&2
done
[ -f "$ptx/gen/nvrtc-sm80/skipped.txt" ] && sed 's/^/  nvrtc skipped: /' "$ptx/gen/nvrtc-sm80/skipped.txt" >&2
echo "gen-ptx-corpus: total $(du -sh --apparent-size "$ptx/gen" | cut -f1) of PTX" >&2
