//! The JIT linker (driver API "Module Management": `cuLinkCreate`,
//! `cuLinkAddData`, `cuLinkAddFile`, `cuLinkComplete`, `cuLinkDestroy`).
//! Inputs are PTX (text, or the PTX of a fatbinary); `cuLinkComplete` checks
//! that they link (`ptx::link`) and hands out an image that only
//! `cuModuleLoadData(Ex)` understands: loading it links the PTX and lowers
//! the result as one module. The image stays valid until `cuLinkDestroy`.

use super::codes::*;
use super::module::{image_ptx, Image};
use super::state::{current_usable, Registry};
use super::{fail, out, CuResult};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr};
use std::sync::Arc;

/// `CUjitInputType` values (cuda.h).
const INPUT_CUBIN: u32 = 0;
const INPUT_PTX: u32 = 1;
const INPUT_FATBINARY: u32 = 2;
const INPUT_OBJECT: u32 = 3;
const INPUT_LIBRARY: u32 = 4;

/// What `cuLinkComplete`'s image starts with (it is never parsed as one).
const IMAGE_TAG: &[u8; 16] = b"softcuda-linked\0";

struct LinkState {
    inputs: Vec<String>,
    /// The completed image; its address identifies it.
    image: Option<Box<[u8; 16]>>,
}

static LINKS: Lazy<Registry<Mutex<LinkState>>> = Lazy::new(Registry::default);
/// Address of a completed image → its link state's handle.
static IMAGES: Lazy<Mutex<HashMap<usize, usize>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn state(h: *mut c_void) -> CuResult<Arc<Mutex<LinkState>>> {
    LINKS.get(h as usize).map_or(fail(CUDA_ERROR_INVALID_HANDLE), Ok)
}

/// The PTX inputs behind an image `cuLinkComplete` returned, if `addr` is one.
pub(crate) fn linked_texts(addr: usize) -> Option<Vec<String>> {
    let h = *IMAGES.lock().get(&addr)?;
    let st = LINKS.get(h)?;
    let inputs = st.lock().inputs.clone();
    Some(inputs)
}

pub(crate) unsafe fn link_create(
    _n: u32,
    _opts: *mut u32,
    _vals: *mut *mut c_void,
    state_out: *mut *mut c_void,
) -> CuResult {
    current_usable()?;
    if state_out.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let h = LINKS.insert(Arc::new(Mutex::new(LinkState { inputs: Vec::new(), image: None })));
    // SAFETY: checked non-null.
    unsafe { out(state_out, h as *mut c_void) }
}

/// Adds one input's PTX.
fn add(st: &Mutex<LinkState>, kind: u32, image: Image<'_>) -> CuResult {
    let text = match kind {
        // SAFETY: the caller's image, as `cuLinkAddData` documents it.
        INPUT_PTX | INPUT_FATBINARY | INPUT_CUBIN | INPUT_OBJECT | INPUT_LIBRARY => match unsafe { image_ptx(image) } {
            Ok(t) => t,
            Err((code, msg)) => {
                super::log(format_args!("cuLinkAdd: {msg}"));
                return fail(code);
            }
        },
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    };
    if let Err(e) = crate::ptx::parse(&text) {
        super::log(format_args!("cuLinkAdd: {e}"));
        return fail(CUDA_ERROR_INVALID_PTX);
    }
    st.lock().inputs.push(text);
    Ok(())
}

pub(crate) unsafe fn link_add_data(
    h: *mut c_void,
    kind: u32,
    data: *mut c_void,
    size: usize,
    _name: *const c_char,
) -> CuResult {
    current_usable()?;
    let st = state(h)?;
    if data.is_null() || size == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller provides `size` readable bytes at `data`.
    let bytes = unsafe { std::slice::from_raw_parts(data as *const u8, size) };
    add(&st, kind, Image::Bytes(bytes))
}

pub(crate) unsafe fn link_add_file(h: *mut c_void, kind: u32, path: *const c_char) -> CuResult {
    current_usable()?;
    let st = state(h)?;
    if path.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: a NUL-terminated path from the caller.
    let path = unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned();
    let Ok(bytes) = std::fs::read(&path) else { return fail(CUDA_ERROR_FILE_NOT_FOUND) };
    add(&st, kind, Image::Bytes(&bytes))
}

pub(crate) unsafe fn link_complete(h: *mut c_void, image_out: *mut *mut c_void, size_out: *mut usize) -> CuResult {
    current_usable()?;
    let st = state(h)?;
    if image_out.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let mut s = st.lock();
    if s.inputs.is_empty() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let parsed = s.inputs.iter().map(|t| crate::ptx::parse(t)).collect::<Result<Vec<_>, _>>();
    let linked = parsed.map_err(|e| e.to_string()).and_then(|m| crate::ptx::link::link(m).map_err(|e| e.to_string()));
    if let Err(msg) = linked {
        super::log(format_args!("cuLinkComplete: {msg}"));
        return fail(CUDA_ERROR_INVALID_PTX);
    }
    let image = s.image.get_or_insert_with(|| Box::new(*IMAGE_TAG));
    let addr = image.as_ptr() as usize;
    IMAGES.lock().insert(addr, h as usize);
    if !size_out.is_null() {
        // SAFETY: non-null caller pointer.
        unsafe { out(size_out, IMAGE_TAG.len())? };
    }
    // SAFETY: checked non-null.
    unsafe { out(image_out, addr as *mut c_void) }
}

pub(crate) fn link_destroy(h: *mut c_void) -> CuResult {
    let Some(st) = LINKS.remove(h as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    if let Some(img) = &st.lock().image {
        IMAGES.lock().remove(&(img.as_ptr() as usize));
    }
    Ok(())
}
