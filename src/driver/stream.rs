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

/// `cuLaunchHostFunc(stream, fn, userData)`: `fn(userData)` runs after the
/// work queued before it on `stream`. Queued work completes before each
/// call returns in this version, so the function runs on the calling thread
/// before `cuLaunchHostFunc` returns (a host function that waits for
/// something the caller does later would therefore deadlock). NULL `fn` is
/// `CUDA_ERROR_INVALID_VALUE`; a context with a sticky kernel error refuses
/// the call with that error and `fn` does not run.
pub(crate) unsafe fn launch_host_func(h: *mut c_void, f: *mut c_void, user: *mut c_void) -> CuResult {
    lookup(h)?;
    if f.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: `f` is the caller's non-NULL `CUhostFn`, `void (*)(void*)`.
    let f: unsafe extern "C" fn(*mut c_void) = unsafe { std::mem::transmute(f) };
    // SAFETY: calling the caller's host function with its own argument.
    unsafe { f(user) };
    Ok(())
}

/// `cuStreamAddCallback(stream, callback, userData, flags)`: like
/// `cuLaunchHostFunc`, with `callback(stream, CUDA_SUCCESS, userData)`.
/// `flags` must be 0 (`CUDA_ERROR_INVALID_VALUE` otherwise).
pub(crate) unsafe fn stream_add_callback(h: *mut c_void, f: *mut c_void, user: *mut c_void, flags: u32) -> CuResult {
    lookup(h)?;
    if f.is_null() || flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: `f` is the caller's non-NULL `CUstreamCallback`,
    // `void (*)(CUstream, CUresult, void*)`.
    let f: unsafe extern "C" fn(*mut c_void, u32, *mut c_void) = unsafe { std::mem::transmute(f) };
    // SAFETY: calling the caller's callback with its stream and argument.
    unsafe { f(h, CUDA_SUCCESS, user) };
    Ok(())
}
