//! Memory management (driver API "Memory Management", "Unified Addressing"):
//! device, pitched, managed and pinned host allocations, registered host
//! memory, pointer queries, 1D copies and every memset. Device pointers are
//! checked against the address space, so a bad pointer is an error, never a
//! host crash. 2D/3D copies are in `memcpy.rs`, memory pools in `pool.rs`.

use super::codes::*;
use super::state::{check_stream, current, current_usable, DRIVER};
use super::{fail, out, CuResult};
use crate::memory::{AddressSpace, AllocKind, BlockInfo, MemError, SPACE};
use std::ffi::c_void;

pub(crate) fn mem_err(e: MemError) -> super::CuError {
    super::CuError(match e {
        MemError::OutOfMemory => CUDA_ERROR_OUT_OF_MEMORY,
        MemError::NotAllocated | MemError::OutOfRange => CUDA_ERROR_INVALID_VALUE,
        MemError::AlreadyRegistered => CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
        MemError::NotRegistered => CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED,
    })
}

/// `cuMemHostAlloc` flags.
pub const MEMHOSTALLOC_PORTABLE: u32 = 0x01;
pub const MEMHOSTALLOC_DEVICEMAP: u32 = 0x02;
pub const MEMHOSTALLOC_WRITECOMBINED: u32 = 0x04;
/// `cuMemHostRegister` flags.
pub const MEMHOSTREGISTER_PORTABLE: u32 = 0x01;
pub const MEMHOSTREGISTER_DEVICEMAP: u32 = 0x02;
pub const MEMHOSTREGISTER_IOMEMORY: u32 = 0x04;
pub const MEMHOSTREGISTER_READ_ONLY: u32 = 0x08;
/// `cuMemAllocManaged` attach flags.
pub const MEM_ATTACH_GLOBAL: u32 = 0x1;
pub const MEM_ATTACH_HOST: u32 = 0x2;

pub(crate) unsafe fn mem_alloc(dptr: *mut u64, bytes: usize) -> CuResult {
    let (ctx, _) = current_usable()?;
    if dptr.is_null() || bytes == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let a = SPACE.write().alloc_for(bytes, AllocKind::Device, ctx).map_err(mem_err)?;
    // SAFETY: checked non-null.
    unsafe { out(dptr, a) }
}

/// `cuMemFree`: device memory from `cuMemAlloc(Pitch)`, `cuMemAllocManaged`
/// or a memory pool.
/// Like the real driver, it first waits for the work queued on every
/// stream (a grid still queued may use the block).
pub(crate) fn mem_free(dptr: u64) -> CuResult {
    current_usable()?;
    if dptr == 0 {
        return Ok(());
    }
    super::queue::sync_all();
    let freed =
        SPACE.write().free_if(dptr, |b| matches!(b.kind, AllocKind::Device | AllocKind::Managed)).map_err(mem_err)?;
    super::pool::released(&freed);
    Ok(())
}

pub(crate) unsafe fn mem_get_info(free: *mut usize, total: *mut usize) -> CuResult {
    current()?;
    let used = SPACE.read().device_bytes() as usize;
    let t = super::device::total_mem();
    // SAFETY: out() checks NULL.
    unsafe {
        out(free, t.saturating_sub(used))?;
        out(total, t)
    }
}

pub(crate) unsafe fn mem_alloc_host(pp: *mut *mut c_void, bytes: usize) -> CuResult {
    if bytes == 0 {
        current_usable()?;
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: forwarded caller contract.
    unsafe { mem_host_alloc(pp, bytes, 0) }
}

/// `cuMemHostAlloc`: page-locked host memory. With unified addressing every
/// such block is mapped and its device pointer is its host address, whatever
/// the flags (PORTABLE, DEVICEMAP, WRITECOMBINED); `cuMemHostGetFlags`
/// reports them with DEVICEMAP added, as the H100's driver does. Size 0
/// succeeds with a NULL pointer (as measured there).
pub(crate) unsafe fn mem_host_alloc(pp: *mut *mut c_void, bytes: usize, flags: u32) -> CuResult {
    let (ctx, _) = current_usable()?;
    if pp.is_null() || flags & !(MEMHOSTALLOC_PORTABLE | MEMHOSTALLOC_DEVICEMAP | MEMHOSTALLOC_WRITECOMBINED) != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if bytes == 0 {
        // SAFETY: checked non-null.
        return unsafe { out(pp, std::ptr::null_mut()) };
    }
    let a =
        SPACE.write().alloc_block(bytes, AllocKind::Host, ctx, flags | MEMHOSTALLOC_DEVICEMAP, 0).map_err(mem_err)?;
    // SAFETY: checked non-null.
    unsafe { out(pp, a as *mut c_void) }
}

/// `cuMemAllocPitch`: a `Height` × pitch block whose pitch is `WidthInBytes`
/// rounded up to [`PITCH_ALIGN`]; `ElementSizeBytes` must be 4, 8 or 16.
pub(crate) unsafe fn mem_alloc_pitch(
    dptr: *mut u64,
    pitch: *mut usize,
    width: usize,
    height: usize,
    elem: u32,
) -> CuResult {
    let (ctx, _) = current_usable()?;
    if dptr.is_null() || pitch.is_null() || width == 0 || height == 0 || !matches!(elem, 4 | 8 | 16) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(p) = width.checked_next_multiple_of(PITCH_ALIGN) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    let Some(bytes) = p.checked_mul(height) else { return fail(CUDA_ERROR_OUT_OF_MEMORY) };
    let a = SPACE.write().alloc_for(bytes, AllocKind::Device, ctx).map_err(mem_err)?;
    // SAFETY: both checked non-null.
    unsafe {
        out(pitch, p)?;
        out(dptr, a)
    }
}

/// Row alignment of `cuMemAllocPitch` (bytes).
pub const PITCH_ALIGN: usize = 512;

/// `cuMemAllocManaged`: memory the host and kernels share (it already is, in
/// our one address space). `flags` must be `CU_MEM_ATTACH_GLOBAL` or `_HOST`.
pub(crate) unsafe fn mem_alloc_managed(dptr: *mut u64, bytes: usize, flags: u32) -> CuResult {
    let (ctx, _) = current_usable()?;
    if dptr.is_null() || bytes == 0 || !matches!(flags, MEM_ATTACH_GLOBAL | MEM_ATTACH_HOST) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let a = SPACE.write().alloc_block(bytes, AllocKind::Managed, ctx, flags, 0).map_err(mem_err)?;
    // SAFETY: checked non-null.
    unsafe { out(dptr, a) }
}

/// `cuMemHostRegister`: makes the caller's `[p, p+bytes)` a block kernels may
/// access through the same address. The memory stays the caller's. As on the
/// H100: overlapping a registration is `HOST_MEMORY_ALREADY_REGISTERED`,
/// overlapping other driver memory or `IOMEMORY` (no I/O memory here) is
/// `INVALID_VALUE`; `READ_ONLY` is accepted (kernels are not stopped from
/// writing it); the flags are kept with DEVICEMAP added.
pub(crate) fn mem_host_register(p: *mut c_void, bytes: usize, flags: u32) -> CuResult {
    let (ctx, _) = current_usable()?;
    let known =
        MEMHOSTREGISTER_PORTABLE | MEMHOSTREGISTER_DEVICEMAP | MEMHOSTREGISTER_IOMEMORY | MEMHOSTREGISTER_READ_ONLY;
    if p.is_null() || bytes == 0 || flags & !known != 0 || flags & MEMHOSTREGISTER_IOMEMORY != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    SPACE.write().register(p as u64, bytes, ctx, flags | MEMHOSTREGISTER_DEVICEMAP).map_err(mem_err)
}

/// `cuMemHostUnregister`: `p` must be the base address of a registration
/// (inside other driver memory: `INVALID_VALUE`; unknown:
/// `HOST_MEMORY_NOT_REGISTERED`).
///
/// Needs no current context (the H100's driver answers after the owning
/// context was destroyed, when the registration is gone with it).
pub(crate) fn mem_host_unregister(p: *mut c_void) -> CuResult {
    super::state::require_init()?;
    if p.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    super::queue::sync_all();
    SPACE.write().unregister(p as u64).map_err(mem_err)
}

/// The pinned-host or registered block containing `p`.
fn pinned_block(space: &AddressSpace, p: u64) -> CuResult<BlockInfo> {
    match space.block_info(p) {
        Some(b) if matches!(b.kind, AllocKind::Host | AllocKind::Registered) => Ok(b),
        _ => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

/// `cuMemHostGetDevicePointer`: the device address of mapped pinned memory,
/// which (unified addressing) is the host address itself.
pub(crate) unsafe fn mem_host_get_device_pointer(pdptr: *mut u64, p: *mut c_void, flags: u32) -> CuResult {
    current_usable()?;
    if pdptr.is_null() || flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    pinned_block(&SPACE.read(), p as u64)?;
    // SAFETY: checked non-null.
    unsafe { out(pdptr, p as u64) }
}

/// `cuMemHostGetFlags`: the flags the pinned block containing `p` was made with.
pub(crate) unsafe fn mem_host_get_flags(pflags: *mut u32, p: *mut c_void) -> CuResult {
    current_usable()?;
    if pflags.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let b = pinned_block(&SPACE.read(), p as u64)?;
    // SAFETY: checked non-null.
    unsafe { out(pflags, b.flags) }
}

/// `cuMemGetAddressRange`: base and size of the allocation containing `dptr`
/// (either out-pointer may be NULL).
pub(crate) unsafe fn mem_get_address_range(pbase: *mut u64, psize: *mut usize, dptr: u64) -> CuResult {
    current_usable()?;
    let Some(b) = SPACE.read().block_info(dptr) else { return fail(CUDA_ERROR_NOT_FOUND) };
    // SAFETY: each is written only when non-null.
    unsafe {
        if !pbase.is_null() {
            out(pbase, b.start)?;
        }
        if !psize.is_null() {
            out(psize, b.size)?;
        }
    }
    Ok(())
}

/// `cuMemFreeHost`: waits for queued work first, as `cuMemFree` does.
pub(crate) fn mem_free_host(p: *mut c_void) -> CuResult {
    current_usable()?;
    super::queue::sync_all();
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
    crate::memcheck::host_wrote(dst, n as u64);
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
    crate::memcheck::host_wrote(dst, n as u64);
    Ok(())
}

/// Resolves one side of a unified-addressing copy: an address inside a live
/// block must have all `n` bytes in that block; an address outside every
/// block is the caller's own host memory (pageable memory is a valid
/// `cuMemcpy` operand), as long as no block overlaps the range.
pub(crate) fn unified_ptr(space: &AddressSpace, addr: u64, n: usize) -> CuResult<*mut u8> {
    if addr == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if let Some(b) = space.block_info(addr) {
        return match (addr - b.start).checked_add(n as u64) {
            Some(end) if end <= b.size as u64 => Ok(addr as *mut u8),
            _ => fail(CUDA_ERROR_INVALID_VALUE),
        };
    }
    if addr.checked_add(n as u64).is_none() || space.overlaps(addr, n) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(addr as *mut u8)
}

/// `cuMemcpy`: a copy between any two unified addresses (device, managed,
/// pinned or registered host memory, or the caller's pageable memory).
pub(crate) fn memcpy(dst: u64, src: u64, n: usize) -> CuResult {
    current_usable()?;
    if n == 0 {
        return Ok(());
    }
    let space = SPACE.read();
    let d = unified_ptr(&space, dst, n)?;
    let s = unified_ptr(&space, src, n)?;
    // SAFETY: each side is either n bytes inside a live block (lock held) or
    // the caller's own memory, valid for n bytes by the API contract; `copy`
    // handles overlap.
    unsafe { std::ptr::copy(s as *const u8, d, n) };
    crate::memcheck::host_wrote(dst, n as u64);
    Ok(())
}

pub(crate) fn memcpy_async(dst: u64, src: u64, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memcpy(dst, src, n))
}

pub(crate) fn memcpy_dtod_async(dst: u64, src: u64, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memcpy_dtod(dst, src, n))
}

/// NULL is accepted (the H100's driver does); any other handle must be live.
fn check_context(c: *mut c_void) -> CuResult {
    if !c.is_null() && DRIVER.contexts.get(c as usize).is_none() {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    Ok(())
}

/// `cuMemcpyPeer`: device-to-device between two contexts' memory (one
/// address space, so a checked device copy).
pub(crate) fn memcpy_peer(dst: u64, dst_ctx: *mut c_void, src: u64, src_ctx: *mut c_void, n: usize) -> CuResult {
    current_usable()?;
    check_context(dst_ctx)?;
    check_context(src_ctx)?;
    memcpy_dtod(dst, src, n)
}

pub(crate) fn memcpy_peer_async(
    dst: u64,
    dst_ctx: *mut c_void,
    src: u64,
    src_ctx: *mut c_void,
    n: usize,
    stream: usize,
) -> CuResult {
    super::stream::synced(stream, || memcpy_peer(dst, dst_ctx, src, src_ctx, n))
}

pub(crate) fn memcpy_htod_async(dst: u64, src: *const c_void, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memcpy_htod(dst, src, n))
}

pub(crate) fn memcpy_dtoh_async(dst: *mut c_void, src: u64, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memcpy_dtoh(dst, src, n))
}

/// Fills `height` rows of `width` elements of `elem` bytes each, rows
/// `pitch` bytes apart (the pitch is unused when `height` is 1). The start
/// and the pitch must be aligned to the element size, the pitch must hold a
/// row, and the whole span must lie in one live block.
fn memset_2d(dst: u64, pitch: usize, elem: usize, value: u32, width: usize, height: usize) -> CuResult {
    current_usable()?;
    if width == 0 || height == 0 {
        return Ok(());
    }
    let Some(row) = width.checked_mul(elem) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    let pitch = if height == 1 { row } else { pitch };
    if !dst.is_multiple_of(elem as u64) || !pitch.is_multiple_of(elem) || pitch < row {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(span) = pitch.checked_mul(height - 1).and_then(|x| x.checked_add(row)) else {
        return fail(CUDA_ERROR_INVALID_VALUE);
    };
    let space = SPACE.read();
    let d = space.host_ptr(dst, span).map_err(mem_err)?;
    for r in 0..height {
        // SAFETY: row r lies inside the checked span of a live block (lock
        // held); the start and pitch are multiples of the element size
        // (checked), so each row is aligned for its element type.
        unsafe {
            let p = d.add(r * pitch);
            match elem {
                1 => std::ptr::write_bytes(p, value as u8, row),
                2 => std::slice::from_raw_parts_mut(p as *mut u16, width).fill(value as u16),
                _ => std::slice::from_raw_parts_mut(p as *mut u32, width).fill(value),
            }
        }
    }
    crate::memcheck::host_wrote(dst, span as u64);
    Ok(())
}

pub(crate) fn memset_d8(dst: u64, v: u8, n: usize) -> CuResult {
    memset_2d(dst, 0, 1, v as u32, n, 1)
}

pub(crate) fn memset_d16(dst: u64, v: u16, n: usize) -> CuResult {
    memset_2d(dst, 0, 2, v as u32, n, 1)
}

pub(crate) fn memset_d32(dst: u64, v: u32, n: usize) -> CuResult {
    memset_2d(dst, 0, 4, v, n, 1)
}

pub(crate) fn memset_d8_async(dst: u64, v: u8, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d8(dst, v, n))
}

pub(crate) fn memset_d16_async(dst: u64, v: u16, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d16(dst, v, n))
}

pub(crate) fn memset_d32_async(dst: u64, v: u32, n: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d32(dst, v, n))
}

pub(crate) fn memset_d2d8(dst: u64, pitch: usize, v: u8, w: usize, h: usize) -> CuResult {
    memset_2d(dst, pitch, 1, v as u32, w, h)
}

pub(crate) fn memset_d2d16(dst: u64, pitch: usize, v: u16, w: usize, h: usize) -> CuResult {
    memset_2d(dst, pitch, 2, v as u32, w, h)
}

pub(crate) fn memset_d2d32(dst: u64, pitch: usize, v: u32, w: usize, h: usize) -> CuResult {
    memset_2d(dst, pitch, 4, v, w, h)
}

pub(crate) fn memset_d2d8_async(dst: u64, pitch: usize, v: u8, w: usize, h: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d2d8(dst, pitch, v, w, h))
}

pub(crate) fn memset_d2d16_async(dst: u64, pitch: usize, v: u16, w: usize, h: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d2d16(dst, pitch, v, w, h))
}

pub(crate) fn memset_d2d32_async(dst: u64, pitch: usize, v: u32, w: usize, h: usize, stream: usize) -> CuResult {
    super::stream::synced(stream, || memset_d2d32(dst, pitch, v, w, h))
}

/// `CUpointer_attribute` values.
mod ptr_attr {
    pub const CONTEXT: u32 = 1;
    pub const MEMORY_TYPE: u32 = 2;
    pub const DEVICE_POINTER: u32 = 3;
    pub const HOST_POINTER: u32 = 4;
    pub const P2P_TOKENS: u32 = 5;
    pub const SYNC_MEMOPS: u32 = 6;
    pub const BUFFER_ID: u32 = 7;
    pub const IS_MANAGED: u32 = 8;
    pub const DEVICE_ORDINAL: u32 = 9;
    pub const IS_LEGACY_CUDA_IPC_CAPABLE: u32 = 10;
    pub const RANGE_START_ADDR: u32 = 11;
    pub const RANGE_SIZE: u32 = 12;
    pub const MAPPED: u32 = 13;
    pub const ALLOWED_HANDLE_TYPES: u32 = 14;
    pub const IS_GPU_DIRECT_RDMA_CAPABLE: u32 = 15;
    pub const ACCESS_FLAGS: u32 = 16;
    pub const MEMPOOL_HANDLE: u32 = 17;
    pub const MAPPING_SIZE: u32 = 18;
    pub const MAPPING_BASE_ADDR: u32 = 19;
    pub const MEMORY_BLOCK_ID: u32 = 20;
    pub const IS_HW_DECOMPRESS_CAPABLE: u32 = 21;
}

/// `SYNC_MEMOPS` values set on allocations (by buffer id, never reused);
/// unset, it is 1 for managed memory and 0 otherwise (as on the H100).
/// Copies and memsets run in stream order on the calling thread, so the
/// flag changes nothing; it is only reported.
static SYNC_MEMOPS_FLAGS: once_cell::sync::Lazy<parking_lot::Mutex<std::collections::HashMap<u64, bool>>> =
    once_cell::sync::Lazy::new(Default::default);

/// `CUmemorytype` values.
const MEMORYTYPE_HOST: u32 = 1;
const MEMORYTYPE_DEVICE: u32 = 2;
/// `CU_MEM_ACCESS_FLAGS_PROT_READWRITE`.
const ACCESS_READWRITE: u32 = 3;

/// One attribute value with the width the driver writes (measured on the
/// H100: pointers, addresses, sizes, ids and handle-type masks 8 bytes;
/// enums, booleans and ordinals 4 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrValue {
    U32(u32),
    U64(u64),
    /// `CUDA_POINTER_ATTRIBUTE_P2P_TOKENS` { p2pToken: u64, vaSpaceToken: u32 }.
    Tokens(u64, u32),
}

impl AttrValue {
    /// # Safety
    /// `data` must be valid for a write of this value's width.
    unsafe fn write(self, data: *mut c_void) {
        // SAFETY: caller contract; unaligned writes tolerate any address.
        unsafe {
            match self {
                AttrValue::U32(v) => (data as *mut u32).write_unaligned(v),
                AttrValue::U64(v) => (data as *mut u64).write_unaligned(v),
                AttrValue::Tokens(a, b) => {
                    (data as *mut u64).write_unaligned(a);
                    (data as *mut u32).add(2).write_unaligned(b);
                }
            }
        }
    }
}

/// The device ordinal of context `ctx` (0 when it is gone or none).
fn ordinal_of(ctx: usize) -> u32 {
    DRIVER.contexts.get(ctx).map_or(0, |c| c.device as u32)
}

/// Attribute `attr` of the live block `b` containing `ptr`, as the H100's
/// driver reports it; `Err(INVALID_VALUE)` where it has none (a host pointer
/// of device memory, an unknown attribute). Stream-ordered (pool)
/// allocations belong to no context.
fn pointer_attribute(b: &BlockInfo, attr: u32, ptr: u64) -> CuResult<AttrValue> {
    use ptr_attr::*;
    use AllocKind::*;
    let device_side = matches!(b.kind, Device | Managed | Module);
    let pooled = b.pool != 0;
    let plain_device = matches!(b.kind, Device | Module) && !pooled;
    let ctx = if pooled { 0 } else { b.owner };
    Ok(match attr {
        CONTEXT => AttrValue::U64(ctx as u64),
        MEMORY_TYPE => AttrValue::U32(if device_side { MEMORYTYPE_DEVICE } else { MEMORYTYPE_HOST }),
        DEVICE_POINTER => AttrValue::U64(ptr),
        HOST_POINTER if matches!(b.kind, Device | Module) => return fail(CUDA_ERROR_INVALID_VALUE),
        HOST_POINTER => AttrValue::U64(ptr),
        P2P_TOKENS if device_side => {
            // As on the real driver, asking for the tokens sets SYNC_MEMOPS.
            SYNC_MEMOPS_FLAGS.lock().insert(b.id, true);
            AttrValue::Tokens(0, 0)
        }
        P2P_TOKENS => return fail(CUDA_ERROR_INVALID_VALUE),
        SYNC_MEMOPS => AttrValue::U32(*SYNC_MEMOPS_FLAGS.lock().get(&b.id).unwrap_or(&(b.kind == Managed)) as u32),
        BUFFER_ID | MEMORY_BLOCK_ID => AttrValue::U64(b.id),
        IS_MANAGED => AttrValue::U32((b.kind == Managed) as u32),
        DEVICE_ORDINAL => AttrValue::U32(ordinal_of(b.owner)),
        IS_LEGACY_CUDA_IPC_CAPABLE | IS_GPU_DIRECT_RDMA_CAPABLE | IS_HW_DECOMPRESS_CAPABLE => {
            AttrValue::U32(plain_device as u32)
        }
        RANGE_START_ADDR | MAPPING_BASE_ADDR => AttrValue::U64(b.start),
        RANGE_SIZE | MAPPING_SIZE => AttrValue::U64(b.size as u64),
        MAPPED => AttrValue::U32(1),
        ALLOWED_HANDLE_TYPES => AttrValue::U64(0),
        ACCESS_FLAGS => AttrValue::U32(ACCESS_READWRITE),
        MEMPOOL_HANDLE => AttrValue::U64(b.pool as u64),
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    })
}

/// What `cuPointerGetAttributes` reports for a pointer no allocation
/// contains (measured on the H100): zeros, the pointer as its own host
/// pointer, device ordinal -2; the range attributes are left unwritten.
fn unknown_pointer_attribute(attr: u32, ptr: u64) -> CuResult<Option<AttrValue>> {
    use ptr_attr::*;
    Ok(Some(match attr {
        CONTEXT | DEVICE_POINTER | BUFFER_ID | ALLOWED_HANDLE_TYPES | MEMPOOL_HANDLE | MAPPING_SIZE
        | MAPPING_BASE_ADDR | MEMORY_BLOCK_ID => AttrValue::U64(0),
        HOST_POINTER => AttrValue::U64(ptr),
        MEMORY_TYPE
        | SYNC_MEMOPS
        | IS_MANAGED
        | IS_LEGACY_CUDA_IPC_CAPABLE
        | MAPPED
        | IS_GPU_DIRECT_RDMA_CAPABLE
        | ACCESS_FLAGS
        | IS_HW_DECOMPRESS_CAPABLE => AttrValue::U32(0),
        DEVICE_ORDINAL => AttrValue::U32(-2i32 as u32),
        RANGE_START_ADDR | RANGE_SIZE => return Ok(None),
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    }))
}

/// `cuPointerGetAttribute`: one attribute of the allocation containing
/// `ptr`; `CUDA_ERROR_INVALID_VALUE` for a pointer no allocation contains.
pub(crate) unsafe fn pointer_get_attribute(data: *mut c_void, attr: u32, ptr: u64) -> CuResult {
    current()?;
    if data.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(b) = SPACE.read().block_info(ptr) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    let v = pointer_attribute(&b, attr, ptr)?;
    // SAFETY: non-null; the caller provides storage of the attribute's type.
    unsafe { v.write(data) };
    Ok(())
}

/// `cuPointerGetAttributes`: several attributes at once. A pointer no
/// allocation contains is not an error (default values are written); an
/// attribute without a value fails the call after the others are written,
/// as on the H100.
pub(crate) unsafe fn pointer_get_attributes(n: u32, attrs: *mut u32, data: *mut *mut c_void, ptr: u64) -> CuResult {
    current()?;
    if n == 0 {
        return Ok(());
    }
    if attrs.is_null() || data.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let block = SPACE.read().block_info(ptr);
    let mut result = Ok(());
    for i in 0..n as usize {
        // SAFETY: the caller passes arrays of n attributes and n pointers.
        let (attr, dst) = unsafe { (attrs.add(i).read_unaligned(), data.add(i).read_unaligned()) };
        let v = match &block {
            _ if attr == ptr_attr::P2P_TOKENS => fail(CUDA_ERROR_INVALID_VALUE),
            Some(b) => pointer_attribute(b, attr, ptr).map(Some),
            None => unknown_pointer_attribute(attr, ptr),
        };
        match v {
            Ok(Some(v)) if !dst.is_null() => {
                // SAFETY: the caller provides storage of the attribute's type.
                unsafe { v.write(dst) }
            }
            Ok(_) => {}
            Err(e) => result = Err(e),
        }
    }
    result
}

/// `cuPointerSetAttribute`: only `CU_POINTER_ATTRIBUTE_SYNC_MEMOPS` (an
/// `unsigned int`, 0 or 1) is settable; it is recorded and reported back.
pub(crate) unsafe fn pointer_set_attribute(value: *const c_void, attr: u32, ptr: u64) -> CuResult {
    current_usable()?;
    if value.is_null() || attr != ptr_attr::SYNC_MEMOPS {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(b) = SPACE.read().block_info(ptr) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    // SAFETY: non-null; the caller passes an unsigned int.
    match unsafe { (value as *const u32).read_unaligned() } {
        v @ (0 | 1) => SYNC_MEMOPS_FLAGS.lock().insert(b.id, v == 1),
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    };
    Ok(())
}

/// Checks that `[ptr, ptr+count)` lies in one managed allocation.
fn managed_range(ptr: u64, count: usize) -> CuResult {
    match SPACE.read().find(ptr, count as u64) {
        Some((_, _, AllocKind::Managed)) => Ok(()),
        _ => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

/// `CU_DEVICE_CPU`, and the `CUmemLocationType` values a managed range may name.
const DEVICE_CPU: i32 = -1;
const LOCATION_DEVICE: u32 = 1;
const LOCATION_HOST: u32 = 2;
const LOCATION_HOST_NUMA: u32 = 3;
const LOCATION_HOST_NUMA_CURRENT: u32 = 4;

fn check_location(kind: u32, id: i32) -> CuResult {
    match kind {
        LOCATION_DEVICE => super::pool::check_device(id),
        LOCATION_HOST | LOCATION_HOST_NUMA | LOCATION_HOST_NUMA_CURRENT => Ok(()),
        _ => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

fn check_device_or_cpu(dev: i32) -> CuResult {
    if dev == DEVICE_CPU {
        Ok(())
    } else {
        super::pool::check_device(dev)
    }
}

/// `cuMemPrefetchAsync`: managed memory already lives where every processor
/// reaches it, so after the checks there is nothing to move.
pub(crate) fn mem_prefetch_async(ptr: u64, count: usize, dst: i32, stream: usize) -> CuResult {
    current_usable()?;
    check_stream(stream)?;
    check_device_or_cpu(dst)?;
    managed_range(ptr, count)
}

/// `cuMemPrefetchAsync_v2`: as `cuMemPrefetchAsync`, to a `CUmemLocation`; `flags` must be 0.
pub(crate) fn mem_prefetch_async_v2(ptr: u64, count: usize, kind: u32, id: i32, flags: u32, stream: usize) -> CuResult {
    current_usable()?;
    check_stream(stream)?;
    if flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    check_location(kind, id)?;
    managed_range(ptr, count)
}

/// `CUmem_advise`: SET/UNSET_READ_MOSTLY (1, 2), SET/UNSET_PREFERRED_LOCATION
/// (3, 4), SET/UNSET_ACCESSED_BY (5, 6).
fn check_advice(advice: u32) -> CuResult {
    if (1..=6).contains(&advice) {
        Ok(())
    } else {
        fail(CUDA_ERROR_INVALID_VALUE)
    }
}

/// `cuMemAdvise`: accepted for managed memory and ignored (there is one copy
/// of the data, equally near every processor).
pub(crate) fn mem_advise(ptr: u64, count: usize, advice: u32, dev: i32) -> CuResult {
    current_usable()?;
    check_advice(advice)?;
    check_device_or_cpu(dev)?;
    managed_range(ptr, count)
}

/// `cuMemAdvise_v2`: as `cuMemAdvise`, with a `CUmemLocation`.
pub(crate) fn mem_advise_v2(ptr: u64, count: usize, advice: u32, kind: u32, id: i32) -> CuResult {
    current_usable()?;
    check_advice(advice)?;
    check_location(kind, id)?;
    managed_range(ptr, count)
}
