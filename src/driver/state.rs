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
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

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

/// A CUDA context (`CUcontext`).
pub struct Context {
    pub device: i32,
    pub flags: u32,
    pub primary: bool,
    /// The sticky error of a faulted kernel (0 = none): every later call on
    /// this context returns it, as on the real driver.
    pub sticky: AtomicU32,
}

/// A loaded module (`CUmodule`).
pub struct Module {
    pub ctx: usize,
    pub loaded: LoadedModule,
    /// Function handles already handed out, by kernel name.
    pub functions: Mutex<HashMap<String, usize>>,
}

/// A kernel function (`CUfunction`).
pub struct Function {
    pub module: usize,
    pub kernel: Arc<Kernel>,
    /// `CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES` as set by `cuFuncSetAttribute`.
    pub max_dynamic_shared: AtomicU32,
    /// `CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT`.
    pub carveout: AtomicU32,
}

/// A stream (`CUstream`). Work runs synchronously in this version.
pub struct Stream {
    pub ctx: usize,
    pub flags: u32,
}

/// An event (`CUevent`).
pub struct Event {
    pub ctx: usize,
    pub flags: u32,
    pub recorded: Mutex<Option<Instant>>,
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
    /// The device's primary context handle and its retain count.
    pub primary: Mutex<Option<(usize, u32)>>,
    /// Handles of destroyed contexts (for `CUDA_ERROR_CONTEXT_IS_DESTROYED`).
    pub destroyed: Mutex<std::collections::HashSet<usize>>,
}

pub static DRIVER: Lazy<Driver> = Lazy::new(Driver::default);

thread_local! {
    /// This host thread's context stack (top = current context).
    static CTX_STACK: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Fails with `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`.
pub fn require_init() -> CuResult {
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
