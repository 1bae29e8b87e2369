//! Module management (driver API "Module Management"): load PTX, look up
//! functions and globals, enumerate functions, unload; and the
//! function-handle queries (`cuFuncGetName`, `cuFuncGetModule`,
//! `cuFuncGetParamInfo`, …) that serve `CUkernel` handles too (a `CUkernel`
//! here is its function's handle, see `library.rs`).

use super::codes::*;
use super::launch::function;
use super::state::{current_usable, require_init, Function, Module, DRIVER};
use super::{fail, log, out, CuResult};
use crate::emu::{self, LoadError};
use crate::memory::{AllocKind, SPACE};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// `CUjit_option` values this driver reads (cuda.h).
const CU_JIT_INFO_LOG_BUFFER: u32 = 3;
const CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES: u32 = 4;
const CU_JIT_ERROR_LOG_BUFFER: u32 = 5;
const CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: u32 = 6;

/// The JIT log buffers a caller passed to `cuModuleLoadDataEx`.
#[derive(Default)]
pub(crate) struct JitLogs {
    info: Option<(*mut c_char, usize, usize)>,
    error: Option<(*mut c_char, usize, usize)>,
}

impl JitLogs {
    /// Reads the options; `(buffer, size, index of the size option)`.
    ///
    /// # Safety
    /// `opts`/`vals` must hold `n` entries when non-NULL.
    pub(crate) unsafe fn parse(n: u32, opts: *const u32, vals: *mut *mut c_void) -> CuResult<JitLogs> {
        let mut l = JitLogs::default();
        if n == 0 {
            return Ok(l);
        }
        if opts.is_null() || vals.is_null() {
            return fail(CUDA_ERROR_INVALID_VALUE);
        }
        let (mut ib, mut is, mut eb, mut es) = (None, None, None, None);
        for i in 0..n as usize {
            // SAFETY: i < n entries, by the caller's contract.
            let (o, v) = unsafe { (*opts.add(i), *vals.add(i)) };
            match o {
                CU_JIT_INFO_LOG_BUFFER => ib = Some(v as *mut c_char),
                CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES => is = Some((v as usize, i)),
                CU_JIT_ERROR_LOG_BUFFER => eb = Some(v as *mut c_char),
                CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES => es = Some((v as usize, i)),
                _ => {}
            }
        }
        if let (Some(b), Some((s, i))) = (ib, is) {
            l.info = Some((b, s, i));
        }
        if let (Some(b), Some((s, i))) = (eb, es) {
            l.error = Some((b, s, i));
        }
        Ok(l)
    }

    /// Writes `msg` (truncated, NUL-terminated) into a log buffer and stores
    /// the bytes written (with the NUL) back in the size option's value.
    ///
    /// # Safety
    /// The buffer must hold `size` bytes and `vals` the option array.
    pub(crate) unsafe fn write(slot: Option<(*mut c_char, usize, usize)>, vals: *mut *mut c_void, msg: &str) {
        let Some((buf, size, idx)) = slot else { return };
        if buf.is_null() || size == 0 {
            return;
        }
        let n = msg.len().min(size - 1);
        // SAFETY: the caller promised `size` bytes at buf; n + 1 ≤ size; idx is a valid option index.
        unsafe {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), buf as *mut u8, n);
            *buf.add(n) = 0;
            *vals.add(idx) = (n + 1) as *mut c_void;
        }
    }
}

/// Loads PTX text (an image is NUL-terminated PTX in this version) on
/// behalf of context `ctx` (0: no context, for a library).
fn load_text(text: &str, ctx: usize) -> Result<Module, (CUresult, String)> {
    load_with(ctx, |space| emu::load_module(text, space, ctx))
}

/// Loads PTX modules linked into one (the output of `cuLinkComplete`).
fn load_texts(texts: &[String], ctx: usize) -> Result<Module, (CUresult, String)> {
    load_with(ctx, |space| emu::load_linked(texts, space, ctx))
}

fn load_with(
    ctx: usize,
    load: impl FnOnce(&mut crate::memory::AddressSpace) -> Result<emu::LoadedModule, LoadError>,
) -> Result<Module, (CUresult, String)> {
    let mut space = SPACE.write();
    match load(&mut space) {
        Ok(loaded) => Ok(Module { ctx, loaded, functions: Mutex::new(HashMap::new()) }),
        Err(e) => {
            let code = match &e {
                LoadError::Layout(emu::layout::LayoutError::Memory(_)) => CUDA_ERROR_OUT_OF_MEMORY,
                LoadError::Version(..) => CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
                _ => CUDA_ERROR_INVALID_PTX,
            };
            Err((code, e.to_string()))
        }
    }
}

/// Where an image comes from: a caller's pointer (no length; the image's
/// headers bound it) or bytes read from a file.
#[derive(Clone, Copy)]
pub(crate) enum Image<'a> {
    Ptr(*const c_void),
    Bytes(&'a [u8]),
}

/// The SM of the emulated device (75/76 attributes), which picks the PTX.
pub(crate) fn device_sm() -> u32 {
    let (major, minor) = super::attributes::COMPUTE_CAPABILITY;
    (major * 10 + minor) as u32
}

/// The PTX text to load from an image: PTX text itself, or the best PTX of
/// a fatbinary, fatbinary wrapper or ELF image (`crate::image`).
///
/// # Safety
/// A `Ptr` image must be one the driver API accepts (NUL-terminated text or
/// a container as long as its headers say).
pub(crate) unsafe fn image_ptx(image: Image<'_>) -> Result<String, (CUresult, String)> {
    // SAFETY: forwarded caller contract.
    let mut all = unsafe { image_ptx_all(image)? };
    if all.len() > 1 {
        return Err((CUDA_ERROR_NOT_SUPPORTED, "an image of several translation units cannot be a link input".into()));
    }
    Ok(all.remove(0))
}

/// The PTX of every translation unit in an image (one, except for
/// `-rdc=true` fatbinary wrappers, whose units are linked at load).
///
/// # Safety
/// As for [`image_ptx`].
pub(crate) unsafe fn image_ptx_all(image: Image<'_>) -> Result<Vec<String>, (CUresult, String)> {
    let r = match image {
        Image::Ptr(p) if p.is_null() => return Err((CUDA_ERROR_INVALID_VALUE, String::new())),
        // SAFETY: the caller's contract.
        Image::Ptr(p) => unsafe { crate::image::ptx_from_ptr(p as *const u8, device_sm()) },
        Image::Bytes(b) => crate::image::ptx_from_bytes(b, device_sm()),
    };
    r.map(|p| std::iter::once(p.text).chain(p.more).collect()).map_err(|e| match e {
        crate::image::ImageError::Invalid(m) => (CUDA_ERROR_INVALID_IMAGE, m),
        crate::image::ImageError::NoBinaryForGpu(m) => (CUDA_ERROR_NO_BINARY_FOR_GPU, m),
        crate::image::ImageError::NotSupported(m) => (CUDA_ERROR_NOT_SUPPORTED, m),
    })
}

pub(crate) fn register(m: Module, pmod: *mut *mut c_void) -> CuResult {
    let h = DRIVER.modules.insert(Arc::new(m));
    // SAFETY: the callers check pmod for NULL before loading.
    unsafe { out(pmod, h as *mut c_void) }
}

/// Loads an image with `cuModuleLoadDataEx`-style JIT options (their log
/// buffers are filled) for context `ctx` (0: none, for a library).
///
/// # Safety
/// `image` as for [`image_ptx`]; `opts`/`vals` must hold `n` entries.
pub(crate) unsafe fn load_image(
    image: Image<'_>,
    n: u32,
    opts: *const u32,
    vals: *mut *mut c_void,
    ctx: usize,
) -> CuResult<Module> {
    // SAFETY: option arrays as the caller passed them.
    let logs = unsafe { JitLogs::parse(n, opts, vals)? };
    let linked = match image {
        Image::Ptr(p) => super::link::linked_texts(p as usize),
        Image::Bytes(_) => None,
    };
    let result = match linked {
        // The image `cuLinkComplete` handed out: link its PTX inputs.
        Some(texts) => load_texts(&texts, ctx),
        // SAFETY: the caller's image.
        None => unsafe { image_ptx_all(image) }.and_then(|t| match t.len() {
            1 => load_text(&t[0], ctx),
            _ => load_texts(&t, ctx),
        }),
    };
    match result {
        Ok(m) => {
            // SAFETY: buffers from the caller's options.
            unsafe {
                JitLogs::write(logs.error, vals, "");
                JitLogs::write(logs.info, vals, &format!("softcuda: loaded {} kernel(s)", m.loaded.kernels.len()));
            }
            Ok(m)
        }
        Err((code, msg)) => {
            if !msg.is_empty() {
                log(format_args!("module load failed: {msg}"));
            }
            // SAFETY: as above.
            unsafe {
                JitLogs::write(logs.error, vals, &msg);
                JitLogs::write(logs.info, vals, "");
            }
            fail(code)
        }
    }
}

pub(crate) unsafe fn module_load_data_ex(
    pmod: *mut *mut c_void,
    image: *const c_void,
    n: u32,
    opts: *const u32,
    vals: *mut *mut c_void,
) -> CuResult {
    let (ctx, _) = current_usable()?;
    if pmod.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: forwarded caller contract.
    let m = unsafe { load_image(Image::Ptr(image), n, opts, vals, ctx)? };
    register(m, pmod)
}

pub(crate) unsafe fn module_load_data(pmod: *mut *mut c_void, image: *const c_void) -> CuResult {
    // SAFETY: forwarded caller contract; no options.
    unsafe { module_load_data_ex(pmod, image, 0, std::ptr::null(), std::ptr::null_mut()) }
}

pub(crate) unsafe fn module_load(pmod: *mut *mut c_void, fname: *const c_char) -> CuResult {
    current_usable()?;
    if pmod.is_null() || fname.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes a NUL-terminated path.
    let path = unsafe { CStr::from_ptr(fname) }.to_string_lossy().into_owned();
    let Ok(bytes) = std::fs::read(&path) else { return fail(CUDA_ERROR_FILE_NOT_FOUND) };
    let (ctx, _) = current_usable()?;
    // SAFETY: no options.
    let m = unsafe { load_image(Image::Bytes(&bytes), 0, std::ptr::null(), std::ptr::null_mut(), ctx)? };
    register(m, pmod)
}

/// `cuModuleLoadFatBinary`: any image `cuModuleLoadData` takes.
pub(crate) unsafe fn module_load_fat_binary(pmod: *mut *mut c_void, image: *const c_void) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { module_load_data(pmod, image) }
}

/// Removes a module and its functions, freeing its variables.
pub(crate) fn unload_handle(h: usize) -> bool {
    if DRIVER.modules.get(h).is_none() {
        return false;
    }
    // Grids still queued may use the module's functions and variables.
    super::queue::sync_all();
    let Some(m) = DRIVER.modules.remove(h) else { return false };
    for (_, f) in m.functions.lock().drain() {
        DRIVER.functions.remove(f);
    }
    if let Some(b) = m.loaded.layout.block {
        let _ = SPACE.write().free(b, AllocKind::Module);
    }
    true
}

pub(crate) fn module_unload(hmod: *mut c_void) -> CuResult {
    current_usable()?;
    // A library's module goes with its library (cuLibraryUnload):
    // CUDA_ERROR_NOT_PERMITTED, measured on the H100.
    if !DRIVER.libraries.handles_where(|l| l.module == hmod as usize && hmod as usize != 0).is_empty() {
        return fail(CUDA_ERROR_NOT_PERMITTED);
    }
    if unload_handle(hmod as usize) {
        Ok(())
    } else {
        fail(CUDA_ERROR_INVALID_HANDLE)
    }
}

/// The function handle of kernel `name` of module `mh`, made on first use
/// (one handle per kernel and module); None when the module has no such
/// kernel.
pub(crate) fn function_handle(mh: usize, m: &Module, name: &str) -> Option<usize> {
    let k = m.loaded.kernels.get(name)?;
    let mut fns = m.functions.lock();
    if let Some(&h) = fns.get(name) {
        return Some(h);
    }
    let f = Function {
        module: mh,
        kernel: k.clone(),
        name: CString::new(name).unwrap_or_default(),
        cache_config: AtomicU32::new(0),
        ptx_version: m.loaded.target_sm,
        const_size: m.loaded.const_size.min(u32::MAX as u64) as u32,
        max_dynamic_shared: AtomicU32::new(super::launch::MAX_SHARED - k.shared_size.min(super::launch::MAX_SHARED)),
        carveout: AtomicU32::new(u32::MAX),
    };
    let h = DRIVER.functions.insert(Arc::new(f));
    fns.insert(name.to_string(), h);
    Some(h)
}

/// Handles of all kernels of module `mh`, in the module's order.
pub(crate) fn all_functions(mh: usize, m: &Module) -> Vec<usize> {
    m.loaded.kernel_order.iter().filter_map(|n| function_handle(mh, m, n)).collect()
}

pub(crate) unsafe fn module_get_function(pf: *mut *mut c_void, hmod: *mut c_void, name: *const c_char) -> CuResult {
    current_usable()?;
    if pf.is_null() || name.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let mh = hmod as usize;
    let Some(m) = DRIVER.modules.get(mh) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    // SAFETY: the caller passes a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let Some(h) = function_handle(mh, &m, &name) else { return fail(CUDA_ERROR_NOT_FOUND) };
    // SAFETY: checked non-null.
    unsafe { out(pf, h as *mut c_void) }
}

pub(crate) unsafe fn module_get_function_count(count: *mut u32, hmod: *mut c_void) -> CuResult {
    require_init()?;
    let Some(m) = DRIVER.modules.get(hmod as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    // SAFETY: out() checks NULL.
    unsafe { out(count, m.loaded.kernel_order.len() as u32) }
}

/// Writes up to `n` handles of the module's kernels, in the order the
/// module defines them (as measured), to `fs`.
///
/// # Safety
/// `fs` must have room for `n` handles.
pub(crate) unsafe fn write_handles(fs: *mut *mut c_void, n: u32, handles: &[usize]) -> CuResult {
    if fs.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    for (i, &h) in handles.iter().take(n as usize).enumerate() {
        // SAFETY: i < n, the caller's buffer size.
        unsafe { fs.add(i).write_unaligned(h as *mut c_void) };
    }
    Ok(())
}

pub(crate) unsafe fn module_enumerate_functions(fs: *mut *mut c_void, n: u32, hmod: *mut c_void) -> CuResult {
    require_init()?;
    let mh = hmod as usize;
    let Some(m) = DRIVER.modules.get(mh) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    // SAFETY: forwarded caller contract.
    unsafe { write_handles(fs, n, &all_functions(mh, &m)) }
}

/// `cuModuleGetLoadingMode`: modules load eagerly (every kernel is lowered
/// at load time), unless `CUDA_MODULE_LOADING=LAZY` asks otherwise — then
/// LAZY is reported (NVIDIA's default since CUDA 12.2; measured 2 on the
/// H100), though loading stays eager.
pub(crate) unsafe fn module_get_loading_mode(mode: *mut u32) -> CuResult {
    require_init()?;
    let lazy = std::env::var("CUDA_MODULE_LOADING").is_ok_and(|v| v.eq_ignore_ascii_case("lazy"));
    // SAFETY: out() checks NULL.
    unsafe { out(mode, if lazy { 2 } else { 1 }) }
}

/// `cuFuncGetName` / `cuKernelGetName`: the kernel's (mangled) name, valid
/// while the module is loaded.
pub(crate) unsafe fn func_get_name(name: *mut *const c_char, f: *mut c_void) -> CuResult {
    require_init()?;
    let func = function(f)?;
    // SAFETY: out() checks NULL; the string lives as long as the function handle.
    unsafe { out(name, func.name.as_ptr()) }
}

pub(crate) unsafe fn func_get_module(pmod: *mut *mut c_void, f: *mut c_void) -> CuResult {
    require_init()?;
    let func = function(f)?;
    // SAFETY: out() checks NULL.
    unsafe { out(pmod, func.module as *mut c_void) }
}

/// `cuFuncGetParamInfo` / `cuKernelGetParamInfo`: offset and size of
/// parameter `index` in the `.param` layout of the PTX signature; an index
/// past the end is INVALID_VALUE; `size` may be NULL, `offset` may not
/// (measured).
pub(crate) unsafe fn func_get_param_info(
    f: *mut c_void,
    index: usize,
    offset: *mut usize,
    size: *mut usize,
) -> CuResult {
    require_init()?;
    let func = function(f)?;
    let Some(p) = func.kernel.signature.params.get(index) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    // SAFETY: out() checks NULL; size is written only when non-NULL.
    unsafe {
        out(offset, p.offset as usize)?;
        if !size.is_null() {
            out(size, p.size as usize)?;
        }
    }
    Ok(())
}

pub(crate) unsafe fn func_get_param_count(f: *mut c_void, count: *mut usize) -> CuResult {
    require_init()?;
    let func = function(f)?;
    // SAFETY: out() checks NULL.
    unsafe { out(count, func.kernel.signature.params.len()) }
}

/// `cuFuncIsLoaded`: every function is loaded (CU_FUNCTION_LOADING_STATE_LOADED).
pub(crate) unsafe fn func_is_loaded(state: *mut u32, f: *mut c_void) -> CuResult {
    require_init()?;
    function(f)?;
    // SAFETY: out() checks NULL.
    unsafe { out(state, 1) }
}

/// `cuFuncLoad`: nothing to do, functions load with their module.
pub(crate) fn func_load(f: *mut c_void) -> CuResult {
    require_init()?;
    function(f).map(|_| ())
}

pub(crate) fn func_set_cache_config(f: *mut c_void, config: u32) -> CuResult {
    require_init()?;
    let func = function(f)?;
    super::context::check_cache_config(config)?;
    func.cache_config.store(config, Ordering::Relaxed);
    Ok(())
}

/// `cuFuncSetSharedMemConfig` (deprecated): accepted, no effect.
pub(crate) fn func_set_shared_mem_config(f: *mut c_void, config: u32) -> CuResult {
    require_init()?;
    function(f)?;
    if config > 2 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

pub(crate) unsafe fn module_get_global(
    dptr: *mut u64,
    bytes: *mut usize,
    hmod: *mut c_void,
    name: *const c_char,
) -> CuResult {
    current_usable()?;
    let Some(m) = DRIVER.modules.get(hmod as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    // SAFETY: forwarded caller contract.
    unsafe { global_of(&m, dptr, bytes, name) }
}

/// Address and size of module variable `name` through the optional
/// out-pointers (driver API: each "ignored if NULL").
///
/// # Safety
/// `name` must be NULL or NUL-terminated; the out-pointers NULL or writable.
pub(crate) unsafe fn global_of(m: &Module, dptr: *mut u64, bytes: *mut usize, name: *const c_char) -> CuResult {
    if name.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: NUL-terminated name from the caller.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let Some(&(addr, size)) = m.loaded.layout.globals.get(name.as_ref()) else { return fail(CUDA_ERROR_NOT_FOUND) };
    if !dptr.is_null() {
        // SAFETY: non-null caller pointer.
        unsafe { out(dptr, addr)? };
    }
    if !bytes.is_null() {
        // SAFETY: non-null caller pointer.
        unsafe { out(bytes, size as usize)? };
    }
    Ok(())
}
