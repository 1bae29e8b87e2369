//! Stream management (driver API "Stream Management"). Work submitted to a
//! stream completes before the call returns in this version, so streams are
//! always idle.

use super::codes::*;
use super::state::{check_stream, current_usable, Stream, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::Arc;

pub(crate) unsafe fn stream_create(ph: *mut *mut c_void, flags: u32) -> CuResult {
    // SAFETY: forwarded; the caller's contract.
    unsafe { stream_create_with_priority(ph, flags, 0) }
}

/// `cuStreamCreateWithPriority`: `priority` outside the context's range
/// ([-5, 0], see `cuCtxGetStreamPriorityRange`) is clamped, as the driver
/// API documents. Flags: `CU_STREAM_DEFAULT` (0) or `CU_STREAM_NON_BLOCKING`
/// (1); anything else is `CUDA_ERROR_INVALID_VALUE`.
pub(crate) unsafe fn stream_create_with_priority(ph: *mut *mut c_void, flags: u32, priority: i32) -> CuResult {
    let (ctx, _) = current_usable()?;
    if ph.is_null() || flags > 1 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let priority = priority.clamp(-5, 0);
    let h = DRIVER.streams.insert(Arc::new(Stream { ctx, flags, priority }));
    // SAFETY: checked non-null.
    unsafe { out(ph, h as *mut c_void) }
}

/// The stream record behind `h`, or None for the NULL/legacy (1) and
/// per-thread (2) default streams; an unknown handle is
/// `CUDA_ERROR_INVALID_HANDLE`.
fn lookup(h: *mut c_void) -> CuResult<Option<Arc<Stream>>> {
    current_usable()?;
    let h = h as usize;
    if h <= 2 {
        return Ok(None);
    }
    match DRIVER.streams.get(h) {
        Some(s) => Ok(Some(s)),
        None => fail(CUDA_ERROR_INVALID_HANDLE),
    }
}

/// `cuStreamGetPriority`: the (clamped) creation priority; 0 for the
/// default streams.
pub(crate) unsafe fn stream_get_priority(h: *mut c_void, p: *mut i32) -> CuResult {
    let s = lookup(h)?;
    if p.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: checked non-null.
    unsafe { out(p, s.map_or(0, |s| s.priority)) }
}

/// `cuStreamGetFlags`: the creation flags; 0 for the default streams.
pub(crate) unsafe fn stream_get_flags(h: *mut c_void, p: *mut u32) -> CuResult {
    let s = lookup(h)?;
    if p.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: checked non-null.
    unsafe { out(p, s.map_or(0, |s| s.flags)) }
}

/// `cuStreamGetCtx`: the context the stream was created in; the current
/// context for the default streams.
pub(crate) unsafe fn stream_get_ctx(h: *mut c_void, p: *mut *mut c_void) -> CuResult {
    let s = lookup(h)?;
    if p.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let ctx = match s {
        Some(s) => s.ctx,
        None => current_usable()?.0,
    };
    // SAFETY: checked non-null.
    unsafe { out(p, ctx as *mut c_void) }
}

/// `cuStreamGetId`: a process-unique id; the handle value serves (handles
/// are never reused while the stream lives), the default streams get 0
/// (legacy) and 1 (per-thread) like the handles.
pub(crate) unsafe fn stream_get_id(h: *mut c_void, p: *mut u64) -> CuResult {
    lookup(h)?;
    if p.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let id = match h as usize {
        0 | 1 => 0,
        2 => 1,
        other => other as u64,
    };
    // SAFETY: checked non-null.
    unsafe { out(p, id) }
}

pub(crate) fn stream_destroy(h: *mut c_void) -> CuResult {
    super::state::require_init()?;
    match DRIVER.streams.remove(h as usize) {
        Some(_) => Ok(()),
        None => fail(CUDA_ERROR_INVALID_HANDLE),
    }
}

pub(crate) fn stream_synchronize(h: *mut c_void) -> CuResult {
    current_usable()?;
    check_stream(h as usize)
}

pub(crate) fn stream_query(h: *mut c_void) -> CuResult {
    current_usable()?;
    check_stream(h as usize)
}

pub(crate) fn stream_wait_event(h: *mut c_void, ev: *mut c_void, _flags: u32) -> CuResult {
    current_usable()?;
    check_stream(h as usize)?;
    match DRIVER.events.get(ev as usize) {
        Some(_) => Ok(()),
        None => fail(CUDA_ERROR_INVALID_HANDLE),
    }
}
