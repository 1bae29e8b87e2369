//! Occupancy (driver API "Occupancy"): how many blocks of a kernel fit on
//! one multiprocessor of the emulated device, from its per-SM limits
//! (threads, blocks, shared memory; `attributes.rs`) and the kernel's
//! shared memory. Registers are not a limit here: the emulator's register
//! slots are not hardware registers. What `cudaOccupancy*` and the
//! runtime's `cudaOccupancyMaxPotentialBlockSize` template call.

use super::attributes::{attr, device_attribute};
use super::codes::*;
use super::launch::{function, MAX_SHARED};
use super::state::{current, Function};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::atomic::Ordering;

/// `CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE` is the only flag.
const FLAGS_ALL: u32 = 1;
const WARP: i32 = 32;

/// `n` (positive) rounded up to whole warps.
fn round_warp(n: i32) -> i32 {
    (n + WARP - 1) / WARP * WARP
}

fn attribute(a: i32) -> i32 {
    device_attribute(a).unwrap_or(0)
}

/// Blocks of `block_size` threads with `dyn_shared` dynamic shared bytes
/// resident on one multiprocessor (0 when the block cannot launch).
pub(crate) fn active_blocks(f: &Function, block_size: i32, dyn_shared: usize) -> i32 {
    let k = &f.kernel;
    let max_block = k.max_threads.map_or(1024, |m| m.min(1024)) as i32;
    if block_size <= 0 || block_size > max_block || dyn_shared > f.max_dynamic_shared.load(Ordering::Relaxed) as usize {
        return 0;
    }
    let shared = k.shared_size as usize + dyn_shared;
    if shared > MAX_SHARED as usize {
        return 0;
    }
    let threads = round_warp(block_size);
    let by_threads = attribute(attr::MAX_THREADS_PER_MULTIPROCESSOR) / threads;
    let by_blocks = attribute(attr::MAX_BLOCKS_PER_MULTIPROCESSOR);
    let by_shared = match shared {
        0 => i32::MAX,
        s => {
            let per_sm = attribute(attr::MAX_SHARED_MEMORY_PER_MULTIPROCESSOR) as usize;
            let per_block = s + attribute(attr::RESERVED_SHARED_MEMORY_PER_BLOCK) as usize;
            (per_sm / per_block).min(i32::MAX as usize) as i32
        }
    };
    by_threads.min(by_blocks).min(by_shared).max(0)
}

fn check_flags(flags: u32) -> CuResult {
    if flags & !FLAGS_ALL != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// `cuOccupancyMaxActiveBlocksPerMultiprocessor(WithFlags)`.
pub(crate) unsafe fn max_active_blocks(
    n: *mut i32,
    f: *mut c_void,
    block_size: i32,
    dyn_shared: usize,
    flags: u32,
) -> CuResult {
    current()?;
    check_flags(flags)?;
    let func = function(f)?;
    if n.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: checked non-null.
    unsafe { out(n, active_blocks(&func, block_size, dyn_shared)) }
}

/// `CUoccupancyB2DSize`: dynamic shared bytes for a block size.
type B2DSize = Option<unsafe extern "C" fn(i32) -> usize>;

/// `cuOccupancyMaxPotentialBlockSize(WithFlags)`: the block size (a
/// multiple of 32, at most `limit` when non-zero) with the most resident
/// threads per multiprocessor, the larger on a tie; `min_grid` is the grid
/// that fills every multiprocessor at that size.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn max_potential_block_size(
    min_grid: *mut i32,
    block: *mut i32,
    f: *mut c_void,
    b2d: *mut c_void,
    dyn_shared: usize,
    limit: i32,
    flags: u32,
) -> CuResult {
    current()?;
    check_flags(flags)?;
    let func = function(f)?;
    if min_grid.is_null() || block.is_null() || limit < 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: a CUoccupancyB2DSize is NULL or a function of that signature.
    let b2d: B2DSize = unsafe { std::mem::transmute::<*mut c_void, B2DSize>(b2d) };
    let max_block = func.kernel.max_threads.map_or(1024, |m| m.min(1024)) as i32;
    let top = if limit > 0 { limit.min(max_block) } else { max_block };
    let (mut best, mut best_blocks, mut best_threads) = (0, 0, 0);
    let mut size = round_warp(top);
    while size > 0 {
        let s = size.min(top);
        // SAFETY: the caller's callback, called as documented.
        let dyn_s = match b2d {
            Some(cb) => unsafe { cb(s) },
            None => dyn_shared,
        };
        let blocks = active_blocks(&func, s, dyn_s);
        if blocks * s > best_threads {
            (best, best_blocks, best_threads) = (s, blocks, blocks * s);
        }
        size -= WARP;
    }
    // SAFETY: both checked non-null.
    unsafe {
        out(block, best)?;
        out(min_grid, best_blocks * attribute(attr::MULTIPROCESSOR_COUNT))
    }
}

/// `cuOccupancyAvailableDynamicSMemPerBlock`: dynamic shared memory each of
/// `num_blocks` blocks of `block_size` threads can have on one
/// multiprocessor.
pub(crate) unsafe fn available_dynamic_smem(
    size: *mut usize,
    f: *mut c_void,
    num_blocks: i32,
    block_size: i32,
) -> CuResult {
    current()?;
    let func = function(f)?;
    if size.is_null() || num_blocks <= 0 || block_size <= 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let threads = round_warp(block_size);
    let fits = active_blocks(&func, block_size, 0) >= num_blocks
        && threads as i64 * num_blocks as i64 <= attribute(attr::MAX_THREADS_PER_MULTIPROCESSOR) as i64;
    let avail = if fits {
        let per_sm = attribute(attr::MAX_SHARED_MEMORY_PER_MULTIPROCESSOR) as usize / num_blocks as usize;
        let per_block = per_sm.saturating_sub(attribute(attr::RESERVED_SHARED_MEMORY_PER_BLOCK) as usize);
        per_block
            .saturating_sub(func.kernel.shared_size as usize)
            .min(func.max_dynamic_shared.load(Ordering::Relaxed) as usize)
    } else {
        0
    };
    // SAFETY: checked non-null.
    unsafe { out(size, avail) }
}
