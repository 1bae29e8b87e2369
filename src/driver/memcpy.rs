//! 2D and 3D copies (driver API "Memory Management": `cuMemcpy2D`,
//! `cuMemcpy2DUnaligned`, `cuMemcpy3D`, `cuMemcpy3DPeer` and their `Async`
//! forms), described by `CUDA_MEMCPY2D` / `CUDA_MEMCPY3D(_PEER)`.
//!
//! Each side is host, device or unified memory (CUDA arrays are not
//! supported). A device side must lie in one live block; a host or unified
//! side may also be the caller's own memory (unified addressing), but never
//! straddles a block's end. Rules measured on the H100: a non-zero pitch
//! must hold `WidthInBytes + XInBytes`; with `Depth > 1` each side's height
//! must hold `Height + Y`; a pitch of 0 is accepted (rows then start at the
//! same address); zero width, height or depth copy nothing.

use super::codes::*;
use super::memory::unified_ptr;
use super::state::{current_usable, DRIVER};
use super::{fail, log, CuResult};
use crate::memory::SPACE;
use std::ffi::c_void;

/// `CUDA_MEMCPY2D` (cuda.h, 128 bytes on LP64).
#[repr(C)]
struct Memcpy2D {
    src_x: usize,
    src_y: usize,
    src_type: u32,
    src_host: *const c_void,
    src_device: u64,
    src_array: *mut c_void,
    src_pitch: usize,
    dst_x: usize,
    dst_y: usize,
    dst_type: u32,
    dst_host: *mut c_void,
    dst_device: u64,
    dst_array: *mut c_void,
    dst_pitch: usize,
    width: usize,
    height: usize,
}

/// `CUDA_MEMCPY3D`, and `CUDA_MEMCPY3D_PEER` whose `reserved0/1` slots hold
/// the source and destination contexts (200 bytes on LP64).
#[repr(C)]
struct Memcpy3D {
    src_x: usize,
    src_y: usize,
    src_z: usize,
    src_lod: usize,
    src_type: u32,
    src_host: *const c_void,
    src_device: u64,
    src_array: *mut c_void,
    src_ctx: *mut c_void,
    src_pitch: usize,
    src_height: usize,
    dst_x: usize,
    dst_y: usize,
    dst_z: usize,
    dst_lod: usize,
    dst_type: u32,
    dst_host: *mut c_void,
    dst_device: u64,
    dst_array: *mut c_void,
    dst_ctx: *mut c_void,
    dst_pitch: usize,
    dst_height: usize,
    width: usize,
    height: usize,
    depth: usize,
}

const _: () = assert!(std::mem::size_of::<Memcpy2D>() == 128);
const _: () = assert!(std::mem::size_of::<Memcpy3D>() == 200);

/// `CUmemorytype` values.
const HOST: u32 = 1;
const DEVICE: u32 = 2;
const ARRAY: u32 = 3;
const UNIFIED: u32 = 4;

/// One side of a copy.
struct Side {
    kind: u32,
    host: u64,
    device: u64,
    array: *mut c_void,
    x: usize,
    y: usize,
    z: usize,
    pitch: usize,
    /// Rows per slice (3D); only checked when `depth > 1`.
    rows: usize,
}

/// Width, height, depth of the copy.
struct Extent {
    width: usize,
    height: usize,
    depth: usize,
}

fn invalid<T>() -> CuResult<T> {
    fail(CUDA_ERROR_INVALID_VALUE)
}

impl Side {
    /// The base address this side names, after checking its memory type.
    fn base(&self) -> CuResult<u64> {
        match self.kind {
            HOST => Ok(self.host),
            DEVICE | UNIFIED => Ok(self.device),
            ARRAY if self.array.is_null() => invalid(),
            ARRAY => {
                log("cuMemcpy2D/3D: CUDA arrays are not supported yet");
                fail(CUDA_ERROR_NOT_SUPPORTED)
            }
            _ => invalid(),
        }
    }

    /// Checks the geometry and resolves the first byte and the span (bytes
    /// from the first to one past the last byte touched) to a host pointer.
    fn resolve(&self, e: &Extent, space: &crate::memory::AddressSpace) -> CuResult<*mut u8> {
        let base = self.base()?;
        let row_end = self.x.checked_add(e.width).ok_or(super::CuError(CUDA_ERROR_INVALID_VALUE))?;
        if self.pitch != 0 && self.pitch < row_end {
            return invalid();
        }
        if e.depth > 1 && self.rows < self.y.saturating_add(e.height) {
            return invalid();
        }
        let slice = self.pitch.checked_mul(self.rows);
        let start = (|| {
            let off = self.z.checked_mul(slice?)?.checked_add(self.y.checked_mul(self.pitch)?)?.checked_add(self.x)?;
            base.checked_add(off as u64)
        })();
        let span = (|| {
            (e.depth - 1)
                .checked_mul(slice.unwrap_or(0))?
                .checked_add((e.height - 1).checked_mul(self.pitch)?)?
                .checked_add(e.width)
        })();
        let (Some(start), Some(span)) = (start, span) else { return invalid() };
        if e.depth > 1 && slice.is_none() {
            return invalid();
        }
        match self.kind {
            DEVICE => space.host_ptr(start, span).map_err(super::memory::mem_err),
            _ => unified_ptr(space, start, span),
        }
    }
}

/// The address of byte `off` after `p` (for memcheck's record of written bytes).
fn dp_addr(p: *mut u8, off: usize) -> u64 {
    (p as u64).wrapping_add(off as u64)
}

/// Runs a checked 3D copy (2D copies have depth 1).
fn copy(src: Side, dst: Side, e: Extent) -> CuResult {
    current_usable()?;
    // Memory types are checked even for an empty copy.
    src.base()?;
    dst.base()?;
    if e.width == 0 || e.height == 0 || e.depth == 0 {
        return Ok(());
    }
    let space = SPACE.read();
    let s = src.resolve(&e, &space)?;
    let d = dst.resolve(&e, &space)?;
    let (s_slice, d_slice) = (src.pitch * src.rows, dst.pitch * dst.rows);
    for z in 0..e.depth {
        for y in 0..e.height {
            // SAFETY: every row lies inside the span `resolve` checked: in a
            // live block (read lock held) or in the caller's own memory;
            // `copy` tolerates overlapping rows.
            unsafe {
                let sp = s.add(if e.depth > 1 { z * s_slice } else { 0 } + y * src.pitch);
                let dp = d.add(if e.depth > 1 { z * d_slice } else { 0 } + y * dst.pitch);
                std::ptr::copy(sp, dp, e.width);
            }
            crate::memcheck::host_wrote(
                dp_addr(d, if e.depth > 1 { z * d_slice } else { 0 } + y * dst.pitch),
                e.width as u64,
            );
        }
    }
    Ok(())
}

/// # Safety
/// `p` must be NULL or point to a `CUDA_MEMCPY2D`.
unsafe fn read<T>(p: *const c_void) -> CuResult<T> {
    if p.is_null() {
        return invalid();
    }
    // SAFETY: caller contract; the struct may be unaligned.
    Ok(unsafe { (p as *const T).read_unaligned() })
}

/// `cuMemcpy2D` / `cuMemcpy2DUnaligned` (one body: pitches need no alignment here).
pub(crate) unsafe fn memcpy_2d(p: *const c_void) -> CuResult {
    // SAFETY: forwarded caller contract.
    let c: Memcpy2D = unsafe { read(p)? };
    let side = |kind, host, device, array, x, y, pitch| Side { kind, host, device, array, x, y, z: 0, pitch, rows: 0 };
    copy(
        side(c.src_type, c.src_host as u64, c.src_device, c.src_array, c.src_x, c.src_y, c.src_pitch),
        side(c.dst_type, c.dst_host as u64, c.dst_device, c.dst_array, c.dst_x, c.dst_y, c.dst_pitch),
        Extent { width: c.width, height: c.height, depth: 1 },
    )
}

pub(crate) unsafe fn memcpy_2d_async(p: *const c_void, stream: usize) -> CuResult {
    // SAFETY: forwarded caller contract.
    super::stream::synced(stream, || unsafe { memcpy_2d(p) })
}

fn sides_3d(c: &Memcpy3D) -> (Side, Side, Extent) {
    (
        Side {
            kind: c.src_type,
            host: c.src_host as u64,
            device: c.src_device,
            array: c.src_array,
            x: c.src_x,
            y: c.src_y,
            z: c.src_z,
            pitch: c.src_pitch,
            rows: c.src_height,
        },
        Side {
            kind: c.dst_type,
            host: c.dst_host as u64,
            device: c.dst_device,
            array: c.dst_array,
            x: c.dst_x,
            y: c.dst_y,
            z: c.dst_z,
            pitch: c.dst_pitch,
            rows: c.dst_height,
        },
        Extent { width: c.width, height: c.height, depth: c.depth },
    )
}

/// `cuMemcpy3D`: `reserved0/1` and the LODs are ignored, as on the H100.
pub(crate) unsafe fn memcpy_3d(p: *const c_void) -> CuResult {
    // SAFETY: forwarded caller contract.
    let c: Memcpy3D = unsafe { read(p)? };
    let (s, d, e) = sides_3d(&c);
    copy(s, d, e)
}

pub(crate) unsafe fn memcpy_3d_async(p: *const c_void, stream: usize) -> CuResult {
    // SAFETY: forwarded caller contract.
    super::stream::synced(stream, || unsafe { memcpy_3d(p) })
}

/// `cuMemcpy3DPeer`: as `cuMemcpy3D`; each context must be NULL or live.
pub(crate) unsafe fn memcpy_3d_peer(p: *const c_void) -> CuResult {
    // SAFETY: forwarded caller contract.
    let c: Memcpy3D = unsafe { read(p)? };
    for ctx in [c.src_ctx, c.dst_ctx] {
        if !ctx.is_null() && DRIVER.contexts.get(ctx as usize).is_none() {
            return fail(CUDA_ERROR_INVALID_CONTEXT);
        }
    }
    let (s, d, e) = sides_3d(&c);
    copy(s, d, e)
}

pub(crate) unsafe fn memcpy_3d_peer_async(p: *const c_void, stream: usize) -> CuResult {
    // SAFETY: forwarded caller contract.
    super::stream::synced(stream, || unsafe { memcpy_3d_peer(p) })
}
