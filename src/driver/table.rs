//! The exports. The list of driver functions (every symbol NVIDIA's driver
//! exports, with its C signature) is generated from the toolkit headers into
//! `generated/functions.rs`; this file says which of them are implemented and
//! by which body (the `implemented!` block below, the one place that lists
//! implementations). From the two it makes:
//!
//! * one guarded `#[no_mangle] extern "C"` export per listed name, running the
//!   body when there is one and otherwise a stub that logs
//!   "<name> is not supported yet" once per process and returns
//!   `CUDA_ERROR_NOT_SUPPORTED`, so a missing implementation is never a
//!   missing symbol;
//! * [`NAMES`] (all exports), [`IMPLEMENTED`], and [`symbol`] (name → address
//!   of our export), which `cuGetProcAddress` and later layers share.
//!
//! A body's parameter types must be the generated ones: the export calls it
//! with its own arguments, so the compiler checks the match.

use super::codes::CUresult;
use super::generated::functions::driver_function_list;
use super::generated::types::*;
use super::guard;
use once_cell::sync::Lazy;

/// The bodies of implemented functions, named like their export. An item
/// defined here shadows the glob-imported stub of the same name; every other
/// name resolves to its stub.
#[allow(non_snake_case, clippy::too_many_arguments)]
mod bodies {
    use super::super::generated::types::*;
    use super::super::{
        context as ctx, device as dev, error as err, event as ev, launch as ln, memory as mem, module as md,
        proc_address as pa, stream as st, CuResult,
    };
    pub(super) use super::stubs::*;

    macro_rules! implemented {
        ($( $name:ident ( $($arg:ident : $ty:ty),* ) => $body:expr ;)*) => {
            $(
                pub(super) unsafe fn $name($($arg: $ty),*) -> CuResult {
                    // SAFETY: the export forwards the caller's arguments under
                    // the driver API's contract.
                    #[allow(unused_unsafe)]
                    unsafe { $body }
                }
            )*
            /// The implemented exports, in table order.
            pub static IMPLEMENTED: &[&str] = &[$(stringify!($name)),*];
        };
    }

    // Per-thread default stream twins (`_ptds`/`_ptsz`) share the legacy
    // bodies: work runs synchronously, in issue order, whichever default
    // stream it names. Old unversioned names share a body only where their
    // signature is the new one's.
    implemented! {
        cuInit(flags: u32) => dev::init(flags);
        cuDriverGetVersion(v: *mut i32) => dev::driver_get_version(v);
        cuDeviceGet(d: *mut CUdevice, ordinal: i32) => dev::device_get(d, ordinal);
        cuDeviceGetCount(n: *mut i32) => dev::device_get_count(n);
        cuDeviceGetName(name: *mut c_char, len: i32, d: CUdevice) => dev::device_get_name(name, len, d);
        cuDeviceTotalMem_v2(bytes: *mut usize, d: CUdevice) => dev::device_total_mem(bytes, d);
        cuDeviceGetAttribute(v: *mut i32, attrib: CUdevice_attribute, d: CUdevice) => dev::device_get_attribute(v, attrib as i32, d);
        cuDeviceComputeCapability(major: *mut i32, minor: *mut i32, d: CUdevice) => dev::device_compute_capability(major, minor, d);
        cuDeviceGetUuid(uuid: *mut c_void, d: CUdevice) => dev::device_get_uuid(uuid.cast(), d);
        cuDeviceGetUuid_v2(uuid: *mut c_void, d: CUdevice) => dev::device_get_uuid(uuid.cast(), d);
        cuCtxCreate_v2(pctx: *mut CUcontext, flags: u32, d: CUdevice) => ctx::ctx_create(pctx, flags, d);
        cuCtxCreate_v4(pctx: *mut CUcontext, params: *mut c_void, flags: u32, d: CUdevice) => ctx::ctx_create_v4(pctx, params, flags, d);
        cuCtxDestroy(c: CUcontext) => ctx::ctx_destroy(c);
        cuCtxDestroy_v2(c: CUcontext) => ctx::ctx_destroy(c);
        cuCtxSetCurrent(c: CUcontext) => ctx::ctx_set_current(c);
        cuCtxGetCurrent(pctx: *mut CUcontext) => ctx::ctx_get_current(pctx);
        cuCtxPushCurrent(c: CUcontext) => ctx::ctx_push_current(c);
        cuCtxPushCurrent_v2(c: CUcontext) => ctx::ctx_push_current(c);
        cuCtxPopCurrent(pctx: *mut CUcontext) => ctx::ctx_pop_current(pctx);
        cuCtxPopCurrent_v2(pctx: *mut CUcontext) => ctx::ctx_pop_current(pctx);
        cuCtxSynchronize() => ctx::ctx_synchronize();
        cuCtxSynchronize_v2(c: CUcontext) => ctx::ctx_synchronize_v2(c);
        cuCtxGetDevice(d: *mut CUdevice) => ctx::ctx_get_device(d);
        cuDevicePrimaryCtxRetain(pctx: *mut CUcontext, d: CUdevice) => ctx::primary_ctx_retain(pctx, d);
        cuDevicePrimaryCtxRelease(d: CUdevice) => ctx::primary_ctx_release(d);
        cuDevicePrimaryCtxRelease_v2(d: CUdevice) => ctx::primary_ctx_release(d);
        cuModuleLoad(m: *mut CUmodule, fname: *const c_char) => md::module_load(m, fname);
        cuModuleLoadData(m: *mut CUmodule, image: *const c_void) => md::module_load_data(m, image);
        cuModuleLoadDataEx(m: *mut CUmodule, image: *const c_void, n: u32, opts: *mut CUjit_option, vals: *mut *mut c_void)
            => md::module_load_data_ex(m, image, n, opts.cast_const(), vals);
        cuModuleUnload(m: CUmodule) => md::module_unload(m);
        cuModuleGetFunction(f: *mut CUfunction, m: CUmodule, name: *const c_char) => md::module_get_function(f, m, name);
        cuModuleGetGlobal_v2(dptr: *mut CUdeviceptr, bytes: *mut usize, m: CUmodule, name: *const c_char) => md::module_get_global(dptr, bytes, m, name);
        cuMemAlloc_v2(dptr: *mut CUdeviceptr, bytes: usize) => mem::mem_alloc(dptr, bytes);
        cuMemFree_v2(dptr: CUdeviceptr) => mem::mem_free(dptr);
        cuMemGetInfo_v2(free: *mut usize, total: *mut usize) => mem::mem_get_info(free, total);
        cuMemAllocHost_v2(pp: *mut *mut c_void, bytes: usize) => mem::mem_alloc_host(pp, bytes);
        cuMemFreeHost(p: *mut c_void) => mem::mem_free_host(p);
        cuMemcpyHtoD_v2(dst: CUdeviceptr, src: *const c_void, n: usize) => mem::memcpy_htod(dst, src, n);
        cuMemcpyHtoD_v2_ptds(dst: CUdeviceptr, src: *const c_void, n: usize) => mem::memcpy_htod(dst, src, n);
        cuMemcpyDtoH_v2(dst: *mut c_void, src: CUdeviceptr, n: usize) => mem::memcpy_dtoh(dst, src, n);
        cuMemcpyDtoH_v2_ptds(dst: *mut c_void, src: CUdeviceptr, n: usize) => mem::memcpy_dtoh(dst, src, n);
        cuMemcpyDtoD_v2(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => mem::memcpy_dtod(dst, src, n);
        cuMemcpyDtoD_v2_ptds(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => mem::memcpy_dtod(dst, src, n);
        cuMemcpyHtoDAsync_v2(dst: CUdeviceptr, src: *const c_void, n: usize, s: CUstream) => mem::memcpy_htod_async(dst, src, n, s as usize);
        cuMemcpyHtoDAsync_v2_ptsz(dst: CUdeviceptr, src: *const c_void, n: usize, s: CUstream) => mem::memcpy_htod_async(dst, src, n, s as usize);
        cuMemcpyDtoHAsync_v2(dst: *mut c_void, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtoh_async(dst, src, n, s as usize);
        cuMemcpyDtoHAsync_v2_ptsz(dst: *mut c_void, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtoh_async(dst, src, n, s as usize);
        cuMemsetD8_v2(dst: CUdeviceptr, v: u8, n: usize) => mem::memset_d8(dst, v, n);
        cuMemsetD8_v2_ptds(dst: CUdeviceptr, v: u8, n: usize) => mem::memset_d8(dst, v, n);
        cuMemsetD16_v2(dst: CUdeviceptr, v: u16, n: usize) => mem::memset_d16(dst, v, n);
        cuMemsetD16_v2_ptds(dst: CUdeviceptr, v: u16, n: usize) => mem::memset_d16(dst, v, n);
        cuMemsetD32_v2(dst: CUdeviceptr, v: u32, n: usize) => mem::memset_d32(dst, v, n);
        cuMemsetD32_v2_ptds(dst: CUdeviceptr, v: u32, n: usize) => mem::memset_d32(dst, v, n);
        cuLaunchKernel(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void, extra: *mut *mut c_void)
            => ln::launch_kernel(f, gx, gy, gz, bx, by, bz, shared, s, params, extra);
        cuLaunchKernel_ptsz(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void, extra: *mut *mut c_void)
            => ln::launch_kernel(f, gx, gy, gz, bx, by, bz, shared, s, params, extra);
        cuFuncGetAttribute(v: *mut i32, attrib: CUfunction_attribute, f: CUfunction) => ln::func_get_attribute(v, attrib as i32, f);
        cuFuncSetAttribute(f: CUfunction, attrib: CUfunction_attribute, value: i32) => ln::func_set_attribute(f, attrib as i32, value);
        cuStreamCreate(ph: *mut CUstream, flags: u32) => st::stream_create(ph, flags);
        cuStreamDestroy(s: CUstream) => st::stream_destroy(s);
        cuStreamDestroy_v2(s: CUstream) => st::stream_destroy(s);
        cuStreamSynchronize(s: CUstream) => st::stream_synchronize(s);
        cuStreamSynchronize_ptsz(s: CUstream) => st::stream_synchronize(s);
        cuStreamQuery(s: CUstream) => st::stream_query(s);
        cuStreamQuery_ptsz(s: CUstream) => st::stream_query(s);
        cuStreamWaitEvent(s: CUstream, e: CUevent, flags: u32) => st::stream_wait_event(s, e, flags);
        cuStreamWaitEvent_ptsz(s: CUstream, e: CUevent, flags: u32) => st::stream_wait_event(s, e, flags);
        cuEventCreate(ph: *mut CUevent, flags: u32) => ev::event_create(ph, flags);
        cuEventRecord(e: CUevent, s: CUstream) => ev::event_record(e, s);
        cuEventRecord_ptsz(e: CUevent, s: CUstream) => ev::event_record(e, s);
        cuEventQuery(e: CUevent) => ev::event_query(e);
        cuEventSynchronize(e: CUevent) => ev::event_synchronize(e);
        cuEventElapsedTime(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
        cuEventElapsedTime_v2(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
        cuEventDestroy(e: CUevent) => ev::event_destroy(e);
        cuEventDestroy_v2(e: CUevent) => ev::event_destroy(e);
        cuGetErrorName(code: CUresult, s: *mut *const c_char) => err::get_error_name(code, s);
        cuGetErrorString(code: CUresult, s: *mut *const c_char) => err::get_error_string(code, s);
        cuGetProcAddress(symbol: *const c_char, pfn: *mut *mut c_void, version: i32, flags: cuuint64_t)
            => pa::get_proc_address(pa::Api::V1, symbol, pfn, version, flags, std::ptr::null_mut());
        cuGetProcAddress_v2(symbol: *const c_char, pfn: *mut *mut c_void, version: i32, flags: cuuint64_t, status: *mut CUdriverProcAddressQueryResult)
            => pa::get_proc_address(pa::Api::V2, symbol, pfn, version, flags, status);
    }
}

/// Bodies for every listed name: log once, return `CUDA_ERROR_NOT_SUPPORTED`.
#[allow(dead_code, non_snake_case, unused_variables, clippy::too_many_arguments)]
mod stubs {
    use super::super::generated::functions::driver_function_list;
    use super::super::generated::types::*;
    use super::super::{codes::CUDA_ERROR_NOT_SUPPORTED, fail, log, CuResult};
    use std::sync::Once;

    fn not_supported(name: &str, once: &Once) -> CuResult {
        once.call_once(|| log(format_args!("{name} is not supported yet")));
        fail(CUDA_ERROR_NOT_SUPPORTED)
    }

    macro_rules! stubs {
        ($( $name:ident ( $($arg:ident : $ty:ty),* ); )*) => {
            $(
                pub(super) unsafe fn $name($($arg: $ty),*) -> CuResult {
                    static ONCE: Once = Once::new();
                    not_supported(stringify!($name), &ONCE)
                }
            )*
        };
    }
    driver_function_list!(stubs);
}

pub use bodies::IMPLEMENTED;

macro_rules! exports {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ); )*) => {
        $(
            /// Exported driver function; see the CUDA driver API reference.
            ///
            /// # Safety
            /// Pointer arguments must be valid as the driver API documents.
            #[no_mangle]
            #[allow(non_snake_case, clippy::too_many_arguments)]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> CUresult {
                // SAFETY: the body gets the caller's arguments under the same
                // contract; `guard` stops panics at the ABI boundary.
                guard(stringify!($name), || unsafe { bodies::$name($($arg),*) })
            }
        )*
        /// Every exported driver function name, sorted (byte order).
        pub static NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Addresses of the exports, parallel to [`NAMES`].
        fn addresses() -> Vec<usize> {
            vec![$($name as *const () as usize),*]
        }
    };
}
driver_function_list!(exports);

/// The address of our export named `name` (an exact symbol such as
/// `cuMemAlloc_v2`), or None when we export no such symbol.
pub fn symbol(name: &str) -> Option<*const std::ffi::c_void> {
    static ADDRESSES: Lazy<Vec<usize>> = Lazy::new(addresses);
    NAMES.binary_search(&name).ok().map(|i| ADDRESSES[i] as *const std::ffi::c_void)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::codes::{CUDA_ERROR_NOT_SUPPORTED, CUDA_SUCCESS};
    use crate::driver::generated::functions::{BY_VALUE_STRUCT, NO_PROTOTYPE};

    #[test]
    fn names_are_sorted_and_unique() {
        assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_reference_symbol_is_exported() {
        let list = include_str!("generated/libcuda_symbols.txt");
        for name in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            assert!(symbol(name).is_some(), "{name} is not exported");
        }
    }

    #[test]
    fn implemented_names_are_listed() {
        for name in IMPLEMENTED {
            assert!(NAMES.contains(name), "{name} is implemented but not in the generated list");
        }
        let mut seen = IMPLEMENTED.to_vec();
        seen.sort();
        assert!(seen.windows(2).all(|w| w[0] != w[1]), "an implementation is listed twice");
        for name in NO_PROTOTYPE.iter().chain(BY_VALUE_STRUCT) {
            assert!(NAMES.contains(name));
        }
    }

    #[test]
    fn symbol_gives_the_export_address() {
        assert_eq!(symbol("cuMemAlloc_v2"), Some(cuMemAlloc_v2 as *const std::ffi::c_void));
        assert_eq!(symbol("cuInit"), Some(cuInit as *const std::ffi::c_void));
        assert_eq!(symbol("cuMemAlloc_v3"), None);
        assert_eq!(symbol(""), None);
    }

    #[test]
    fn unimplemented_functions_return_not_supported() {
        let mut g: *mut std::ffi::c_void = std::ptr::null_mut();
        // SAFETY: a stub touches no argument.
        unsafe {
            assert_eq!(cuGraphCreate(&mut g, 0), CUDA_ERROR_NOT_SUPPORTED);
            assert_eq!(cuGraphCreate(&mut g, 0), CUDA_ERROR_NOT_SUPPORTED);
            assert_eq!(cudbgMain(), CUDA_ERROR_NOT_SUPPORTED);
            assert_eq!(cuMemAlloc(std::ptr::null_mut(), 16), CUDA_ERROR_NOT_SUPPORTED);
        }
        let mut v = 0;
        // SAFETY: valid out-pointer.
        assert_eq!(unsafe { cuDriverGetVersion(&mut v) }, CUDA_SUCCESS);
    }
}
