//! Stream management (driver API "Stream Management"). Work submitted to a
//! stream completes before the call returns in this version, so streams are
//! always idle.

use super::codes::*;
use super::state::{check_stream, current_usable, Stream, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::Arc;

pub(crate) unsafe fn stream_create(ph: *mut *mut c_void, flags: u32) -> CuResult {
    let (ctx, _) = current_usable()?;
    if ph.is_null() || flags > 1 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let h = DRIVER.streams.insert(Arc::new(Stream { ctx, flags }));
    // SAFETY: checked non-null.
    unsafe { out(ph, h as *mut c_void) }
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
