//! Build script: gives the cdylib the SONAME `libcuda.so.1` and puts a
//! `libcuda.so.1 → libcuda.so` symlink beside it, so that
//! `LD_LIBRARY_PATH=target/<profile>` substitutes our driver for NVIDIA's.

use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcuda.so.1");
    println!("cargo:rerun-if-changed=build.rs");
    // OUT_DIR is target/<profile>/build/<pkg>-<hash>/out; the profile
    // directory, where cargo places libcuda.so, is three levels up.
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else { return };
    let Some(profile_dir) = out.ancestors().nth(3) else { return };
    let link = profile_dir.join("libcuda.so.1");
    if std::fs::symlink_metadata(&link).is_err() {
        // The target (libcuda.so) appears when the link step finishes.
        let _ = std::os::unix::fs::symlink("libcuda.so", &link);
    }
}
