//! Memory management (driver API "Memory Management"): device and pinned
//! host allocations, copies and memsets. Device pointers are checked against
//! the address space, so a bad pointer is an error, never a host crash.

use super::codes::*;
use super::state::{check_stream, current, current_usable};
use super::{fail, out, CuResult};
use crate::memory::{AllocKind, MemError, SPACE};
use std::ffi::c_void;

fn mem_err(e: MemError) -> super::CuError {
    super::CuError(match e {
        MemError::OutOfMemory => CUDA_ERROR_OUT_OF_MEMORY,
        MemError::NotAllocated | MemError::OutOfRange => CUDA_ERROR_INVALID_VALUE,
    })
}

pub(crate) unsafe fn mem_alloc(dptr: *mut u64, bytes: usize) -> CuResult {
    let (ctx, _) = current_usable()?;
    if dptr.is_null() || bytes == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let a = SPACE.write().alloc_for(bytes, AllocKind::Device, ctx).map_err(mem_err)?;
    // SAFETY: checked non-null.
    unsafe { out(dptr, a) }
}

pub(crate) fn mem_free(dptr: u64) -> CuResult {
    current_usable()?;
    if dptr == 0 {
        return Ok(());
    }
    SPACE.write().free(dptr, AllocKind::Device).map_err(mem_err)
}

pub(crate) unsafe fn mem_get_info(free: *mut usize, total: *mut usize) -> CuResult {
    current()?;
    let used = SPACE.read().device_bytes() as usize;
    let t = super::device::TOTAL_MEM;
    // SAFETY: out() checks NULL.
    unsafe {
        out(free, t.saturating_sub(used))?;
        out(total, t)
    }
}

pub(crate) unsafe fn mem_alloc_host(pp: *mut *mut c_void, bytes: usize) -> CuResult {
    let (ctx, _) = current_usable()?;
    if pp.is_null() || bytes == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let a = SPACE.write().alloc_for(bytes, AllocKind::Host, ctx).map_err(mem_err)?;
    // SAFETY: checked non-null.
    unsafe { out(pp, a as *mut c_void) }
}

pub(crate) fn mem_free_host(p: *mut c_void) -> CuResult {
    current_usable()?;
    SPACE.write().free(p as u64, AllocKind::Host).map_err(mem_err)
}

/// Copies host → device. The destination range must lie in one live block.
pub(crate) fn memcpy_htod(dst: u64, src: *const c_void, n: usize) -> CuResult {
    current_usable()?;
    if n == 0 {
        return Ok(());
    }
    if src.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let space = SPACE.read();
    let d = space.host_ptr(dst, n).map_err(mem_err)?;
    // SAFETY: d has n bytes inside a live block (checked, read lock held so it
    // cannot be freed); the caller promises src has n readable bytes;
    // `copy` tolerates overlap with registered host memory.
    unsafe { std::ptr::copy(src as *const u8, d, n) };
    Ok(())
}

/// Copies device → host.
pub(crate) fn memcpy_dtoh(dst: *mut c_void, src: u64, n: usize) -> CuResult {
    current_usable()?;
    if n == 0 {
        return Ok(());
    }
    if dst.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let space = SPACE.read();
    let s = space.host_ptr(src, n).map_err(mem_err)?;
    // SAFETY: s has n bytes in a live block (checked, lock held); the caller
    // promises dst has n writable bytes.
    unsafe { std::ptr::copy(s, dst as *mut u8, n) };
    Ok(())
}

pub(crate) fn memcpy_dtod(dst: u64, src: u64, n: usize) -> CuResult {
    current_usable()?;
    if n == 0 {
        return Ok(());
    }
    let space = SPACE.read();
    let d = space.host_ptr(dst, n).map_err(mem_err)?;
    let s = space.host_ptr(src, n).map_err(mem_err)?;
    // SAFETY: both ranges are inside live blocks (checked, lock held); copy handles overlap.
    unsafe { std::ptr::copy(s, d, n) };
    Ok(())
}

pub(crate) fn memcpy_htod_async(dst: u64, src: *const c_void, n: usize, stream: usize) -> CuResult {
    check_stream(stream)?;
    memcpy_htod(dst, src, n)
}

pub(crate) fn memcpy_dtoh_async(dst: *mut c_void, src: u64, n: usize, stream: usize) -> CuResult {
    check_stream(stream)?;
    memcpy_dtoh(dst, src, n)
}

fn memset(dst: u64, elem: usize, value: u32, count: usize) -> CuResult {
    current_usable()?;
    if count == 0 {
        return Ok(());
    }
    if !dst.is_multiple_of(elem as u64) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(bytes) = count.checked_mul(elem) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    let space = SPACE.read();
    let d = space.host_ptr(dst, bytes).map_err(mem_err)?;
    // SAFETY: d has `bytes` bytes inside a live block (checked, lock held).
    let buf = unsafe { std::slice::from_raw_parts_mut(d, bytes) };
    let pattern = value.to_le_bytes();
    for chunk in buf.chunks_exact_mut(elem) {
        chunk.copy_from_slice(&pattern[..elem]);
    }
    Ok(())
}

pub(crate) fn memset_d8(dst: u64, v: u8, n: usize) -> CuResult {
    memset(dst, 1, v as u32, n)
}

pub(crate) fn memset_d16(dst: u64, v: u16, n: usize) -> CuResult {
    memset(dst, 2, v as u32, n)
}

pub(crate) fn memset_d32(dst: u64, v: u32, n: usize) -> CuResult {
    memset(dst, 4, v, n)
}
