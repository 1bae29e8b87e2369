//! Runs the PTX corpus of `tests/ptx/` on the emulator and compares every
//! case with the results recorded on a real GPU (tests/ptx/README.md).
//!
//! `tests/ptx/runner.c` (a driver-API C program) is compiled into
//! `target/<profile>/ptx-runner/` and run against the freshly built
//! `libcuda.so.1` once per variant (`tests/ptx/gen/<variant>/`, all files),
//! writing to `target/<profile>/ptx-runner/out/<variant>/`. Each case is
//! then compared with `tests/ptx/expected/<variant>/`:
//! - the CUresult name must be the recorded one;
//! - when both succeeded, the output words must be identical, or within the
//!   case's `tol=` (ulp:K / abs:X, on the words as f32);
//! - the lines the case printed (device printf) must be the recorded ones,
//!   as a sorted multiset.
//!
//! All mismatches of a variant are reported together at the end.
//!
//! Environment:
//! - `PTX_CORPUS_ONLY=stem[,stem...]`: only these files;
//! - `PTX_CORPUS_EXPECTED=DIR`: compare with DIR/<variant>/ instead of
//!   tests/ptx/expected/<variant>/ (to check the machinery against results
//!   made elsewhere, e.g. by the emulator itself);
//! - `PTX_CORPUS_CASE_TIMEOUT=SECONDS` (default 300): a case running longer is
//!   killed and recorded as `RUNNER_DIED`; the run goes on with the next case;
//! - `CC`: the C compiler (default `cc`).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod common;
use common::lib_dir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>/ptx-runner
fn work_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let dir = profile.join("ptx-runner");
    fs::create_dir_all(&dir).expect("create the ptx-runner directory");
    dir
}

/// Compiles tests/ptx/runner.c once per test process.
fn runner() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let src = repo().join("tests/ptx/runner.c");
        let exe = work_dir().join("runner");
        let tmp = work_dir().join(format!("runner.tmp{}", std::process::id()));
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
        let output = Command::new(&cc)
            .args(["-O2", "-Wall", "-Wextra", "-Werror", "-std=c11"])
            .arg("-I")
            .arg(repo().join("include"))
            .arg(&src)
            .arg("-o")
            .arg(&tmp)
            .arg("-L")
            .arg(lib_dir())
            .arg("-lcuda")
            .output()
            .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
        assert!(
            output.status.success(),
            "compiling {} failed ({}):\n{}{}",
            src.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        fs::rename(&tmp, &exe).expect("install the runner");
        exe
    })
}

// ---------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tol {
    Exact,
    Ulp(u64),
    Abs(f64),
}

#[derive(Clone, Debug)]
struct Case {
    stem: String,
    kernel: String,
    out: usize,
    tol: Tol,
}

impl Case {
    fn key(&self) -> String {
        format!("{}.{}", self.stem, self.kernel)
    }
}

fn manifest_path() -> PathBuf {
    repo().join("tests/ptx/manifest.tsv")
}

fn manifest() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let path = manifest_path();
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {} ({e}); run scripts/gen-ptx-corpus.sh", path.display()));
        let mut cases = Vec::new();
        for (no, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 12, "{}:{}: expected 12 fields", path.display(), no + 1);
            let out = f[8].parse().unwrap_or_else(|_| panic!("{}:{}: bad out", path.display(), no + 1));
            let tol = match f[10].split_once(':') {
                None if f[10] == "exact" => Tol::Exact,
                Some(("ulp", k)) => Tol::Ulp(k.parse().expect("ulp tolerance")),
                Some(("abs", x)) => Tol::Abs(x.parse().expect("abs tolerance")),
                _ => panic!("{}:{}: bad tolerance {}", path.display(), no + 1, f[10]),
            };
            cases.push(Case { stem: f[0].to_string(), kernel: f[1].to_string(), out, tol });
        }
        cases
    })
}

/// The PTX_CORPUS_ONLY selection, if any.
fn only() -> Option<Vec<String>> {
    let v = std::env::var("PTX_CORPUS_ONLY").ok()?;
    let stems: Vec<String> = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    (!stems.is_empty()).then_some(stems)
}

// ---------------------------------------------------------------------------
// Results of one run (the runner's output directory)
// ---------------------------------------------------------------------------

struct Outcome {
    status: String,
    words: Vec<u32>,
}

struct Results {
    dir: PathBuf,
    /// "stem.kernel" -> outcome
    cases: HashMap<String, Outcome>,
    /// "stem.kernel" -> printed lines (last run of the case wins)
    printed: HashMap<String, Vec<String>>,
    /// Problems reading the files (short .bin, unknown kernels, ...).
    problems: Vec<String>,
    /// Stems with a .status file.
    stems: Vec<String>,
}

fn load_results(dir: &Path, manifest: &[Case]) -> Results {
    let sizes: HashMap<(&str, &str), usize> =
        manifest.iter().map(|c| ((c.stem.as_str(), c.kernel.as_str()), c.out)).collect();
    let mut r = Results {
        dir: dir.to_path_buf(),
        cases: HashMap::new(),
        printed: HashMap::new(),
        problems: vec![],
        stems: vec![],
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return r;
    };
    let mut stems: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".status")).map(String::from))
        .collect();
    stems.sort();
    for stem in &stems {
        let status = fs::read_to_string(dir.join(format!("{stem}.status"))).unwrap_or_default();
        let bin = fs::read(dir.join(format!("{stem}.bin"))).unwrap_or_default();
        let words: Vec<u32> = bin.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let mut at = 0usize;
        for line in status.lines() {
            let Some((kernel, st)) = line.split_once(' ') else {
                r.problems.push(format!("{}/{stem}.status: bad line {line:?}", dir.display()));
                continue;
            };
            let Some(&n) = sizes.get(&(stem.as_str(), kernel)) else {
                r.problems.push(format!(
                    "{}/{stem}.status names {kernel}, which the manifest does not have for {stem} (stale results?)",
                    dir.display()
                ));
                break; // the word layout is unknown from here on
            };
            if at + n > words.len() {
                r.problems.push(format!("{}/{stem}.bin is too short for {kernel}", dir.display()));
                break;
            }
            r.cases.insert(
                format!("{stem}.{kernel}"),
                Outcome { status: st.to_string(), words: words[at..at + n].to_vec() },
            );
            at += n;
        }
    }
    r.stems = stems;
    let stdout = fs::read_to_string(dir.join("stdout.txt")).unwrap_or_default();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        if let Some(key) = line.strip_prefix("== ") {
            r.printed.insert(key.to_string(), Vec::new());
            current = Some(key.to_string());
        } else if let Some(key) = &current {
            r.printed.get_mut(key).unwrap().push(line.to_string());
        }
    }
    r
}

// ---------------------------------------------------------------------------
// Running the emulator
// ---------------------------------------------------------------------------

fn case_timeout() -> Duration {
    Duration::from_secs(std::env::var("PTX_CORPUS_CASE_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(300))
}

/// Runs the runner on one variant until every selected case has a result
/// (resuming after crashes and kills); returns notes on cases that died.
fn run_variant(
    variant: &str,
    gen: &Path,
    out: &Path,
    stems: &[String],
    total_cases: usize,
    predecode: Option<&str>,
) -> HashMap<String, String> {
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out).expect("create the output directory");
    let ld_path = match std::env::var_os("LD_LIBRARY_PATH") {
        Some(old) if !old.is_empty() => {
            let mut p = lib_dir().as_os_str().to_owned();
            p.push(":");
            p.push(old);
            p
        }
        _ => lib_dir().as_os_str().to_owned(),
    };
    let open_append = |name: &str| {
        fs::OpenOptions::new().create(true).append(true).open(out.join(name)).expect("open a runner output file")
    };
    let inflight = out.join(".inflight");
    let limit = case_timeout();
    let mut notes = HashMap::new();
    for attempt in 1.. {
        assert!(attempt <= total_cases + 2, "{variant}: the runner keeps stopping without progress");
        let mut cmd = Command::new(runner());
        cmd.arg(manifest_path()).arg(gen).arg(out).arg("--resume");
        if only().is_some() {
            for s in stems {
                cmd.arg("--only").arg(s);
            }
        }
        if let Some(mode) = predecode {
            cmd.env("SOFTCUDA_PREDECODE", mode);
        }
        let mut child = cmd
            .env("LD_LIBRARY_PATH", &ld_path)
            .env("SOFTCUDA_LOG", "0")
            .stdin(Stdio::null())
            .stdout(open_append("stdout.txt"))
            .stderr(open_append("stderr.txt"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", runner().display()));
        let mut last = (String::new(), Instant::now());
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait for the runner") {
                break Some(s);
            }
            let now = fs::read_to_string(&inflight).unwrap_or_default();
            if now != last.0 {
                last = (now, Instant::now());
            } else if !last.0.is_empty() && last.1.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let case = last.0.trim().replacen(' ', ".", 1);
        match status {
            Some(s) if s.success() => return notes,
            Some(s) if s.code() == Some(5) => {} // sticky error: go on in a new process
            Some(s) if s.code().is_some_and(|c| (2..=4).contains(&c)) => {
                let mut err = String::new();
                let _ = fs::File::open(out.join("stderr.txt")).and_then(|mut f| f.read_to_string(&mut err));
                panic!("{variant}: the runner failed ({s}):\n{err}");
            }
            Some(s) => {
                notes.insert(case, format!("the runner died ({s})"));
            }
            None => {
                notes.insert(case, format!("killed after {} s (PTX_CORPUS_CASE_TIMEOUT)", limit.as_secs()));
            }
        }
    }
    unreachable!()
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// Orders f32 bit patterns so that adjacent floats differ by 1 (+0 == -0).
fn ordered(bits: u32) -> i64 {
    if bits & 0x8000_0000 != 0 {
        -((bits & 0x7fff_ffff) as i64)
    } else {
        bits as i64
    }
}

fn word_matches(tol: Tol, expected: u32, actual: u32) -> bool {
    if expected == actual {
        return true;
    }
    let (e, a) = (f32::from_bits(expected), f32::from_bits(actual));
    let float_ok = |close: bool| {
        if e.is_nan() || a.is_nan() {
            e.is_nan() && a.is_nan()
        } else if e.is_infinite() || a.is_infinite() {
            e == a
        } else {
            close
        }
    };
    match tol {
        Tol::Exact => false,
        Tol::Ulp(k) => float_ok((ordered(expected) - ordered(actual)).unsigned_abs() <= k),
        Tol::Abs(x) => float_ok((e as f64 - a as f64).abs() <= x),
    }
}

fn describe(w: u32) -> String {
    format!("0x{w:08x} = {} = {:e}", w as i32, f32::from_bits(w))
}

fn sorted(lines: Option<&Vec<String>>) -> Vec<String> {
    let mut v = lines.cloned().unwrap_or_default();
    v.sort();
    v
}

/// Lines of `a` not matched in `b` (multiset difference of sorted vectors).
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for l in b {
        *counts.entry(l).or_default() += 1;
    }
    let mut out = Vec::new();
    for l in a {
        let c = counts.entry(l).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            out.push(l.clone());
        }
    }
    out
}

/// Compares one case; returns the description of what differs, if anything.
fn compare_case(case: &Case, exp: &Results, act: &Results, notes: &HashMap<String, String>) -> Option<String> {
    let key = case.key();
    let Some(e) = exp.cases.get(&key) else {
        return Some(format!("no recorded expectation in {}", exp.dir.display()));
    };
    let Some(a) = act.cases.get(&key) else {
        return Some("the emulator run has no result for it".to_string());
    };
    let mut report = String::new();
    if e.status != a.status {
        let _ = write!(report, "status: expected {}, got {}", e.status, a.status);
        if let Some(n) = notes.get(&key) {
            let _ = write!(report, " ({n})");
        }
        report.push('\n');
    } else if e.status == "CUDA_SUCCESS" {
        let diffs: Vec<usize> = (0..case.out).filter(|&i| !word_matches(case.tol, e.words[i], a.words[i])).collect();
        if !diffs.is_empty() {
            let tol = match case.tol {
                Tol::Exact => "exact".to_string(),
                Tol::Ulp(k) => format!("ulp:{k}"),
                Tol::Abs(x) => format!("abs:{x}"),
            };
            let untouched = diffs.iter().filter(|&&i| a.words[i] == 0xDEAD_BEEF).count();
            let _ = writeln!(
                report,
                "{} of {} words differ (tol {tol}){}:",
                diffs.len(),
                case.out,
                if untouched > 0 { format!(", {untouched} of them left at 0xdeadbeef") } else { String::new() }
            );
            for &i in diffs.iter().take(6) {
                let _ = writeln!(report, "    [{i:5}] expected {}  got {}", describe(e.words[i]), describe(a.words[i]));
            }
            if diffs.len() > 6 {
                let _ = writeln!(report, "    ... first differing indices: {:?}", &diffs[..diffs.len().min(24)]);
            }
        }
    }
    if e.status == a.status {
        let (pe, pa) = (sorted(exp.printed.get(&key)), sorted(act.printed.get(&key)));
        if pe != pa {
            let (lost, extra) = (missing_from(&pe, &pa), missing_from(&pa, &pe));
            let _ = writeln!(
                report,
                "printf output differs: {} lines expected, {} printed; {} missing, {} unexpected",
                pe.len(),
                pa.len(),
                lost.len(),
                extra.len()
            );
            for l in lost.iter().take(3) {
                let _ = writeln!(report, "    missing:    {l:?}");
            }
            for l in extra.iter().take(3) {
                let _ = writeln!(report, "    unexpected: {l:?}");
            }
        }
    }
    (!report.is_empty()).then_some(report)
}

/// The CRC that POSIX `cksum` prints.
fn posix_cksum(data: &[u8]) -> u32 {
    let mut crc: u32 = 0;
    let mut step = |b: u8| {
        crc ^= (b as u32) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 { (crc << 1) ^ 0x04c1_1db7 } else { crc << 1 };
        }
    };
    data.iter().for_each(|&b| step(b));
    let mut n = data.len();
    while n > 0 {
        step(n as u8);
        n >>= 8;
    }
    !crc
}

/// stem -> the first lines of the JIT error log the runner printed for it.
fn load_errors(stderr: &Path) -> HashMap<String, String> {
    let text = fs::read_to_string(stderr).unwrap_or_default();
    let mut logs = HashMap::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("runner: ") else { continue };
        let Some((stem, what)) = rest.split_once(": ") else { continue };
        if !what.starts_with("cuModuleLoadDataEx failed") {
            continue;
        }
        let mut log = vec![what.to_string()];
        while let Some(l) = lines.next_if(|l| !l.starts_with("runner: ")) {
            if log.len() < 4 {
                log.push(l.to_string());
            }
        }
        logs.insert(stem.to_string(), log.join("\n"));
    }
    logs
}

/// `tests/ptx/known-differences.txt`: lines `[variant/]stem.kernel  reason`.
fn known_differences() -> Vec<(String, String)> {
    let text = fs::read_to_string(repo().join("tests/ptx/known-differences.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, r) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(!r.trim().is_empty(), "tests/ptx/known-differences.txt: {k} has no reason");
            (k.to_string(), r.trim().to_string())
        })
        .collect()
}

fn check_variant(variant: &str) {
    check_variant_in(variant, None);
}

/// Checks a variant with the interpreter in another mode
/// (`SOFTCUDA_PREDECODE`: `base` for the baseline-target handlers, `0`
/// for no pre-decoding), so every path is compared with the GPU.
fn check_variant_in(variant: &str, predecode: Option<&str>) {
    let gen = repo().join("tests/ptx/gen").join(variant);
    assert!(gen.is_dir(), "{} is missing: run scripts/gen-ptx-corpus.sh", gen.display());
    let expected_root =
        std::env::var_os("PTX_CORPUS_EXPECTED").map(PathBuf::from).unwrap_or_else(|| repo().join("tests/ptx/expected"));
    let expected_dir = expected_root.join(variant);
    assert!(
        expected_dir.is_dir(),
        "{} is missing: the expected results of variant {variant} have not been recorded on a GPU yet \
         (tests/ptx/README.md says how: scripts/record-ptx-expected.sh)",
        expected_dir.display()
    );

    let selected = only();
    let cases: Vec<&Case> = manifest()
        .iter()
        .filter(|c| selected.as_ref().is_none_or(|s| s.contains(&c.stem)))
        .filter(|c| gen.join(format!("{}.ptx", c.stem)).is_file())
        .collect();
    let mut stems: Vec<String> = cases.iter().map(|c| c.stem.clone()).collect();
    stems.dedup();
    if let Some(sel) = &selected {
        for s in sel {
            if !stems.contains(s) {
                eprintln!("ptx corpus: {variant}: PTX_CORPUS_ONLY names {s}, which has no PTX in this variant");
            }
        }
    }

    let out = match predecode {
        Some(mode) => work_dir().join("out").join(format!("{variant}-predecode-{mode}")),
        None => work_dir().join("out").join(variant),
    };
    let started = Instant::now();
    let notes = run_variant(variant, &gen, &out, &stems, cases.len(), predecode);
    let elapsed = started.elapsed();
    let exp = load_results(&expected_dir, manifest());
    let act = load_results(&out, manifest());

    let mut failures: Vec<(String, String)> = Vec::new();
    for p in exp.problems.iter().chain(&act.problems) {
        failures.push(("(results)".to_string(), p.clone()));
    }
    // Recorded files for which there is no PTX any more: stale expectations.
    if selected.is_none() {
        for stem in &exp.stems {
            if !gen.join(format!("{stem}.ptx")).is_file() {
                failures.push((
                    stem.clone(),
                    format!("{} has results for {stem}, which has no PTX in {}", expected_dir.display(), gen.display()),
                ));
            }
        }
    }
    // The PTX must be the one the expectations were recorded from.
    let cksums = fs::read_to_string(expected_dir.join("ptx.cksum")).unwrap_or_default();
    let recorded: HashMap<&str, (u32, usize)> = cksums
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (crc, len, name) = (f.next()?.parse().ok()?, f.next()?.parse().ok()?, f.next()?);
            Some((name, (crc, len)))
        })
        .collect();
    let mut stale = Vec::new();
    for stem in &stems {
        let name = format!("{stem}.ptx");
        let data = fs::read(gen.join(&name)).expect("read PTX");
        match recorded.get(name.as_str()) {
            Some(&(crc, len)) if crc == posix_cksum(&data) && len == data.len() => {}
            Some(_) => stale.push(format!("{name} changed")),
            None => stale.push(format!("{name} is not in ptx.cksum")),
        }
    }
    if !stale.is_empty() {
        failures.push((
            "(recording)".to_string(),
            format!(
                "{} does not match {}: {}; record the expectations again (scripts/record-ptx-expected.sh)",
                expected_dir.join("ptx.cksum").display(),
                gen.display(),
                stale.join(", ")
            ),
        ));
    }
    // Cases the emulator does not match yet, each with the reason
    // (tests/ptx/known-differences.txt). They must still differ: one that
    // matches has been fixed and must leave the list.
    let known = known_differences();
    let mut passed = 0;
    let mut known_seen = 0;
    for c in &cases {
        let listed = known.iter().any(|(k, _)| k == &c.key() || k == &format!("{variant}/{}", c.key()));
        match (compare_case(c, &exp, &act, &notes), listed) {
            (None, false) => passed += 1,
            (Some(r), false) => failures.push((c.key(), r)),
            (Some(_), true) => known_seen += 1,
            (None, true) => failures
                .push((c.key(), "now matches the GPU: remove it from tests/ptx/known-differences.txt".to_string())),
        }
    }
    if known_seen > 0 {
        eprintln!("ptx corpus: {variant}: {known_seen} case(s) differ as listed in tests/ptx/known-differences.txt");
    }
    let summary = format!(
        "ptx corpus: {passed}/{} cases passed on {variant} (emulator run {:.1} s; results in {})",
        cases.len(),
        elapsed.as_secs_f64(),
        out.display()
    );
    eprintln!("{summary}");
    if !failures.is_empty() {
        let mut report = String::new();
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for c in &cases {
            if let Some(a) = act.cases.get(&c.key()) {
                if exp.cases.get(&c.key()).is_some_and(|e| e.status != a.status) {
                    *by_status.entry(a.status.clone()).or_default() += 1;
                }
            }
        }
        // Consecutive cases of one file that fail the same way (typically
        // a module that does not load) make one entry.
        let load_logs = load_errors(&out.join("stderr.txt"));
        let mut i = 0;
        while i < failures.len() {
            let (key, r) = &failures[i];
            let stem = key.split('.').next().unwrap_or_default();
            let mut j = i + 1;
            while j < failures.len() && failures[j].1 == *r && failures[j].0.split('.').next() == Some(stem) {
                j += 1;
            }
            let title = if j - i == 1 {
                format!("{variant}/{key}")
            } else {
                let kernels: Vec<&str> =
                    failures[i..j].iter().map(|(k, _)| k.split_once('.').map_or("", |x| x.1)).collect();
                format!("{variant}/{stem}: {} cases ({})", j - i, kernels.join(", "))
            };
            let _ = writeln!(report, "--- {title}\n  {}", r.trim_end().replace('\n', "\n  "));
            if let Some(log) = load_logs.get(stem) {
                if r.starts_with("status:") {
                    let _ = writeln!(report, "  emulator's JIT log: {}", log.replace('\n', "\n    "));
                }
            }
            i = j;
        }
        if !by_status.is_empty() {
            let _ = writeln!(report, "status mismatches by emulator status: {by_status:?}");
        }
        let _ = writeln!(report, "{summary}");
        panic!(
            "variant {variant}: {} of {} cases differ from the GPU's results, {} problem(s) in all:\n{report}",
            cases.len() - passed,
            cases.len(),
            failures.len()
        );
    }
}

#[test]
fn sm75() {
    check_variant("sm75");
}

#[test]
fn sm80() {
    check_variant("sm80");
}

/// The sm80 corpus through the baseline-target handlers (the default on
/// this CPU may be the x86-64-v3 set).
#[test]
fn sm80_predecode_base() {
    check_variant_in("sm80", Some("base"));
}

/// The sm80 corpus with every instruction through `Warp::step`.
#[test]
fn sm80_no_predecode() {
    check_variant_in("sm80", Some("0"));
}

#[test]
fn sm90() {
    check_variant("sm90");
}

#[test]
fn sm80_g() {
    check_variant("sm80-G");
}

#[test]
fn sm80_lineinfo() {
    check_variant("sm80-lineinfo");
}

#[test]
fn nvrtc_sm80() {
    check_variant("nvrtc-sm80");
}

#[test]
fn tolerances() {
    assert!(word_matches(Tol::Exact, 1, 1));
    assert!(!word_matches(Tol::Exact, 0x7fc0_0000, 0x7fff_ffff));
    assert!(word_matches(Tol::Ulp(0), 0x8000_0000, 0x0000_0000));
    assert!(word_matches(Tol::Ulp(2), 0x3f80_0000, 0x3f80_0002));
    assert!(!word_matches(Tol::Ulp(2), 0x3f80_0000, 0x3f80_0003));
    assert!(word_matches(Tol::Ulp(2), 0x0000_0001, 0x8000_0001)); // across zero
    assert!(word_matches(Tol::Ulp(1), 0x7fc0_0000, 0xffc0_0001)); // NaN ~ NaN
    assert!(!word_matches(Tol::Ulp(1000), 0x7fc0_0000, 0x3f80_0000));
    assert!(!word_matches(Tol::Ulp(1), 0x7f7f_ffff, 0x7f80_0000)); // max vs inf
    assert!(word_matches(Tol::Abs(0.01), 1.0f32.to_bits(), 1.005f32.to_bits()));
    assert!(!word_matches(Tol::Abs(0.01), 1.0f32.to_bits(), 1.02f32.to_bits()));
    assert!(!word_matches(Tol::Abs(1e30), f32::INFINITY.to_bits(), f32::MAX.to_bits()));
    assert_eq!(missing_from(&["a".into(), "a".into(), "b".into()], &["a".into(), "b".into()]), vec!["a".to_string()]);
    assert_eq!(posix_cksum(b"123456789\n"), 1_552_147_931); // `echo 123456789 | cksum`
}
