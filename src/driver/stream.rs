//! Stream management (driver API "Stream Management"). Each stream is a
//! [`Queue`] whose work runs in order on a host thread of its own while
//! the caller goes on (see `queue.rs` for the default streams' rules).

use super::codes::*;
use super::queue::{self, Kind, Queue};
use super::state::{current_usable, Stream, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// `CU_STREAM_PER_THREAD`.
pub(crate) const PER_THREAD: usize = 2;
/// `CU_STREAM_LEGACY`.
pub(crate) const LEGACY: usize = 1;

/// The stream a `_ptsz`/`_ptds` entry point means: NULL is the calling
/// thread's per-thread default stream there.
pub(crate) fn ptsz(h: *mut c_void) -> *mut c_void {
    if h.is_null() {
        PER_THREAD as *mut c_void
    } else {
        h
    }
}

/// [`ptsz`] for handles passed as integers.
pub(crate) fn ptsz_u(h: usize) -> usize {
    if h == 0 {
        PER_THREAD
    } else {
        h
    }
}

/// The queue of stream `h`: NULL and `CU_STREAM_LEGACY` are the current
/// context's legacy default stream, `CU_STREAM_PER_THREAD` this thread's
/// per-thread default stream. Fails like `current_usable` (no context, or
/// its sticky error) and with `CUDA_ERROR_INVALID_HANDLE` for an unknown
/// stream.
pub(crate) fn queue_of(h: usize) -> CuResult<Arc<Queue>> {
    let (ctx, _) = current_usable()?;
    match h {
        0 | LEGACY => Ok(queue::legacy(ctx)),
        PER_THREAD => Ok(queue::per_thread(ctx)),
        _ => match DRIVER.streams.get(h) {
            Some(s) => Ok(s.queue.clone()),
            None => fail(CUDA_ERROR_INVALID_HANDLE),
        },
    }
}

/// Fails with the current context's sticky error if a kernel faulted.
pub(crate) fn sticky() -> CuResult {
    current_usable().map(|_| ())
}

/// Runs `f` on the calling thread in stream `h`'s order: after all work
/// submitted to the stream before (and, by the legacy stream's rule, the
/// streams it synchronises with). How copies and memsets run, and the
/// synchronous ones run on the (legacy or per-thread) default stream.
/// Reports a sticky error raised by the work waited for instead of running `f`.
pub(crate) fn synced<T>(h: usize, f: impl FnOnce() -> CuResult<T>) -> CuResult<T> {
    let q = queue_of(h)?;
    if !queue::wait_all(&q.order_markers()) {
        return fail(CUDA_ERROR_NOT_PERMITTED);
    }
    sticky()?;
    f()
}

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
    let kind = if flags & 1 != 0 { Kind::NonBlocking } else { Kind::Blocking };
    let h = DRIVER.streams.insert(Arc::new(Stream { ctx, flags, priority, queue: Queue::new(ctx, kind) }));
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

/// `cuStreamDestroy`: returns at once; work already submitted to the
/// stream still runs to its end (driver API).
pub(crate) fn stream_destroy(h: *mut c_void) -> CuResult {
    super::state::require_init()?;
    match DRIVER.streams.remove(h as usize) {
        Some(_) => Ok(()),
        None => fail(CUDA_ERROR_INVALID_HANDLE),
    }
}

/// `cuStreamSynchronize`: waits for the stream's work (for the legacy
/// stream, also the blocking streams' work submitted before), then reports
/// the context's sticky error if a kernel faulted. From a host function
/// (a stream's own thread) it is `CUDA_ERROR_NOT_PERMITTED`.
pub(crate) fn stream_synchronize(h: *mut c_void) -> CuResult {
    let q = queue_of(h as usize)?;
    if !queue::wait_all(&q.sync_markers()) {
        return fail(CUDA_ERROR_NOT_PERMITTED);
    }
    sticky()
}

/// `cuStreamQuery`: `CUDA_SUCCESS` when all work submitted to the stream
/// has run, else `CUDA_ERROR_NOT_READY`.
pub(crate) fn stream_query(h: *mut c_void) -> CuResult {
    let q = queue_of(h as usize)?;
    if q.sync_markers().is_empty() {
        sticky()
    } else {
        fail(CUDA_ERROR_NOT_READY)
    }
}

/// `cuStreamWaitEvent`: work submitted to the stream later waits until the
/// work the event's last `cuEventRecord` captured has run (nothing, if the
/// event was never recorded). The event may belong to another stream or
/// context. Flags: 0 or `CU_EVENT_WAIT_EXTERNAL` (1).
pub(crate) fn stream_wait_event(h: *mut c_void, ev: *mut c_void, flags: u32) -> CuResult {
    let q = queue_of(h as usize)?;
    if flags > 1 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(e) = DRIVER.events.get(ev as usize) else { return fail(CUDA_ERROR_INVALID_HANDLE) };
    let recorded = e.recorded.lock().clone();
    if let Some(m) = recorded {
        q.submit(None, vec![m]);
    }
    Ok(())
}

/// A caller's function pointer and argument, run on a stream's thread.
struct HostCall {
    f: *mut c_void,
    user: *mut c_void,
    stream: *mut c_void,
}

// SAFETY: the driver API runs host functions on a driver thread with the
// caller's argument; the caller promises both are usable from there.
unsafe impl Send for HostCall {}

/// `cuLaunchHostFunc(stream, fn, userData)`: `fn(userData)` runs on the
/// stream's thread after the work queued before it; later work waits for
/// it. It must not call the driver (driver API); calls that would wait for
/// a stream are refused there with `CUDA_ERROR_NOT_PERMITTED`. NULL `fn` is
/// `CUDA_ERROR_INVALID_VALUE`. After a kernel fault in the context, host
/// functions no longer run.
pub(crate) unsafe fn launch_host_func(h: *mut c_void, f: *mut c_void, user: *mut c_void) -> CuResult {
    let q = queue_of(h as usize)?;
    if f.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let (_, ctx) = current_usable()?;
    let call = HostCall { f, user, stream: h };
    q.submit(
        Some(Box::new(move || {
            let call = call;
            if ctx.sticky.load(Ordering::Acquire) != CUDA_SUCCESS {
                return;
            }
            // SAFETY: `f` is the caller's non-NULL `CUhostFn`, `void (*)(void*)`,
            // called with its own argument.
            unsafe {
                let f: unsafe extern "C" fn(*mut c_void) = std::mem::transmute(call.f);
                f(call.user)
            }
        })),
        vec![],
    );
    Ok(())
}

/// `cuStreamAddCallback(stream, callback, userData, flags)`: like
/// `cuLaunchHostFunc`, calling `callback(stream, status, userData)`, where
/// status is the context's sticky error if a kernel faulted (the callback
/// still runs, as the driver API documents). `flags` must be 0
/// (`CUDA_ERROR_INVALID_VALUE` otherwise).
pub(crate) unsafe fn stream_add_callback(h: *mut c_void, f: *mut c_void, user: *mut c_void, flags: u32) -> CuResult {
    let q = queue_of(h as usize)?;
    if f.is_null() || flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let (_, ctx) = current_usable()?;
    let call = HostCall { f, user, stream: h };
    q.submit(
        Some(Box::new(move || {
            let call = call;
            let status = ctx.sticky.load(Ordering::Acquire);
            // SAFETY: `f` is the caller's non-NULL `CUstreamCallback`,
            // `void (*)(CUstream, CUresult, void*)`, called with its stream
            // and argument.
            unsafe {
                let f: unsafe extern "C" fn(*mut c_void, u32, *mut c_void) = std::mem::transmute(call.f);
                f(call.stream, status, call.user)
            }
        })),
        vec![],
    );
    Ok(())
}

/// `cuStreamIsCapturing`: stream capture (graphs) is not supported, so no
/// stream is ever capturing: `CU_STREAM_CAPTURE_STATUS_NONE` (0).
pub(crate) unsafe fn stream_is_capturing(h: *mut c_void, status: *mut u32) -> CuResult {
    queue_of(h as usize)?;
    // SAFETY: out() checks NULL.
    unsafe { out(status, 0) }
}

/// `cuStreamGetCaptureInfo` (all versions): status NONE; the other
/// outputs are only meaningful while capturing and are cleared when given.
pub(crate) unsafe fn stream_get_capture_info(
    h: *mut c_void,
    status: *mut u32,
    id: *mut u64,
    graph: *mut *mut c_void,
    deps: *mut *const c_void,
    edges: *mut *const c_void,
    ndeps: *mut usize,
) -> CuResult {
    queue_of(h as usize)?;
    // SAFETY: each output is written only when non-null.
    unsafe {
        out(status, 0)?;
        if !id.is_null() {
            out(id, 0)?;
        }
        if !graph.is_null() {
            out(graph, std::ptr::null_mut())?;
        }
        if !deps.is_null() {
            out(deps, std::ptr::null())?;
        }
        if !edges.is_null() {
            out(edges, std::ptr::null())?;
        }
        if !ndeps.is_null() {
            out(ndeps, 0)?;
        }
    }
    Ok(())
}

/// `cuStreamGetDevice`: the device of the stream's context.
pub(crate) unsafe fn stream_get_device(h: *mut c_void, dev: *mut i32) -> CuResult {
    let ctx = stream_context(h)?;
    let Some(c) = DRIVER.contexts.get(ctx) else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    // SAFETY: out() checks NULL.
    unsafe { out(dev, c.device) }
}

/// `cuStreamGetCtx_v2(stream, pCtx, pGreenCtx)`: the stream's context and
/// no green context (green contexts are not supported).
pub(crate) unsafe fn stream_get_ctx_v2(h: *mut c_void, pctx: *mut *mut c_void, pgreen: *mut *mut c_void) -> CuResult {
    let ctx = stream_context(h)?;
    if pctx.is_null() || pgreen.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: both checked non-null.
    unsafe {
        out(pctx, ctx as *mut c_void)?;
        out(pgreen, std::ptr::null_mut())
    }
}

/// The context handle of stream `h` (the current one for default streams).
fn stream_context(h: *mut c_void) -> CuResult<usize> {
    Ok(match lookup(h)? {
        Some(s) => s.ctx,
        None => current_usable()?.0,
    })
}

/// `cuStreamAttachMemAsync`: every allocation is reachable from every
/// stream and the host here, so attaching managed memory only checks the
/// stream and flags (`CU_MEM_ATTACH_GLOBAL` 1, `HOST` 2, `SINGLE` 4).
pub(crate) fn stream_attach_mem_async(h: *mut c_void, _dptr: u64, _len: usize, flags: u32) -> CuResult {
    queue_of(h as usize)?;
    if !matches!(flags, 1 | 2 | 4) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// `CU_LAUNCH_ATTRIBUTE_PRIORITY` as a stream attribute.
const STREAM_ATTRIBUTE_PRIORITY: u32 = 8;

/// `cuStreamGetAttribute`: the 64-byte `CUstreamAttrValue` union; the
/// priority attribute reports the stream's priority, the others (access
/// policy window, synchronisation policy, memory sync domain) their
/// defaults, zero.
pub(crate) unsafe fn stream_get_attribute(h: *mut c_void, attr: u32, value: *mut c_void) -> CuResult {
    let s = lookup(h)?;
    if value.is_null() || attr == 0 || attr > 24 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let mut v = [0u8; 64];
    if attr == STREAM_ATTRIBUTE_PRIORITY {
        v[..4].copy_from_slice(&s.map_or(0, |s| s.priority).to_le_bytes());
    }
    // SAFETY: the caller's CUstreamAttrValue holds 64 bytes.
    unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), value as *mut u8, v.len()) };
    Ok(())
}

/// `cuStreamSetAttribute`: accepted (they are performance hints here).
pub(crate) fn stream_set_attribute(h: *mut c_void, attr: u32, value: *const c_void) -> CuResult {
    lookup(h)?;
    if value.is_null() || attr == 0 || attr > 24 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// `cuStreamCopyAttributes`: both streams must exist; nothing else to copy.
pub(crate) fn stream_copy_attributes(dst: *mut c_void, src: *mut c_void) -> CuResult {
    lookup(dst)?;
    lookup(src)?;
    Ok(())
}

thread_local! {
    static CAPTURE_MODE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// `cuThreadExchangeStreamCaptureMode`: swaps this thread's capture mode
/// (`CU_STREAM_CAPTURE_MODE_GLOBAL` 0, `THREAD_LOCAL` 1, `RELAXED` 2).
pub(crate) unsafe fn thread_exchange_stream_capture_mode(mode: *mut u32) -> CuResult {
    super::state::require_init()?;
    if mode.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: checked non-null.
    let new = unsafe { mode.read() };
    if new > 2 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let old = CAPTURE_MODE.with(|m| m.replace(new));
    // SAFETY: checked non-null.
    unsafe { out(mode, old) }
}
