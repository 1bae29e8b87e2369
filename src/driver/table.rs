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
//! In the forward backend (`forward/`) each export calls the real driver's
//! function of the same name instead of the body; with `SOFTCUDA_TRACE` set
//! (`trace/`) each call, in either backend, is logged with its arguments.
//!
//! A body's parameter types must be the generated ones: the export calls it
//! with its own arguments, so the compiler checks the match.

use super::codes::{CUresult, CUDA_ERROR_NOT_INITIALIZED, CUDA_ERROR_NOT_SUPPORTED};
use super::generated::functions::driver_function_list;
use super::generated::types::*;
use super::guard;
use crate::forward::Backend;
use once_cell::sync::Lazy;
use std::ffi::CStr;
use std::sync::atomic::AtomicUsize;

/// The bodies of implemented functions, named like their export. An item
/// defined here shadows the glob-imported stub of the same name; every other
/// name resolves to its stub.
#[allow(non_snake_case, clippy::too_many_arguments)]
mod bodies {
    use super::super::generated::types::*;
    use super::super::{
        context as ctx, device as dev, error as err, event as ev, export_table as et, launch as ln, library as lib,
        link as lk, memcpy as mc, memory as mem, module as md, occupancy as occ, pool, proc_address as pa,
        stream as st, CuResult,
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
    // bodies; in them a NULL stream is the calling thread's per-thread
    // default stream (`st::ptsz`), and synchronous copies and memsets run
    // in that stream's order instead of the legacy stream's (`st::synced`).
    // Old unversioned names share a body only where their signature is the
    // new one's.
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
        cuMemcpyHtoD_v2(dst: CUdeviceptr, src: *const c_void, n: usize) => st::synced(0, || mem::memcpy_htod(dst, src, n));
        cuMemcpyHtoD_v2_ptds(dst: CUdeviceptr, src: *const c_void, n: usize) => st::synced(st::PER_THREAD, || mem::memcpy_htod(dst, src, n));
        cuMemcpyDtoH_v2(dst: *mut c_void, src: CUdeviceptr, n: usize) => st::synced(0, || mem::memcpy_dtoh(dst, src, n));
        cuMemcpyDtoH_v2_ptds(dst: *mut c_void, src: CUdeviceptr, n: usize) => st::synced(st::PER_THREAD, || mem::memcpy_dtoh(dst, src, n));
        cuMemcpyDtoD_v2(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => st::synced(0, || mem::memcpy_dtod(dst, src, n));
        cuMemcpyDtoD_v2_ptds(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => st::synced(st::PER_THREAD, || mem::memcpy_dtod(dst, src, n));
        cuMemcpyHtoDAsync_v2(dst: CUdeviceptr, src: *const c_void, n: usize, s: CUstream) => mem::memcpy_htod_async(dst, src, n, s as usize);
        cuMemcpyHtoDAsync_v2_ptsz(dst: CUdeviceptr, src: *const c_void, n: usize, s: CUstream) => mem::memcpy_htod_async(dst, src, n, st::ptsz_u(s as usize));
        cuMemcpyDtoHAsync_v2(dst: *mut c_void, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtoh_async(dst, src, n, s as usize);
        cuMemcpyDtoHAsync_v2_ptsz(dst: *mut c_void, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtoh_async(dst, src, n, st::ptsz_u(s as usize));
        cuMemsetD8_v2(dst: CUdeviceptr, v: u8, n: usize) => st::synced(0, || mem::memset_d8(dst, v, n));
        cuMemsetD8_v2_ptds(dst: CUdeviceptr, v: u8, n: usize) => st::synced(st::PER_THREAD, || mem::memset_d8(dst, v, n));
        cuMemsetD16_v2(dst: CUdeviceptr, v: u16, n: usize) => st::synced(0, || mem::memset_d16(dst, v, n));
        cuMemsetD16_v2_ptds(dst: CUdeviceptr, v: u16, n: usize) => st::synced(st::PER_THREAD, || mem::memset_d16(dst, v, n));
        cuMemsetD32_v2(dst: CUdeviceptr, v: u32, n: usize) => st::synced(0, || mem::memset_d32(dst, v, n));
        cuMemsetD32_v2_ptds(dst: CUdeviceptr, v: u32, n: usize) => st::synced(st::PER_THREAD, || mem::memset_d32(dst, v, n));
        // Memory (issue 4 item 4): allocations, registered host memory,
        // pointer queries, copies (1D, 2D, 3D, peer), memsets, memory pools.
        cuMemAllocPitch_v2(dptr: *mut CUdeviceptr, pitch: *mut usize, w: usize, h: usize, elem: u32) => mem::mem_alloc_pitch(dptr, pitch, w, h, elem);
        cuMemAllocManaged(dptr: *mut CUdeviceptr, bytes: usize, flags: u32) => mem::mem_alloc_managed(dptr, bytes, flags);
        cuMemHostAlloc(pp: *mut *mut c_void, bytes: usize, flags: u32) => mem::mem_host_alloc(pp, bytes, flags);
        cuMemHostRegister(p: *mut c_void, bytes: usize, flags: u32) => mem::mem_host_register(p, bytes, flags);
        cuMemHostRegister_v2(p: *mut c_void, bytes: usize, flags: u32) => mem::mem_host_register(p, bytes, flags);
        cuMemHostUnregister(p: *mut c_void) => mem::mem_host_unregister(p);
        cuMemHostGetDevicePointer_v2(pdptr: *mut CUdeviceptr, p: *mut c_void, flags: u32) => mem::mem_host_get_device_pointer(pdptr, p, flags);
        cuMemHostGetFlags(pflags: *mut u32, p: *mut c_void) => mem::mem_host_get_flags(pflags, p);
        cuMemGetAddressRange_v2(pbase: *mut CUdeviceptr, psize: *mut usize, dptr: CUdeviceptr) => mem::mem_get_address_range(pbase, psize, dptr);
        cuPointerGetAttribute(data: *mut c_void, attr: CUpointer_attribute, ptr: CUdeviceptr) => mem::pointer_get_attribute(data, attr as u32, ptr);
        cuPointerGetAttributes(n: u32, attrs: *mut CUpointer_attribute, data: *mut *mut c_void, ptr: CUdeviceptr) => mem::pointer_get_attributes(n, attrs.cast(), data, ptr);
        cuPointerSetAttribute(value: *const c_void, attr: CUpointer_attribute, ptr: CUdeviceptr) => mem::pointer_set_attribute(value, attr as u32, ptr);
        cuMemcpy(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => st::synced(0, || mem::memcpy(dst, src, n));
        cuMemcpy_ptds(dst: CUdeviceptr, src: CUdeviceptr, n: usize) => st::synced(st::PER_THREAD, || mem::memcpy(dst, src, n));
        cuMemcpyAsync(dst: CUdeviceptr, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_async(dst, src, n, s as usize);
        cuMemcpyAsync_ptsz(dst: CUdeviceptr, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_async(dst, src, n, st::ptsz_u(s as usize));
        cuMemcpyDtoDAsync_v2(dst: CUdeviceptr, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtod_async(dst, src, n, s as usize);
        cuMemcpyDtoDAsync_v2_ptsz(dst: CUdeviceptr, src: CUdeviceptr, n: usize, s: CUstream) => mem::memcpy_dtod_async(dst, src, n, st::ptsz_u(s as usize));
        cuMemcpyPeer(dst: CUdeviceptr, dc: CUcontext, src: CUdeviceptr, sc: CUcontext, n: usize) => st::synced(0, || mem::memcpy_peer(dst, dc, src, sc, n));
        cuMemcpyPeer_ptds(dst: CUdeviceptr, dc: CUcontext, src: CUdeviceptr, sc: CUcontext, n: usize) => st::synced(st::PER_THREAD, || mem::memcpy_peer(dst, dc, src, sc, n));
        cuMemcpyPeerAsync(dst: CUdeviceptr, dc: CUcontext, src: CUdeviceptr, sc: CUcontext, n: usize, s: CUstream) => mem::memcpy_peer_async(dst, dc, src, sc, n, s as usize);
        cuMemcpyPeerAsync_ptsz(dst: CUdeviceptr, dc: CUcontext, src: CUdeviceptr, sc: CUcontext, n: usize, s: CUstream) => mem::memcpy_peer_async(dst, dc, src, sc, n, st::ptsz_u(s as usize));
        cuMemcpy2D_v2(p: *const c_void) => st::synced(0, || mc::memcpy_2d(p));
        cuMemcpy2D_v2_ptds(p: *const c_void) => st::synced(st::PER_THREAD, || mc::memcpy_2d(p));
        cuMemcpy2DUnaligned_v2(p: *const c_void) => st::synced(0, || mc::memcpy_2d(p));
        cuMemcpy2DUnaligned_v2_ptds(p: *const c_void) => st::synced(st::PER_THREAD, || mc::memcpy_2d(p));
        cuMemcpy2DAsync_v2(p: *const c_void, s: CUstream) => mc::memcpy_2d_async(p, s as usize);
        cuMemcpy2DAsync_v2_ptsz(p: *const c_void, s: CUstream) => mc::memcpy_2d_async(p, st::ptsz_u(s as usize));
        cuMemcpy3D_v2(p: *const c_void) => st::synced(0, || mc::memcpy_3d(p));
        cuMemcpy3D_v2_ptds(p: *const c_void) => st::synced(st::PER_THREAD, || mc::memcpy_3d(p));
        cuMemcpy3DAsync_v2(p: *const c_void, s: CUstream) => mc::memcpy_3d_async(p, s as usize);
        cuMemcpy3DAsync_v2_ptsz(p: *const c_void, s: CUstream) => mc::memcpy_3d_async(p, st::ptsz_u(s as usize));
        cuMemcpy3DPeer(p: *const c_void) => st::synced(0, || mc::memcpy_3d_peer(p));
        cuMemcpy3DPeer_ptds(p: *const c_void) => st::synced(st::PER_THREAD, || mc::memcpy_3d_peer(p));
        cuMemcpy3DPeerAsync(p: *const c_void, s: CUstream) => mc::memcpy_3d_peer_async(p, s as usize);
        cuMemcpy3DPeerAsync_ptsz(p: *const c_void, s: CUstream) => mc::memcpy_3d_peer_async(p, st::ptsz_u(s as usize));
        cuMemsetD8Async(dst: CUdeviceptr, v: u8, n: usize, s: CUstream) => mem::memset_d8_async(dst, v, n, s as usize);
        cuMemsetD8Async_ptsz(dst: CUdeviceptr, v: u8, n: usize, s: CUstream) => mem::memset_d8_async(dst, v, n, st::ptsz_u(s as usize));
        cuMemsetD16Async(dst: CUdeviceptr, v: u16, n: usize, s: CUstream) => mem::memset_d16_async(dst, v, n, s as usize);
        cuMemsetD16Async_ptsz(dst: CUdeviceptr, v: u16, n: usize, s: CUstream) => mem::memset_d16_async(dst, v, n, st::ptsz_u(s as usize));
        cuMemsetD32Async(dst: CUdeviceptr, v: u32, n: usize, s: CUstream) => mem::memset_d32_async(dst, v, n, s as usize);
        cuMemsetD32Async_ptsz(dst: CUdeviceptr, v: u32, n: usize, s: CUstream) => mem::memset_d32_async(dst, v, n, st::ptsz_u(s as usize));
        cuMemsetD2D8_v2(dst: CUdeviceptr, pitch: usize, v: u8, w: usize, h: usize) => st::synced(0, || mem::memset_d2d8(dst, pitch, v, w, h));
        cuMemsetD2D8_v2_ptds(dst: CUdeviceptr, pitch: usize, v: u8, w: usize, h: usize) => st::synced(st::PER_THREAD, || mem::memset_d2d8(dst, pitch, v, w, h));
        cuMemsetD2D16_v2(dst: CUdeviceptr, pitch: usize, v: u16, w: usize, h: usize) => st::synced(0, || mem::memset_d2d16(dst, pitch, v, w, h));
        cuMemsetD2D16_v2_ptds(dst: CUdeviceptr, pitch: usize, v: u16, w: usize, h: usize) => st::synced(st::PER_THREAD, || mem::memset_d2d16(dst, pitch, v, w, h));
        cuMemsetD2D32_v2(dst: CUdeviceptr, pitch: usize, v: u32, w: usize, h: usize) => st::synced(0, || mem::memset_d2d32(dst, pitch, v, w, h));
        cuMemsetD2D32_v2_ptds(dst: CUdeviceptr, pitch: usize, v: u32, w: usize, h: usize) => st::synced(st::PER_THREAD, || mem::memset_d2d32(dst, pitch, v, w, h));
        cuMemsetD2D8Async(dst: CUdeviceptr, pitch: usize, v: u8, w: usize, h: usize, s: CUstream) => mem::memset_d2d8_async(dst, pitch, v, w, h, s as usize);
        cuMemsetD2D8Async_ptsz(dst: CUdeviceptr, pitch: usize, v: u8, w: usize, h: usize, s: CUstream) => mem::memset_d2d8_async(dst, pitch, v, w, h, st::ptsz_u(s as usize));
        cuMemsetD2D16Async(dst: CUdeviceptr, pitch: usize, v: u16, w: usize, h: usize, s: CUstream) => mem::memset_d2d16_async(dst, pitch, v, w, h, s as usize);
        cuMemsetD2D16Async_ptsz(dst: CUdeviceptr, pitch: usize, v: u16, w: usize, h: usize, s: CUstream) => mem::memset_d2d16_async(dst, pitch, v, w, h, st::ptsz_u(s as usize));
        cuMemsetD2D32Async(dst: CUdeviceptr, pitch: usize, v: u32, w: usize, h: usize, s: CUstream) => mem::memset_d2d32_async(dst, pitch, v, w, h, s as usize);
        cuMemsetD2D32Async_ptsz(dst: CUdeviceptr, pitch: usize, v: u32, w: usize, h: usize, s: CUstream) => mem::memset_d2d32_async(dst, pitch, v, w, h, st::ptsz_u(s as usize));
        cuMemPrefetchAsync(p: CUdeviceptr, n: usize, d: CUdevice, s: CUstream) => mem::mem_prefetch_async(p, n, d, s as usize);
        cuMemPrefetchAsync_ptsz(p: CUdeviceptr, n: usize, d: CUdevice, s: CUstream) => mem::mem_prefetch_async(p, n, d, st::ptsz_u(s as usize));
        cuMemPrefetchAsync_v2(p: CUdeviceptr, n: usize, l: CUmemLocation, flags: u32, s: CUstream) => mem::mem_prefetch_async_v2(p, n, l.type_, l.id, flags, s as usize);
        cuMemPrefetchAsync_v2_ptsz(p: CUdeviceptr, n: usize, l: CUmemLocation, flags: u32, s: CUstream) => mem::mem_prefetch_async_v2(p, n, l.type_, l.id, flags, st::ptsz_u(s as usize));
        cuMemAdvise(p: CUdeviceptr, n: usize, advice: CUmem_advise, d: CUdevice) => mem::mem_advise(p, n, advice, d);
        cuMemAdvise_v2(p: CUdeviceptr, n: usize, advice: CUmem_advise, l: CUmemLocation) => mem::mem_advise_v2(p, n, advice, l.type_, l.id);
        cuDeviceGetDefaultMemPool(p: *mut CUmemoryPool, d: CUdevice) => pool::device_get_default_mem_pool(p, d);
        cuDeviceGetMemPool(p: *mut CUmemoryPool, d: CUdevice) => pool::device_get_mem_pool(p, d);
        cuDeviceSetMemPool(d: CUdevice, p: CUmemoryPool) => pool::device_set_mem_pool(d, p);
        cuMemPoolCreate(p: *mut CUmemoryPool, props: *const c_void) => pool::mem_pool_create(p, props);
        cuMemPoolDestroy(p: CUmemoryPool) => pool::mem_pool_destroy(p);
        cuMemPoolTrimTo(p: CUmemoryPool, keep: usize) => pool::mem_pool_trim_to(p, keep);
        cuMemPoolGetAttribute(p: CUmemoryPool, a: CUmemPool_attribute, v: *mut c_void) => pool::mem_pool_get_attribute(p, a as u32, v);
        cuMemPoolSetAttribute(p: CUmemoryPool, a: CUmemPool_attribute, v: *mut c_void) => pool::mem_pool_set_attribute(p, a as u32, v);
        cuMemAllocAsync(dptr: *mut CUdeviceptr, bytes: usize, s: CUstream) => pool::mem_alloc_async(dptr, bytes, s as usize);
        cuMemAllocAsync_ptsz(dptr: *mut CUdeviceptr, bytes: usize, s: CUstream) => pool::mem_alloc_async(dptr, bytes, st::ptsz_u(s as usize));
        cuMemAllocFromPoolAsync(dptr: *mut CUdeviceptr, bytes: usize, p: CUmemoryPool, s: CUstream) => pool::mem_alloc_from_pool_async(dptr, bytes, p, s as usize);
        cuMemAllocFromPoolAsync_ptsz(dptr: *mut CUdeviceptr, bytes: usize, p: CUmemoryPool, s: CUstream) => pool::mem_alloc_from_pool_async(dptr, bytes, p, st::ptsz_u(s as usize));
        cuMemFreeAsync(dptr: CUdeviceptr, s: CUstream) => pool::mem_free_async(dptr, s as usize);
        cuMemFreeAsync_ptsz(dptr: CUdeviceptr, s: CUstream) => pool::mem_free_async(dptr, st::ptsz_u(s as usize));
        cuLaunchKernel(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void, extra: *mut *mut c_void)
            => ln::launch_kernel(f, gx, gy, gz, bx, by, bz, shared, s, params, extra);
        cuLaunchKernel_ptsz(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void, extra: *mut *mut c_void)
            => ln::launch_kernel(f, gx, gy, gz, bx, by, bz, shared, st::ptsz(s), params, extra);
        cuLaunchCooperativeKernel(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void)
            => ln::launch_cooperative_kernel(f, gx, gy, gz, bx, by, bz, shared, s, params);
        cuLaunchCooperativeKernel_ptsz(f: CUfunction, gx: u32, gy: u32, gz: u32, bx: u32, by: u32, bz: u32, shared: u32, s: CUstream, params: *mut *mut c_void)
            => ln::launch_cooperative_kernel(f, gx, gy, gz, bx, by, bz, shared, st::ptsz(s), params);
        cuFuncGetAttribute(v: *mut i32, attrib: CUfunction_attribute, f: CUfunction) => ln::func_get_attribute(v, attrib as i32, f);
        cuFuncSetAttribute(f: CUfunction, attrib: CUfunction_attribute, value: i32) => ln::func_set_attribute(f, attrib as i32, value);
        cuStreamCreate(ph: *mut CUstream, flags: u32) => st::stream_create(ph, flags);
        cuStreamDestroy(s: CUstream) => st::stream_destroy(s);
        cuStreamCreateWithPriority(ph: *mut CUstream, flags: u32, priority: i32) => st::stream_create_with_priority(ph, flags, priority);
        cuLaunchHostFunc(s: CUstream, f: CUhostFn, user: *mut c_void) => st::launch_host_func(s, f, user);
        cuLaunchHostFunc_ptsz(s: CUstream, f: CUhostFn, user: *mut c_void) => st::launch_host_func(st::ptsz(s), f, user);
        cuStreamAddCallback(s: CUstream, f: CUstreamCallback, user: *mut c_void, flags: u32) => st::stream_add_callback(s, f, user, flags);
        cuStreamAddCallback_ptsz(s: CUstream, f: CUstreamCallback, user: *mut c_void, flags: u32) => st::stream_add_callback(st::ptsz(s), f, user, flags);
        cuStreamGetPriority(s: CUstream, p: *mut i32) => st::stream_get_priority(s, p);
        cuStreamGetPriority_ptsz(s: CUstream, p: *mut i32) => st::stream_get_priority(st::ptsz(s), p);
        cuStreamGetFlags(s: CUstream, p: *mut u32) => st::stream_get_flags(s, p);
        cuStreamGetFlags_ptsz(s: CUstream, p: *mut u32) => st::stream_get_flags(st::ptsz(s), p);
        cuStreamGetCtx(s: CUstream, p: *mut CUcontext) => st::stream_get_ctx(s, p);
        cuStreamGetCtx_ptsz(s: CUstream, p: *mut CUcontext) => st::stream_get_ctx(st::ptsz(s), p);
        cuStreamGetId(s: CUstream, p: *mut u64) => st::stream_get_id(s, p);
        cuStreamGetId_ptsz(s: CUstream, p: *mut u64) => st::stream_get_id(st::ptsz(s), p);
        cuStreamDestroy_v2(s: CUstream) => st::stream_destroy(s);
        cuStreamSynchronize(s: CUstream) => st::stream_synchronize(s);
        cuStreamSynchronize_ptsz(s: CUstream) => st::stream_synchronize(st::ptsz(s));
        cuStreamQuery(s: CUstream) => st::stream_query(s);
        cuStreamQuery_ptsz(s: CUstream) => st::stream_query(st::ptsz(s));
        cuStreamWaitEvent(s: CUstream, e: CUevent, flags: u32) => st::stream_wait_event(s, e, flags);
        cuStreamWaitEvent_ptsz(s: CUstream, e: CUevent, flags: u32) => st::stream_wait_event(st::ptsz(s), e, flags);
        cuEventCreate(ph: *mut CUevent, flags: u32) => ev::event_create(ph, flags);
        cuEventRecord(e: CUevent, s: CUstream) => ev::event_record(e, s);
        cuStreamIsCapturing(s: CUstream, st_: *mut CUstreamCaptureStatus) => st::stream_is_capturing(s, st_);
        cuStreamIsCapturing_ptsz(s: CUstream, st_: *mut CUstreamCaptureStatus) => st::stream_is_capturing(st::ptsz(s), st_);
        cuStreamGetCaptureInfo(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t)
            => st::stream_get_capture_info(s, st_, id, std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
        cuStreamGetCaptureInfo_ptsz(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t)
            => st::stream_get_capture_info(st::ptsz(s), st_, id, std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
        cuStreamGetCaptureInfo_v2(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t, g: *mut CUgraph, d: *mut *const CUgraphNode, nd: *mut usize)
            => st::stream_get_capture_info(s, st_, id, g.cast(), d.cast(), std::ptr::null_mut(), nd);
        cuStreamGetCaptureInfo_v2_ptsz(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t, g: *mut CUgraph, d: *mut *const CUgraphNode, nd: *mut usize)
            => st::stream_get_capture_info(st::ptsz(s), st_, id, g.cast(), d.cast(), std::ptr::null_mut(), nd);
        cuStreamGetCaptureInfo_v3(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t, g: *mut CUgraph, d: *mut *const CUgraphNode, e: *mut *const c_void, nd: *mut usize)
            => st::stream_get_capture_info(s, st_, id, g.cast(), d.cast(), e, nd);
        cuStreamGetCaptureInfo_v3_ptsz(s: CUstream, st_: *mut CUstreamCaptureStatus, id: *mut cuuint64_t, g: *mut CUgraph, d: *mut *const CUgraphNode, e: *mut *const c_void, nd: *mut usize)
            => st::stream_get_capture_info(st::ptsz(s), st_, id, g.cast(), d.cast(), e, nd);
        cuStreamGetDevice(s: CUstream, d: *mut CUdevice) => st::stream_get_device(s, d);
        cuStreamGetDevice_ptsz(s: CUstream, d: *mut CUdevice) => st::stream_get_device(st::ptsz(s), d);
        cuStreamGetCtx_v2(s: CUstream, c: *mut CUcontext, g: *mut CUgreenCtx) => st::stream_get_ctx_v2(s, c, g.cast());
        cuStreamGetCtx_v2_ptsz(s: CUstream, c: *mut CUcontext, g: *mut CUgreenCtx) => st::stream_get_ctx_v2(st::ptsz(s), c, g.cast());
        cuStreamAttachMemAsync(s: CUstream, p: CUdeviceptr, n: usize, flags: u32) => st::stream_attach_mem_async(s, p, n, flags);
        cuStreamAttachMemAsync_ptsz(s: CUstream, p: CUdeviceptr, n: usize, flags: u32) => st::stream_attach_mem_async(st::ptsz(s), p, n, flags);
        cuStreamGetAttribute(s: CUstream, a: CUstreamAttrID, v: *mut c_void) => st::stream_get_attribute(s, a, v);
        cuStreamGetAttribute_ptsz(s: CUstream, a: CUstreamAttrID, v: *mut c_void) => st::stream_get_attribute(st::ptsz(s), a, v);
        cuStreamSetAttribute(s: CUstream, a: CUstreamAttrID, v: *const c_void) => st::stream_set_attribute(s, a, v);
        cuStreamSetAttribute_ptsz(s: CUstream, a: CUstreamAttrID, v: *const c_void) => st::stream_set_attribute(st::ptsz(s), a, v);
        cuStreamCopyAttributes(d: CUstream, s: CUstream) => st::stream_copy_attributes(d, s);
        cuStreamCopyAttributes_ptsz(d: CUstream, s: CUstream) => st::stream_copy_attributes(st::ptsz(d), st::ptsz(s));
        cuThreadExchangeStreamCaptureMode(mode: *mut CUstreamCaptureMode) => st::thread_exchange_stream_capture_mode(mode);
        cuEventRecord_ptsz(e: CUevent, s: CUstream) => ev::event_record(e, st::ptsz(s));
        cuEventRecordWithFlags(e: CUevent, s: CUstream, flags: u32) => ev::event_record_with_flags(e, s, flags);
        cuEventRecordWithFlags_ptsz(e: CUevent, s: CUstream, flags: u32) => ev::event_record_with_flags(e, st::ptsz(s), flags);
        cuEventQuery(e: CUevent) => ev::event_query(e);
        cuEventSynchronize(e: CUevent) => ev::event_synchronize(e);
        cuEventElapsedTime(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
        cuEventElapsedTime_v2(ms: *mut f32, start: CUevent, end: CUevent) => ev::event_elapsed_time(ms, start, end);
        cuEventDestroy(e: CUevent) => ev::event_destroy(e);
        cuEventDestroy_v2(e: CUevent) => ev::event_destroy(e);
        // Contexts, devices, modules and libraries (issue 4 items 3, 6, 9, 10)
        cuCtxCreate(pctx: *mut CUcontext, flags: u32, d: CUdevice) => ctx::ctx_create(pctx, flags, d);
        cuCtxCreate_v3(pctx: *mut CUcontext, params: *mut c_void, n: i32, flags: u32, d: CUdevice) => ctx::ctx_create_v3(pctx, params, n, flags, d);
        cuCtxGetDevice_v2(d: *mut CUdevice, c: CUcontext) => ctx::ctx_get_device_v2(d, c);
        cuCtxGetFlags(flags: *mut u32) => ctx::ctx_get_flags(flags);
        cuCtxSetFlags(flags: u32) => ctx::ctx_set_flags(flags);
        cuCtxGetApiVersion(c: CUcontext, v: *mut u32) => ctx::ctx_get_api_version(c, v);
        cuCtxGetId(c: CUcontext, id: *mut u64) => ctx::ctx_get_id(c, id);
        cuCtxGetLimit(v: *mut usize, limit: CUlimit) => ctx::ctx_get_limit(v, limit);
        cuCtxSetLimit(limit: CUlimit, v: usize) => ctx::ctx_set_limit(limit, v);
        cuCtxGetCacheConfig(c: *mut CUfunc_cache) => ctx::ctx_get_cache_config(c);
        cuCtxSetCacheConfig(c: CUfunc_cache) => ctx::ctx_set_cache_config(c);
        cuCtxGetSharedMemConfig(c: *mut CUsharedconfig) => ctx::ctx_get_shared_mem_config(c);
        cuCtxSetSharedMemConfig(c: CUsharedconfig) => ctx::ctx_set_shared_mem_config(c);
        cuCtxGetStreamPriorityRange(least: *mut i32, greatest: *mut i32) => ctx::ctx_get_stream_priority_range(least, greatest);
        cuCtxResetPersistingL2Cache() => ctx::ctx_reset_persisting_l2_cache();
        cuCtxEnablePeerAccess(peer: CUcontext, flags: u32) => ctx::ctx_enable_peer_access(peer, flags);
        cuCtxDisablePeerAccess(peer: CUcontext) => ctx::ctx_disable_peer_access(peer);
        cuDevicePrimaryCtxGetState(d: CUdevice, flags: *mut u32, active: *mut i32) => ctx::primary_ctx_get_state(d, flags, active);
        cuDevicePrimaryCtxSetFlags(d: CUdevice, flags: u32) => ctx::primary_ctx_set_flags(d, flags, false);
        cuDevicePrimaryCtxSetFlags_v2(d: CUdevice, flags: u32) => ctx::primary_ctx_set_flags(d, flags, true);
        cuDevicePrimaryCtxReset(d: CUdevice) => ctx::primary_ctx_reset(d);
        cuDevicePrimaryCtxReset_v2(d: CUdevice) => ctx::primary_ctx_reset(d);
        cuDeviceGetPCIBusId(id: *mut c_char, len: i32, d: CUdevice) => dev::device_get_pci_bus_id(id, len, d);
        cuDeviceGetByPCIBusId(d: *mut CUdevice, id: *const c_char) => dev::device_get_by_pci_bus_id(d, id);
        cuDeviceCanAccessPeer(can: *mut i32, d: CUdevice, peer: CUdevice) => dev::device_can_access_peer(can, d, peer);
        cuDeviceGetP2PAttribute(v: *mut i32, attrib: CUdevice_P2PAttribute, src: CUdevice, dst: CUdevice) => dev::device_get_p2p_attribute(v, attrib, src, dst);
        cuDeviceGetLuid(luid: *mut c_char, mask: *mut u32, d: CUdevice) => dev::device_get_luid(luid, mask, d);
        cuDeviceGetTexture1DLinearMaxWidth(w: *mut usize, format: CUarray_format, channels: u32, d: CUdevice) => dev::device_get_texture_1d_linear_max_width(w, format, channels, d);
        cuDeviceGetExecAffinitySupport(pi: *mut i32, kind: CUexecAffinityType, d: CUdevice) => dev::device_get_exec_affinity_support(pi, kind, d);
        cuDeviceGetProperties(prop: *mut c_void, d: CUdevice) => dev::device_get_properties(prop.cast(), d);
        cuModuleGetLoadingMode(mode: *mut CUmoduleLoadingMode) => md::module_get_loading_mode(mode);
        cuModuleGetFunctionCount(n: *mut u32, m: CUmodule) => md::module_get_function_count(n, m);
        cuModuleEnumerateFunctions(fs: *mut CUfunction, n: u32, m: CUmodule) => md::module_enumerate_functions(fs, n, m);
        cuFuncGetName(name: *mut *const c_char, f: CUfunction) => md::func_get_name(name, f);
        cuFuncGetModule(m: *mut CUmodule, f: CUfunction) => md::func_get_module(m, f);
        cuFuncGetParamInfo(f: CUfunction, i: usize, off: *mut usize, size: *mut usize) => md::func_get_param_info(f, i, off, size);
        cuFuncGetParamCount(f: CUfunction, n: *mut usize) => md::func_get_param_count(f, n);
        cuFuncIsLoaded(state: *mut CUfunctionLoadingState, f: CUfunction) => md::func_is_loaded(state, f);
        cuFuncLoad(f: CUfunction) => md::func_load(f);
        cuFuncSetCacheConfig(f: CUfunction, c: CUfunc_cache) => md::func_set_cache_config(f, c);
        cuFuncSetSharedMemConfig(f: CUfunction, c: CUsharedconfig) => md::func_set_shared_mem_config(f, c);
        cuLibraryLoadData(l: *mut CUlibrary, code: *const c_void, jo: *mut CUjit_option, jv: *mut *mut c_void, nj: u32, lo: *mut CUlibraryOption, lv: *mut *mut c_void, nl: u32)
            => lib::library_load_data(l, code, jo.cast_const(), jv, nj, lo.cast_const(), lv, nl);
        cuLibraryLoadFromFile(l: *mut CUlibrary, file: *const c_char, jo: *mut CUjit_option, jv: *mut *mut c_void, nj: u32, lo: *mut CUlibraryOption, lv: *mut *mut c_void, nl: u32)
            => lib::library_load_from_file(l, file, jo.cast_const(), jv, nj, lo.cast_const(), lv, nl);
        cuLibraryUnload(l: CUlibrary) => lib::library_unload(l);
        cuLibraryGetKernel(k: *mut CUkernel, l: CUlibrary, name: *const c_char) => lib::library_get_kernel(k, l, name);
        cuLibraryGetModule(m: *mut CUmodule, l: CUlibrary) => lib::library_get_module(m, l);
        cuLibraryGetGlobal(dptr: *mut CUdeviceptr, bytes: *mut usize, l: CUlibrary, name: *const c_char) => lib::library_get_global(dptr, bytes, l, name);
        cuLibraryGetManaged(dptr: *mut CUdeviceptr, bytes: *mut usize, l: CUlibrary, name: *const c_char) => lib::library_get_managed(dptr, bytes, l, name);
        cuLibraryGetKernelCount(n: *mut u32, l: CUlibrary) => lib::library_get_kernel_count(n, l);
        cuLibraryEnumerateKernels(ks: *mut CUkernel, n: u32, l: CUlibrary) => lib::library_enumerate_kernels(ks, n, l);
        cuKernelGetFunction(f: *mut CUfunction, k: CUkernel) => lib::kernel_get_function(f, k);
        cuKernelGetLibrary(l: *mut CUlibrary, k: CUkernel) => lib::kernel_get_library(l, k);
        cuKernelGetAttribute(pi: *mut i32, attrib: CUfunction_attribute, k: CUkernel, d: CUdevice) => lib::kernel_get_attribute(pi, attrib as i32, k, d);
        cuKernelSetAttribute(attrib: CUfunction_attribute, v: i32, k: CUkernel, d: CUdevice) => lib::kernel_set_attribute(attrib as i32, v, k, d);
        cuKernelSetCacheConfig(k: CUkernel, c: CUfunc_cache, d: CUdevice) => lib::kernel_set_cache_config(k, c, d);
        cuKernelGetName(name: *mut *const c_char, k: CUkernel) => md::func_get_name(name, k);
        // Measured on the H100: cuKernelGetParamInfo needs a current context.
        cuKernelGetParamInfo(k: CUkernel, i: usize, off: *mut usize, size: *mut usize)
            => super::super::state::current().and_then(|_| md::func_get_param_info(k, i, off, size));
        cuKernelGetParamCount(k: CUkernel, n: *mut usize) => md::func_get_param_count(k, n);
        cuGetErrorName(code: CUresult, s: *mut *const c_char) => err::get_error_name(code, s);
        cuGetErrorString(code: CUresult, s: *mut *const c_char) => err::get_error_string(code, s);
        cuGetProcAddress(symbol: *const c_char, pfn: *mut *mut c_void, version: i32, flags: cuuint64_t)
            => pa::get_proc_address(pa::Api::V1, symbol, pfn, version, flags, std::ptr::null_mut());
        cuGetProcAddress_v2(symbol: *const c_char, pfn: *mut *mut c_void, version: i32, flags: cuuint64_t, status: *mut CUdriverProcAddressQueryResult)
            => pa::get_proc_address(pa::Api::V2, symbol, pfn, version, flags, status);
        // Fatbinaries and export tables (issue 5)
        cuGetExportTable(table: *mut *const c_void, id: *const c_void) => et::get_export_table(table, id);
        cuModuleLoadFatBinary(m: *mut CUmodule, image: *const c_void) => md::module_load_fat_binary(m, image);
        cuLaunchKernelEx(config: *const c_void, f: CUfunction, params: *mut *mut c_void, extra: *mut *mut c_void) => ln::launch_kernel_ex(config, f, params, extra);
        cuOccupancyMaxActiveBlocksPerMultiprocessor(n: *mut i32, f: CUfunction, bs: i32, dyn_smem: usize) => occ::max_active_blocks(n, f, bs, dyn_smem, 0);
        cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(n: *mut i32, f: CUfunction, bs: i32, dyn_smem: usize, flags: u32) => occ::max_active_blocks(n, f, bs, dyn_smem, flags);
        cuOccupancyMaxPotentialBlockSize(grid: *mut i32, bs: *mut i32, f: CUfunction, b2d: CUoccupancyB2DSize, dyn_smem: usize, limit: i32) => occ::max_potential_block_size(grid, bs, f, b2d, dyn_smem, limit, 0);
        cuOccupancyMaxPotentialBlockSizeWithFlags(grid: *mut i32, bs: *mut i32, f: CUfunction, b2d: CUoccupancyB2DSize, dyn_smem: usize, limit: i32, flags: u32) => occ::max_potential_block_size(grid, bs, f, b2d, dyn_smem, limit, flags);
        cuOccupancyAvailableDynamicSMemPerBlock(size: *mut usize, f: CUfunction, nb: i32, bs: i32) => occ::available_dynamic_smem(size, f, nb, bs);
        cuLaunchKernelEx_ptsz(config: *const c_void, f: CUfunction, params: *mut *mut c_void, extra: *mut *mut c_void) => ln::launch_kernel_ex_ptsz(config, f, params, extra);
        // The JIT linker (issue 4 item 8)
        cuLinkCreate(n: u32, options: *mut CUjit_option, values: *mut *mut c_void, state: *mut CUlinkState) => lk::link_create(n, options, values, state);
        cuLinkCreate_v2(n: u32, options: *mut CUjit_option, values: *mut *mut c_void, state: *mut CUlinkState) => lk::link_create(n, options, values, state);
        cuLinkAddData(state: CUlinkState, type_: CUjitInputType, data: *mut c_void, size: usize, name: *const c_char, _n: u32, _options: *mut CUjit_option, _values: *mut *mut c_void)
            => lk::link_add_data(state, type_, data, size, name);
        cuLinkAddData_v2(state: CUlinkState, type_: CUjitInputType, data: *mut c_void, size: usize, name: *const c_char, _n: u32, _options: *mut CUjit_option, _values: *mut *mut c_void)
            => lk::link_add_data(state, type_, data, size, name);
        cuLinkAddFile(state: CUlinkState, type_: CUjitInputType, path: *const c_char, _n: u32, _options: *mut CUjit_option, _values: *mut *mut c_void) => lk::link_add_file(state, type_, path);
        cuLinkAddFile_v2(state: CUlinkState, type_: CUjitInputType, path: *const c_char, _n: u32, _options: *mut CUjit_option, _values: *mut *mut c_void) => lk::link_add_file(state, type_, path);
        cuLinkComplete(state: CUlinkState, image: *mut *mut c_void, size: *mut usize) => lk::link_complete(state, image, size);
        cuLinkDestroy(state: CUlinkState) => lk::link_destroy(state);
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
                let run = || -> CUresult {
                    match crate::forward::backend() {
                        Backend::Forward(real) if !answered_here(stringify!($name)) => {
                            static SLOT: AtomicUsize = AtomicUsize::new(0);
                            // SAFETY: a literal name with one trailing NUL.
                            let cname = unsafe { CStr::from_bytes_with_nul_unchecked(concat!(stringify!($name), "\0").as_bytes()) };
                            match real.resolve(&SLOT, cname) {
                                Some(p) => {
                                    // SAFETY: the real driver's function of the same name has
                                    // this C signature (the one function list comes from
                                    // NVIDIA's headers); arguments pass through unchanged.
                                    unsafe {
                                        let f: unsafe extern "C" fn($($ty),*) -> CUresult = std::mem::transmute(p);
                                        f($($arg),*)
                                    }
                                }
                                None => CUDA_ERROR_NOT_SUPPORTED,
                            }
                        }
                        Backend::Unavailable => CUDA_ERROR_NOT_INITIALIZED,
                        // SAFETY: the body gets the caller's arguments under the same
                        // contract; `guard` stops panics at the ABI boundary.
                        _ => guard(stringify!($name), || unsafe { bodies::$name($($arg),*) }),
                    }
                };
                match crate::trace::tracer() {
                    None => run(),
                    // SAFETY: the tracer reads the caller's arguments as the
                    // driver API defines them.
                    Some(t) => unsafe {
                        t.call(stringify!($name), &[$(crate::trace::Arg::new(stringify!($arg), stringify!($ty), &$arg)),*], run)
                    },
                }
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

/// Exports that softcuda answers itself in the forward backend too:
/// `cuGetProcAddress` hands out our (forwarding, traced) exports.
fn answered_here(name: &str) -> bool {
    matches!(name, "cuGetProcAddress" | "cuGetProcAddress_v2")
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
