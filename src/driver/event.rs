//! Event management (driver API "Event Management"). Recording an event
//! submits a marker to the stream; the event completes (and takes its
//! timestamp, the host time) when the work submitted before it has run.

use super::codes::*;
use super::queue;
use super::state::{current_usable, require_init, Event, DRIVER};
use super::stream::{queue_of, sticky};
use super::{fail, out, CuResult};
use parking_lot::Mutex;
use std::ffi::c_void;
use std::sync::Arc;

/// `CU_EVENT_DISABLE_TIMING`.
const DISABLE_TIMING: u32 = 2;

pub(crate) unsafe fn event_create(ph: *mut *mut c_void, flags: u32) -> CuResult {
    let (ctx, _) = current_usable()?;
    if ph.is_null() || flags & !0xf != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let h = DRIVER.events.insert(Arc::new(Event { ctx, flags, recorded: Mutex::new(None) }));
    // SAFETY: checked non-null.
    unsafe { out(ph, h as *mut c_void) }
}

fn event(h: *mut c_void) -> CuResult<Arc<Event>> {
    DRIVER.events.get(h as usize).map_or(fail(CUDA_ERROR_INVALID_HANDLE), Ok)
}

/// `cuEventRecord(event, stream)`: the event captures the work submitted
/// to the stream so far (for the legacy stream, also the blocking streams'
/// work); a later record replaces the earlier one.
pub(crate) fn event_record(h: *mut c_void, stream: *mut c_void) -> CuResult {
    current_usable()?;
    let e = event(h)?;
    let q = queue_of(stream as usize)?;
    let m = q.submit(None, vec![]);
    *e.recorded.lock() = Some(m);
    Ok(())
}

/// `cuEventRecordWithFlags`: flags 0 or `CU_EVENT_RECORD_EXTERNAL` (1,
/// meaningful only in graph capture, which this driver does not do).
pub(crate) fn event_record_with_flags(h: *mut c_void, stream: *mut c_void, flags: u32) -> CuResult {
    if flags > 1 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    event_record(h, stream)
}

/// `cuEventQuery`: `CUDA_SUCCESS` when the captured work has run (or the
/// event was never recorded), else `CUDA_ERROR_NOT_READY`.
pub(crate) fn event_query(h: *mut c_void) -> CuResult {
    require_init()?;
    let e = event(h)?;
    let m = e.recorded.lock().clone();
    match m {
        Some(m) if !m.is_done() => fail(CUDA_ERROR_NOT_READY),
        _ => Ok(()),
    }
}

/// `cuEventSynchronize`: waits for the captured work, then reports the
/// current context's sticky error if a kernel faulted.
pub(crate) fn event_synchronize(h: *mut c_void) -> CuResult {
    current_usable()?;
    let e = event(h)?;
    let m = e.recorded.lock().clone();
    if let Some(m) = m {
        if !queue::wait_all(&[m]) {
            return fail(CUDA_ERROR_NOT_PERMITTED);
        }
    }
    sticky()
}

pub(crate) fn event_destroy(h: *mut c_void) -> CuResult {
    require_init()?;
    match DRIVER.events.remove(h as usize) {
        Some(_) => Ok(()),
        None => fail(CUDA_ERROR_INVALID_HANDLE),
    }
}

/// `cuEventElapsedTime`: milliseconds between two recorded events.
pub(crate) unsafe fn event_elapsed_time(ms: *mut f32, start: *mut c_void, end: *mut c_void) -> CuResult {
    require_init()?;
    if ms.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let (s, e) = (event(start)?, event(end)?);
    if s.flags & DISABLE_TIMING != 0 || e.flags & DISABLE_TIMING != 0 {
        return fail(CUDA_ERROR_INVALID_HANDLE);
    }
    // Read one lock at a time: start and end may be the same event.
    let m0 = s.recorded.lock().clone();
    let m1 = e.recorded.lock().clone();
    let (Some(m0), Some(m1)) = (m0, m1) else {
        return fail(CUDA_ERROR_INVALID_HANDLE);
    };
    let (Some(t0), Some(t1)) = (m0.completed_at(), m1.completed_at()) else {
        return fail(CUDA_ERROR_NOT_READY);
    };
    let d = if t1 >= t0 { (t1 - t0).as_secs_f64() * 1e3 } else { -((t0 - t1).as_secs_f64() * 1e3) };
    // SAFETY: checked non-null.
    unsafe { out(ms, d as f32) }
}
