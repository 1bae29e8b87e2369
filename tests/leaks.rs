//! Runs representative C programs from `ctests/` under valgrind's memcheck
//! and asserts that they pass and leak nothing definitely: context
//! create/destroy (`context`, `ctx_threads`), memory (`memory`), module
//! load/unload and launches (`launch`, `library`), streams and events
//! (`streams`), every lifecycle at once (`lifecycle`), and many threads
//! working at once (`concurrency`).
//!
//! "Still reachable" and "possibly lost" blocks (global driver state, idle
//! stream threads parked at exit) are allowed; `ctests/lifecycle.c` checks
//! that the heap does not grow. `scripts/leak-check.sh` runs every ctest
//! this way and prints a table.
//!
//! Without valgrind the tests are skipped, unless `CI=true`, where they
//! fail. `SOFTCUDA_LEAK_TIMEOUT` is the per-program limit in seconds
//! (default 600).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::lib_dir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether valgrind can be run (false: skip, outside CI; with `CI=true` a
/// missing valgrind fails the test).
fn valgrind_available() -> bool {
    let ok = Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "CI=true and valgrind is not installed: the leak check cannot run");
        eprintln!("skipping the leak check: valgrind is not installed");
    }
    ok
}

/// target/<profile>/ctests-leaks: where these tests build the C programs
/// (apart from tests/ctests.rs, which may build the same ones at once).
fn build_dir() -> PathBuf {
    let dir = lib_dir().join("ctests-leaks");
    fs::create_dir_all(&dir).expect("create ctests-leaks build dir");
    dir
}

/// Compiles C source `src` into <build dir>/<name> as tests/ctests.rs
/// compiles the ctests.
fn compile(src: &Path, name: &str) -> PathBuf {
    let exe = build_dir().join(name);
    common::compile_c(src, &exe, &repo().join("include"));
    exe
}

/// Sums the "definitely lost: N bytes in M blocks" lines of valgrind logs.
fn definitely_lost(logs: &[String]) -> (u64, u64) {
    let mut total = (0, 0);
    for log in logs {
        for line in log.lines() {
            let Some(rest) = line.split("definitely lost: ").nth(1) else { continue };
            let nums: Vec<u64> = rest.split_whitespace().filter_map(|w| w.replace(',', "").parse().ok()).collect();
            if let [bytes, blocks] = nums[..] {
                total.0 += bytes;
                total.1 += blocks;
            }
        }
    }
    total
}

/// Runs ctests/<name>.c under memcheck with `env` and asserts it printed
/// `PASS <name>`, exited 0, and valgrind found no definite leak in any of
/// its processes.
fn leak_check(name: &str, env: &[(&str, &str)]) {
    if !valgrind_available() {
        return;
    }
    let exe = compile(&repo().join("ctests").join(format!("{name}.c")), name);
    if let Err(e) = run_memcheck(&exe, name, env) {
        panic!("{e}");
    }
}

/// Runs `exe` (a program that prints `PASS <name>`) under memcheck; Err
/// says how it failed: its exit, a missing PASS line, or definite leaks.
fn run_memcheck(exe: &Path, name: &str, env: &[(&str, &str)]) -> Result<(), String> {
    let dir = build_dir();
    let log_pattern = dir.join(format!("{name}.vg.%p.log"));
    for entry in fs::read_dir(&dir).expect("read ctests-leaks dir").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!("{name}.vg.")) {
            let _ = fs::remove_file(entry.path());
        }
    }
    let timeout = std::env::var("SOFTCUDA_LEAK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(600));
    let out_path = dir.join(format!("{name}.vg.stdout"));
    let err_path = dir.join(format!("{name}.vg.stderr"));
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--show-leak-kinds=definite",
        "--num-callers=40",
        "--trace-children=yes",
    ])
    .arg(format!("--log-file={}", log_pattern.display()))
    .arg(exe)
    .arg(repo().join("ctests").join("kernels.ptx"))
    .env("LD_LIBRARY_PATH", lib_dir())
    .env_remove("SOFTCUDA_DEVICES")
    .env_remove("CUDA_VISIBLE_DEVICES")
    .env_remove("CUDA_LAUNCH_BLOCKING")
    .stdin(Stdio::null())
    .stdout(fs::File::create(&out_path).expect("stdout file"))
    .stderr(fs::File::create(&err_path).expect("stderr file"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run valgrind: {e}"));
    let status = common::wait_timeout(&mut child, timeout);
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let logs: Vec<String> = fs::read_dir(&dir)
        .expect("read ctests-leaks dir")
        .flatten()
        .filter(|e| {
            let f = e.file_name().to_string_lossy().into_owned();
            f.starts_with(&format!("{name}.vg.")) && f.ends_with(".log")
        })
        .map(|e| fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    let report = |what: String| -> Result<(), String> {
        Err(format!(
            "{name} under valgrind {what}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}\n--- valgrind ---\n{}",
            logs.join("\n")
        ))
    };
    match status {
        None => return report(format!("timed out after {timeout:?}")),
        Some(s) if !s.success() => return report(format!("failed: {s}")),
        Some(_) if !stdout.contains(&format!("PASS {name}")) => {
            return report(format!("exited 0 without `PASS {name}`"))
        }
        Some(_) => {}
    }
    if !logs.iter().any(|l| l.contains("LEAK SUMMARY") || l.contains("All heap blocks were freed")) {
        return report("left no leak summary".to_string());
    }
    let (bytes, blocks) = definitely_lost(&logs);
    if bytes != 0 || blocks != 0 {
        return report(format!("definitely lost {bytes} bytes in {blocks} blocks"));
    }
    Ok(())
}

#[test]
fn definitely_lost_parses_valgrind_summaries() {
    let log = "==1==    definitely lost: 1,024 bytes in 3 blocks\n==1==    indirectly lost: 9 bytes in 1 blocks\n";
    let other = "==2==    definitely lost: 0 bytes in 0 blocks\n==2==    possibly lost: 5 bytes in 1 blocks\n";
    assert_eq!(definitely_lost(&[log.to_string(), other.to_string()]), (1024, 3));
    assert_eq!(definitely_lost(&[other.to_string()]), (0, 0));
}

/// The check catches a definite leak: a program that drops its only
/// pointer to a block fails it.
#[test]
fn a_definite_leak_fails_the_check() {
    if !valgrind_available() {
        return;
    }
    let src = build_dir().join("leaky.c");
    fs::write(
        &src,
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <cuda.h>\n\
         int main(void) {\n    char *p = malloc(100);\n    if (p == NULL || cuInit(0) != CUDA_SUCCESS) return 1;\n\
             memset(p, 1, 100);\n    p = NULL;\n    printf(\"PASS leaky\\n\");\n    return 0;\n}\n",
    )
    .expect("write leaky.c");
    let exe = compile(&src, "leaky");
    let err = run_memcheck(&exe, "leaky", &[]).expect_err("a leaking program passed the leak check");
    assert!(err.contains("definitely lost 100 bytes in 1 blocks"), "{err}");
}

#[test]
fn context() {
    leak_check("context", &[]);
}

#[test]
fn ctx_threads() {
    leak_check("ctx_threads", &[]);
}

#[test]
fn memory() {
    leak_check("memory", &[]);
}

#[test]
fn launch() {
    leak_check("launch", &[]);
}

#[test]
fn library() {
    leak_check("library", &[]);
}

#[test]
fn streams() {
    leak_check("streams", &[]);
}

/// Every object's lifecycle, a few rounds (valgrind replaces malloc, so the
/// program's own heap-growth check is moot here).
#[test]
fn lifecycle() {
    leak_check("lifecycle", &[("LIFECYCLE_WARMUP", "1"), ("LIFECYCLE_ITERS", "2")]);
}

/// Many threads, contexts created and destroyed while others work (two
/// rounds: memcheck runs the threads one at a time).
#[test]
fn concurrency() {
    leak_check(
        "concurrency",
        &[("CONCURRENCY_ROUNDS", "2"), ("CONCURRENCY_EXCLUSION_ROUNDS", "20"), ("CONCURRENCY_WATCHDOG", "500")],
    );
}
