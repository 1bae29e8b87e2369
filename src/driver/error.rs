//! Error handling (driver API "Error Handling"): `cuGetErrorName`,
//! `cuGetErrorString`.

use super::codes::*;
use super::{out, CuResult};
use std::ffi::c_char;

fn lookup(code: CUresult) -> Option<&'static str> {
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// `cuGetErrorName`: the enum name as a static NUL-terminated string;
/// `CUDA_ERROR_INVALID_VALUE` (and `*pStr` = NULL) for an unknown code.
pub(crate) unsafe fn get_error_name(code: CUresult, p_str: *mut *const c_char) -> CuResult {
    match lookup(code) {
        // SAFETY: out() checks for NULL; the caller passes a writable pointer.
        Some(n) => unsafe { out(p_str, n.as_ptr() as *const c_char) },
        None => {
            // SAFETY: as above.
            unsafe { out(p_str, std::ptr::null())? };
            super::fail(CUDA_ERROR_INVALID_VALUE)
        }
    }
}

/// `cuGetErrorString`: a description, e.g. "invalid argument".
pub(crate) unsafe fn get_error_string(code: CUresult, p_str: *mut *const c_char) -> CuResult {
    let desc: Option<&'static str> = match code {
        CUDA_SUCCESS => Some("no error\0"),
        CUDA_ERROR_INVALID_VALUE => Some("invalid argument\0"),
        CUDA_ERROR_OUT_OF_MEMORY => Some("out of memory\0"),
        CUDA_ERROR_NOT_INITIALIZED => Some("initialization error\0"),
        CUDA_ERROR_NO_DEVICE => Some("no CUDA-capable device is detected\0"),
        CUDA_ERROR_INVALID_DEVICE => Some("invalid device ordinal\0"),
        CUDA_ERROR_INVALID_IMAGE => Some("device kernel image is invalid\0"),
        CUDA_ERROR_INVALID_CONTEXT => Some("invalid device context\0"),
        CUDA_ERROR_INVALID_PTX => Some("a PTX JIT compilation failed\0"),
        CUDA_ERROR_INVALID_HANDLE => Some("invalid resource handle\0"),
        CUDA_ERROR_NOT_FOUND => Some("named symbol not found\0"),
        CUDA_ERROR_NOT_READY => Some("device not ready\0"),
        CUDA_ERROR_ILLEGAL_ADDRESS => Some("an illegal memory access was encountered\0"),
        CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES => Some("too many resources requested for launch\0"),
        CUDA_ERROR_LAUNCH_TIMEOUT => Some("the launch timed out and was terminated\0"),
        CUDA_ERROR_MISALIGNED_ADDRESS => Some("misaligned address\0"),
        CUDA_ERROR_ILLEGAL_INSTRUCTION => Some("an illegal instruction was encountered\0"),
        CUDA_ERROR_LAUNCH_FAILED => Some("unspecified launch failure\0"),
        CUDA_ERROR_NOT_SUPPORTED => Some("operation not supported\0"),
        CUDA_ERROR_UNKNOWN => Some("unknown error\0"),
        _ => lookup(code),
    };
    match desc {
        // SAFETY: out() checks for NULL.
        Some(d) => unsafe { out(p_str, d.as_ptr() as *const c_char) },
        None => {
            // SAFETY: as above.
            unsafe { out(p_str, std::ptr::null())? };
            super::fail(CUDA_ERROR_INVALID_VALUE)
        }
    }
}
