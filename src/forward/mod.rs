//! The forward backend: every exported driver function calls the function of
//! the same name in NVIDIA's real driver, loaded with `dlopen`, and returns
//! its result unchanged. Chosen with `SOFTCUDA_BACKEND=forward` (or
//! `softcuda run --forward`); the emulator is the default.
//!
//! The real driver is `SOFTCUDA_REAL_LIBCUDA` if set, else the first of the
//! standard install locations ([`STANDARD_PATHS`]) that loads. A candidate
//! that is softcuda itself (the same file, or a library whose `cuInit` is
//! ours) is refused with a message: forwarding to ourselves would recurse.
//!
//! `cuGetProcAddress` is not forwarded: it hands out our exports (which
//! forward), so calls made through libcudart's function table are forwarded
//! and traced too. `cuGetExportTable` is forwarded: the real driver's
//! private tables go to the caller untouched.

use std::ffi::{c_void, CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where distributions install NVIDIA's `libcuda.so.1`, tried in order.
pub const STANDARD_PATHS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libcuda.so.1",
    "/usr/lib64/libcuda.so.1",
    "/usr/lib/libcuda.so.1",
    "/usr/local/nvidia/lib64/libcuda.so.1",
    "/usr/local/nvidia/lib/libcuda.so.1",
    "/usr/local/cuda/compat/libcuda.so.1",
    "/usr/lib/wsl/lib/libcuda.so.1",
];

/// The loaded real driver.
pub struct RealDriver {
    handle: usize,
    /// The file it was loaded from.
    pub path: String,
    /// What its `cuDriverGetVersion` reports (0 if it cannot say): the
    /// newest CUDA version `cuGetProcAddress` accepts in this backend.
    pub version: i32,
}

/// Which backend the exports use.
pub enum Backend {
    /// Our emulator (the default).
    Emulator,
    /// NVIDIA's driver.
    Forward(RealDriver),
    /// Forwarding was asked for but no real driver could be loaded: every
    /// call fails with `CUDA_ERROR_NOT_INITIALIZED` (the reason was logged).
    Unavailable,
}

static BACKEND: once_cell::sync::Lazy<Backend> = once_cell::sync::Lazy::new(choose);

/// The backend, chosen once from the environment at the first driver call.
pub fn backend() -> &'static Backend {
    &BACKEND
}

fn choose() -> Backend {
    match std::env::var("SOFTCUDA_BACKEND").as_deref() {
        Ok("forward") => match load() {
            Ok(real) => {
                crate::driver::log(format_args!("forwarding to the real driver {}", real.path));
                Backend::Forward(real)
            }
            Err(why) => {
                crate::driver::log(format_args!("forward backend: {why}; every call fails"));
                Backend::Unavailable
            }
        },
        Ok("emulator") | Ok("") | Err(_) => Backend::Emulator,
        Ok(other) => {
            crate::driver::log(format_args!(
                "SOFTCUDA_BACKEND={other} is not a backend (emulator, forward); using the emulator"
            ));
            Backend::Emulator
        }
    }
}

/// The path of the file our own code was loaded from.
fn own_path() -> Option<std::path::PathBuf> {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() }; // SAFETY: plain C struct, all-zero is valid.
    let addr = own_path as *const c_void;
    // SAFETY: dladdr only reads our own code address and fills `info`.
    if unsafe { libc::dladdr(addr, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr returned a NUL-terminated file name.
    let name = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned();
    std::fs::canonicalize(name).ok()
}

fn load() -> Result<RealDriver, String> {
    let own = own_path();
    let candidates: Vec<String> = match std::env::var("SOFTCUDA_REAL_LIBCUDA") {
        Ok(p) if !p.is_empty() => vec![p],
        _ => STANDARD_PATHS.iter().map(|s| s.to_string()).collect(),
    };
    let explicit = candidates.len() == 1;
    let mut tried = Vec::new();
    for path in &candidates {
        let canonical = std::fs::canonicalize(path);
        if own.is_some() && canonical.as_ref().ok() == own.as_ref() {
            tried.push(format!("{path} is softcuda itself"));
            continue;
        }
        let Ok(c) = CString::new(path.as_str()) else { continue };
        // SAFETY: dlopen with a NUL-terminated path; RTLD_LOCAL keeps the real
        // driver's symbols from interposing ours.
        let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            // SAFETY: dlerror returns NULL or a NUL-terminated message.
            let err = unsafe { libc::dlerror() };
            let msg = if err.is_null() {
                "cannot be loaded".to_string()
            } else {
                // SAFETY: non-null message from dlerror.
                unsafe { CStr::from_ptr(err) }.to_string_lossy().into_owned()
            };
            tried.push(format!("{path}: {msg}"));
            continue;
        }
        let mut real = RealDriver { handle: handle as usize, path: path.clone(), version: 0 };
        let ours = crate::driver::symbol("cuInit");
        if real.lookup(c"cuInit").is_some_and(|p| Some(p as *const c_void) == ours) {
            tried.push(format!("{path} is softcuda itself (its cuInit is ours)"));
            continue;
        }
        if let Some(p) = real.lookup(c"cuDriverGetVersion") {
            // SAFETY: the real driver's `CUresult cuDriverGetVersion(int *)`,
            // callable before cuInit, writing one int.
            unsafe {
                let f: unsafe extern "C" fn(*mut i32) -> u32 = std::mem::transmute(p);
                let mut v = 0;
                if f(&mut v) == 0 {
                    real.version = v;
                }
            }
        }
        return Ok(real);
    }
    if explicit {
        Err(format!("cannot use SOFTCUDA_REAL_LIBCUDA: {}", tried.join("; ")))
    } else {
        Err(format!(
            "no real libcuda.so.1 found (set SOFTCUDA_REAL_LIBCUDA); tried: {}",
            if tried.is_empty() { STANDARD_PATHS.join(", ") } else { tried.join("; ") }
        ))
    }
}

/// `slot` value for a symbol the real driver lacks.
const MISSING: usize = 1;

impl RealDriver {
    /// The real driver's function `name`, if it exports it.
    pub fn lookup(&self, name: &CStr) -> Option<*mut c_void> {
        // SAFETY: dlsym on our open handle with a NUL-terminated name.
        let p = unsafe { libc::dlsym(self.handle as *mut c_void, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    }

    /// [`RealDriver::lookup`], cached in `slot` (0 = not looked up yet).
    pub fn resolve(&self, slot: &AtomicUsize, name: &CStr) -> Option<*mut c_void> {
        match slot.load(Ordering::Relaxed) {
            0 => {
                let p = self.lookup(name);
                slot.store(p.map_or(MISSING, |p| p as usize), Ordering::Relaxed);
                if p.is_none() {
                    crate::driver::log(format_args!(
                        "forward backend: the real driver has no {}; returning CUDA_ERROR_NOT_SUPPORTED",
                        name.to_string_lossy()
                    ));
                }
                p
            }
            MISSING => None,
            p => Some(p as *mut c_void),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_file_is_found() {
        // The test binary links the crate statically, so this is the test
        // executable; what matters is that dladdr resolves our code.
        assert!(own_path().is_some());
    }
}
