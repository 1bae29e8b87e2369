//! The one list of driver functions: C name, parameters, and the Rust body.
//! It generates the guarded `#[no_mangle] extern "C"` exports and the name
//! list (`NAMES`) that later layers (proc-address lookup, forwarding,
//! tracing) share. Names are the symbols NVIDIA's driver exports (the ABI
//! variant, e.g. `cuMemAlloc_v2`).

use super::codes::CUresult;
use super::{
    context as ctx, device as dev, error as err, event as ev, guard, launch as ln, memory as mem, module as md,
    stream as st,
};
use std::ffi::{c_char, c_void};

type CUcontext = *mut c_void;
type CUmodule = *mut c_void;
type CUfunction = *mut c_void;
type CUstream = *mut c_void;
type CUevent = *mut c_void;
type CUdeviceptr = u64;

macro_rules! driver_functions {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ) => $body:expr ;)*) => {
        $(
            /// Exported driver function; see the CUDA driver API reference.
            ///
            /// # Safety
            /// Pointer arguments must be valid as the driver API documents.
            #[no_mangle]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> CUresult {
                // SAFETY: the body forwards the caller's pointers under the
                // same contract; `guard` stops panics at the ABI boundary.
                #[allow(unused_unsafe)]
                guard(stringify!($name), || unsafe { $body })
            }
        )*
        /// Every exported driver function name, in table order.
        pub static NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

driver_functions! {
    cuInit(flags: u32) => dev::init(flags);
    cuDriverGetVersion(v: *mut i32) => dev::driver_get_version(v);
    cuDeviceGet(d: *mut i32, ordinal: i32) => dev::device_get(d, ordinal);
    cuDeviceGetCount(n: *mut i32) => dev::device_get_count(n);
    cuDeviceGetName(name: *mut c_char, len: i32, d: i32) => dev::device_get_name(name, len, d);
    cuDeviceTotalMem_v2(bytes: *mut usize, d: i32) => dev::device_total_mem(bytes, d);
    cuDeviceGetAttribute(v: *mut i32, attrib: i32, d: i32) => dev::device_get_attribute(v, attrib, d);
    cuDeviceComputeCapability(major: *mut i32, minor: *mut i32, d: i32) => dev::device_compute_capability(major, minor, d);
    cuDeviceGetUuid(uuid: *mut [u8; 16], d: i32) => dev::device_get_uuid(uuid, d);
    cuDeviceGetUuid_v2(uuid: *mut [u8; 16], d: i32) => dev::device_get_uuid(uuid, d);
    cuCtxCreate_v2(pctx: *mut CUcontext, flags: u32, d: i32) => ctx::ctx_create(pctx, flags, d);
    cuCtxCreate_v4(pctx: *mut CUcontext, params: *mut c_void, flags: u32, d: i32) => ctx::ctx_create_v4(pctx, params, flags, d);
    cuCtxDestroy_v2(c: CUcontext) => ctx::ctx_destroy(c);
    cuCtxSetCurrent(c: CUcontext) => ctx::ctx_set_current(c);
    cuCtxGetCurrent(pctx: *mut CUcontext) => ctx::ctx_get_current(pctx);
    cuCtxPushCurrent_v2(c: CUcontext) => ctx::ctx_push_current(c);
    cuCtxPopCurrent_v2(pctx: *mut CUcontext) => ctx::ctx_pop_current(pctx);
    cuCtxSynchronize() => ctx::ctx_synchronize();
    cuCtxSynchronize_v2(c: CUcontext) => ctx::ctx_synchronize_v2(c);
    cuCtxGetDevice(d: *mut i32) => ctx::ctx_get_device(d);
    cuDevicePrimaryCtxRetain(pctx: *mut CUcontext, d: i32) => ctx::primary_ctx_retain(pctx, d);
    cuDevicePrimaryCtxRelease_v2(d: i32) => ctx::primary_ctx_release(d);
    cuModuleLoad(m: *mut CUmodule, fname: *const c_char) => md::module_load(m, fname);
    cuModuleLoadData(m: *mut CUmodule, image: *const c_void) => md::module_load_data(m, image);
    cuModuleLoadDataEx(m: *mut CUmodule, image: *const c_void, n: u32, opts: *const u32, vals: *mut *mut c_void) => md::module_load_data_ex(m, image, n, opts, vals);
    cuModuleUnload(m: CUmodule) => md::module_unload(m);
    cuModuleGetFunction(f: *mut CUfunction, m: CUmodule, name: *const c_char) => md::module_get_function(f, m, name);
    cuModuleGetGlobal_v2(dptr: *mut CUdeviceptr, bytes: *mut usize, m: CUmodule, name: *const c_char) => md::module_get_global(dptr, bytes, m, name);
    cuMemAlloc_v2(dptr: *mut CUdeviceptr, bytes: usize) => mem::mem_alloc(dptr, bytes);
    cuMemFree_v2(dptr: CUdeviceptr) => mem::mem_free(dptr);
    cuMemGetInfo_v2(free: *mut usize, total: *mut usize) => mem::mem_get_info(free, total);
    cuMemAllocHost_v2(pp: *mut *mut c_void, bytes: usize) => mem::mem_alloc_host(pp, bytes);
    cuMemFreeHost(p: *mut c_void) => mem::mem_free_host(p);
    cuMemcpyHtoD_v2(dst: CUdeviceptr, src: *const c_void, n: usize) => mem::memcpy_htod(dst, src, n);
    cuMemcpyDtoH_v2(dst: *mut c_void, src: CUdeviceptr, n: usize) => mem::memcpy_dtoh(dst, src, n);
    cuMemcpyDtoD_v2(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => mem::memcpy_dtod(dst, src, n);
    cuMemcpyHtoDAsync_v2(dst: CUdeviceptr, src: *const c_void, n: usize, s: CUstream) => mem::memcpy_htod_async(dst, src, n, s as usize);
    cuMemcpyDtoHAsync_v2(dst: *mut c_void, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtoh_async(dst, src, n, s as usize);
    cuMemsetD8_v2(dst: CUdeviceptr, v: u8, n: usize) => mem::memset_d8(dst, v, n);
    cuMemsetD16_v2(dst: CUdeviceptr, v: u16, n: usize) => mem::memset_d16(dst, v, n);
    cuMemsetD32_v2(dst: CUdeviceptr, v: u32, n: usize) => mem::memset_d32(dst, v, n);
    cuLaunchKernel(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void, extra: *mut *mut c_void)
        => ln::launch_kernel(f, gx, gy, gz, bx, by, bz, shared, s, params, extra);
    cuFuncGetAttribute(v: *mut i32, attrib: i32, f: CUfunction) => ln::func_get_attribute(v, attrib, f);
    cuFuncSetAttribute(f: CUfunction, attrib: i32, value: i32) => ln::func_set_attribute(f, attrib, value);
    cuStreamCreate(ph: *mut CUstream, flags: u32) => st::stream_create(ph, flags);
    cuStreamDestroy_v2(s: CUstream) => st::stream_destroy(s);
    cuStreamSynchronize(s: CUstream) => st::stream_synchronize(s);
    cuStreamQuery(s: CUstream) => st::stream_query(s);
    cuStreamWaitEvent(s: CUstream, e: CUevent, flags: u32) => st::stream_wait_event(s, e, flags);
    cuEventCreate(ph: *mut CUevent, flags: u32) => ev::event_create(ph, flags);
    cuEventRecord(e: CUevent, s: CUstream) => ev::event_record(e, s);
    cuEventQuery(e: CUevent) => ev::event_query(e);
    cuEventSynchronize(e: CUevent) => ev::event_synchronize(e);
    cuEventElapsedTime(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
    cuEventElapsedTime_v2(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
    cuEventDestroy_v2(e: CUevent) => ev::event_destroy(e);
    cuGetErrorName(code: CUresult, s: *mut *const c_char) => err::get_error_name(code, s);
    cuGetErrorString(code: CUresult, s: *mut *const c_char) => err::get_error_string(code, s);
}
