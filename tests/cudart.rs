//! CUDA runtime programs (`tests/cudart/*.cu`, self-checking) built at test
//! time with the pinned nvcc (`scripts/install-toolkit.sh`) — default flags
//! unless a case says otherwise: the default embeds sm_75 SASS and
//! compute_75 PTX, and the PTX is what runs — then run unmodified against
//! our `libcuda.so.1`. NVIDIA's libcudart (static by default, or
//! `-cudart shared` from the toolkit's lib directory) binds to the driver
//! through `cuGetProcAddress` and the export tables and loads each program's
//! fatbinary wrapper with `cuLibraryLoadData`.
//!
//! Each program prints `PASS <name>` and exits 0; a case passes when it
//! does, prints what the case expects, and no driver function it called was
//! a "not supported yet" stub. Without the toolkit the tests are skipped,
//! unless `CI=true`, where that is a failure.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

mod common;
use common::lib_dir;

/// The toolkit root (holding bin/nvcc and lib/), or None (skip) outside CI.
fn toolkit() -> Option<&'static Path> {
    static ROOT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join("install-toolkit.sh");
        let out = Command::new(&script)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !out.status.success() {
            return Err(format!("{} failed: {}", script.display(), out.status));
        }
        let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").trim());
        if !root.join("bin").join("nvcc").is_file() {
            return Err(format!("no bin/nvcc under {}", root.display()));
        }
        Ok(root)
    });
    match root {
        Ok(r) => Some(r),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and the NVIDIA toolkit is unavailable: {why}")
        }
        Err(why) => {
            eprintln!("skipping the CUDA runtime programs: {why}");
            None
        }
    }
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("cudart")
}

/// Builds `sources` (in tests/cudart) with nvcc and `flags` into `name`.
fn build(tk: &Path, name: &str, sources: &[&str], flags: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cudart");
    std::fs::create_dir_all(&dir).expect("create the build directory");
    let exe = dir.join(name);
    let mut cmd = Command::new(tk.join("bin").join("nvcc"));
    cmd.arg("-I").arg(src_dir()).args(flags).arg("-o").arg(&exe);
    if flags.windows(2).any(|w| w == ["-cudart", "shared"]) {
        // The wheel ships libcudart.so.13 only; -cudart shared links -lcudart.
        let link = dir.join("libcudart.so");
        if std::fs::read_link(&link).is_err() {
            let _ = std::os::unix::fs::symlink(tk.join("lib").join("libcudart.so.13"), &link);
        }
        cmd.arg("-L").arg(&dir);
    }
    for s in sources {
        cmd.arg(src_dir().join(s));
    }
    let out = cmd.stdin(Stdio::null()).output().expect("run nvcc");
    assert!(
        out.status.success(),
        "nvcc failed for {name} ({:?}):\n{}{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs `exe` on softcuda; (status success, stdout, stderr). Killed after
/// two minutes.
fn run(tk: &Path, exe: &Path, shared_cudart: bool) -> (bool, String, String) {
    let mut ld = lib_dir().as_os_str().to_owned();
    if shared_cudart {
        ld.push(":");
        ld.push(tk.join("lib"));
    }
    let mut child = Command::new(exe)
        .env("LD_LIBRARY_PATH", ld)
        .env_remove("SOFTCUDA_LOG")
        .env_remove("CUDA_VISIBLE_DEVICES")
        .env_remove("SOFTCUDA_DEVICES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let status = common::wait_timeout(&mut child, Duration::from_secs(120));
    let (stdout, mut stderr) = (t_out.join().unwrap(), t_err.join().unwrap());
    if status.is_none() {
        stderr.push_str("\n(killed after 120 s)");
    }
    (status.is_some_and(|s| s.success()), stdout, stderr)
}

/// Builds and runs one case; `program` is the name the program prints.
fn case(name: &str, program: &str, sources: &[&str], flags: &[&str], expect: &[&str]) {
    let Some(tk) = toolkit() else { return };
    let exe = build(tk, name, sources, flags);
    let shared = flags.windows(2).any(|w| w == ["-cudart", "shared"]);
    let (ok, stdout, stderr) = run(tk, &exe, shared);
    let report = || format!("--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    assert!(ok && stdout.contains(&format!("PASS {program}")), "{name} failed:\n{}", report());
    for e in expect {
        assert!(stdout.contains(e), "{name}: stdout lacks {e:?}:\n{}", report());
    }
    let missing: Vec<&str> = stderr.lines().filter(|l| l.ends_with("is not supported yet")).collect();
    assert!(missing.is_empty(), "{name} called unimplemented driver functions:\n{}\n{}", missing.join("\n"), report());
}

macro_rules! cases {
    ($( $test:ident: $program:literal [$($src:literal),*] [$($flag:literal),*] [$($expect:literal),*]; )*) => {
        $(
            #[test]
            fn $test() {
                case(stringify!($test), $program, &[$($src),*], &[$($flag),*], &[$($expect),*]);
            }
        )*
    };
}

cases! {
    // Default nvcc flags (sm_75 SASS + compute_75 PTX, zstd-compressed PTX, static cudart).
    vector_add: "vector_add" ["vector_add.cu"] [] [];
    shared_stream: "shared_stream" ["shared_stream.cu"] [] [];
    symbols: "symbols" ["symbols.cu"] [] [];
    device_props: "device_props" ["device_props.cu"] [] ["sm_80"];
    printf: "printf" ["printf.cu"] [] [
        "hello from thread 0 of block 0: 100 0.00 ok",
        "hello from thread 2 of block 1: 102 1.00 ok"
    ];
    managed_host: "managed_host" ["managed_host.cu"] [] [];
    last_error: "last_error" ["last_error.cu"] [] [];
    templates: "templates" ["templates.cu"] [] [];
    launch_ex: "launch_ex" ["launch_ex.cu"] [] [];
    thrust_cub: "thrust_cub" ["thrust_cub.cu"] [] ["PASS thrust_cub"];
    coop_tiled: "coop_tiled" ["coop_tiled.cu"] [] [];
    atomics: "atomics" ["atomics.cu"] [] [];
    memcpy2d: "memcpy2d" ["memcpy2d.cu"] [] [];
    streams_events: "streams_events" ["streams_events.cu"] [] [];
    scan_transpose: "scan_transpose" ["scan_transpose.cu"] [] [];
    math_funcs: "math_funcs" ["math_funcs.cu"] [] [];
    grid_sync: "grid_sync" ["grid_sync.cu"] [] [];
    matmul_shared: "matmul_shared" ["matmul_shared.cu"] [] [];
    warp_intrinsics: "warp_intrinsics" ["warp_intrinsics.cu"] [] [];
    half_precision: "half_precision" ["half_precision.cu"] [] [];
    struct_params: "struct_params" ["struct_params.cu"] [] [];
    device_malloc: "device_malloc" ["device_malloc.cu"] [] [];
    virtual_recursion: "virtual_recursion" ["virtual_recursion.cu"] [] [];
    // Shared libcudart (libcudart.so.13 from the toolkit).
    vector_add_shared: "vector_add" ["vector_add.cu"] ["-cudart", "shared"] [];
    symbols_shared: "symbols" ["symbols.cu"] ["-cudart", "shared"] [];
    // Fatbinary variants: LZ4 PTX, uncompressed PTX, PTX for the device's
    // SM only, several targets (the best PTX not above sm_80 is picked).
    vector_add_lz4: "vector_add" ["vector_add.cu"] ["--compress-mode=speed"] [];
    vector_add_no_compress: "vector_add" ["vector_add.cu"] ["--no-compress"] [];
    vector_add_compute_80: "vector_add" ["vector_add.cu"] ["-gencode", "arch=compute_80,code=compute_80"] [];
    shared_stream_multi_gencode: "shared_stream" ["shared_stream.cu"] [
        "-gencode", "arch=compute_75,code=sm_75",
        "-gencode", "arch=compute_80,code=compute_80",
        "-gencode", "arch=compute_90,code=[sm_90,compute_90]"
    ] [];
    templates_debug: "templates" ["templates.cu"] ["-G"] [];
    device_assert: "device_assert" ["device_assert.cu"] [] [];
    // -rdc=true with one translation unit: a v2 wrapper listing one
    // relocatable fatbinary.
    vector_add_rdc: "vector_add" ["vector_add.cu"] ["-rdc=true"] [];
}

/// -rdc=true across two translation units needs the PTX of both linked.
#[test]
fn rdc_two_units() {
    case("rdc_two_units", "rdc", &["rdc_main.cu", "rdc_lib.cu"], &["-rdc=true"], &[]);
}

/// A program with SASS only fails to load with a message that says how to
/// add PTX (cudart reports "no kernel image is available").
#[test]
fn sass_only_is_explained() {
    let Some(tk) = toolkit() else { return };
    let exe = build(tk, "vector_add_sass_only", &["vector_add.cu"], &["-gencode", "arch=compute_75,code=sm_75"]);
    let (ok, stdout, stderr) = run(tk, &exe, false);
    assert!(!ok && !stdout.contains("PASS"), "a SASS-only program ran:\n{stdout}\n{stderr}");
    assert!(
        stderr.contains("cudaErrorNoKernelImageForDevice") || stderr.contains("no kernel image"),
        "unexpected failure:\n{stdout}\n{stderr}"
    );
    assert!(stderr.contains("-gencode arch=compute_80,code=compute_80"), "no advice in the log:\n{stderr}");
}

/// `softcuda run -- ./a.out` runs a program built with a bare `nvcc a.cu`
/// (no LD_LIBRARY_PATH set by the caller).
#[test]
fn softcuda_run_bare_nvcc_build() {
    let Some(tk) = toolkit() else { return };
    let exe = build(tk, "a.out", &["vector_add.cu"], &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_softcuda"))
        .env("SOFTCUDA_LIB_DIR", lib_dir())
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("SOFTCUDA_LOG")
        .arg("run")
        .arg("--")
        .arg(&exe)
        .stdin(Stdio::null())
        .output()
        .expect("run softcuda");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("PASS vector_add"),
        "softcuda run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
