//! Module management (driver API "Module Management"): load PTX, look up
//! functions and globals, unload.

use super::codes::*;
use super::state::{current_usable, Function, Module, DRIVER};
use super::{fail, log, out, CuResult};
use crate::emu::{self, LoadError};
use crate::memory::{AllocKind, SPACE};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr};
use std::sync::atomic::AtomicU32;
use std::sync::Arc;

/// `CUjit_option` values this driver reads (cuda.h).
const CU_JIT_INFO_LOG_BUFFER: u32 = 3;
const CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES: u32 = 4;
const CU_JIT_ERROR_LOG_BUFFER: u32 = 5;
const CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: u32 = 6;

/// The JIT log buffers a caller passed to `cuModuleLoadDataEx`.
#[derive(Default)]
struct JitLogs {
    info: Option<(*mut c_char, usize, usize)>,
    error: Option<(*mut c_char, usize, usize)>,
}

impl JitLogs {
    /// Reads the options; `(buffer, size, index of the size option)`.
    ///
    /// # Safety
    /// `opts`/`vals` must hold `n` entries when non-NULL.
    unsafe fn parse(n: u32, opts: *const u32, vals: *mut *mut c_void) -> CuResult<JitLogs> {
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
    unsafe fn write(slot: Option<(*mut c_char, usize, usize)>, vals: *mut *mut c_void, msg: &str) {
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

/// Loads PTX text (an image is NUL-terminated PTX in this version).
fn load_text(text: &str) -> Result<Module, (CUresult, String)> {
    let (ctx, _) = current_usable().map_err(|e| (e.0, String::new()))?;
    let mut space = SPACE.write();
    match emu::load_module(text, &mut space, ctx) {
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

/// Reads a NUL-terminated image. Non-text images (fatbinaries, cubins) are
/// not recognised yet and give `CUDA_ERROR_INVALID_IMAGE`.
///
/// # Safety
/// `image` must point to a NUL-terminated buffer.
unsafe fn image_text<'a>(image: *const c_void) -> Result<&'a str, (CUresult, String)> {
    if image.is_null() {
        return Err((CUDA_ERROR_INVALID_VALUE, String::new()));
    }
    // SAFETY: the caller promises a NUL-terminated PTX image.
    let bytes = unsafe { CStr::from_ptr(image as *const c_char) }.to_bytes();
    let text =
        std::str::from_utf8(bytes).map_err(|_| (CUDA_ERROR_INVALID_IMAGE, "image is not PTX text".to_string()))?;
    if !text.contains(".version") && !text.contains(".entry") && !text.contains(".target") {
        return Err((
            CUDA_ERROR_INVALID_IMAGE,
            "image is not PTX text (fatbinaries and cubins are not supported yet)".into(),
        ));
    }
    Ok(text)
}

fn register(m: Module, pmod: *mut *mut c_void) -> CuResult {
    let h = DRIVER.modules.insert(Arc::new(m));
    // SAFETY: the callers check pmod for NULL before loading.
    unsafe { out(pmod, h as *mut c_void) }
}

pub(crate) unsafe fn module_load_data_ex(
    pmod: *mut *mut c_void,
    image: *const c_void,
    n: u32,
    opts: *const u32,
    vals: *mut *mut c_void,
) -> CuResult {
    current_usable()?;
    if pmod.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: option arrays as the caller passed them.
    let logs = unsafe { JitLogs::parse(n, opts, vals)? };
    // SAFETY: image is the caller's NUL-terminated image.
    let result = unsafe { image_text(image) }.and_then(load_text);
    match result {
        Ok(m) => {
            // SAFETY: buffers from the caller's options.
            unsafe {
                JitLogs::write(logs.error, vals, "");
                JitLogs::write(logs.info, vals, &format!("softcuda: loaded {} kernel(s)", m.loaded.kernels.len()));
            }
            register(m, pmod)
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
    let Ok(mut bytes) = std::fs::read(&path) else { return fail(CUDA_ERROR_FILE_NOT_FOUND) };
    bytes.push(0);
    // SAFETY: bytes is NUL-terminated and outlives the call.
    unsafe { module_load_data(pmod, bytes.as_ptr() as *const c_void) }
}

/// Removes a module and its functions, freeing its variables.
pub(crate) fn unload_handle(h: usize) -> bool {
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
    if unload_handle(hmod as usize) {
        Ok(())
    } else {
        fail(CUDA_ERROR_INVALID_HANDLE)
    }
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
    let Some(k) = m.loaded.kernels.get(name.as_ref()) else { return fail(CUDA_ERROR_NOT_FOUND) };
    let mut fns = m.functions.lock();
    let h = match fns.get(name.as_ref()) {
        Some(&h) => h,
        None => {
            let f = Function {
                module: mh,
                kernel: k.clone(),
                max_dynamic_shared: AtomicU32::new(
                    super::launch::MAX_SHARED - k.shared_size.min(super::launch::MAX_SHARED),
                ),
                carveout: AtomicU32::new(u32::MAX),
            };
            let h = DRIVER.functions.insert(Arc::new(f));
            fns.insert(name.into_owned(), h);
            h
        }
    };
    // SAFETY: checked non-null.
    unsafe { out(pf, h as *mut c_void) }
}

pub(crate) unsafe fn module_get_global(
    dptr: *mut u64,
    bytes: *mut usize,
    hmod: *mut c_void,
    name: *const c_char,
) -> CuResult {
    current_usable()?;
    if name.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(m) = DRIVER.modules.get(hmod as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    // SAFETY: NUL-terminated name from the caller.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let Some(&(addr, size)) = m.loaded.layout.globals.get(name.as_ref()) else { return fail(CUDA_ERROR_NOT_FOUND) };
    // Either out-pointer may be NULL (driver API: "ignored if NULL").
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
