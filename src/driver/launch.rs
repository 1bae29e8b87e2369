//! Execution control (driver API "Execution Control"): `cuLaunchKernel` with
//! `kernelParams` or `extra`, function attributes. A launch checks its
//! shape and copies its parameters, then queues the grid on the stream and
//! returns; the grid runs on the stream's thread (`queue.rs`). A kernel
//! fault is logged and becomes the context's sticky error, which every later
//! call on the context reports, as on the real driver.
//! `CUDA_LAUNCH_BLOCKING=1` makes each launch wait for its grid.

use super::codes::*;
use super::state::{current_usable, Function, DRIVER};
use super::{fail, log, out, CuResult};
use crate::emu::{run_grid, FaultKind, LaunchConfig};
use crate::memory::SPACE;
use crate::ptx::KernelSignature;
use std::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Shared memory per block (bytes), as `CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK`.
pub const MAX_SHARED: u32 = 49152;
const MAX_THREADS: u32 = 1024;
/// `CU_FUNC_ATTRIBUTE_BINARY_VERSION`: the device's compute capability × 10.
const BINARY_VERSION: i32 = super::attributes::COMPUTE_CAPABILITY.0 * 10 + super::attributes::COMPUTE_CAPABILITY.1;
const MAX_BLOCK: [u32; 3] = [1024, 1024, 64];
const MAX_GRID: [u32; 3] = [i32::MAX as u32, 65535, 65535];

/// `extra` array markers (`CU_LAUNCH_PARAM_*`).
const PARAM_END: usize = 0;
const PARAM_BUFFER_POINTER: usize = 1;
const PARAM_BUFFER_SIZE: usize = 2;

/// Looks up a function handle. A `CUkernel` is accepted wherever a
/// `CUfunction` is: here a kernel handle *is* its function's handle
/// (`library.rs`).
pub(crate) fn function(f: *mut c_void) -> CuResult<Arc<Function>> {
    DRIVER.functions.get(f as usize).map_or(fail(CUDA_ERROR_INVALID_HANDLE), Ok)
}

/// Builds the `.param` buffer of a kernel with signature `sig` from `kernelParams` (one pointer per
/// parameter, read with the size the PTX signature gives) or from `extra`.
///
/// # Safety
/// `params` must hold one valid pointer per kernel parameter; `extra` must be
/// an END-terminated key/value array.
pub(crate) unsafe fn param_buffer(
    sig: &KernelSignature,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
) -> CuResult<Vec<u8>> {
    let mut buf = vec![0u8; sig.total_size as usize];
    if !params.is_null() && !extra.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if !params.is_null() {
        for (i, p) in sig.params.iter().enumerate() {
            // SAFETY: the caller provides one pointer per parameter.
            let src = unsafe { *params.add(i) };
            if src.is_null() {
                return fail(CUDA_ERROR_INVALID_VALUE);
            }
            // SAFETY: src points to a value of the parameter's size (caller contract);
            // the destination range lies in buf by construction of the layout.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    src as *const u8,
                    buf.as_mut_ptr().add(p.offset as usize),
                    p.size as usize,
                )
            };
        }
        return Ok(buf);
    }
    if !extra.is_null() {
        let (mut ptr, mut size): (*const u8, Option<usize>) = (std::ptr::null(), None);
        let mut i = 0;
        loop {
            if i > 64 {
                return fail(CUDA_ERROR_INVALID_VALUE);
            }
            // SAFETY: the caller's extra array is END-terminated; we stop at END.
            let key = unsafe { *extra.add(i) } as usize;
            match key {
                PARAM_END => break,
                PARAM_BUFFER_POINTER => ptr = unsafe { *extra.add(i + 1) } as *const u8, // SAFETY: key/value pairs.
                PARAM_BUFFER_SIZE => {
                    // SAFETY: the value of BUFFER_SIZE is a pointer to a size_t.
                    let sp = unsafe { *extra.add(i + 1) } as *const usize;
                    if sp.is_null() {
                        return fail(CUDA_ERROR_INVALID_VALUE);
                    }
                    // SAFETY: non-null pointer to the caller's size_t.
                    size = Some(unsafe { sp.read_unaligned() });
                }
                _ => return fail(CUDA_ERROR_INVALID_VALUE),
            }
            i += 2;
        }
        let Some(size) = size else { return fail(CUDA_ERROR_INVALID_VALUE) };
        if ptr.is_null() || size == 0 {
            return fail(CUDA_ERROR_INVALID_VALUE);
        }
        if size > buf.len() {
            // Measured on the H100: a buffer larger than the parameters.
            return fail(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES);
        }
        // SAFETY: the caller's buffer holds `size` bytes; size ≤ buf.len().
        unsafe { std::ptr::copy_nonoverlapping(ptr, buf.as_mut_ptr(), size) };
        return Ok(buf);
    }
    if sig.params.is_empty() {
        Ok(buf)
    } else {
        fail(CUDA_ERROR_INVALID_VALUE)
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn launch_kernel(
    f: *mut c_void,
    gx: u32,
    gy: u32,
    gz: u32,
    bx: u32,
    by: u32,
    bz: u32,
    shared: u32,
    stream: *mut c_void,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { launch(f, [gx, gy, gz], [bx, by, bz], shared, stream, params, extra, false) }
}

/// `cuLaunchCooperativeKernel` (what `cudaLaunchCooperativeKernel` calls):
/// `cuLaunchKernel` whose CTAs are all resident at once, so they may wait
/// for each other (cooperative groups' `grid.sync()`). A grid larger than
/// `cuOccupancyMaxActiveBlocksPerMultiprocessor` × multiprocessor count is
/// `CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE`. No `extra` argument.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn launch_cooperative_kernel(
    f: *mut c_void,
    gx: u32,
    gy: u32,
    gz: u32,
    bx: u32,
    by: u32,
    bz: u32,
    shared: u32,
    stream: *mut c_void,
    params: *mut *mut c_void,
) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { launch(f, [gx, gy, gz], [bx, by, bz], shared, stream, params, std::ptr::null_mut(), true) }
}

/// Bytes of the grid-barrier workspace of a cooperative launch (cooperative
/// groups use the words at offsets 0 and 4).
const GRID_WORKSPACE_BYTES: usize = 16;

#[allow(clippy::too_many_arguments)]
unsafe fn launch(
    f: *mut c_void,
    grid: [u32; 3],
    block: [u32; 3],
    shared: u32,
    stream: *mut c_void,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
    cooperative: bool,
) -> CuResult {
    let [bx, by, bz] = block;
    let (ctx_handle, ctx) = current_usable()?;
    let func = function(f)?;
    let queue = super::stream::queue_of(stream as usize)?;
    if grid.contains(&0) || block.contains(&0) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if (0..3).any(|i| grid[i] > MAX_GRID[i] || block[i] > MAX_BLOCK[i]) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let threads = bx as u64 * by as u64 * bz as u64;
    let k = &func.kernel;
    if threads > MAX_THREADS as u64 || k.max_threads.is_some_and(|m| threads > m as u64) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if shared > func.max_dynamic_shared.load(Ordering::Relaxed)
        || k.shared_size as u64 + shared as u64 > MAX_SHARED as u64
    {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: forwarded caller contract for params/extra.
    let buf = unsafe { param_buffer(&func.kernel.signature, params, extra)? };
    if k.uses_malloc {
        // The device heap is made before the grid is queued.
        let mut space = SPACE.write();
        if crate::emu::heap::ensure(&mut space, crate::emu::heap::DEFAULT_HEAP_BYTES).is_err() {
            return fail(CUDA_ERROR_OUT_OF_MEMORY);
        }
    }
    let mut grid_workspace = 0;
    if cooperative {
        let ctas = grid.iter().map(|&g| g as u64).product::<u64>();
        let per_sm = super::occupancy::active_blocks(&func, threads as i32, shared as usize).max(0) as u64;
        if ctas > per_sm * super::attributes::MULTIPROCESSORS as u64 {
            log(format_args!(
                "cooperative launch of '{}': {ctas} CTAs cannot all be resident ({per_sm} per multiprocessor, {} multiprocessors)",
                k.name,
                super::attributes::MULTIPROCESSORS
            ));
            return fail(CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE);
        }
        let mut space = SPACE.write();
        let a = space
            .alloc_for(GRID_WORKSPACE_BYTES, crate::memory::AllocKind::Device, ctx_handle)
            .map_err(|_| super::CuError(CUDA_ERROR_OUT_OF_MEMORY))?;
        match space.host_ptr(a, GRID_WORKSPACE_BYTES) {
            // SAFETY: the block was just allocated with this size; the write lock is held.
            Ok(p) => unsafe { std::ptr::write_bytes(p, 0, GRID_WORKSPACE_BYTES) },
            Err(_) => return fail(CUDA_ERROR_OUT_OF_MEMORY),
        }
        crate::memcheck::host_wrote(a, GRID_WORKSPACE_BYTES as u64);
        grid_workspace = a;
    }
    let cfg = LaunchConfig { grid, block, dyn_shared: shared, grid_workspace, watchdog: watchdog() };
    let run = move || {
        if ctx.sticky.load(Ordering::Acquire) != CUDA_SUCCESS {
            // The context faulted before this grid started: it does not run.
        } else {
            // Counted as running before the snapshot of live ranges: memory
            // freed from now on stays allocated until the grid ends.
            let running = crate::memory::KernelRunning::begin();
            let ranges = SPACE.read().ranges();
            let t0 = std::time::Instant::now();
            let result = run_grid(&func.kernel, &cfg, &buf, &ranges);
            drop(running);
            let took = t0.elapsed();
            if let Some(t) = crate::trace::tracer() {
                t.kernel_ran(&func.kernel.name, took);
            }
            if let (Some(stats), Ok(s)) = (stats_file(), &result) {
                stats.record(&func.kernel.name, s, took, &cfg);
            }
            if let Err(fault) = result {
                let code = match fault.kind {
                    FaultKind::IllegalAddress => CUDA_ERROR_ILLEGAL_ADDRESS,
                    FaultKind::MisalignedAddress => CUDA_ERROR_MISALIGNED_ADDRESS,
                    FaultKind::Trap | FaultKind::BarrierDeadlock => CUDA_ERROR_LAUNCH_FAILED,
                    FaultKind::Assert => CUDA_ERROR_ASSERT,
                    FaultKind::Unsupported | FaultKind::IllegalInstruction => CUDA_ERROR_ILLEGAL_INSTRUCTION,
                    FaultKind::Timeout => CUDA_ERROR_LAUNCH_TIMEOUT,
                };
                log(format_args!("kernel '{}' faulted: {fault}", func.kernel.name));
                let _ = ctx.sticky.compare_exchange(CUDA_SUCCESS, code, Ordering::AcqRel, Ordering::Acquire);
            }
        }
        if grid_workspace != 0 {
            let _ = SPACE.write().free_if(grid_workspace, |_| true);
        }
    };
    let done = queue.submit(Some(Box::new(run)), vec![]);
    if super::queue::launch_blocking() {
        super::queue::wait_all(&[done]);
        return super::stream::sticky();
    }
    Ok(())
}

/// `SOFTCUDA_WATCHDOG_MS=<ms>`: a grid that runs longer is stopped and the
/// launch fails with `CUDA_ERROR_LAUNCH_TIMEOUT` (sticky, like every kernel
/// fault). Unset or 0: no limit (NVIDIA's compute GPUs have none either).
fn watchdog() -> Option<std::time::Duration> {
    static LIMIT: once_cell::sync::Lazy<Option<std::time::Duration>> = once_cell::sync::Lazy::new(|| {
        let ms: u64 = std::env::var("SOFTCUDA_WATCHDOG_MS").ok()?.trim().parse().ok()?;
        (ms > 0).then(|| std::time::Duration::from_millis(ms))
    });
    *LIMIT
}

/// `SOFTCUDA_STATS=<file>`: one line per grid run, appended:
/// `kernel<TAB>thread-instructions<TAB>seconds<TAB>CTAs<TAB>threads per CTA<TAB>bytes per resident CTA`
/// (thread-instructions: instructions executed summed over active lanes;
/// bytes: host memory one CTA held while it ran, see `LaunchStats::cta_bytes`).
/// The benchmark suite reads it.
struct StatsFile(parking_lot::Mutex<std::fs::File>);

impl StatsFile {
    fn record(&self, name: &str, s: &crate::emu::LaunchStats, took: std::time::Duration, cfg: &LaunchConfig) {
        use std::io::Write;
        let ctas: u64 = cfg.grid.iter().map(|&g| g as u64).product();
        let threads: u64 = cfg.block.iter().map(|&b| b as u64).product();
        let line = format!(
            "{name}\t{}\t{:.9}\t{ctas}\t{threads}\t{}\n",
            s.thread_instructions,
            took.as_secs_f64(),
            s.cta_bytes
        );
        let _ = self.0.lock().write_all(line.as_bytes());
    }
}

fn stats_file() -> Option<&'static StatsFile> {
    static FILE: once_cell::sync::Lazy<Option<StatsFile>> = once_cell::sync::Lazy::new(|| {
        let path = std::env::var_os("SOFTCUDA_STATS")?;
        match std::fs::OpenOptions::new().create(true).append(true).open(&path) {
            Ok(f) => Some(StatsFile(parking_lot::Mutex::new(f))),
            Err(e) => {
                log(format_args!("cannot open SOFTCUDA_STATS file {}: {e}", path.to_string_lossy()));
                None
            }
        }
    });
    FILE.as_ref()
}

/// `CUlaunchConfig` (cuda.h).
#[repr(C)]
struct RawLaunchConfig {
    grid: [u32; 3],
    block: [u32; 3],
    shared: u32,
    stream: *mut c_void,
    attrs: *const RawLaunchAttribute,
    num_attrs: u32,
}

/// `CUlaunchAttribute`: an id, padding, and a 64-byte value union.
#[repr(C)]
struct RawLaunchAttribute {
    id: u32,
    pad: u32,
    value: [u32; 16],
}

/// `CU_LAUNCH_ATTRIBUTE_COOPERATIVE`.
const LAUNCH_ATTRIBUTE_COOPERATIVE: u32 = 2;

/// `CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION`.
const LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION: u32 = 4;

/// `cuLaunchKernelEx(config, f, kernelParams, extra)` (what
/// `cudaLaunchKernelEx` calls): `cuLaunchKernel` with the shape from
/// `config`. Launch attributes are accepted and have no effect, except `CU_LAUNCH_ATTRIBUTE_COOPERATIVE`, which makes it
/// a cooperative launch (see `launch_cooperative_kernel`), and a
/// cluster shape other than 1×1×1, which the emulated sm_80 device does not
/// have (`CUDA_ERROR_NOT_SUPPORTED`).
pub(crate) unsafe fn launch_kernel_ex(
    config: *const c_void,
    f: *mut c_void,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { launch_ex(config, f, params, extra, false) }
}

/// `cuLaunchKernelEx_ptsz`: a NULL `config->hStream` is the calling thread's
/// per-thread default stream.
pub(crate) unsafe fn launch_kernel_ex_ptsz(
    config: *const c_void,
    f: *mut c_void,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
) -> CuResult {
    // SAFETY: forwarded caller contract.
    unsafe { launch_ex(config, f, params, extra, true) }
}

unsafe fn launch_ex(
    config: *const c_void,
    f: *mut c_void,
    params: *mut *mut c_void,
    extra: *mut *mut c_void,
    per_thread: bool,
) -> CuResult {
    if config.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes a CUlaunchConfig.
    let mut c = unsafe { (config as *const RawLaunchConfig).read_unaligned() };
    if per_thread {
        c.stream = super::stream::ptsz(c.stream);
    }
    if c.num_attrs > 0 && c.attrs.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let mut cooperative = false;
    for i in 0..c.num_attrs as usize {
        // SAFETY: the config's attribute array holds num_attrs entries.
        let a = unsafe { c.attrs.add(i).read_unaligned() };
        if a.id == LAUNCH_ATTRIBUTE_COOPERATIVE {
            cooperative = a.value[0] != 0;
        }
        if a.id == LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION && a.value[..3].iter().any(|&d| d > 1) {
            log(format_args!("cuLaunchKernelEx: thread block clusters are not supported (sm_80 device)"));
            return fail(CUDA_ERROR_NOT_SUPPORTED);
        }
    }
    // SAFETY: forwarded caller contract.
    unsafe { launch(f, c.grid, c.block, c.shared, c.stream, params, extra, cooperative) }
}

pub(crate) unsafe fn func_get_attribute(v: *mut i32, attrib: i32, f: *mut c_void) -> CuResult {
    super::state::require_init()?;
    let func = function(f)?;
    let k = &func.kernel;
    let x = match attrib {
        0 => k.max_threads.unwrap_or(MAX_THREADS).min(MAX_THREADS) as i32,
        1 => k.shared_size as i32,
        2 => func.const_size as i32,
        3 => k.local_size as i32,
        4 => k.nregs.min(255) as i32,
        // PTX version: the SM of the module's `.target` (measured: 75 for
        // `.target sm_75`); binary version: the device's SM.
        5 => match func.ptx_version {
            0 => BINARY_VERSION,
            v => v as i32,
        },
        6 => BINARY_VERSION,
        7 => 0,
        8 => func.max_dynamic_shared.load(Ordering::Relaxed) as i32,
        9 => func.carveout.load(Ordering::Relaxed) as i32,
        10..=17 => 0,
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    };
    // SAFETY: out() checks NULL.
    unsafe { out(v, x) }
}

pub(crate) fn func_set_attribute(f: *mut c_void, attrib: i32, value: i32) -> CuResult {
    super::state::require_init()?;
    let func = function(f)?;
    match attrib {
        8 => {
            if value < 0 || value as u32 + func.kernel.shared_size > MAX_SHARED {
                return fail(CUDA_ERROR_INVALID_VALUE);
            }
            func.max_dynamic_shared.store(value as u32, Ordering::Relaxed);
            Ok(())
        }
        9 => {
            if !(-1..=100).contains(&value) {
                return fail(CUDA_ERROR_INVALID_VALUE);
            }
            func.carveout.store(value as u32, Ordering::Relaxed);
            Ok(())
        }
        10..=15 => Ok(()),
        _ => fail(CUDA_ERROR_INVALID_VALUE),
    }
}
