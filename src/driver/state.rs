//! Driver objects and handles: contexts (with the per-host-thread context
//! stack), modules, functions, streams and events. A handle is the address of
//! its object; every handle a caller passes is looked up in its registry, so a
//! garbage or destroyed handle is an error, never a dereference.

use super::codes::*;
use super::{fail, CuResult};
use crate::emu::{Kernel, LoadedModule};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// A table of live objects of one kind, keyed by handle value.
pub struct Registry<T> {
    map: Mutex<HashMap<usize, Arc<T>>>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry { map: Mutex::new(HashMap::new()) }
    }
}

impl<T> Registry<T> {
    /// Registers an object; its handle is its address (unique while alive).
    pub fn insert(&self, obj: Arc<T>) -> usize {
        let h = Arc::as_ptr(&obj) as usize;
        self.map.lock().insert(h, obj);
        h
    }
    pub fn get(&self, h: usize) -> Option<Arc<T>> {
        self.map.lock().get(&h).cloned()
    }
    pub fn remove(&self, h: usize) -> Option<Arc<T>> {
        self.map.lock().remove(&h)
    }
    /// Handles whose object satisfies `pred`.
    pub fn handles_where(&self, pred: impl Fn(&T) -> bool) -> Vec<usize> {
        self.map.lock().iter().filter(|(_, v)| pred(v)).map(|(&k, _)| k).collect()
    }
}

/// Limits a context keeps (`CUlimit` 0..=6; see `context::LIMITS`).
pub const NUM_LIMITS: usize = 7;

/// A CUDA context (`CUcontext`).
pub struct Context {
    pub device: i32,
    /// Creation flags (`CU_CTX_*`), changed by `cuCtxSetFlags` and
    /// `cuDevicePrimaryCtxSetFlags`.
    pub flags: AtomicU32,
    pub primary: bool,
    /// The sticky error of a faulted kernel (0 = none): every later call on
    /// this context returns it, as on the real driver.
    pub sticky: AtomicU32,
    /// `cuCtxGetId`: unique over the process's lifetime, from 1.
    pub id: u64,
    /// Values of the `CUlimit`s this driver keeps, indexed by limit.
    pub limits: Mutex<[usize; NUM_LIMITS]>,
    /// `cuCtxSetCacheConfig` (a `CUfunc_cache`).
    pub cache_config: AtomicU32,
    /// Contexts this one has peer access to (`cuCtxEnablePeerAccess`).
    pub peers: Mutex<std::collections::HashSet<usize>>,
}

impl Context {
    pub fn new(device: i32, flags: u32, primary: bool, limits: [usize; NUM_LIMITS]) -> Context {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Context {
            device,
            flags: AtomicU32::new(flags),
            primary,
            sticky: AtomicU32::new(0),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            limits: Mutex::new(limits),
            cache_config: AtomicU32::new(0),
            peers: Mutex::new(Default::default()),
        }
    }
}

/// A device's primary context: the context (while active), how many times
/// it is retained, and the flags it is (or will be) created with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrimaryState {
    /// The live context; None while inactive (never retained, or released
    /// to zero, or reset).
    pub handle: Option<usize>,
    /// Retains not yet released. A reset destroys the context but keeps the
    /// count (driver API: "resetting the primary context does not release
    /// it"), as measured on the H100.
    pub refs: u32,
    pub flags: u32,
}

/// A loaded library (`CUlibrary`). Libraries are context-independent in
/// CUDA; here a library owns one module loaded with no owning context (its
/// variables belong to no context and survive context teardown), whose
/// functions serve every context of every device: device memory is one
/// address space.
pub struct Library {
    /// The library's module handle (`cuLibraryGetModule`); 0 when the image
    /// could not be loaded (see `error`).
    pub module: usize,
    /// Why the image could not be loaded (0: it was). NVIDIA's driver
    /// accepts any image in `cuLibraryLoadData` and reports a bad one when
    /// a kernel or the module is asked for (measured on the H100, also with
    /// `CUDA_MODULE_LOADING=EAGER`).
    pub error: u32,
}

/// A loaded module (`CUmodule`).
pub struct Module {
    /// The owning context (0 for a library's module, which no context owns).
    pub ctx: usize,
    pub loaded: LoadedModule,
    /// Function handles already handed out, by kernel name.
    pub functions: Mutex<HashMap<String, usize>>,
}

/// A kernel function (`CUfunction`).
pub struct Function {
    pub module: usize,
    pub kernel: Arc<Kernel>,
    /// The kernel's name, NUL-terminated, for `cuFuncGetName`/`cuKernelGetName`.
    pub name: std::ffi::CString,
    /// `cuFuncSetCacheConfig` / `cuKernelSetCacheConfig` (a `CUfunc_cache`).
    pub cache_config: AtomicU32,
    /// `CU_FUNC_ATTRIBUTE_PTX_VERSION`: the module's `.target` SM (e.g. 75).
    pub ptx_version: u32,
    /// `CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES`: the module's `.const` bytes.
    pub const_size: u32,
    /// `CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES` as set by `cuFuncSetAttribute`.
    pub max_dynamic_shared: AtomicU32,
    /// `CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT`.
    pub carveout: AtomicU32,
}

/// A stream (`CUstream`).
pub struct Stream {
    pub ctx: usize,
    pub flags: u32,
    /// Scheduling priority, clamped to [-5, 0] (lower is higher priority).
    /// Recorded and reported; streams run concurrently whatever it is.
    pub priority: i32,
    /// Where the stream's work runs.
    pub queue: Arc<super::queue::Queue>,
}

/// An event (`CUevent`).
pub struct Event {
    pub ctx: usize,
    pub flags: u32,
    /// The marker of the last `cuEventRecord`: complete once the work it
    /// captured has run. None until recorded.
    pub recorded: Mutex<Option<Arc<super::queue::Marker>>>,
}

/// Process-wide driver state.
#[derive(Default)]
pub struct Driver {
    pub initialized: AtomicBool,
    pub contexts: Registry<Context>,
    pub modules: Registry<Module>,
    pub functions: Registry<Function>,
    pub streams: Registry<Stream>,
    pub events: Registry<Event>,
    pub libraries: Registry<Library>,
    /// Primary context state by device ordinal.
    pub primary: Mutex<HashMap<i32, PrimaryState>>,
    /// Set when process exit began (an `atexit` hook registered by `cuInit`):
    /// later calls fail with `CUDA_ERROR_DEINITIALIZED`, as NVIDIA's do.
    pub deinitialized: AtomicBool,
    /// Handles of destroyed contexts (for `CUDA_ERROR_CONTEXT_IS_DESTROYED`).
    pub destroyed: Mutex<std::collections::HashSet<usize>>,
}

pub static DRIVER: Lazy<Driver> = Lazy::new(Driver::default);

thread_local! {
    /// This host thread's context stack (top = current context).
    static CTX_STACK: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Fails with `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`, and with
/// `CUDA_ERROR_DEINITIALIZED` once process exit began.
pub fn require_init() -> CuResult {
    if DRIVER.deinitialized.load(Ordering::Acquire) {
        return fail(CUDA_ERROR_DEINITIALIZED);
    }
    if DRIVER.initialized.load(Ordering::Acquire) {
        Ok(())
    } else {
        fail(CUDA_ERROR_NOT_INITIALIZED)
    }
}

/// The calling thread's current context handle, if any.
pub fn current_handle() -> Option<usize> {
    CTX_STACK.with(|s| s.borrow().last().copied())
}

/// Replaces the top of this thread's context stack (`cuCtxSetCurrent`); NULL pops.
pub fn set_current(h: Option<usize>) {
    CTX_STACK.with(|s| {
        let mut s = s.borrow_mut();
        match h {
            Some(h) => match s.last_mut() {
                Some(top) => *top = h,
                None => s.push(h),
            },
            None => {
                s.pop();
            }
        }
    })
}

pub fn push_current(h: usize) {
    CTX_STACK.with(|s| s.borrow_mut().push(h))
}

pub fn pop_current() -> Option<usize> {
    CTX_STACK.with(|s| s.borrow_mut().pop())
}

/// Removes a destroyed context from this thread's stack.
pub fn forget_context(h: usize) {
    CTX_STACK.with(|s| s.borrow_mut().retain(|&x| x != h))
}

/// The current context: `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`,
/// `CUDA_ERROR_INVALID_CONTEXT` when none is current or it was destroyed.
pub fn current() -> CuResult<(usize, Arc<Context>)> {
    require_init()?;
    let Some(h) = current_handle() else { return fail(CUDA_ERROR_INVALID_CONTEXT) };
    match DRIVER.contexts.get(h) {
        Some(c) => Ok((h, c)),
        None if DRIVER.destroyed.lock().contains(&h) => fail(CUDA_ERROR_CONTEXT_IS_DESTROYED),
        None => fail(CUDA_ERROR_INVALID_CONTEXT),
    }
}

/// Context `ctx`, or the current context when `ctx` is NULL (0): the rule of
/// the calls that take an optional context (`cuCtxGetApiVersion`,
/// `cuCtxGetId`, `cuCtxGetDevice_v2`, …).
pub fn context_or_current(ctx: usize) -> CuResult<(usize, Arc<Context>)> {
    if ctx == 0 {
        return current();
    }
    require_init()?;
    match DRIVER.contexts.get(ctx) {
        Some(c) => Ok((ctx, c)),
        None if DRIVER.destroyed.lock().contains(&ctx) => fail(CUDA_ERROR_CONTEXT_IS_DESTROYED),
        None => fail(CUDA_ERROR_INVALID_CONTEXT),
    }
}

/// The current context, failing with its sticky error if a kernel faulted in it.
pub fn current_usable() -> CuResult<(usize, Arc<Context>)> {
    let (h, c) = current()?;
    let sticky = c.sticky.load(Ordering::Acquire);
    if sticky != CUDA_SUCCESS {
        return fail(sticky);
    }
    Ok((h, c))
}

/// Looks up a stream handle; NULL (0), `CU_STREAM_LEGACY` (1) and
/// `CU_STREAM_PER_THREAD` (2) are the default streams.
pub fn check_stream(h: usize) -> CuResult {
    if h <= 2 || DRIVER.streams.get(h).is_some() {
        Ok(())
    } else {
        fail(CUDA_ERROR_INVALID_HANDLE)
    }
}
