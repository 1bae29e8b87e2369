//! Initialisation, version and device management (driver API
//! "Initialization", "Version Management", "Device Management"). One
//! emulated device, ordinal 0.

use super::attributes::device_attribute;
use super::codes::*;
use super::state::{require_init, DRIVER};
use super::{fail, out, CuResult};
use std::ffi::c_char;
use std::sync::atomic::Ordering;

/// The version `cuDriverGetVersion` reports (13.5: cudart 13.x needs ≥ 13000).
pub const DRIVER_VERSION: i32 = 13050;
/// The emulated device's name.
pub const DEVICE_NAME: &str = "softcuda emulated GPU";

/// Device memory we report as total (bytes): 16 GiB; allocations come from host memory.
pub const TOTAL_MEM: usize = 16 << 30;

pub(crate) fn init(flags: u32) -> CuResult {
    if flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    DRIVER.initialized.store(true, Ordering::Release);
    Ok(())
}

pub(crate) unsafe fn driver_get_version(v: *mut i32) -> CuResult {
    // SAFETY: out() checks NULL; the caller's pointer is writable by contract.
    unsafe { out(v, DRIVER_VERSION) }
}

fn check_device(dev: i32) -> CuResult {
    require_init()?;
    if dev != 0 {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    Ok(())
}

pub(crate) unsafe fn device_get(d: *mut i32, ordinal: i32) -> CuResult {
    require_init()?;
    if d.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if ordinal != 0 {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    // SAFETY: checked non-null above.
    unsafe { out(d, 0) }
}

pub(crate) unsafe fn device_get_count(n: *mut i32) -> CuResult {
    require_init()?;
    // SAFETY: out() checks NULL.
    unsafe { out(n, 1) }
}

pub(crate) unsafe fn device_get_name(name: *mut c_char, len: i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if name.is_null() || len <= 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let bytes = DEVICE_NAME.as_bytes();
    let n = bytes.len().min(len as usize - 1);
    // SAFETY: the caller provides `len` writable bytes at `name`; we write n + 1 ≤ len.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), name as *mut u8, n);
        *name.add(n) = 0;
    }
    Ok(())
}

pub(crate) unsafe fn device_total_mem(bytes: *mut usize, dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: out() checks NULL.
    unsafe { out(bytes, TOTAL_MEM) }
}

pub(crate) unsafe fn device_get_attribute(v: *mut i32, attrib: i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if v.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    match device_attribute(attrib) {
        // SAFETY: checked non-null.
        Some(x) => unsafe { out(v, x) },
        None => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

pub(crate) unsafe fn device_compute_capability(major: *mut i32, minor: *mut i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if major.is_null() || minor.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // Attribute ids 75/76: COMPUTE_CAPABILITY_MAJOR/MINOR.
    let (ma, mi) = (device_attribute(75).unwrap_or(8), device_attribute(76).unwrap_or(0));
    // SAFETY: both checked non-null.
    unsafe {
        out(major, ma)?;
        out(minor, mi)
    }
}

/// A fixed UUID for the emulated device (`cuDeviceGetUuid`).
pub const DEVICE_UUID: [u8; 16] = *b"softcuda-emu-gpu";

pub(crate) unsafe fn device_get_uuid(uuid: *mut [u8; 16], dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: out() checks NULL; CUuuid is 16 bytes.
    unsafe { out(uuid, DEVICE_UUID) }
}
