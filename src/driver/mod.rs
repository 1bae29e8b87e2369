//! The C ABI: one guarded `extern "C"` export per driver function, each
//! checking its arguments and translating to the emulator objects. Only this
//! module contains `extern "C"`. Files mirror sections of cuda.h.

pub mod attributes;
pub mod codes;
mod context;
mod device;
mod error;
mod event;
mod export_table;
pub mod generated;
pub(crate) mod launch;
mod library;
mod link;
mod memcpy;
mod memory;
pub(crate) mod module;
mod occupancy;
mod pool;
pub mod proc_address;
mod queue;
pub mod state;
mod stream;
mod table;

pub use codes::CUresult;
pub use table::NAMES as EXPORTED;
pub use table::{symbol, IMPLEMENTED};

use codes::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A failed driver call: the `CUresult` to return (never `CUDA_SUCCESS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CuError(pub CUresult);

/// Result of a driver function body.
pub type CuResult<T = ()> = Result<T, CuError>;

/// Writes one diagnostic line to stderr (`SOFTCUDA_LOG=0` silences them).
pub fn log(msg: impl std::fmt::Display) {
    static QUIET: once_cell::sync::Lazy<bool> =
        once_cell::sync::Lazy::new(|| std::env::var("SOFTCUDA_LOG").is_ok_and(|v| v == "0"));
    if !*QUIET {
        eprintln!("softcuda: {msg}");
    }
}

/// Runs a driver function body, turning its result into a `CUresult` and any
/// panic into `CUDA_ERROR_UNKNOWN` with a log line, so no panic crosses the
/// C ABI.
pub(crate) fn guard(name: &str, f: impl FnOnce() -> CuResult) -> CUresult {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => CUDA_SUCCESS,
        Ok(Err(CuError(code))) => code,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            log(format_args!("internal error in {name}: {what}"));
            CUDA_ERROR_UNKNOWN
        }
    }
}

/// Writes `v` through a caller's out-pointer, or fails with
/// `CUDA_ERROR_INVALID_VALUE` if it is NULL.
///
/// # Safety
/// `p` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn out<T>(p: *mut T, v: T) -> CuResult {
    if p.is_null() {
        return Err(CuError(CUDA_ERROR_INVALID_VALUE));
    }
    // SAFETY: non-null and, by the caller's contract, valid for writes.
    unsafe { p.write_unaligned(v) };
    Ok(())
}

pub(crate) fn fail<T>(code: CUresult) -> CuResult<T> {
    Err(CuError(code))
}
