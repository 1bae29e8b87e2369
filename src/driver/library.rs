//! Library management (driver API "Library Management"): context-independent
//! loading (`cuLibraryLoadData`, what libcudart 13 uses for every program's
//! device code) and `CUkernel` handles.
//!
//! Simplifications, each invisible to a caller that follows the API:
//!
//! * A library loads its image once, as one module that belongs to no
//!   context (variables allocated with no owner, kept until
//!   `cuLibraryUnload`, surviving context destruction). CUDA loads a library
//!   into each context lazily; with one device address space a single copy
//!   serves every context on every device, so `cuLibraryGetModule` and
//!   `cuKernelGetFunction` answer the same module and function whichever
//!   context is current.
//! * A `CUkernel` handle is the handle of its function in that module, so a
//!   kernel works wherever a `CUfunction` is taken (`cuLaunchKernel`,
//!   `cuFuncGetAttribute`, …) and `cuKernelGetFunction` returns the same
//!   value. (NVIDIA's handles differ, and its 13.0 driver refuses a CUkernel
//!   in `cuFuncGetAttribute`; cuLaunchKernel accepts both there too.)
//! * Images are whatever modules take (`module::image_ptx`): PTX text,
//!   fatbinaries, fatbinary wrappers, ELF images. A bad image still loads
//!   (as on the H100); the library then answers every request for its
//!   kernels, module or variables with the load error.

use super::codes::*;
use super::device::check_device;
use super::launch::{func_get_attribute, func_set_attribute, function};
use super::module::{all_functions, function_handle, global_of, load_image, register, unload_handle, Image};
use super::state::{current, require_init, Library, Module, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::{c_char, c_void, CStr};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// `CUlibraryOption` values (cuda.h): both are accepted and have no effect
/// (there is no host-side function table, and the image is copied anyway).
const LIBRARY_NUM_OPTIONS: u32 = 2;

/// A live library and its module; a library whose image did not load fails
/// with that load's error.
fn library(lib: *mut c_void) -> CuResult<(Arc<Library>, Arc<Module>)> {
    let l = DRIVER.libraries.get(lib as usize).ok_or(super::CuError(CUDA_ERROR_INVALID_HANDLE))?;
    if l.error != CUDA_SUCCESS {
        return fail(l.error);
    }
    let m = DRIVER.modules.get(l.module).ok_or(super::CuError(CUDA_ERROR_INVALID_HANDLE))?;
    Ok((l, m))
}

/// Load errors that a library reports later, as NVIDIA's driver does: the
/// image's content was wrong, not the call.
fn deferred(code: u32) -> bool {
    matches!(
        code,
        CUDA_ERROR_INVALID_IMAGE
            | CUDA_ERROR_INVALID_PTX
            | CUDA_ERROR_UNSUPPORTED_PTX_VERSION
            | CUDA_ERROR_NO_BINARY_FOR_GPU
            | CUDA_ERROR_INVALID_SOURCE
    )
}

/// `cuLibraryLoadData(&lib, code, jitOptions, jitOptionValues, numJitOptions,
/// libraryOptions, libraryOptionValues, numLibraryOptions)`. Needs no current
/// context (measured).
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn library_load_data(
    plib: *mut *mut c_void,
    code: *const c_void,
    jit_opts: *const u32,
    jit_vals: *mut *mut c_void,
    n_jit: u32,
    lib_opts: *const u32,
    lib_vals: *mut *mut c_void,
    n_lib: u32,
) -> CuResult {
    require_init()?;
    if plib.is_null() || code.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: forwarded caller contract.
    unsafe { load_library(plib, Image::Ptr(code), jit_opts, jit_vals, n_jit, lib_opts, lib_vals, n_lib) }
}

/// Checks the library options and loads `image` as a library.
///
/// # Safety
/// The image and option arrays as for `cuLibraryLoadData`; `plib` non-NULL.
#[allow(clippy::too_many_arguments)]
unsafe fn load_library(
    plib: *mut *mut c_void,
    image: Image<'_>,
    jit_opts: *const u32,
    jit_vals: *mut *mut c_void,
    n_jit: u32,
    lib_opts: *const u32,
    lib_vals: *mut *mut c_void,
    n_lib: u32,
) -> CuResult {
    if n_lib > 0 {
        if lib_opts.is_null() || lib_vals.is_null() {
            return fail(CUDA_ERROR_INVALID_VALUE);
        }
        for i in 0..n_lib as usize {
            // SAFETY: the caller passes n_lib options.
            if unsafe { *lib_opts.add(i) } >= LIBRARY_NUM_OPTIONS {
                return fail(CUDA_ERROR_INVALID_VALUE);
            }
        }
    }
    // SAFETY: forwarded caller contract (image, JIT option arrays).
    let lib = match unsafe { load_image(image, n_jit, jit_opts, jit_vals, 0) } {
        Ok(m) => {
            let mut mh: *mut c_void = std::ptr::null_mut();
            register(m, &mut mh)?;
            Library { module: mh as usize, error: CUDA_SUCCESS }
        }
        Err(super::CuError(code)) if deferred(code) => Library { module: 0, error: code },
        Err(e) => return Err(e),
    };
    let h = DRIVER.libraries.insert(Arc::new(lib));
    // SAFETY: checked non-null.
    unsafe { out(plib, h as *mut c_void) }
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn library_load_from_file(
    plib: *mut *mut c_void,
    fname: *const c_char,
    jit_opts: *const u32,
    jit_vals: *mut *mut c_void,
    n_jit: u32,
    lib_opts: *const u32,
    lib_vals: *mut *mut c_void,
    n_lib: u32,
) -> CuResult {
    require_init()?;
    if plib.is_null() || fname.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes a NUL-terminated path.
    let path = unsafe { CStr::from_ptr(fname) }.to_string_lossy().into_owned();
    let Ok(bytes) = std::fs::read(&path) else { return fail(CUDA_ERROR_FILE_NOT_FOUND) };
    // SAFETY: the bytes outlive the call; the rest is forwarded.
    unsafe { load_library(plib, Image::Bytes(&bytes), jit_opts, jit_vals, n_jit, lib_opts, lib_vals, n_lib) }
}

/// `cuLibraryUnload`: the module, its kernels and variables go.
pub(crate) fn library_unload(lib: *mut c_void) -> CuResult {
    require_init()?;
    let Some(l) = DRIVER.libraries.remove(lib as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    if l.module != 0 {
        unload_handle(l.module);
    }
    Ok(())
}

pub(crate) unsafe fn library_get_kernel(pk: *mut *mut c_void, lib: *mut c_void, name: *const c_char) -> CuResult {
    require_init()?;
    if pk.is_null() || name.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let (l, m) = library(lib)?;
    // SAFETY: NUL-terminated name from the caller.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let Some(h) = function_handle(l.module, &m, &name) else { return fail(CUDA_ERROR_NOT_FOUND) };
    // SAFETY: checked non-null.
    unsafe { out(pk, h as *mut c_void) }
}

/// `cuLibraryGetModule`: the library's module in the current context; with
/// no current context `CUDA_ERROR_INVALID_CONTEXT`, checked before the
/// library (measured on the H100).
pub(crate) unsafe fn library_get_module(pmod: *mut *mut c_void, lib: *mut c_void) -> CuResult {
    current()?;
    let (l, _) = library(lib)?;
    // SAFETY: out() checks NULL.
    unsafe { out(pmod, l.module as *mut c_void) }
}

pub(crate) unsafe fn library_get_global(
    dptr: *mut u64,
    bytes: *mut usize,
    lib: *mut c_void,
    name: *const c_char,
) -> CuResult {
    require_init()?;
    let (_, m) = library(lib)?;
    // SAFETY: forwarded caller contract.
    unsafe { global_of(&m, dptr, bytes, name) }
}

/// `cuLibraryGetManaged`: `__managed__` variables are not recognised in
/// PTX yet, so every name is CUDA_ERROR_NOT_FOUND (as NVIDIA answers for an
/// ordinary `.global`, measured).
pub(crate) unsafe fn library_get_managed(
    _dptr: *mut u64,
    _bytes: *mut usize,
    lib: *mut c_void,
    name: *const c_char,
) -> CuResult {
    require_init()?;
    library(lib)?;
    if name.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    fail(CUDA_ERROR_NOT_FOUND)
}

/// For a library whose image did not load it succeeds with 0 (measured on
/// the H100).
pub(crate) unsafe fn library_get_kernel_count(count: *mut u32, lib: *mut c_void) -> CuResult {
    require_init()?;
    if DRIVER.libraries.get(lib as usize).is_some_and(|l| l.error != CUDA_SUCCESS) {
        // SAFETY: out() checks NULL.
        return unsafe { out(count, 0) };
    }
    let (_, m) = library(lib)?;
    // SAFETY: out() checks NULL.
    unsafe { out(count, m.loaded.kernel_order.len() as u32) }
}

/// `cuLibraryEnumerateKernels`: up to `n` kernel handles, in reverse
/// definition order (the order NVIDIA's driver gave for a three-kernel
/// library; `cuModuleEnumerateFunctions` gives definition order).
pub(crate) unsafe fn library_enumerate_kernels(ks: *mut *mut c_void, n: u32, lib: *mut c_void) -> CuResult {
    require_init()?;
    let (l, m) = library(lib)?;
    let mut handles = all_functions(l.module, &m);
    handles.reverse();
    // SAFETY: forwarded caller contract.
    unsafe { super::module::write_handles(ks, n, &handles) }
}

/// `cuKernelGetFunction`: the kernel's function in the current context —
/// the same handle here; needs a current context (measured).
pub(crate) unsafe fn kernel_get_function(pf: *mut *mut c_void, k: *mut c_void) -> CuResult {
    current()?;
    function(k)?;
    // SAFETY: out() checks NULL.
    unsafe { out(pf, k) }
}

/// `cuKernelGetLibrary`: INVALID_HANDLE for a function that no library loaded.
pub(crate) unsafe fn kernel_get_library(plib: *mut *mut c_void, k: *mut c_void) -> CuResult {
    require_init()?;
    let f = function(k)?;
    let Some(&l) = DRIVER.libraries.handles_where(|l| l.module == f.module).first() else {
        return fail(CUDA_ERROR_INVALID_HANDLE);
    };
    // SAFETY: out() checks NULL.
    unsafe { out(plib, l as *mut c_void) }
}

/// `cuKernelGetAttribute(pi, attrib, kernel, dev)`: as `cuFuncGetAttribute`
/// (every device gets the same code); needs no current context (measured).
pub(crate) unsafe fn kernel_get_attribute(pi: *mut i32, attrib: i32, k: *mut c_void, dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: forwarded caller contract.
    unsafe { func_get_attribute(pi, attrib, k) }
}

/// `cuKernelSetAttribute(attrib, val, kernel, dev)`: as `cuFuncSetAttribute`;
/// the setting is shared by all devices.
pub(crate) fn kernel_set_attribute(attrib: i32, val: i32, k: *mut c_void, dev: i32) -> CuResult {
    check_device(dev)?;
    func_set_attribute(k, attrib, val)
}

pub(crate) fn kernel_set_cache_config(k: *mut c_void, config: u32, dev: i32) -> CuResult {
    check_device(dev)?;
    let f = function(k)?;
    super::context::check_cache_config(config)?;
    f.cache_config.store(config, Ordering::Relaxed);
    Ok(())
}
