//! The cudarc example (`examples/cudarc`, built by `cargo test` like every
//! example) run against our driver: cudarc dlopens our `libcuda.so` and
//! NVIDIA's `libnvrtc.so.13` from the pinned toolkit wheel
//! (`scripts/install-toolkit.sh`). Without the toolkit the test is skipped,
//! unless `CI=true`, where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::lib_dir;

/// The toolkit's lib directory (holding libnvrtc.so.13), or None (skip) outside CI.
fn nvrtc_dir() -> Option<PathBuf> {
    let ci = std::env::var("CI").map(|v| v == "true").unwrap_or(false);
    let fail = |why: String| -> Option<PathBuf> {
        if ci {
            panic!("CI=true and the NVIDIA toolkit is unavailable: {why}");
        }
        eprintln!("skipping the cudarc example: {why}");
        None
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join("install-toolkit.sh");
    let out = match Command::new(&script).stderr(Stdio::inherit()).output() {
        Ok(o) => o,
        Err(e) => return fail(format!("cannot run {}: {e}", script.display())),
    };
    if !out.status.success() {
        return fail(format!("{} failed: {}", script.display(), out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lib = Path::new(stdout.lines().last().unwrap_or("").trim()).join("lib");
    if !lib.join("libnvrtc.so.13").is_file() {
        return fail(format!("no libnvrtc.so.13 under {}", lib.display()));
    }
    Some(lib)
}

/// target/<profile>/examples/cudarc_vecadd, which `cargo test` builds.
fn example() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let path = profile.join("examples").join("cudarc_vecadd");
    assert!(
        path.is_file(),
        "{} is missing: `cargo test` builds the examples (or run `cargo build --example cudarc_vecadd`)",
        path.display()
    );
    path
}

#[test]
fn cudarc_vecadd() {
    let Some(nvrtc) = nvrtc_dir() else { return };
    let mut ld = lib_dir().as_os_str().to_owned();
    ld.push(":");
    ld.push(&nvrtc);
    let out = Command::new(example())
        .env("LD_LIBRARY_PATH", ld)
        .stdin(Stdio::null())
        .output()
        .expect("run the cudarc example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("PASS cudarc_vecadd"),
        "cudarc example failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    // Everything cudarc needed for this program is implemented.
    let missing: Vec<&str> =
        stderr.lines().filter(|l| l.ends_with("is not supported yet") && !l.contains("cuGetExportTable")).collect();
    assert!(missing.is_empty(), "cudarc called unimplemented driver functions:\n{}", missing.join("\n"));
}
