//! Event management (driver API "Event Management"). Work is complete when
//! it is submitted, so an event records the host time of `cuEventRecord`.

use super::codes::*;
use super::state::{check_stream, current_usable, require_init, Event, DRIVER};
use super::{fail, out, CuResult};
use parking_lot::Mutex;
use std::ffi::c_void;
use std::sync::Arc;
use std::time::Instant;

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

pub(crate) fn event_record(h: *mut c_void, stream: *mut c_void) -> CuResult {
    current_usable()?;
    let e = event(h)?;
    check_stream(stream as usize)?;
    *e.recorded.lock() = Some(Instant::now());
    Ok(())
}

pub(crate) fn event_query(h: *mut c_void) -> CuResult {
    require_init()?;
    event(h).map(|_| ())
}

pub(crate) fn event_synchronize(h: *mut c_void) -> CuResult {
    current_usable()?;
    event(h).map(|_| ())
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
    let t0 = *s.recorded.lock();
    let t1 = *e.recorded.lock();
    let (Some(t0), Some(t1)) = (t0, t1) else {
        return fail(CUDA_ERROR_INVALID_HANDLE);
    };
    let d = if t1 >= t0 { (t1 - t0).as_secs_f64() * 1e3 } else { -((t0 - t1).as_secs_f64() * 1e3) };
    // SAFETY: checked non-null.
    unsafe { out(ms, d as f32) }
}
