//! The forward backend against a stand-in driver, and call tracing on the
//! emulator backend.
//!
//! `tests/forward/fake_libcuda.c` is built into a shared library that
//! plays NVIDIA's driver: it logs every call it receives and answers with
//! values no emulator would give. `tests/forward/client.c` calls the driver
//! API through our libcuda.so.1 with `SOFTCUDA_BACKEND=forward` and checks
//! that the stand-in's answers come back unchanged; this test checks the
//! stand-in's log (the arguments arrived unchanged) and the trace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::lib_dir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("forward");
    std::fs::create_dir_all(&d).expect("create the build directory");
    d
}

fn cc(args: &[&std::ffi::OsStr]) {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(&cc).args(args).output().unwrap_or_else(|e| panic!("cannot run `{cc}`: {e}"));
    assert!(
        out.status.success(),
        "{cc} {:?} failed:\n{}{}",
        args,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The stand-in driver library (built once per test process).
fn fake_driver() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = out_dir().join("real");
            std::fs::create_dir_all(&dir).expect("create the stand-in's directory");
            let so = dir.join("libcuda.so.1");
            let src = repo().join("tests/forward/fake_libcuda.c");
            cc(&[
                "-shared".as_ref(),
                "-fPIC".as_ref(),
                "-Wall".as_ref(),
                "-o".as_ref(),
                so.as_os_str(),
                src.as_os_str(),
            ]);
            so
        })
        .clone()
}

/// A C program from `src` built against include/cuda.h and our driver.
fn program(src: &Path, name: &str) -> PathBuf {
    let exe = out_dir().join(name);
    let include = repo().join("include");
    cc(&[
        "-Wall".as_ref(),
        "-Wextra".as_ref(),
        "-Werror".as_ref(),
        "-pthread".as_ref(),
        "-I".as_ref(),
        include.as_os_str(),
        src.as_os_str(),
        "-o".as_ref(),
        exe.as_os_str(),
        "-L".as_ref(),
        lib_dir().as_os_str(),
        "-lcuda".as_ref(),
    ]);
    exe
}

fn run(exe: &Path, args: &[&Path], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env("LD_LIBRARY_PATH", lib_dir())
        .env_remove("SOFTCUDA_BACKEND")
        .env_remove("SOFTCUDA_TRACE")
        .env_remove("SOFTCUDA_REAL_LIBCUDA")
        .env_remove("SOFTCUDA_LOG")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn calls_and_results_pass_through_to_the_real_driver() {
    let fake = fake_driver();
    let client = program(&repo().join("tests/forward/client.c"), "client");
    let log = out_dir().join("fake.log");
    let trace = out_dir().join("forward.trace");
    let _ = std::fs::remove_file(&log);
    let out = run(
        &client,
        &[],
        &[
            ("SOFTCUDA_BACKEND", "forward".as_ref()),
            ("SOFTCUDA_REAL_LIBCUDA", fake.as_os_str()),
            ("FAKE_CUDA_LOG", log.as_os_str()),
            ("SOFTCUDA_TRACE", trace.as_os_str()),
        ],
    );
    assert!(
        out.status.success() && text(&out.stdout).contains("PASS forward"),
        "client failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // What the stand-in received, in order: every argument unchanged.
    let got = std::fs::read_to_string(&log).expect("the stand-in's log");
    let want = [
        // softcuda asks the version once when it loads the driver.
        "cuDriverGetVersion",
        "cuInit 3",
        "cuDriverGetVersion",
        "cuDeviceGetCount",
        "cuDeviceGetName 64 2",
        "cuMemAlloc_v2 4096",
        "cuMemFree_v2 0xdead1000",
        "cuModuleLoadData .version 8.0\n.target sm_",
        "cuModuleGetFunction 0x1234 kern",
        "cuLaunchKernel 0x5678 1 2 3 4 5 6 7 0x99 abcdef 42 (nil)",
        "cuMemPrefetchAsync_v2 0x1000 64 1 5 0 (nil)",
        "cuDeviceGetCount",
        "cuGetExportTable ab",
    ];
    assert_eq!(got.trim_end(), want.join("\n"), "the stand-in saw different calls");
    // The trace shows the forwarded results.
    let t = std::fs::read_to_string(&trace).expect("the trace");
    for needle in [
        "cuDeviceGetCount(count=",
        "→ count=7 = CUDA_SUCCESS",
        "cuMemFree_v2(dptr=0xdead1000) = CUDA_ERROR_LAUNCH_FAILED",
        "launch 0x5678<<<(1,2,3), (4,5,6), 7, 0x99>>>",
        "cuCtxSynchronize() = CUDA_ERROR_NOT_SUPPORTED",
        "softcuda trace summary",
    ] {
        assert!(t.contains(needle), "trace lacks {needle:?}:\n{t}");
    }
}

#[test]
fn forwarding_to_ourselves_is_refused() {
    let client = program(&repo().join("tests/forward/client.c"), "client-self");
    let ours = lib_dir().join("libcuda.so.1");
    let out =
        run(&client, &[], &[("SOFTCUDA_BACKEND", "forward".as_ref()), ("SOFTCUDA_REAL_LIBCUDA", ours.as_os_str())]);
    let err = text(&out.stderr);
    assert!(!out.status.success(), "the client passed forwarding to softcuda itself");
    assert!(err.contains("is softcuda itself"), "no explanation:\n{err}");
    assert!(err.contains("cuInit(3) == CUDA_SUCCESS failed"), "cuInit did not fail:\n{err}");
}

/// A trace of a C driver-API program on the emulator: decoded arguments,
/// out-values, launches with their kernel parameters, the summary, and the
/// PTX dumped.
#[test]
fn trace_on_the_emulator() {
    let exe = program(&repo().join("ctests/launch.c"), "launch");
    let trace = out_dir().join("launch.trace");
    let dump = out_dir().join("dump");
    let _ = std::fs::remove_dir_all(&dump);
    let ptx = repo().join("ctests/kernels.ptx");
    let out = Command::new(env!("CARGO_BIN_EXE_softcuda"))
        .env("SOFTCUDA_LIB_DIR", lib_dir())
        .env_remove("SOFTCUDA_BACKEND")
        .args(["trace", "-o"])
        .arg(&trace)
        .arg("--dump-dir")
        .arg(&dump)
        .arg("--")
        .arg(&exe)
        .arg(&ptx)
        .stdin(Stdio::null())
        .output()
        .expect("run softcuda trace");
    assert!(out.status.success() && text(&out.stdout).contains("PASS launch"), "{}", text(&out.stderr));
    let t = std::fs::read_to_string(&trace).expect("the trace");
    for needle in [
        "cuInit(Flags=0) = CUDA_SUCCESS",
        "cuModuleGetFunction(hfunc=",
        "name=\"add\") → hfunc=0x",
        "cuMemAlloc_v2(dptr=",
        "bytesize=4000) → dptr=0x",
        "launch add<<<(8,1,1), (128,1,1), 0, NULL>>>(add_param_0=0x",
        "add_param_3=1000)",
        // Launched with an `extra` buffer: decoded from it.
        "launch scale<<<(8,1,1), (128,1,1), 0, NULL>>>(scale_param_0=0x",
        "scale_param_1=0.5, scale_param_2=1000)",
        "= CUDA_ERROR_NOT_FOUND",
        "softcuda trace summary",
    ] {
        assert!(t.contains(needle), "trace lacks {needle:?}:\n{t}");
    }
    // The summary's kernel table counts launches and run time.
    let summary = &t[t.find("softcuda trace summary").unwrap_or(0)..];
    let add = summary.lines().find(|l| l.starts_with("add ")).unwrap_or_else(|| panic!("no kernel row:\n{summary}"));
    let launches: u64 = add.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(launches >= 2, "add launched {launches} times:\n{summary}");
    // Every module's image and PTX were saved.
    let names: Vec<String> = std::fs::read_dir(&dump)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let ptx = names.iter().filter(|n| n.ends_with(".ptx")).count();
    let images = names.iter().filter(|n| n.ends_with(".image")).count();
    assert!(ptx >= 2 && images >= 2, "dumped in {}: {names:?}", dump.display());
    let first = names.iter().find(|n| n.ends_with(".ptx")).map(|n| dump.join(n)).expect("a PTX dump");
    let text = std::fs::read_to_string(first).expect("read the dump");
    assert!(text.contains(".entry"), "the dump is not PTX:\n{text}");
}

/// `SOFTCUDA_STATS` gets one line per grid with its thread-instruction count.
#[test]
fn stats_file_counts_thread_instructions() {
    let exe = program(&repo().join("ctests/launch.c"), "launch-stats");
    let stats = out_dir().join("launch.stats");
    let _ = std::fs::remove_file(&stats);
    let ptx = repo().join("ctests/kernels.ptx");
    let out = run(&exe, &[&ptx], &[("SOFTCUDA_STATS", stats.as_os_str())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = std::fs::read_to_string(&stats).expect("the stats file");
    // `add` runs 8 CTAs of 128 threads; each thread executes a dozen or more
    // instructions, and every line has six fields; the last, the bytes one
    // CTA held, counts at least its four warps' registers.
    let add: Vec<Vec<&str>> = s.lines().map(|l| l.split('\t').collect::<Vec<_>>()).filter(|f| f[0] == "add").collect();
    assert!(!add.is_empty(), "no line for add:\n{s}");
    for f in &add {
        assert_eq!(f.len(), 6, "{f:?}");
        let n: u64 = f[1].parse().expect("instruction count");
        assert!(n >= 1024 * 10, "add executed only {n} thread-instructions");
        assert_eq!((f[3], f[4]), ("8", "128"), "{f:?}");
        let bytes: u64 = f[5].parse().expect("bytes per CTA");
        assert!((4 * 32 * 8..64 << 20).contains(&bytes), "{bytes} bytes per CTA");
    }
}
