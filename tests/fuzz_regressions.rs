//! Fuzz findings and seeds as regression tests (stable Rust, no fuzzer):
//! every file under `tests/fuzz-regressions/<target>/` and
//! `fuzz/seeds/<target>/` goes through `cuda::fuzzing::<target>`, which
//! must return (an error or not) without panicking. `fuzz/` holds the
//! `cargo fuzz` targets that found them; `scripts/fuzz.sh` runs them.

use std::path::Path;

/// Runs every file of the target's regression and seed directories through
/// `f`, and fails naming each file that panicked.
fn run_all(target: &str, f: fn(&[u8]) -> Result<(), String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("tests/fuzz-regressions").join(target), root.join("fuzz/seeds").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            if e.path().is_file() {
                files.push(e.path());
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no seeds or regressions for fuzz target {target}");
    let mut panicked = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match std::panic::catch_unwind(|| f(&data)) {
            // Shown with --nocapture: what each input came to.
            Ok(r) => eprintln!("{}: {:?}", path.display(), r.map_err(|m| m.chars().take(160).collect::<String>())),
            Err(_) => panicked.push(path.display().to_string()),
        }
    }
    assert!(panicked.is_empty(), "cuda::fuzzing::{target} panicked on {panicked:?}");
}

#[test]
fn ptx_inputs_do_not_panic() {
    run_all("ptx", cuda::fuzzing::ptx);
}

#[test]
fn image_inputs_do_not_panic() {
    run_all("image", cuda::fuzzing::image);
}

#[test]
fn params_inputs_do_not_panic() {
    run_all("params", cuda::fuzzing::params);
}
