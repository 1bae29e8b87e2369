//! Helpers shared by the integration tests that run programs against the
//! built driver.
#![allow(dead_code)]

pub mod driver;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The directory holding the driver: target/<profile> (this binary is
/// target/<profile>/deps/ctests-<hash>). `cargo build` puts libcuda.so
/// there; `cargo test` leaves its fresh copy in deps/, so the newer of the two
/// is used. A libcuda.so.1 -> libcuda.so link is made beside it when missing.
pub fn lib_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let deps = exe.parent().expect("test binary has a parent directory");
        let profile = deps.parent().unwrap_or_else(|| panic!("cannot find target/<profile> from {}", exe.display()));
        let modified = |dir: &Path| fs::metadata(dir.join("libcuda.so")).and_then(|m| m.modified()).ok();
        let dir = match (modified(profile), modified(deps)) {
            (Some(a), Some(b)) if b > a => deps,
            (Some(_), _) => profile,
            (None, Some(_)) => deps,
            (None, None) => panic!(
                "libcuda.so is missing from {} and {}: the driver cdylib should be built \
                 by `cargo test` (crate-type includes \"cdylib\"); try `cargo build --lib`",
                profile.display(),
                deps.display()
            ),
        }
        .to_path_buf();
        // Programs linked with -lcuda ask for the SONAME, libcuda.so.1.
        let so = dir.join("libcuda.so");
        let so1 = dir.join("libcuda.so.1");
        let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        if !same(&so, &so1) {
            let _ = fs::remove_file(&so1); // stale copy or dangling link
            match std::os::unix::fs::symlink("libcuda.so", &so1) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => panic!("cannot create {}: {e}", so1.display()),
            }
        }
        assert!(same(&so, &so1), "{} does not lead to {}", so1.display(), so.display());
        dir
    })
}

/// Waits for `child` up to `timeout`; kills it and returns None when it runs
/// longer.
pub fn wait_timeout(child: &mut std::process::Child, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for a child process") {
            return Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Compiles the C program `src` into `exe` as the C tests are built:
/// `cc -Wall -Wextra -Werror -g -pthread -I<include> … -lcuda` against the
/// driver in [`lib_dir`] (`CC` picks the compiler). Panics with the
/// compiler's output if it fails.
pub fn compile_c(src: &Path, exe: &Path, include: &Path) {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let output = std::process::Command::new(&cc)
        .args(["-Wall", "-Wextra", "-Werror", "-g", "-pthread"])
        .arg("-I")
        .arg(include)
        .arg(src)
        .arg("-o")
        .arg(exe)
        .arg("-L")
        .arg(lib_dir())
        .arg("-lcuda")
        .output()
        .unwrap_or_else(|e| panic!("cannot run C compiler `{cc}`: {e}"));
    assert!(
        output.status.success(),
        "compiling {} against {} failed ({}):\n{}{}",
        src.display(),
        include.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
