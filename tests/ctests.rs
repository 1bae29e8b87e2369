//! Runs the C programs in `ctests/` against the freshly built driver.
//!
//! Each program is compiled with `cc -Wall -Wextra -Werror -Iinclude`, linked
//! with `-lcuda` from `target/<profile>` (the cdylib `cargo test` builds next
//! to this test binary), and run with `LD_LIBRARY_PATH` pointing there, so it
//! loads our `libcuda.so.1`. Launching programs get `ctests/kernels.ptx` as
//! argv[1]. A program passes when it exits 0 (and says `PASS <name>`).
//!
//! Environment: `CC` picks the C compiler (default `cc`);
//! `SOFTCUDA_CTEST_TIMEOUT` is the per-program limit in seconds (default 300);
//! `CI=true` turns a missing NVIDIA toolkit from a skip into a failure.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::lib_dir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>/ctests: where the C programs are built.
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let dir = profile.join("ctests");
    fs::create_dir_all(&dir).expect("create ctests build dir");
    dir
}

fn ptx_path() -> PathBuf {
    let p = repo().join("ctests").join("kernels.ptx");
    assert!(p.is_file(), "{} is missing (ctests/regen.sh makes it)", p.display());
    p
}

/// Compiles ctests/<name>.c into <build dir>/<out>, with `include` as the
/// directory that supplies <cuda.h>.
fn compile(name: &str, out: &str, include: &Path) -> PathBuf {
    let src = repo().join("ctests").join(format!("{name}.c"));
    let exe = build_dir().join(out);
    common::compile_c(&src, &exe, include);
    exe
}

/// Runs a compiled program against our libcuda.so.1 and asserts it passed.
fn run(exe: &Path, pass_name: &str) {
    run_env(exe, pass_name, &[]);
}

/// As [`run`], with extra environment variables (`None` removes one).
fn run_env(exe: &Path, pass_name: &str, env: &[(&str, Option<&str>)]) {
    let timeout = std::env::var("SOFTCUDA_CTEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(300));
    let ld_path = match std::env::var_os("LD_LIBRARY_PATH") {
        Some(old) if !old.is_empty() => {
            let mut p = lib_dir().as_os_str().to_owned();
            p.push(":");
            p.push(old);
            p
        }
        _ => lib_dir().as_os_str().to_owned(),
    };
    // One output file pair per environment, so runs of one program with
    // different environments (run in parallel by the harness) do not clash.
    let tag: String = env
        .iter()
        .map(|(k, v)| format!("{k}={}", v.unwrap_or("-")))
        .collect::<Vec<_>>()
        .join(",")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let stem = if tag.is_empty() { "out".to_string() } else { format!("out.{tag}") };
    let out_path = exe.with_extension(format!("{stem}.stdout"));
    let err_path = exe.with_extension(format!("{stem}.stderr"));
    let mut cmd = Command::new(exe);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .arg(ptx_path())
        .env("LD_LIBRARY_PATH", ld_path)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).expect("stdout file"))
        .stderr(fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
    let status = common::wait_timeout(&mut child, timeout);
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let report =
        |what: String| -> ! { panic!("{} {what}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}", exe.display()) };
    match status {
        None => report(format!("timed out after {timeout:?}")),
        Some(s) if !s.success() => report(format!("failed: {s}")),
        Some(_) if !stdout.contains(&format!("PASS {pass_name}")) => {
            report(format!("exited 0 without printing `PASS {pass_name}`"))
        }
        Some(_) => {}
    }
}

fn ctest(name: &str) {
    let exe = compile(name, name, &repo().join("include"));
    run(&exe, name);
}

/// Builds ctests/<name>.c once per test process (several tests run it with
/// different environments).
fn ctest_exe(name: &str) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = built.iter().find(|(n, _)| n == name) {
        return p.clone();
    }
    let p = compile(name, name, &repo().join("include"));
    built.push((name.to_string(), p.clone()));
    p
}

/// Runs ctests/<name>.c with `env` (device-selection variables unset unless given).
fn ctest_env(name: &str, env: &[(&str, Option<&str>)]) {
    let exe = ctest_exe(name);
    let mut all: Vec<(&str, Option<&str>)> = vec![("SOFTCUDA_DEVICES", None), ("CUDA_VISIBLE_DEVICES", None)];
    for (k, v) in env {
        all.retain(|(n, _)| n != k);
        all.push((k, *v));
    }
    run_env(&exe, name, &all);
}

#[test]
fn streams() {
    ctest_env("streams", &[("CUDA_LAUNCH_BLOCKING", None)]);
}

#[test]
fn streams_launch_blocking() {
    ctest_env("streams", &[("CUDA_LAUNCH_BLOCKING", Some("1"))]);
}

#[test]
fn misuse() {
    ctest("misuse");
}

/// SOFTCUDA_MEMCHECK=1: the program checks each report as it appears in
/// the log; the summary is written when the process exits.
#[test]
fn memcheck() {
    let log = build_dir().join("memcheck.log");
    let _ = fs::remove_file(&log);
    let log_s = log.to_string_lossy().into_owned();
    ctest_env("memcheck", &[("SOFTCUDA_MEMCHECK", Some("1")), ("SOFTCUDA_MEMCHECK_LOG", Some(&log_s))]);
    let text = fs::read_to_string(&log).unwrap_or_default();
    let summary = text.lines().last().unwrap_or("");
    assert!(
        summary.starts_with("========= ERROR SUMMARY: ") && !summary.ends_with(": 0 errors"),
        "no error summary at the end of the log:\n{text}"
    );
}

#[test]
fn memcap() {
    ctest_env("memcap", &[("SOFTCUDA_DEVICE_MEMORY", Some("64M"))]);
}

#[test]
fn watchdog() {
    ctest_env("watchdog", &[("SOFTCUDA_WATCHDOG_MS", Some("300"))]);
}

#[test]
fn device_query() {
    ctest("device_query");
}

#[test]
fn context() {
    ctest("context");
}

#[test]
fn memory() {
    ctest("memory");
}

#[test]
fn launch() {
    ctest("launch");
}

#[test]
fn proc_address() {
    ctest("proc_address");
}

#[test]
fn mem_copy() {
    ctest("mem_copy");
}

#[test]
fn mem_host() {
    ctest("mem_host");
}

#[test]
fn mem_pointer() {
    ctest("mem_pointer");
}

#[test]
fn mem_pool() {
    ctest("mem_pool");
}

#[test]
fn ctx_features() {
    ctest("ctx_features");
}

/// Several host threads create, push and pop contexts and work in them at once.
#[test]
fn ctx_threads() {
    ctest("ctx_threads");
}

/// Creating and destroying every kind of object, over and over, does not
/// grow the heap (a leak of ~1 KB a round fails).
#[test]
fn lifecycle() {
    ctest("lifecycle");
}

/// 16 host threads allocate, copy, launch and synchronise at once on shared
/// and separate contexts and streams, hand events to each other and create
/// and destroy contexts and modules while others work; every value is
/// checked, and a watchdog turns a deadlock into a failure.
#[test]
fn concurrency() {
    ctest_env("concurrency", &[("CUDA_LAUNCH_BLOCKING", None)]);
}

/// The same with `CUDA_LAUNCH_BLOCKING=1` (every launch synchronous).
#[test]
fn concurrency_launch_blocking() {
    ctest_env("concurrency", &[("CUDA_LAUNCH_BLOCKING", Some("1"))]);
}

#[test]
fn library() {
    ctest("library");
}

/// One device by default.
#[test]
fn devices() {
    ctest_env("devices", &[]);
}

/// `SOFTCUDA_DEVICES=3`: three devices, each with its own primary context,
/// peers of each other.
#[test]
fn devices_three() {
    ctest_env("devices", &[("SOFTCUDA_DEVICES", Some("3")), ("CT_EXPECT_BUS", Some("0,1,2"))]);
}

/// `CUDA_VISIBLE_DEVICES` picks and orders devices, by ordinal or UUID
/// prefix, reading up to the first entry that names no device; an empty list
/// or none left is CUDA_ERROR_NO_DEVICE; a repeated device is
/// CUDA_ERROR_INVALID_DEVICE (NVIDIA's behaviour, measured on the H100).
#[test]
fn devices_visible() {
    let three = Some("3");
    let cases: &[(&str, &str, &str)] = &[
        ("2,0", "0", "2,0"),
        ("1", "0", "1"),
        ("GPU-756f", "0", "2"),
        ("2,GPU-736f,9,1", "0", "2,0"),
        ("", "100", ""),
        ("7", "100", ""),
        ("0,2,0", "101", ""),
    ];
    for (visible, init, bus) in cases {
        ctest_env(
            "devices",
            &[
                ("SOFTCUDA_DEVICES", three),
                ("CUDA_VISIBLE_DEVICES", Some(visible)),
                ("CT_EXPECT_INIT", Some(init)),
                ("CT_EXPECT_BUS", Some(bus)),
            ],
        );
    }
    ctest_env("devices", &[("SOFTCUDA_DEVICES", Some("0")), ("CT_EXPECT_INIT", Some("100"))]);
}

/// The NVIDIA toolkit's include directory, or None (skip) outside CI.
fn nvidia_include() -> Option<PathBuf> {
    let ci = std::env::var("CI").map(|v| v == "true").unwrap_or(false);
    let fail = |why: String| -> Option<PathBuf> {
        if ci {
            panic!("CI=true and the NVIDIA toolkit is unavailable: {why}");
        }
        eprintln!("skipping the NVIDIA-header build: {why}");
        None
    };
    let script = repo().join("scripts").join("install-toolkit.sh");
    let out = match Command::new(&script).stderr(Stdio::inherit()).output() {
        Ok(o) => o,
        Err(e) => return fail(format!("cannot run {}: {e}", script.display())),
    };
    if !out.status.success() {
        return fail(format!("{} failed: {}", script.display(), out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let root = stdout.lines().last().unwrap_or("").trim();
    let include = Path::new(root).join("include");
    if !include.join("cuda.h").is_file() {
        return fail(format!("no cuda.h under {}", include.display()));
    }
    Some(include)
}

/// The same program, built against our header and against NVIDIA's, runs
/// against our driver.
#[test]
fn nvidia_header() {
    let ours = compile("nvidia_header", "nvidia_header-ours", &repo().join("include"));
    run(&ours, "nvidia_header");
    if let Some(include) = nvidia_include() {
        let theirs = compile("nvidia_header", "nvidia_header-nvidia", &include);
        run(&theirs, "nvidia_header");
    }
}
