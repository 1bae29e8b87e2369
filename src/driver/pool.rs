//! Stream-ordered allocation (driver API "Stream Ordered Memory Allocator"):
//! each device's default memory pool, pools made with `cuMemPoolCreate`,
//! `cuMemAllocAsync` / `cuMemAllocFromPoolAsync` / `cuMemFreeAsync`, and the
//! pool attributes.
//!
//! A stream-ordered allocation is an ordinary device block (tagged with its
//! pool) made at the call; a stream-ordered free runs in stream order. A pool keeps no memory back: its
//! reserved bytes are its used bytes. Behaviour measured on the H100: pool
//! memory belongs to no context (`CU_POINTER_ATTRIBUTE_CONTEXT` is NULL);
//! `cuMemFree` frees it and `cuMemFreeAsync` frees `cuMemAlloc` memory;
//! `cuMemFreeAsync` of managed memory is `NOT_SUPPORTED`; a zero-byte
//! request succeeds with a NULL pointer; the default pool cannot be
//! destroyed; `cuMemPoolGetAttribute` answers attributes 1–8 only.

use super::codes::*;
use super::memory::mem_err;
use super::state::{check_stream, current_usable, require_init, Registry};
use super::{fail, out, CuResult};
use crate::memory::{AllocKind, BlockInfo, SPACE};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Arc;

/// A memory pool (`CUmemoryPool`).
pub struct MemPool {
    pub device: i32,
    pub default: bool,
    stats: Mutex<Stats>,
}

#[derive(Default)]
struct Stats {
    reuse_follow_event_dependencies: i32,
    reuse_allow_opportunistic: i32,
    reuse_allow_internal_dependencies: i32,
    release_threshold: u64,
    used: u64,
    used_high: u64,
    reserved_high: u64,
    max_size: u64,
}

impl MemPool {
    fn new(device: i32, default: bool, max_size: u64) -> Self {
        MemPool {
            device,
            default,
            stats: Mutex::new(Stats {
                reuse_follow_event_dependencies: 1,
                reuse_allow_opportunistic: 1,
                reuse_allow_internal_dependencies: 1,
                max_size,
                ..Stats::default()
            }),
        }
    }
}

/// Live pools, and per device its default pool and current pool.
struct Pools {
    registry: Registry<MemPool>,
    default: Mutex<HashMap<i32, usize>>,
    current: Mutex<HashMap<i32, usize>>,
}

static POOLS: Lazy<Pools> = Lazy::new(|| Pools {
    registry: Registry::default(),
    default: Mutex::new(HashMap::new()),
    current: Mutex::new(HashMap::new()),
});

/// Device ordinals are checked by the device layer (`cuDeviceGetCount`),
/// whatever number of devices it emulates.
pub(crate) fn check_device(dev: i32) -> CuResult {
    require_init()?;
    let mut n = 0i32;
    // SAFETY: a valid out-pointer.
    let r = unsafe { super::table::cuDeviceGetCount(&mut n) };
    if r != CUDA_SUCCESS {
        return fail(r);
    }
    if dev < 0 || dev >= n {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    Ok(())
}

/// The default pool of device `dev` (made on first use).
fn default_pool(dev: i32) -> usize {
    *POOLS.default.lock().entry(dev).or_insert_with(|| POOLS.registry.insert(Arc::new(MemPool::new(dev, true, 0))))
}

/// The current pool of device `dev` (`cuDeviceGetMemPool`).
fn current_pool(dev: i32) -> usize {
    let cur = POOLS.current.lock().get(&dev).copied();
    match cur {
        Some(h) if POOLS.registry.get(h).is_some() => h,
        _ => default_pool(dev),
    }
}

fn pool(h: *mut c_void) -> CuResult<Arc<MemPool>> {
    match POOLS.registry.get(h as usize) {
        Some(p) => Ok(p),
        None => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

/// Books a freed block against its pool (any free path calls this).
pub(crate) fn released(b: &BlockInfo) {
    if b.pool == 0 {
        return;
    }
    if let Some(p) = POOLS.registry.get(b.pool) {
        let mut s = p.stats.lock();
        s.used = s.used.saturating_sub(b.size as u64);
    }
}

pub(crate) unsafe fn device_get_default_mem_pool(out_pool: *mut *mut c_void, dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: out() checks NULL.
    unsafe { out(out_pool, default_pool(dev) as *mut c_void) }
}

pub(crate) unsafe fn device_get_mem_pool(out_pool: *mut *mut c_void, dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: out() checks NULL.
    unsafe { out(out_pool, current_pool(dev) as *mut c_void) }
}

pub(crate) fn device_set_mem_pool(dev: i32, h: *mut c_void) -> CuResult {
    check_device(dev)?;
    let p = pool(h)?;
    if p.device != dev {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    POOLS.current.lock().insert(dev, h as usize);
    Ok(())
}

/// `CUmemPoolProps` (cuda.h, 88 bytes on LP64).
#[repr(C)]
struct PoolProps {
    alloc_type: u32,
    handle_types: u32,
    location_type: u32,
    location_id: i32,
    win32_security_attributes: *mut c_void,
    max_size: usize,
    usage: u16,
    reserved: [u8; 54],
}
const _: () = assert!(std::mem::size_of::<PoolProps>() == 88);

/// `CU_MEM_ALLOCATION_TYPE_PINNED`, `CU_MEM_LOCATION_TYPE_DEVICE`, `CU_MEM_HANDLE_TYPE_NONE`.
const ALLOCATION_TYPE_PINNED: u32 = 1;
const LOCATION_TYPE_DEVICE: u32 = 1;
const HANDLE_TYPE_NONE: u32 = 0;

/// `cuMemPoolCreate`: pinned device pools without export handle types.
pub(crate) unsafe fn mem_pool_create(out_pool: *mut *mut c_void, props: *const c_void) -> CuResult {
    require_init()?;
    if out_pool.is_null() || props.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes a CUmemPoolProps.
    let p = unsafe { (props as *const PoolProps).read_unaligned() };
    if p.alloc_type != ALLOCATION_TYPE_PINNED || p.location_type != LOCATION_TYPE_DEVICE {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if p.handle_types != HANDLE_TYPE_NONE {
        return fail(CUDA_ERROR_NOT_SUPPORTED);
    }
    check_device(p.location_id)?;
    let h = POOLS.registry.insert(Arc::new(MemPool::new(p.location_id, false, p.max_size as u64)));
    // SAFETY: checked non-null.
    unsafe { out(out_pool, h as *mut c_void) }
}

/// `cuMemPoolDestroy`: not the default pool; a device whose current pool it
/// was goes back to its default pool. Blocks still allocated from it stay
/// valid until freed.
pub(crate) fn mem_pool_destroy(h: *mut c_void) -> CuResult {
    require_init()?;
    let p = pool(h)?;
    if p.default {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    POOLS.registry.remove(h as usize);
    POOLS.current.lock().retain(|_, v| *v != h as usize);
    Ok(())
}

/// `cuMemPoolTrimTo`: a pool keeps no unused memory, so nothing to release.
pub(crate) fn mem_pool_trim_to(h: *mut c_void, _min_bytes_to_keep: usize) -> CuResult {
    require_init()?;
    pool(h).map(|_| ())
}

/// `CUmemPool_attribute` values.
mod attr {
    pub const REUSE_FOLLOW_EVENT_DEPENDENCIES: u32 = 1;
    pub const REUSE_ALLOW_OPPORTUNISTIC: u32 = 2;
    pub const REUSE_ALLOW_INTERNAL_DEPENDENCIES: u32 = 3;
    pub const RELEASE_THRESHOLD: u32 = 4;
    pub const RESERVED_MEM_CURRENT: u32 = 5;
    pub const RESERVED_MEM_HIGH: u32 = 6;
    pub const USED_MEM_CURRENT: u32 = 7;
    pub const USED_MEM_HIGH: u32 = 8;
}

/// `cuMemPoolGetAttribute`: `int` for the reuse flags, `cuuint64_t` for the
/// byte counts.
pub(crate) unsafe fn mem_pool_get_attribute(h: *mut c_void, a: u32, value: *mut c_void) -> CuResult {
    require_init()?;
    let p = pool(h)?;
    if value.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let s = p.stats.lock();
    let (int, big) = match a {
        attr::REUSE_FOLLOW_EVENT_DEPENDENCIES => (Some(s.reuse_follow_event_dependencies), None),
        attr::REUSE_ALLOW_OPPORTUNISTIC => (Some(s.reuse_allow_opportunistic), None),
        attr::REUSE_ALLOW_INTERNAL_DEPENDENCIES => (Some(s.reuse_allow_internal_dependencies), None),
        attr::RELEASE_THRESHOLD => (None, Some(s.release_threshold)),
        attr::RESERVED_MEM_CURRENT | attr::USED_MEM_CURRENT => (None, Some(s.used)),
        attr::RESERVED_MEM_HIGH => (None, Some(s.reserved_high)),
        attr::USED_MEM_HIGH => (None, Some(s.used_high)),
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    };
    // SAFETY: non-null; the caller passes storage of the attribute's type.
    unsafe {
        if let Some(v) = int {
            (value as *mut i32).write_unaligned(v);
        }
        if let Some(v) = big {
            (value as *mut u64).write_unaligned(v);
        }
    }
    Ok(())
}

/// `cuMemPoolSetAttribute`: the reuse flags and release threshold; the high
/// watermarks may only be reset to 0.
pub(crate) unsafe fn mem_pool_set_attribute(h: *mut c_void, a: u32, value: *mut c_void) -> CuResult {
    require_init()?;
    let p = pool(h)?;
    if value.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: non-null; the caller passes a value of the attribute's type.
    let (int, big) = unsafe { ((value as *const i32).read_unaligned(), (value as *const u64).read_unaligned()) };
    let mut s = p.stats.lock();
    match a {
        attr::REUSE_FOLLOW_EVENT_DEPENDENCIES => s.reuse_follow_event_dependencies = int,
        attr::REUSE_ALLOW_OPPORTUNISTIC => s.reuse_allow_opportunistic = int,
        attr::REUSE_ALLOW_INTERNAL_DEPENDENCIES => s.reuse_allow_internal_dependencies = int,
        attr::RELEASE_THRESHOLD => s.release_threshold = big,
        attr::RESERVED_MEM_HIGH if big == 0 => s.reserved_high = s.used,
        attr::USED_MEM_HIGH if big == 0 => s.used_high = s.used,
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    }
    Ok(())
}

/// Allocates `bytes` from pool `h` on `stream`.
unsafe fn alloc_from(dptr: *mut u64, bytes: usize, h: usize, stream: usize) -> CuResult {
    let (ctx, c) = current_usable()?;
    check_stream(stream)?;
    if dptr.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let p = pool(h as *mut c_void)?;
    if p.device != c.device {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if bytes == 0 {
        // SAFETY: checked non-null.
        return unsafe { out(dptr, 0) };
    }
    {
        let s = p.stats.lock();
        if s.max_size != 0 && s.used.saturating_add(bytes as u64) > s.max_size {
            return fail(CUDA_ERROR_OUT_OF_MEMORY);
        }
    }
    // Owned by the allocating context so that destroying it frees the block
    // (the pointer still reports no context, as pool memory does).
    let a = SPACE.write().alloc_block(bytes, AllocKind::Device, ctx, 0, h).map_err(mem_err)?;
    {
        let mut s = p.stats.lock();
        s.used += bytes as u64;
        s.used_high = s.used_high.max(s.used);
        s.reserved_high = s.reserved_high.max(s.used);
    }
    // SAFETY: checked non-null.
    unsafe { out(dptr, a) }
}

/// `cuMemAllocAsync`: from the current pool of the current context's device.
pub(crate) unsafe fn mem_alloc_async(dptr: *mut u64, bytes: usize, stream: usize) -> CuResult {
    let (_, c) = current_usable()?;
    let h = current_pool(c.device);
    // SAFETY: forwarded caller contract.
    unsafe { alloc_from(dptr, bytes, h, stream) }
}

/// `cuMemAllocFromPoolAsync`.
pub(crate) unsafe fn mem_alloc_from_pool_async(
    dptr: *mut u64,
    bytes: usize,
    h: *mut c_void,
    stream: usize,
) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { alloc_from(dptr, bytes, h as usize, stream) }
}

/// `cuMemFreeAsync`: device memory from a pool or `cuMemAlloc`, freed in
/// stream order (after the work queued before it on `stream`). The pointer
/// is checked at the call.
pub(crate) fn mem_free_async(dptr: u64, stream: usize) -> CuResult {
    let queue = super::stream::queue_of(stream)?;
    if dptr == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    match SPACE.read().block_info(dptr) {
        Some(b) if b.start == dptr && b.kind == AllocKind::Managed => return fail(CUDA_ERROR_NOT_SUPPORTED),
        Some(b) if b.start == dptr && b.kind == AllocKind::Device => {}
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    }
    queue.submit(
        Some(Box::new(move || {
            if let Ok(freed) = SPACE.write().free_if(dptr, |b| b.kind == AllocKind::Device) {
                released(&freed);
            }
        })),
        vec![],
    );
    Ok(())
}
