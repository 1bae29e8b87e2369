//! The `softcuda` command: `--version`, and `run` substituting our driver
//! for a real driver-API program (the vector add example).

use std::path::PathBuf;
use std::process::Command;

mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn version_names_the_package_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_softcuda")).arg("--version").output().expect("run softcuda");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "unexpected version output: {text}");
}

#[test]
fn run_substitutes_the_driver_for_a_c_program() {
    let lib = common::lib_dir();
    let exe = lib.join("cli-test-vector_add");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O2", "-Wall", "-Wextra", "-Werror"])
        .arg(format!("-I{}", repo().join("include").display()))
        .arg(repo().join("examples/vector_add/main.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib.display()))
        .args(["-lcuda", "-lm"])
        .status()
        .expect("run cc");
    assert!(status.success(), "compiling the example failed");
    // Without softcuda the program cannot find libcuda.so.1 at all (no rpath).
    let out = Command::new(env!("CARGO_BIN_EXE_softcuda"))
        .env("SOFTCUDA_LIB_DIR", lib)
        .arg("run")
        .arg("--")
        .arg(&exe)
        .arg(repo().join("examples/vector_add/vector_add.ptx"))
        .output()
        .expect("run softcuda");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "softcuda run failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("PASSED"), "no verified result: {stdout}");
}

#[test]
fn run_reports_a_missing_program() {
    let out = Command::new(env!("CARGO_BIN_EXE_softcuda"))
        .env("SOFTCUDA_LIB_DIR", common::lib_dir())
        .args(["run", "--", "/nonexistent/program"])
        .output()
        .expect("run softcuda");
    assert_eq!(out.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot run"));
}
