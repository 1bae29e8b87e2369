//! Context management (driver API "Context Management", "Primary Context
//! Management", and the context half of "Peer Context Memory Access"):
//! contexts with their flags, limits and cache configuration, the
//! per-host-thread context stack, and one primary context per device.
//!
//! Values not given by the documentation were measured on the H100 (driver
//! 580, CUDA 13.0); each is noted where it is used.

use super::attributes::{attr, device_attribute};
use super::codes::*;
use super::device::check_device;
use super::state::{self, context_or_current, current, require_init, Context, PrimaryState, DRIVER, NUM_LIMITS};
use super::{fail, out, CuResult};
use std::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::Arc;

type CUcontext = *mut c_void;

/// `CU_CTX_*` flag bits.
const SCHED_MASK: u32 = 0x07;
const MAP_HOST: u32 = 0x08;
const LMEM_RESIZE_TO_MAX: u32 = 0x10;
const SYNC_MEMOPS: u32 = 0x80;
const FLAGS_MASK: u32 = 0xff;

/// What `cuCtxGetApiVersion` reports: the context ABI version, 3020 since
/// CUDA 3.2 (measured: 3020 on driver 580), not the driver version.
pub const CONTEXT_API_VERSION: u32 = 3020;

/// `CUlimit` ids.
mod limit {
    pub const STACK_SIZE: u32 = 0;
    pub const PRINTF_FIFO_SIZE: u32 = 1;
    pub const MALLOC_HEAP_SIZE: u32 = 2;
    pub const DEV_RUNTIME_SYNC_DEPTH: u32 = 3;
    pub const DEV_RUNTIME_PENDING_LAUNCH_COUNT: u32 = 4;
    pub const MAX_L2_FETCH_GRANULARITY: u32 = 5;
    pub const PERSISTING_L2_CACHE_SIZE: u32 = 6;
    pub const SHMEM_SIZE: u32 = 7;
    pub const CIG_ENABLED: u32 = 8;
    pub const CIG_SHMEM_FALLBACK_ENABLED: u32 = 9;
}

/// A new context's limits, indexed by `CUlimit`: 1 KiB stack, printf FIFO
/// of 64 KiB per multiprocessor (the H100's driver gives 132 × 64 KiB; 1 MiB
/// for our 16), 8 MiB malloc heap, (sync depth: unsupported), 2048 pending
/// device launches, 64-byte L2 fetch granularity, no persisting L2 set-aside.
pub const DEFAULT_LIMITS: [usize; NUM_LIMITS] =
    [1024, (super::attributes::MULTIPROCESSORS as usize) << 16, 8 << 20, 0, 2048, 64, 0];

/// Largest per-thread stack: the device memory divided among the most
/// threads that can be resident (16 GiB / (SMs × 2048) = 512 KiB).
fn max_stack() -> usize {
    let threads = device_attribute(attr::MULTIPROCESSOR_COUNT).unwrap_or(1) as usize
        * device_attribute(attr::MAX_THREADS_PER_MULTIPROCESSOR).unwrap_or(1) as usize;
    super::device::total_mem() / threads.max(1)
}

/// The value `cuCtxSetLimit(limit, value)` stores, or its error. Measured
/// on the H100: the stack rounds up to 16 bytes and a large one (1 MiB) is
/// INVALID_VALUE; the printf FIFO rounds up to 128 bytes, at least 512 KiB;
/// the heap rounds up to 64 KiB, at least 4 MiB; pending launches are at
/// least 32; the L2 fetch granularity is at most 128; the persisting L2
/// size rounds up to 1/16 of the L2 and may not exceed the device's
/// maximum; SHMEM_SIZE and
/// CIG_ENABLED can only be read (NOT_PERMITTED); the device-runtime sync
/// depth (a CDP1 limit) and the CIG fallback are UNSUPPORTED_LIMIT; other
/// ids are INVALID_VALUE.
pub fn checked_limit(limit: u32, value: usize) -> Result<usize, CUresult> {
    match limit {
        limit::STACK_SIZE => {
            let v = value.checked_next_multiple_of(16).ok_or(CUDA_ERROR_INVALID_VALUE)?;
            if v > max_stack() {
                Err(CUDA_ERROR_INVALID_VALUE)
            } else {
                Ok(v)
            }
        }
        limit::PRINTF_FIFO_SIZE => round_up(value, 128).map(|v| v.max(512 << 10)),
        limit::MALLOC_HEAP_SIZE => round_up(value, 64 << 10).map(|v| v.max(4 << 20)),
        limit::DEV_RUNTIME_PENDING_LAUNCH_COUNT => Ok(value.max(32)),
        limit::MAX_L2_FETCH_GRANULARITY if value <= 128 => Ok(value),
        limit::PERSISTING_L2_CACHE_SIZE
            if value <= device_attribute(attr::MAX_PERSISTING_L2_CACHE_SIZE).unwrap_or(0) as usize =>
        {
            let unit = (device_attribute(attr::L2_CACHE_SIZE).unwrap_or(16) as usize / 16).max(1);
            round_up(value, unit)
        }
        limit::MAX_L2_FETCH_GRANULARITY | limit::PERSISTING_L2_CACHE_SIZE => Err(CUDA_ERROR_INVALID_VALUE),
        limit::SHMEM_SIZE | limit::CIG_ENABLED => Err(CUDA_ERROR_NOT_PERMITTED),
        limit::DEV_RUNTIME_SYNC_DEPTH | limit::CIG_SHMEM_FALLBACK_ENABLED => Err(CUDA_ERROR_UNSUPPORTED_LIMIT),
        _ => Err(CUDA_ERROR_INVALID_VALUE),
    }
}

fn round_up(value: usize, unit: usize) -> Result<usize, CUresult> {
    value.checked_next_multiple_of(unit).ok_or(CUDA_ERROR_INVALID_VALUE)
}

/// The value `cuCtxGetLimit` reports from a context's stored limits.
pub fn read_limit(limits: &[usize; NUM_LIMITS], limit: u32) -> Result<usize, CUresult> {
    match limit {
        limit::DEV_RUNTIME_SYNC_DEPTH | limit::CIG_SHMEM_FALLBACK_ENABLED => Err(CUDA_ERROR_UNSUPPORTED_LIMIT),
        // Not a CIG context: the whole opt-in shared memory of a block.
        limit::SHMEM_SIZE => Ok(device_attribute(attr::MAX_SHARED_MEMORY_PER_BLOCK_OPTIN).unwrap_or(0) as usize),
        limit::CIG_ENABLED => Ok(0),
        l if (l as usize) < NUM_LIMITS => Ok(limits[l as usize]),
        _ => Err(CUDA_ERROR_INVALID_VALUE),
    }
}

/// Context creation flags: within `CU_CTX_FLAGS_MASK`, and at most one
/// scheduling policy (measured: SPIN|YIELD and 0x100 are INVALID_VALUE).
fn check_flags(flags: u32) -> CuResult {
    if flags & !FLAGS_MASK != 0 || !matches!(flags & SCHED_MASK, 0 | 1 | 2 | 4) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

fn new_context(dev: i32, flags: u32, primary: bool) -> CuResult<usize> {
    check_device(dev)?;
    let h = DRIVER.contexts.insert(Arc::new(Context::new(dev, flags, primary, DEFAULT_LIMITS)));
    DRIVER.destroyed.lock().remove(&h);
    Ok(h)
}

/// `cuCtxCreate_v2(pctx, flags, dev)`: creates a context and makes it current.
pub(crate) unsafe fn ctx_create(pctx: *mut CUcontext, flags: u32, dev: i32) -> CuResult {
    require_init()?;
    if pctx.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    check_flags(flags)?;
    let h = new_context(dev, flags, false)?;
    state::push_current(h);
    // SAFETY: checked non-null.
    unsafe { out(pctx, h as CUcontext) }
}

/// `cuCtxCreate_v3(pctx, paramsArray, numParams, flags, dev)`: execution
/// affinity is not offered; only an empty parameter list is accepted
/// (`numParams` ≤ 0: the H100's driver creates the context for
/// `(NULL, -1)` and refuses `(NULL, 5)` with `CUDA_ERROR_INVALID_VALUE`).
pub(crate) unsafe fn ctx_create_v3(
    pctx: *mut CUcontext,
    params: *mut c_void,
    n: i32,
    flags: u32,
    dev: i32,
) -> CuResult {
    require_init()?;
    if n > 0 && params.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if n > 0 {
        return fail(CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY);
    }
    // SAFETY: forwarded caller contract.
    unsafe { ctx_create(pctx, flags, dev) }
}

/// `CUctxCreateParams` (cuda.h): execution-affinity list and CIG parameters.
#[repr(C)]
struct CtxCreateParams {
    exec_affinity_params: *mut c_void,
    num_exec_affinity_params: i32,
    cig_params: *mut c_void,
}

/// `cuCtxCreate_v4(pctx, params, flags, dev)`: as `_v2`; `params` may be
/// NULL or name no execution affinity and no CIG data.
pub(crate) unsafe fn ctx_create_v4(pctx: *mut CUcontext, params: *mut c_void, flags: u32, dev: i32) -> CuResult {
    require_init()?;
    if !params.is_null() {
        // SAFETY: a non-NULL params points to a CUctxCreateParams (caller contract).
        let p = unsafe { (params as *const CtxCreateParams).read_unaligned() };
        if p.num_exec_affinity_params < 0 || (p.num_exec_affinity_params > 0 && p.exec_affinity_params.is_null()) {
            return fail(CUDA_ERROR_INVALID_VALUE);
        }
        if p.num_exec_affinity_params > 0 {
            return fail(CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY);
        }
        if !p.cig_params.is_null() {
            return fail(CUDA_ERROR_NOT_SUPPORTED);
        }
    }
    // SAFETY: forwarded caller contract.
    unsafe { ctx_create(pctx, flags, dev) }
}

pub(crate) fn ctx_destroy(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    let Some(c) = DRIVER.contexts.get(h) else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    if c.primary {
        // The primary context is destroyed only through its retain count.
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    teardown(h);
    state::forget_context(h);
    Ok(())
}

/// Destroys context `h` and everything it owns: modules, streams, events and
/// memory. Threads that still have it current get
/// `CUDA_ERROR_CONTEXT_IS_DESTROYED`. Libraries belong to no context and stay.
fn teardown(h: usize) {
    // Work queued in the context (or using its memory) runs to its end first.
    super::queue::sync_all();
    super::queue::forget_ctx(h);
    // libcudart's context-local storage destructors run first, while the
    // context still exists (export_table.rs).
    super::export_table::context_destroyed(h);
    DRIVER.contexts.remove(h);
    DRIVER.destroyed.lock().insert(h);
    for m in DRIVER.modules.handles_where(|m| m.ctx == h) {
        super::module::unload_handle(m);
    }
    for s in DRIVER.streams.handles_where(|s| s.ctx == h) {
        DRIVER.streams.remove(s);
    }
    for e in DRIVER.events.handles_where(|e| e.ctx == h) {
        DRIVER.events.remove(e);
    }
    for c in DRIVER.contexts.handles_where(|_| true) {
        if let Some(c) = DRIVER.contexts.get(c) {
            c.peers.lock().remove(&h);
        }
    }
    crate::memory::SPACE.write().free_owned_by(h);
}

pub(crate) fn ctx_set_current(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    if h == 0 {
        state::set_current(None);
        return Ok(());
    }
    // A destroyed context may be made current (measured on the H100:
    // CUDA_SUCCESS); calls in it then fail with CONTEXT_IS_DESTROYED.
    if DRIVER.contexts.get(h).is_none() && !DRIVER.destroyed.lock().contains(&h) {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    state::set_current(Some(h));
    Ok(())
}

pub(crate) unsafe fn ctx_get_current(pctx: *mut CUcontext) -> CuResult {
    require_init()?;
    let h = state::current_handle().filter(|&h| DRIVER.contexts.get(h).is_some()).unwrap_or(0);
    // SAFETY: out() checks NULL.
    unsafe { out(pctx, h as CUcontext) }
}

pub(crate) fn ctx_push_current(ctx: CUcontext) -> CuResult {
    require_init()?;
    let h = ctx as usize;
    if h == 0 {
        return fail(CUDA_ERROR_INVALID_VALUE); // measured
    }
    if DRIVER.contexts.get(h).is_none() {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    state::push_current(h);
    Ok(())
}

pub(crate) unsafe fn ctx_pop_current(pctx: *mut CUcontext) -> CuResult {
    require_init()?;
    let Some(h) = state::pop_current() else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    if !pctx.is_null() {
        // SAFETY: non-null caller pointer.
        unsafe { out(pctx, h as CUcontext)? };
    }
    Ok(())
}

/// `cuCtxSynchronize`: waits for the work queued on every stream of the
/// current context, then reports the context's sticky error if a kernel
/// faulted. From a host function it is `CUDA_ERROR_NOT_PERMITTED`.
pub(crate) fn ctx_synchronize() -> CuResult {
    let (h, _) = state::current_usable()?;
    if !super::queue::sync_ctx(h) {
        return fail(CUDA_ERROR_NOT_PERMITTED);
    }
    state::current_usable().map(|_| ())
}

/// `cuCtxSynchronize_v2(ctx)`: as above for a given context (NULL = current;
/// a destroyed one is CONTEXT_IS_DESTROYED, measured).
pub(crate) fn ctx_synchronize_v2(ctx: CUcontext) -> CuResult {
    if ctx.is_null() {
        return ctx_synchronize();
    }
    let (h, c) = context_or_current(ctx as usize)?;
    if !super::queue::sync_ctx(h) {
        return fail(CUDA_ERROR_NOT_PERMITTED);
    }
    match c.sticky.load(Ordering::Acquire) {
        0 => Ok(()),
        e => fail(e),
    }
}

pub(crate) unsafe fn ctx_get_device(dev: *mut i32) -> CuResult {
    let (_, c) = current()?;
    // SAFETY: out() checks NULL.
    unsafe { out(dev, c.device) }
}

/// `cuCtxGetDevice_v2(device, ctx)`: the device of `ctx` (NULL: current).
pub(crate) unsafe fn ctx_get_device_v2(dev: *mut i32, ctx: CUcontext) -> CuResult {
    let (_, c) = context_or_current(ctx as usize)?;
    // SAFETY: out() checks NULL.
    unsafe { out(dev, c.device) }
}

pub(crate) unsafe fn ctx_get_flags(flags: *mut u32) -> CuResult {
    let (_, c) = current()?;
    // SAFETY: out() checks NULL.
    unsafe { out(flags, c.flags.load(Ordering::Relaxed)) }
}

/// `cuCtxSetFlags(flags)`: replaces the scheduling policy and the
/// LMEM_RESIZE_TO_MAX / SYNC_MEMOPS bits of the current context; other bits
/// are ignored (measured: setting MAP_HOST reads back 0).
pub(crate) fn ctx_set_flags(flags: u32) -> CuResult {
    let (_, c) = current()?;
    check_flags(flags)?;
    let settable = SCHED_MASK | LMEM_RESIZE_TO_MAX | SYNC_MEMOPS;
    let _ = c.flags.fetch_update(Ordering::AcqRel, Ordering::Acquire, |old| Some(old & !settable | flags & settable));
    Ok(())
}

/// `cuCtxGetApiVersion`: a destroyed context is INVALID_CONTEXT here, not
/// CONTEXT_IS_DESTROYED (measured; cuCtxGetId answers the latter).
pub(crate) unsafe fn ctx_get_api_version(ctx: CUcontext, version: *mut u32) -> CuResult {
    context_or_current(ctx as usize).map_err(|e| match e.0 {
        CUDA_ERROR_CONTEXT_IS_DESTROYED if !ctx.is_null() => super::CuError(CUDA_ERROR_INVALID_CONTEXT),
        _ => e,
    })?;
    // SAFETY: out() checks NULL.
    unsafe { out(version, CONTEXT_API_VERSION) }
}

pub(crate) unsafe fn ctx_get_id(ctx: CUcontext, id: *mut u64) -> CuResult {
    let (_, c) = context_or_current(ctx as usize)?;
    // SAFETY: out() checks NULL.
    unsafe { out(id, c.id) }
}

pub(crate) unsafe fn ctx_get_limit(value: *mut usize, limit: u32) -> CuResult {
    let (_, c) = current()?;
    if value.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let v = read_limit(&c.limits.lock(), limit).map_err(super::CuError)?;
    // SAFETY: checked non-null.
    unsafe { out(value, v) }
}

pub(crate) fn ctx_set_limit(limit: u32, value: usize) -> CuResult {
    let (_, c) = current()?;
    let v = checked_limit(limit, value).map_err(super::CuError)?;
    c.limits.lock()[limit as usize] = v;
    Ok(())
}

pub(crate) unsafe fn ctx_get_cache_config(config: *mut u32) -> CuResult {
    let (_, c) = current()?;
    // SAFETY: out() checks NULL.
    unsafe { out(config, c.cache_config.load(Ordering::Relaxed)) }
}

/// A `CUfunc_cache` value: PREFER_NONE, SHARED, L1 or EQUAL.
pub(crate) fn check_cache_config(config: u32) -> CuResult {
    if config > 3 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

pub(crate) fn ctx_set_cache_config(config: u32) -> CuResult {
    let (_, c) = current()?;
    check_cache_config(config)?;
    c.cache_config.store(config, Ordering::Relaxed);
    Ok(())
}

/// `cuCtxGetSharedMemConfig` (deprecated): banks are four bytes wide on
/// every device since Volta; the setting is fixed.
pub(crate) unsafe fn ctx_get_shared_mem_config(config: *mut u32) -> CuResult {
    current()?;
    // SAFETY: out() checks NULL.
    unsafe { out(config, 1) } // CU_SHARED_MEM_CONFIG_FOUR_BYTE_BANK_SIZE
}

/// `cuCtxSetSharedMemConfig` (deprecated): a valid `CUsharedconfig` is
/// accepted and has no effect (measured: EIGHT_BYTE still reads FOUR_BYTE).
pub(crate) fn ctx_set_shared_mem_config(config: u32) -> CuResult {
    current()?;
    if config > 2 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// `cuCtxGetStreamPriorityRange`: least 0, greatest -5, as on the A100 and
/// H100; either pointer may be NULL.
pub(crate) unsafe fn ctx_get_stream_priority_range(least: *mut i32, greatest: *mut i32) -> CuResult {
    current()?;
    // SAFETY: each is written only when non-NULL.
    unsafe {
        if !least.is_null() {
            out(least, 0)?;
        }
        if !greatest.is_null() {
            out(greatest, -5)?;
        }
    }
    Ok(())
}

/// `cuCtxResetPersistingL2Cache`: there is no L2 to reset.
pub(crate) fn ctx_reset_persisting_l2_cache() -> CuResult {
    current().map(|_| ())
}

/// `cuCtxEnablePeerAccess(peer, flags)`: lets the current context use
/// `peer`'s memory. Contexts of the same device need no peer access
/// (PEER_ACCESS_UNSUPPORTED, measured for a context and itself).
pub(crate) fn ctx_enable_peer_access(peer: CUcontext, flags: u32) -> CuResult {
    let (h, c) = current()?;
    if flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let Some(p) = DRIVER.contexts.get(peer as usize) else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    if p.device == c.device || peer as usize == h {
        return fail(CUDA_ERROR_PEER_ACCESS_UNSUPPORTED);
    }
    if !c.peers.lock().insert(peer as usize) {
        return fail(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED);
    }
    Ok(())
}

pub(crate) fn ctx_disable_peer_access(peer: CUcontext) -> CuResult {
    let (_, c) = current()?;
    if DRIVER.contexts.get(peer as usize).is_none() {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    if !c.peers.lock().remove(&(peer as usize)) {
        return fail(CUDA_ERROR_PEER_ACCESS_NOT_ENABLED);
    }
    Ok(())
}

// ---- Primary contexts ----------------------------------------------------

/// The handle device `dev`'s primary context has or will have when next
/// retained: libcudart asks for it (export table 6bd5, slot 2) before its
/// first `cuDevicePrimaryCtxRetain` and then uses that value, as NVIDIA's
/// primary context objects exist from `cuInit` on. An inactive primary
/// context is made here with no retains (still reported inactive).
pub fn primary_context_handle(dev: i32) -> CuResult<usize> {
    check_device(dev)?;
    let mut all = DRIVER.primary.lock();
    let p = all.entry(dev).or_default();
    match p.handle {
        Some(h) => Ok(h),
        None => {
            let h = new_context(dev, p.flags | MAP_HOST, true)?;
            p.handle = Some(h);
            Ok(h)
        }
    }
}

pub(crate) unsafe fn primary_ctx_retain(pctx: *mut CUcontext, dev: i32) -> CuResult {
    require_init()?;
    if pctx.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    check_device(dev)?;
    let mut all = DRIVER.primary.lock();
    let p = all.entry(dev).or_default();
    let h = match p.handle {
        Some(h) => h,
        None => {
            // A primary context always maps host memory (measured: flags 4
            // read back as 12 through cuCtxGetFlags).
            let h = new_context(dev, p.flags | MAP_HOST, true)?;
            p.handle = Some(h);
            h
        }
    };
    p.refs += 1;
    // SAFETY: checked non-null.
    unsafe { out(pctx, h as CUcontext) }
}

/// `cuDevicePrimaryCtxRelease(_v2)`: the last release destroys the context
/// (driver API; a later retain creates a new one); the flags stay.
pub(crate) fn primary_ctx_release(dev: i32) -> CuResult {
    check_device(dev)?;
    let mut all = DRIVER.primary.lock();
    let p = all.entry(dev).or_default();
    if p.refs == 0 {
        return fail(CUDA_ERROR_INVALID_CONTEXT);
    }
    p.refs -= 1;
    let gone = if p.refs == 0 { p.handle.take() } else { None };
    // Torn down without the lock: destructors may call back into the driver.
    drop(all);
    if let Some(h) = gone {
        teardown(h);
    }
    Ok(())
}

/// `cuDevicePrimaryCtxReset(_v2)`: destroys the primary context and its
/// resources now, whatever its retain count, and clears its flags; the
/// retains stay outstanding (driver API: a reset does not release), so a
/// later retain makes a new context that needs one more release (measured).
pub(crate) fn primary_ctx_reset(dev: i32) -> CuResult {
    check_device(dev)?;
    let mut all = DRIVER.primary.lock();
    let p = all.entry(dev).or_default();
    let gone = p.handle.take();
    p.flags = 0;
    drop(all);
    if let Some(h) = gone {
        teardown(h);
    }
    Ok(())
}

pub(crate) unsafe fn primary_ctx_get_state(dev: i32, flags: *mut u32, active: *mut i32) -> CuResult {
    check_device(dev)?;
    if flags.is_null() || active.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let p: PrimaryState = DRIVER.primary.lock().get(&dev).copied().unwrap_or_default();
    // SAFETY: both checked non-null.
    unsafe {
        out(flags, p.flags)?;
        // A handle without retains was only made for primary_context_handle.
        out(active, (p.handle.is_some() && p.refs > 0) as i32)
    }
}

/// `cuDevicePrimaryCtxSetFlags` (`v2`: also while the context is active,
/// changing the live context's flags; the original returns
/// `CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE` then).
pub(crate) fn primary_ctx_set_flags(dev: i32, flags: u32, v2: bool) -> CuResult {
    check_device(dev)?;
    check_flags(flags)?;
    let mut all = DRIVER.primary.lock();
    let p = all.entry(dev).or_default();
    if let Some(h) = p.handle {
        // (A handle without retains is inactive: see primary_context_handle.)
        if !v2 && p.refs > 0 {
            return fail(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE);
        }
        if let Some(c) = DRIVER.contexts.get(h) {
            c.flags.store(flags | MAP_HOST, Ordering::Relaxed);
        }
    }
    p.flags = flags;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_as_measured() {
        assert_eq!(checked_limit(limit::STACK_SIZE, 1000), Ok(1008));
        assert_eq!(checked_limit(limit::STACK_SIZE, 0), Ok(0));
        assert_eq!(checked_limit(limit::STACK_SIZE, 1 << 40), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(limit::STACK_SIZE, usize::MAX), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(limit::STACK_SIZE, 1 << 20), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(limit::PRINTF_FIFO_SIZE, 1000), Ok(524288));
        assert_eq!(checked_limit(limit::PRINTF_FIFO_SIZE, 3000000), Ok(3000064));
        assert_eq!(checked_limit(limit::MALLOC_HEAP_SIZE, 1000), Ok(4194304));
        assert_eq!(checked_limit(limit::MALLOC_HEAP_SIZE, 10000000), Ok(10027008));
        assert_eq!(checked_limit(limit::DEV_RUNTIME_PENDING_LAUNCH_COUNT, 0), Ok(32));
        assert_eq!(checked_limit(limit::MAX_L2_FETCH_GRANULARITY, 0), Ok(0));
        assert_eq!(checked_limit(limit::PERSISTING_L2_CACHE_SIZE, 0), Ok(0));
        assert_eq!(checked_limit(limit::PERSISTING_L2_CACHE_SIZE, 1000), Ok(40 << 20 >> 4));
        assert_eq!(checked_limit(limit::MAX_L2_FETCH_GRANULARITY, 100), Ok(100));
        assert_eq!(checked_limit(limit::MAX_L2_FETCH_GRANULARITY, 200), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(limit::PERSISTING_L2_CACHE_SIZE, 1 << 40), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(limit::DEV_RUNTIME_PENDING_LAUNCH_COUNT, 100), Ok(100));
        assert_eq!(checked_limit(limit::SHMEM_SIZE, 100), Err(CUDA_ERROR_NOT_PERMITTED));
        assert_eq!(checked_limit(limit::CIG_ENABLED, 1), Err(CUDA_ERROR_NOT_PERMITTED));
        assert_eq!(checked_limit(limit::DEV_RUNTIME_SYNC_DEPTH, 3), Err(CUDA_ERROR_UNSUPPORTED_LIMIT));
        assert_eq!(checked_limit(10, 4096), Err(CUDA_ERROR_INVALID_VALUE));
        assert_eq!(checked_limit(11, 1), Err(CUDA_ERROR_INVALID_VALUE));
        let d = DEFAULT_LIMITS;
        assert_eq!(read_limit(&d, limit::STACK_SIZE), Ok(1024));
        assert_eq!(read_limit(&d, limit::PRINTF_FIFO_SIZE), Ok(1 << 20));
        assert_eq!(read_limit(&d, limit::MALLOC_HEAP_SIZE), Ok(8 << 20));
        assert_eq!(read_limit(&d, limit::DEV_RUNTIME_SYNC_DEPTH), Err(CUDA_ERROR_UNSUPPORTED_LIMIT));
        assert_eq!(read_limit(&d, limit::DEV_RUNTIME_PENDING_LAUNCH_COUNT), Ok(2048));
        assert_eq!(read_limit(&d, limit::MAX_L2_FETCH_GRANULARITY), Ok(64));
        assert_eq!(read_limit(&d, limit::SHMEM_SIZE), Ok(49152));
        assert_eq!(read_limit(&d, limit::CIG_ENABLED), Ok(0));
        assert_eq!(read_limit(&d, limit::CIG_SHMEM_FALLBACK_ENABLED), Err(CUDA_ERROR_UNSUPPORTED_LIMIT));
        assert_eq!(read_limit(&d, 10), Err(CUDA_ERROR_INVALID_VALUE));
    }

    #[test]
    fn creation_flags() {
        for ok in [0, 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x8 | 0x1, 0xf8 | 4] {
            assert!(check_flags(ok).is_ok(), "{ok:#x}");
        }
        for bad in [3, 5, 6, 7, 0x100, 0x8000_0000] {
            assert!(check_flags(bad).is_err(), "{bad:#x}");
        }
    }
}
