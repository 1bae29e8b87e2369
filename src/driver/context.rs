//! Context management (driver API "Context Management", "Primary Context
//! Management"): contexts, the per-thread context stack, primary context.

use super::codes::*;
use super::state::{self, current, require_init, Context, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

type CUcontext = *mut c_void;

fn new_context(dev: i32, flags: u32, primary: bool) -> CuResult<usize> {
    require_init()?;
    if dev != 0 {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    let h = DRIVER.contexts.insert(Arc::new(Context { device: dev, flags, primary, sticky: AtomicU32::new(0) }));
    DRIVER.destroyed.lock().remove(&h);
    Ok(h)
}

/// `cuCtxCreate_v2(pctx, flags, dev)`: creates a context and makes it current.
pub(crate) unsafe fn ctx_create(pctx: *mut CUcontext, flags: u32, dev: i32) -> CuResult {
    require_init()?;
    if pctx.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let h = new_context(dev, flags, false)?;
    state::push_current(h);
    // SAFETY: checked non-null.
    unsafe { out(pctx, h as CUcontext) }
}

/// `cuCtxCreate_v4(pctx, params, flags, dev)`: as `_v2`; execution-affinity
/// and CIG parameters are not supported (non-NULL `params` → NOT_SUPPORTED).
pub(crate) unsafe fn ctx_create_v4(pctx: *mut CUcontext, params: *mut c_void, flags: u32, dev: i32) -> CuResult {
    if !params.is_null() {
        return fail(CUDA_ERROR_NOT_SUPPORTED);
    }
    // SAFETY: forwarded caller contract.
    unsafe { ctx_create(pctx, flags, dev) }
}

pub(crate) fn ctx_destroy(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    let Some(c) = DRIVER.contexts.get(h) else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    if c.primary {
        // The primary context is destroyed only through its retain count.
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    teardown(h);
    state::forget_context(h);
    Ok(())
}

/// Destroys context `h` and everything it owns: modules, streams, events and
/// memory. Threads that still have it current get
/// `CUDA_ERROR_CONTEXT_IS_DESTROYED`.
fn teardown(h: usize) {
    DRIVER.contexts.remove(h);
    DRIVER.destroyed.lock().insert(h);
    for m in DRIVER.modules.handles_where(|m| m.ctx == h) {
        super::module::unload_handle(m);
    }
    for s in DRIVER.streams.handles_where(|s| s.ctx == h) {
        DRIVER.streams.remove(s);
    }
    for e in DRIVER.events.handles_where(|e| e.ctx == h) {
        DRIVER.events.remove(e);
    }
    crate::memory::SPACE.write().free_owned_by(h);
}

pub(crate) fn ctx_set_current(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    if h == 0 {
        state::set_current(None);
        return Ok(());
    }
    if DRIVER.contexts.get(h).is_none() {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    state::set_current(Some(h));
    Ok(())
}

pub(crate) unsafe fn ctx_get_current(pctx: *mut CUcontext) -> CuResult {
    require_init()?;
    let h = state::current_handle().filter(|&h| DRIVER.contexts.get(h).is_some()).unwrap_or(0);
    // SAFETY: out() checks NULL.
    unsafe { out(pctx, h as CUcontext) }
}

pub(crate) fn ctx_push_current(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    if DRIVER.contexts.get(h).is_none() {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    state::push_current(h);
    Ok(())
}

pub(crate) unsafe fn ctx_pop_current(pctx: *mut CUcontext) -> CuResult {
    require_init()?;
    let Some(h) = state::pop_current() else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    if !pctx.is_null() {
        // SAFETY: non-null caller pointer.
        unsafe { out(pctx, h as CUcontext)? };
    }
    Ok(())
}

/// `cuCtxSynchronize`: all work is complete when launches return; reports
/// the context's sticky error if a kernel faulted.
pub(crate) fn ctx_synchronize() -> CuResult {
    state::current_usable().map(|_| ())
}

/// `cuCtxSynchronize_v2(ctx)`: as above for a given context (NULL = current).
pub(crate) fn ctx_synchronize_v2(ctx: CUcontext) -> CuResult {
    if ctx.is_null() {
        return ctx_synchronize();
    }
    require_init()?;
    let Some(c) = DRIVER.contexts.get(ctx as usize) else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    match c.sticky.load(Ordering::Acquire) {
        0 => Ok(()),
        e => fail(e),
    }
}

pub(crate) unsafe fn ctx_get_device(dev: *mut i32) -> CuResult {
    let (_, c) = current()?;
    // SAFETY: out() checks NULL.
    unsafe { out(dev, c.device) }
}

pub(crate) unsafe fn primary_ctx_retain(pctx: *mut CUcontext, dev: i32) -> CuResult {
    require_init()?;
    if pctx.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if dev != 0 {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    let mut p = DRIVER.primary.lock();
    let h = match *p {
        Some((h, n)) => {
            *p = Some((h, n + 1));
            h
        }
        None => {
            let h = new_context(dev, 0, true)?;
            *p = Some((h, 1));
            h
        }
    };
    // SAFETY: checked non-null.
    unsafe { out(pctx, h as CUcontext) }
}

pub(crate) fn primary_ctx_release(dev: i32) -> CuResult {
    require_init()?;
    if dev != 0 {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    let mut p = DRIVER.primary.lock();
    match *p {
        Some((h, 1)) => {
            // The last reference: the primary context is reset (driver API,
            // cuDevicePrimaryCtxRelease); a later retain creates a new one.
            *p = None;
            teardown(h);
            Ok(())
        }
        Some((h, n)) => {
            *p = Some((h, n - 1));
            Ok(())
        }
        _ => fail(CUDA_ERROR_INVALID_CONTEXT),
    }
}
