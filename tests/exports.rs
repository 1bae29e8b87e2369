//! The built libcuda.so exports every symbol NVIDIA's libcuda.so.1 exports
//! (src/driver/generated/libcuda_symbols.txt) and every name of our table,
//! as read back by `nm -D --defined-only`.
//!
//! Environment: `CI=true` turns a missing `nm` (binutils) from a skip into a
//! failure.

use std::collections::HashSet;
use std::process::Command;

mod common;
use common::lib_dir;

/// The dynamic symbols libcuda.so defines, or None (skip) without `nm`.
fn defined_symbols() -> Option<HashSet<String>> {
    let so = lib_dir().join("libcuda.so");
    let out = match Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output() {
        Ok(o) => o,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and `nm` cannot run: {e}");
            }
            eprintln!("skipping: cannot run `nm` (binutils): {e}");
            return None;
        }
    };
    assert!(out.status.success(), "nm -D {} failed: {}", so.display(), String::from_utf8_lossy(&out.stderr));
    // Lines are `<address> <type> <name>[@@version]`.
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .filter_map(|l| l.split_whitespace().nth(2))
            .map(|n| n.split('@').next().unwrap_or(n).to_string())
            .collect(),
    )
}

#[test]
fn every_reference_symbol_is_exported() {
    let Some(defined) = defined_symbols() else { return };
    let reference = include_str!("../src/driver/generated/libcuda_symbols.txt");
    let names: Vec<&str> = reference.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(names.len() > 700, "the reference list has only {} names", names.len());
    let missing: Vec<&str> = names.iter().copied().filter(|n| !defined.contains(*n)).collect();
    assert!(missing.is_empty(), "{} of {} reference symbols are not exported: {missing:?}", missing.len(), names.len());
}

#[test]
fn every_table_name_is_exported() {
    let Some(defined) = defined_symbols() else { return };
    let missing: Vec<&str> = cuda::driver::EXPORTED.iter().copied().filter(|n| !defined.contains(*n)).collect();
    assert!(missing.is_empty(), "table names not exported: {missing:?}");
}

/// The committed driver function table is what scripts/gen-driver-table.py
/// generates from the pinned toolkit headers (needs the toolkit; with
/// CI=true a missing toolkit fails the test).
#[test]
fn generated_function_table_is_current() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let tk = std::process::Command::new(repo.join("scripts/install-toolkit.sh")).output();
    if !matches!(&tk, Ok(o) if o.status.success()) {
        assert!(!ci, "CI=true and the CUDA toolkit could not be installed: {tk:?}");
        eprintln!("skipping: the CUDA toolkit is not installed");
        return;
    }
    let out = std::process::Command::new("python3")
        .arg(repo.join("scripts/gen-driver-table.py"))
        .arg("--check")
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "src/driver/generated/functions.rs is stale; rerun scripts/gen-driver-table.py:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
