//! `cuGetProcAddress`: (symbol, cudaVersion, flags) → the address of the
//! exported ABI variant, through the table generated from the
//! `PFN_<name>_v<version>[_ptds|_ptsz]` typedefs of cudaTypedefs.h
//! ([`PROC_TABLE`]).
//!
//! Semantics (driver API reference, "Driver Entry Point Access"), as measured
//! on the H100 (driver 13.0), whose answers match every row of the table up
//! to its version:
//! * the pick for version V is the row with the largest version ≤ V
//!   (`cuMemAlloc@3020` → `cuMemAlloc_v2`, `cuCtxCreate@12050` → `cuCtxCreate_v4`);
//!   a negative V means the driver's version;
//! * flags with `CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM` (2, alone or
//!   with LEGACY_STREAM) search only the `_ptds`/`_ptsz` rows of a name that
//!   has any (`cuMemcpyHtoD@3020`, older than its twin, is not sufficient);
//!   names without twins and flags 0 or 1 use the default-stream rows;
//! * `cuGetProcAddress_v2`: an unknown name (also `""`) is `CUDA_SUCCESS`,
//!   NULL and `CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND`; a version older than
//!   the name's first is `CUDA_SUCCESS`, NULL and
//!   `CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT`; `symbolStatus` may be NULL;
//! * `cuGetProcAddress` (4 arguments): both of those are
//!   `CUDA_ERROR_NOT_FOUND`, `*pfn` untouched;
//! * flags with bits other than 1 and 2, or a version newer than the driver's
//!   ([`DRIVER_VERSION`]), are `CUDA_ERROR_INVALID_VALUE`, nothing written;
//! * NULL `symbol` or `pfn` is `CUDA_ERROR_INVALID_VALUE` (NVIDIA's driver
//!   crashes);
//! * no `cuInit` needed: cudart looks entry points up before calling it.

use super::codes::*;
use super::device::DRIVER_VERSION;
use super::generated::functions::PROC_TABLE;
use super::table;
use super::{fail, CuResult};
use std::ffi::{c_char, c_void, CStr};

/// `CU_GET_PROC_ADDRESS_LEGACY_STREAM`.
pub const LEGACY_STREAM: u64 = 1;
/// `CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM`.
pub const PER_THREAD_DEFAULT_STREAM: u64 = 2;

/// `CUdriverProcAddressQueryResult` values.
pub const SUCCESS: u32 = 0;
pub const SYMBOL_NOT_FOUND: u32 = 1;
pub const VERSION_NOT_SUFFICIENT: u32 = 2;

/// Outcome of a lookup by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The exported symbol that implements (name, version, flags).
    Found(&'static str),
    /// No driver function of that name.
    SymbolNotFound,
    /// The name exists, but only in versions newer than the one asked for.
    VersionNotSufficient,
}

/// The rows of [`PROC_TABLE`] for `name` (the table is sorted by name).
fn rows(name: &str) -> &'static [(&'static str, i32, bool, &'static str)] {
    let start = PROC_TABLE.partition_point(|r| r.0 < name);
    let end = start + PROC_TABLE[start..].partition_point(|r| r.0 == name);
    &PROC_TABLE[start..end]
}

/// Resolves a base name (`cuMemAlloc`), a CUDA version (1000·major + 10·minor;
/// negative: the driver's) and the per-thread flag to the exported symbol.
/// Arguments the driver rejects are checked by the caller.
pub fn resolve(name: &str, version: i32, flags: u64) -> Lookup {
    resolve_among(name, version, flags, |_| true)
}

/// [`resolve`] choosing only among symbols for which `available` holds (in
/// the forward backend: those the real driver exports, which may be older
/// than our table).
pub fn resolve_among(name: &str, version: i32, flags: u64, available: impl Fn(&str) -> bool) -> Lookup {
    let rows = rows(name);
    if rows.is_empty() || !rows.iter().any(|r| available(r.3)) {
        return Lookup::SymbolNotFound;
    }
    let version = if version < 0 { DRIVER_VERSION } else { version };
    let per_thread = flags & PER_THREAD_DEFAULT_STREAM != 0 && rows.iter().any(|r| r.2);
    match rows.iter().filter(|r| r.2 == per_thread && r.1 <= version && available(r.3)).max_by_key(|r| r.1) {
        Some(r) => Lookup::Found(r.3),
        None => Lookup::VersionNotSufficient,
    }
}

/// Which entry point is asking.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `cuGetProcAddress(symbol, pfn, cudaVersion, flags)` (CUDA 11.3).
    V1,
    /// `cuGetProcAddress_v2(symbol, pfn, cudaVersion, flags, symbolStatus)` (CUDA 12.0).
    V2,
}

/// Body of `cuGetProcAddress` (`api` V1, `status` unused) and
/// `cuGetProcAddress_v2`.
///
/// # Safety
/// `symbol` must be NULL or a NUL-terminated string; `pfn` NULL or writable;
/// `status` NULL or writable.
pub(crate) unsafe fn get_proc_address(
    api: Api,
    symbol: *const c_char,
    pfn: *mut *mut c_void,
    version: i32,
    flags: u64,
    status: *mut u32,
) -> CuResult {
    if symbol.is_null() || pfn.is_null() || flags & !(LEGACY_STREAM | PER_THREAD_DEFAULT_STREAM) != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // The newest version accepted: ours, or in the forward backend the real
    // driver's (what it would accept itself).
    let newest = match crate::forward::backend() {
        crate::forward::Backend::Forward(real) if real.version > 0 => real.version,
        _ => DRIVER_VERSION,
    };
    if version > newest {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let version = if version < 0 { newest } else { version };
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    let name = unsafe { CStr::from_ptr(symbol) }.to_str().unwrap_or("");
    let lookup = match crate::forward::backend() {
        crate::forward::Backend::Forward(real) => {
            resolve_among(name, version, flags, |s| std::ffi::CString::new(s).is_ok_and(|c| real.lookup(&c).is_some()))
        }
        _ => resolve(name, version, flags),
    };
    let (ptr, st) = match lookup {
        Lookup::Found(s) => match table::symbol(s) {
            Some(p) => (p as *mut c_void, SUCCESS),
            None => (std::ptr::null_mut(), SYMBOL_NOT_FOUND), // unreachable: every row is tested
        },
        Lookup::SymbolNotFound => (std::ptr::null_mut(), SYMBOL_NOT_FOUND),
        Lookup::VersionNotSufficient => (std::ptr::null_mut(), VERSION_NOT_SUFFICIENT),
    };
    if api == Api::V1 && st != SUCCESS {
        return fail(CUDA_ERROR_NOT_FOUND);
    }
    // SAFETY: `pfn` is non-null (checked above), `status` checked here; both
    // writable by the caller's contract.
    unsafe {
        pfn.write_unaligned(ptr);
        if api == Api::V2 && !status.is_null() {
            status.write_unaligned(st);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::null_mut;

    fn found(name: &str, version: i32, flags: u64) -> &'static str {
        match resolve(name, version, flags) {
            Lookup::Found(s) => s,
            other => panic!("{name}@{version} flags {flags}: {other:?}"),
        }
    }

    #[test]
    fn picks_the_newest_version_not_newer_than_asked() {
        assert_eq!(found("cuMemAlloc", 3020, 0), "cuMemAlloc_v2");
        assert_eq!(found("cuMemAlloc", 13000, 0), "cuMemAlloc_v2");
        assert_eq!(found("cuMemAlloc", 2000, 0), "cuMemAlloc");
        assert_eq!(found("cuCtxCreate", 3020, 0), "cuCtxCreate_v2");
        assert_eq!(found("cuCtxCreate", 11040, 0), "cuCtxCreate_v3");
        assert_eq!(found("cuCtxCreate", 12000, 0), "cuCtxCreate_v3");
        assert_eq!(found("cuCtxCreate", 12050, 0), "cuCtxCreate_v4");
        assert_eq!(found("cuCtxSynchronize", 12000, 0), "cuCtxSynchronize");
        assert_eq!(found("cuCtxSynchronize", 13000, 0), "cuCtxSynchronize_v2");
        assert_eq!(found("cuGetProcAddress", 11030, 0), "cuGetProcAddress");
        assert_eq!(found("cuGetProcAddress", 12000, 0), "cuGetProcAddress_v2");
        assert_eq!(found("cuInit", 2000, 0), "cuInit");
        assert_eq!(found("cuMemAlloc", -1, 0), "cuMemAlloc_v2");
    }

    #[test]
    fn per_thread_flag_picks_the_twin() {
        assert_eq!(found("cuMemcpyHtoD", 12000, 2), "cuMemcpyHtoD_v2_ptds");
        assert_eq!(found("cuMemcpyHtoD", 12000, 1), "cuMemcpyHtoD_v2");
        assert_eq!(found("cuMemcpyHtoD", 12000, 0), "cuMemcpyHtoD_v2");
        assert_eq!(found("cuMemcpyHtoD", 7000, 3), "cuMemcpyHtoD_v2_ptds");
        assert_eq!(found("cuLaunchKernel", 7000, 2), "cuLaunchKernel_ptsz");
        // Older than the twin: not sufficient, as on the H100.
        assert_eq!(resolve("cuLaunchKernel", 4000, 2), Lookup::VersionNotSufficient);
        assert_eq!(resolve("cuMemcpyHtoD", 3020, 2), Lookup::VersionNotSufficient);
        assert_eq!(found("cuStreamBeginCapture", 10000, 2), "cuStreamBeginCapture_ptsz");
        assert_eq!(found("cuStreamBeginCapture", 10010, 2), "cuStreamBeginCapture_v2_ptsz");
        // No twin: the default-stream variant.
        assert_eq!(found("cuMemAlloc", 12000, 2), "cuMemAlloc_v2");
    }

    #[test]
    fn unknown_names_and_old_versions() {
        assert_eq!(resolve("", 13000, 0), Lookup::SymbolNotFound);
        assert_eq!(resolve("cuNoSuchFunction", 13000, 0), Lookup::SymbolNotFound);
        assert_eq!(resolve("cuMemAlloc_v2", 13000, 0), Lookup::SymbolNotFound);
        assert_eq!(resolve("cuLibraryLoadData", 11000, 0), Lookup::VersionNotSufficient);
        assert_eq!(resolve("cuMemAlloc", 1000, 0), Lookup::VersionNotSufficient);
        assert_eq!(resolve("cuMemAlloc", 0, 0), Lookup::VersionNotSufficient);
    }

    /// Every (name, version, flags) row of the generated table resolves to
    /// itself and to a symbol we export.
    #[test]
    fn every_table_row_resolves_to_an_export() {
        for &(name, version, per_thread, symbol) in PROC_TABLE {
            let flags = if per_thread { PER_THREAD_DEFAULT_STREAM } else { 0 };
            assert_eq!(resolve(name, version, flags), Lookup::Found(symbol), "{name}@{version} {per_thread}");
            assert!(table::symbol(symbol).is_some(), "{symbol} ({name}@{version}) is not exported");
        }
        assert!(PROC_TABLE.windows(2).all(|w| (w[0].0, w[0].2, w[0].1) < (w[1].0, w[1].2, w[1].1)));
    }

    #[test]
    fn c_entry_point_contract() {
        use Api::{V1, V2};
        let mut p: *mut c_void = null_mut();
        let mut st = 99u32;
        let sentinel = 0x1234 as *mut c_void;
        let name = c"cuMemAlloc";
        let err = |r: CuResult| r.unwrap_err().0;
        // SAFETY: valid strings and out-pointers, or NULL where tested.
        unsafe {
            assert_eq!(get_proc_address(V2, name.as_ptr(), &mut p, 3020, 0, &mut st), Ok(()));
            assert_eq!(st, SUCCESS);
            assert_eq!(p as *const c_void, table::symbol("cuMemAlloc_v2").unwrap());
            assert_eq!(get_proc_address(V2, c"nope".as_ptr(), &mut p, 3020, 0, &mut st), Ok(()));
            assert!(p.is_null());
            assert_eq!(st, SYMBOL_NOT_FOUND);
            assert_eq!(get_proc_address(V2, c"cuLibraryLoadData".as_ptr(), &mut p, 11000, 0, null_mut()), Ok(()));
            assert!(p.is_null());
            assert_eq!(err(get_proc_address(V2, std::ptr::null(), &mut p, 3020, 0, &mut st)), CUDA_ERROR_INVALID_VALUE);
            assert_eq!(
                err(get_proc_address(V2, name.as_ptr(), null_mut(), 3020, 0, &mut st)),
                CUDA_ERROR_INVALID_VALUE
            );
            // Rejected arguments write nothing.
            p = sentinel;
            st = 99;
            assert_eq!(err(get_proc_address(V2, name.as_ptr(), &mut p, 12000, 4, &mut st)), CUDA_ERROR_INVALID_VALUE);
            let future = DRIVER_VERSION + 10;
            assert_eq!(err(get_proc_address(V2, name.as_ptr(), &mut p, future, 0, &mut st)), CUDA_ERROR_INVALID_VALUE);
            assert_eq!((p, st), (sentinel, 99));
            // The 4-argument entry point: misses are CUDA_ERROR_NOT_FOUND.
            assert_eq!(err(get_proc_address(V1, c"nope".as_ptr(), &mut p, 12000, 0, null_mut())), CUDA_ERROR_NOT_FOUND);
            assert_eq!(err(get_proc_address(V1, name.as_ptr(), &mut p, 1000, 0, null_mut())), CUDA_ERROR_NOT_FOUND);
            assert_eq!(p, sentinel);
            assert_eq!(get_proc_address(V1, name.as_ptr(), &mut p, 3020, 0, null_mut()), Ok(()));
            assert_eq!(p as *const c_void, table::symbol("cuMemAlloc_v2").unwrap());
        }
    }
}
