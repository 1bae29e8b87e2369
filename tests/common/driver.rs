//! The driver API functions the Rust integration tests call, declared with C
//! linkage as a C program would (resolved against the crate's exported
//! symbols; a test links them with `use cuda as _;`).
#![allow(clippy::too_many_arguments)]

use std::ffi::{c_char, c_void};

/// `CUresult`.
pub type CUresult = i32;
/// `CUdeviceptr`.
pub type CUdeviceptr = u64;

extern "C" {
    pub fn cuInit(flags: u32) -> CUresult;
    pub fn cuDeviceGet(dev: *mut i32, ordinal: i32) -> CUresult;
    pub fn cuDevicePrimaryCtxRetain(ctx: *mut *mut c_void, dev: i32) -> CUresult;
    pub fn cuCtxSetCurrent(ctx: *mut c_void) -> CUresult;
    pub fn cuCtxSynchronize() -> CUresult;
    pub fn cuGetErrorName(err: CUresult, name: *mut *const c_char) -> CUresult;
    pub fn cuModuleLoadData(module: *mut *mut c_void, image: *const c_void) -> CUresult;
    pub fn cuModuleUnload(module: *mut c_void) -> CUresult;
    pub fn cuModuleGetFunction(f: *mut *mut c_void, module: *mut c_void, name: *const c_char) -> CUresult;
    pub fn cuMemAlloc_v2(dptr: *mut CUdeviceptr, bytes: usize) -> CUresult;
    pub fn cuMemFree_v2(dptr: CUdeviceptr) -> CUresult;
    pub fn cuMemcpyHtoD_v2(dst: CUdeviceptr, src: *const c_void, bytes: usize) -> CUresult;
    pub fn cuMemcpyDtoH_v2(dst: *mut c_void, src: CUdeviceptr, bytes: usize) -> CUresult;
    pub fn cuMemsetD32_v2(dst: CUdeviceptr, value: u32, count: usize) -> CUresult;
    pub fn cuLaunchKernel(
        f: *mut c_void,
        grid_x: u32,
        grid_y: u32,
        grid_z: u32,
        block_x: u32,
        block_y: u32,
        block_z: u32,
        shared_bytes: u32,
        stream: *mut c_void,
        params: *mut *mut c_void,
        extra: *mut *mut c_void,
    ) -> CUresult;
    pub fn cuLinkCreate_v2(n: u32, options: *mut u32, values: *mut *mut c_void, state: *mut *mut c_void) -> CUresult;
    pub fn cuLinkAddData_v2(
        state: *mut c_void,
        kind: u32,
        data: *mut c_void,
        size: usize,
        name: *const c_char,
        n: u32,
        options: *mut u32,
        values: *mut *mut c_void,
    ) -> CUresult;
    pub fn cuLinkComplete(state: *mut c_void, image: *mut *mut c_void, size: *mut usize) -> CUresult;
    pub fn cuLinkDestroy(state: *mut c_void) -> CUresult;
}
