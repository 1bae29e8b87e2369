//! Error handling (driver API "Error Handling"): `cuGetErrorName`,
//! `cuGetErrorString`. Every `CUresult` has a name (codes.rs) and a short
//! description of our own wording (below). Like NVIDIA's driver (measured),
//! both fail with `CUDA_ERROR_DEINITIALIZED` once process exit began.

use super::codes::*;
use super::state::DRIVER;
use super::{fail, out, CuResult};
use std::ffi::c_char;
use std::sync::atomic::Ordering;

fn lookup(code: CUresult) -> Option<&'static str> {
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A short description of every defined code (NUL-terminated).
pub fn description(code: CUresult) -> Option<&'static str> {
    let d = match code {
        CUDA_SUCCESS => "no error\0",
        CUDA_ERROR_INVALID_VALUE => "invalid argument\0",
        CUDA_ERROR_OUT_OF_MEMORY => "out of memory\0",
        CUDA_ERROR_NOT_INITIALIZED => "initialization error\0",
        CUDA_ERROR_DEINITIALIZED => "driver shutting down\0",
        CUDA_ERROR_PROFILER_DISABLED => "profiler is disabled for this run\0",
        CUDA_ERROR_PROFILER_NOT_INITIALIZED => "profiler not initialized\0",
        CUDA_ERROR_PROFILER_ALREADY_STARTED => "profiler already started\0",
        CUDA_ERROR_PROFILER_ALREADY_STOPPED => "profiler already stopped\0",
        CUDA_ERROR_STUB_LIBRARY => "CUDA driver is a stub library\0",
        CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER => "call requires a newer driver\0",
        CUDA_ERROR_DEVICE_UNAVAILABLE => "CUDA-capable device(s) busy or unavailable\0",
        CUDA_ERROR_MULTICAST_RESOURCE_FULL => "multicast resources exhausted\0",
        CUDA_ERROR_NO_DEVICE => "no CUDA-capable device is detected\0",
        CUDA_ERROR_INVALID_DEVICE => "invalid device ordinal\0",
        CUDA_ERROR_DEVICE_NOT_LICENSED => "device is not licensed for this use\0",
        CUDA_ERROR_INVALID_IMAGE => "device kernel image is invalid\0",
        CUDA_ERROR_INVALID_CONTEXT => "invalid device context\0",
        CUDA_ERROR_CONTEXT_ALREADY_CURRENT => "context already current\0",
        CUDA_ERROR_MAP_FAILED => "mapping of memory failed\0",
        CUDA_ERROR_UNMAP_FAILED => "unmapping of memory failed\0",
        CUDA_ERROR_ARRAY_IS_MAPPED => "array is mapped\0",
        CUDA_ERROR_ALREADY_MAPPED => "resource already mapped\0",
        CUDA_ERROR_NO_BINARY_FOR_GPU => "no kernel image is available for the device\0",
        CUDA_ERROR_ALREADY_ACQUIRED => "resource already acquired\0",
        CUDA_ERROR_NOT_MAPPED => "resource not mapped\0",
        CUDA_ERROR_NOT_MAPPED_AS_ARRAY => "resource not mapped as an array\0",
        CUDA_ERROR_NOT_MAPPED_AS_POINTER => "resource not mapped as a pointer\0",
        CUDA_ERROR_ECC_UNCORRECTABLE => "uncorrectable ECC error\0",
        CUDA_ERROR_UNSUPPORTED_LIMIT => "limit not supported on this device\0",
        CUDA_ERROR_CONTEXT_ALREADY_IN_USE => "context already in use by another thread\0",
        CUDA_ERROR_PEER_ACCESS_UNSUPPORTED => "peer access not supported between these devices\0",
        CUDA_ERROR_INVALID_PTX => "a PTX JIT compilation failed\0",
        CUDA_ERROR_INVALID_GRAPHICS_CONTEXT => "invalid graphics context\0",
        CUDA_ERROR_NVLINK_UNCORRECTABLE => "uncorrectable NVLink error\0",
        CUDA_ERROR_JIT_COMPILER_NOT_FOUND => "PTX JIT compiler not found\0",
        CUDA_ERROR_UNSUPPORTED_PTX_VERSION => "PTX version not supported by this driver\0",
        CUDA_ERROR_JIT_COMPILATION_DISABLED => "PTX JIT compilation is disabled\0",
        CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY => "execution affinity not supported\0",
        CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC => "device-side synchronization not supported\0",
        CUDA_ERROR_CONTAINED => "error contained; the context cannot continue\0",
        CUDA_ERROR_INSUFFICIENT_LOADER_VERSION => "loader version too old\0",
        CUDA_ERROR_INVALID_SOURCE => "invalid kernel source\0",
        CUDA_ERROR_FILE_NOT_FOUND => "file not found\0",
        CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND => "shared object symbol not found\0",
        CUDA_ERROR_SHARED_OBJECT_INIT_FAILED => "shared object initialization failed\0",
        CUDA_ERROR_OPERATING_SYSTEM => "operating system call failed\0",
        CUDA_ERROR_INVALID_HANDLE => "invalid resource handle\0",
        CUDA_ERROR_ILLEGAL_STATE => "operation not valid in the current state\0",
        CUDA_ERROR_LOSSY_QUERY => "query result would lose information\0",
        CUDA_ERROR_NOT_FOUND => "named symbol not found\0",
        CUDA_ERROR_NOT_READY => "device not ready\0",
        CUDA_ERROR_ILLEGAL_ADDRESS => "an illegal memory access was encountered\0",
        CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES => "too many resources requested for launch\0",
        CUDA_ERROR_LAUNCH_TIMEOUT => "the launch timed out and was terminated\0",
        CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING => "launch uses incompatible texturing mode\0",
        CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED => "peer access already enabled\0",
        CUDA_ERROR_PEER_ACCESS_NOT_ENABLED => "peer access not enabled\0",
        CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE => "primary context already active\0",
        CUDA_ERROR_CONTEXT_IS_DESTROYED => "context is destroyed\0",
        CUDA_ERROR_ASSERT => "device-side assert triggered\0",
        CUDA_ERROR_TOO_MANY_PEERS => "too many peer contexts\0",
        CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED => "host memory already registered\0",
        CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED => "host memory not registered\0",
        CUDA_ERROR_HARDWARE_STACK_ERROR => "hardware stack error in a kernel\0",
        CUDA_ERROR_ILLEGAL_INSTRUCTION => "an illegal instruction was encountered\0",
        CUDA_ERROR_MISALIGNED_ADDRESS => "misaligned address\0",
        CUDA_ERROR_INVALID_ADDRESS_SPACE => "operation not valid in this address space\0",
        CUDA_ERROR_INVALID_PC => "invalid program counter\0",
        CUDA_ERROR_LAUNCH_FAILED => "unspecified launch failure\0",
        CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE => "cooperative launch grid too large\0",
        CUDA_ERROR_TENSOR_MEMORY_LEAK => "tensor memory not freed by the kernel\0",
        CUDA_ERROR_NOT_PERMITTED => "operation not permitted\0",
        CUDA_ERROR_NOT_SUPPORTED => "operation not supported\0",
        CUDA_ERROR_SYSTEM_NOT_READY => "system not ready for CUDA\0",
        CUDA_ERROR_SYSTEM_DRIVER_MISMATCH => "driver and kernel module versions differ\0",
        CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE => "forward compatibility not supported on this device\0",
        CUDA_ERROR_MPS_CONNECTION_FAILED => "cannot connect to the MPS server\0",
        CUDA_ERROR_MPS_RPC_FAILURE => "MPS remote call failed\0",
        CUDA_ERROR_MPS_SERVER_NOT_READY => "MPS server not ready\0",
        CUDA_ERROR_MPS_MAX_CLIENTS_REACHED => "MPS client limit reached\0",
        CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED => "MPS connection limit reached\0",
        CUDA_ERROR_MPS_CLIENT_TERMINATED => "MPS client terminated\0",
        CUDA_ERROR_CDP_NOT_SUPPORTED => "dynamic parallelism not supported here\0",
        CUDA_ERROR_CDP_VERSION_MISMATCH => "dynamic parallelism version mismatch\0",
        CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED => "operation not allowed while capturing a stream\0",
        CUDA_ERROR_STREAM_CAPTURE_INVALIDATED => "stream capture invalidated by an earlier error\0",
        CUDA_ERROR_STREAM_CAPTURE_MERGE => "stream captures cannot be merged\0",
        CUDA_ERROR_STREAM_CAPTURE_UNMATCHED => "capture was not begun in this stream\0",
        CUDA_ERROR_STREAM_CAPTURE_UNJOINED => "capture forked a stream that never joined\0",
        CUDA_ERROR_STREAM_CAPTURE_ISOLATION => "dependency would cross the capture boundary\0",
        CUDA_ERROR_STREAM_CAPTURE_IMPLICIT => "implicit dependency on a capturing stream\0",
        CUDA_ERROR_CAPTURED_EVENT => "operation not allowed on a captured event\0",
        CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD => "capture must be ended by the thread that began it\0",
        CUDA_ERROR_TIMEOUT => "wait timed out\0",
        CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE => "graph update not possible\0",
        CUDA_ERROR_EXTERNAL_DEVICE => "error on an external device\0",
        CUDA_ERROR_INVALID_CLUSTER_SIZE => "invalid cluster size\0",
        CUDA_ERROR_FUNCTION_NOT_LOADED => "function not loaded\0",
        CUDA_ERROR_INVALID_RESOURCE_TYPE => "invalid resource type\0",
        CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION => "invalid resource configuration\0",
        CUDA_ERROR_KEY_ROTATION => "error during key rotation\0",
        CUDA_ERROR_STREAM_DETACHED => "stream is detached\0",
        CUDA_ERROR_GRAPH_RECAPTURE_FAILURE => "graph recapture failed\0",
        CUDA_ERROR_FABRIC_NOT_READY => "fabric not ready\0",
        CUDA_ERROR_UNKNOWN => "unknown error\0",
        _ => return None,
    };
    Some(d)
}

fn check_alive() -> CuResult {
    if DRIVER.deinitialized.load(Ordering::Acquire) {
        return fail(CUDA_ERROR_DEINITIALIZED);
    }
    Ok(())
}

/// Writes `s` (or NULL and INVALID_VALUE for an unknown code).
///
/// # Safety
/// `p_str` must be NULL or writable.
unsafe fn answer(s: Option<&'static str>, p_str: *mut *const c_char) -> CuResult {
    match s {
        // SAFETY: out() checks for NULL; the caller passes a writable pointer.
        Some(n) => unsafe { out(p_str, n.as_ptr() as *const c_char) },
        None => {
            // SAFETY: as above.
            unsafe { out(p_str, std::ptr::null())? };
            fail(CUDA_ERROR_INVALID_VALUE)
        }
    }
}

/// `cuGetErrorName`: the enum name as a static NUL-terminated string;
/// `CUDA_ERROR_INVALID_VALUE` (and `*pStr` = NULL) for an unknown code.
pub(crate) unsafe fn get_error_name(code: CUresult, p_str: *mut *const c_char) -> CuResult {
    check_alive()?;
    // SAFETY: forwarded caller contract.
    unsafe { answer(lookup(code), p_str) }
}

/// `cuGetErrorString`: a short description, e.g. "invalid argument".
pub(crate) unsafe fn get_error_string(code: CUresult, p_str: *mut *const c_char) -> CuResult {
    check_alive()?;
    // SAFETY: forwarded caller contract.
    unsafe { answer(description(code), p_str) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_readable_description() {
        for &(code, name) in NAMES {
            let d = description(code).unwrap_or_else(|| panic!("{name} has no description"));
            assert!(d.ends_with('\0') && d.len() > 4, "{name}: {d:?}");
            assert!(!d.starts_with("CUDA_"), "{name}'s description is its name");
            assert!(!d[..d.len() - 1].contains('\0'));
        }
        assert_eq!(description(12345), None);
        assert_eq!(description(CUDA_ERROR_INVALID_VALUE), Some("invalid argument\0"));
    }
}
