//! Call tracing, in both backends: `SOFTCUDA_TRACE=<file>` or `stderr`
//! writes one line per driver call — time since the first call, host
//! thread, function, arguments decoded by their C types (handles, sizes,
//! device pointers, strings, values written through out-pointers), the
//! result's name and the call's duration. Kernel launches also show each
//! parameter decoded with the kernel's PTX signature, which the tracer learns
//! by reading the images that modules and libraries are loaded from.
//! `SOFTCUDA_DUMP_DIR=<dir>` saves the PTX of every loaded module there. At
//! exit a summary gives calls and time per function, and launches and time
//! per kernel. When `SOFTCUDA_TRACE` is unset, the exports pay one load of
//! an initialised flag.

mod decode;

use crate::driver::CUresult;
use crate::ptx::KernelSignature;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use decode::Arg;

/// A module's kernel signatures by kernel name.
type Signatures = HashMap<String, Arc<KernelSignature>>;

/// Per-function call statistics.
#[derive(Default, Clone, Copy)]
struct CallStats {
    calls: u64,
    time: Duration,
}

/// Per-kernel launch statistics.
#[derive(Default, Clone, Copy)]
struct KernelStats {
    launches: u64,
    /// Time the emulator spent running the grids (0 in the forward backend,
    /// where the GPU runs them).
    run: Duration,
}

/// The tracer: where lines go, and what it learned about kernels.
pub struct Tracer {
    out: Mutex<Box<dyn Write + Send>>,
    start: Instant,
    calls: Mutex<HashMap<&'static str, CallStats>>,
    kernels: Mutex<HashMap<String, KernelStats>>,
    /// Kernel signatures by module/library handle.
    modules: Mutex<HashMap<usize, Arc<Signatures>>>,
    /// Signature of each function/kernel handle handed out.
    functions: Mutex<HashMap<usize, Arc<KernelSignature>>>,
    dump_dir: Option<PathBuf>,
    dumped: std::sync::atomic::AtomicU64,
}

static TRACER: once_cell::sync::Lazy<Option<Tracer>> = once_cell::sync::Lazy::new(Tracer::from_env);

/// The tracer, if `SOFTCUDA_TRACE` asks for one.
#[inline]
pub fn tracer() -> Option<&'static Tracer> {
    TRACER.as_ref()
}

thread_local! {
    static THREAD_ID: u32 = {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    };
}

extern "C" fn print_summary_at_exit() {
    if let Some(t) = tracer() {
        t.summary();
    }
}

impl Tracer {
    fn from_env() -> Option<Tracer> {
        let target = std::env::var("SOFTCUDA_TRACE").ok().filter(|v| !v.is_empty())?;
        let out: Box<dyn Write + Send> = if target == "stderr" {
            Box::new(std::io::stderr())
        } else {
            match std::fs::File::create(&target) {
                Ok(f) => Box::new(std::io::LineWriter::new(f)),
                Err(e) => {
                    crate::driver::log(format_args!("cannot write the trace to {target}: {e}; tracing to stderr"));
                    Box::new(std::io::stderr())
                }
            }
        };
        let dump_dir = std::env::var_os("SOFTCUDA_DUMP_DIR").map(PathBuf::from);
        if let Some(d) = &dump_dir {
            if let Err(e) = std::fs::create_dir_all(d) {
                crate::driver::log(format_args!("cannot create SOFTCUDA_DUMP_DIR {}: {e}", d.display()));
            }
        }
        // SAFETY: registering a plain extern "C" function with no arguments.
        unsafe { libc::atexit(print_summary_at_exit) };
        Some(Tracer {
            out: Mutex::new(out),
            start: Instant::now(),
            calls: Mutex::new(HashMap::new()),
            kernels: Mutex::new(HashMap::new()),
            modules: Mutex::new(HashMap::new()),
            functions: Mutex::new(HashMap::new()),
            dump_dir,
            dumped: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Runs one driver call `run` and writes its line.
    ///
    /// # Safety
    /// `args` describe the caller's real arguments; pointer arguments are
    /// read (input strings, launch parameters, images) before the call and
    /// out-pointers after it, as the driver API defines them.
    pub unsafe fn call(&self, name: &'static str, args: &[Arg], run: impl FnOnce() -> CUresult) -> CUresult {
        let t0 = Instant::now();
        // SAFETY: forwarded caller contract.
        let before = unsafe { decode::before(self, name, args) };
        let result = run();
        let dt = t0.elapsed();
        // SAFETY: forwarded caller contract.
        let after = unsafe { decode::after(self, name, args, result) };
        {
            let mut calls = self.calls.lock();
            let s = calls.entry(name).or_default();
            s.calls += 1;
            s.time += dt;
        }
        let line = format!(
            "[{:>12.6}] T{} {}({}){}{} = {} {:.1}us\n",
            (t0 - self.start).as_secs_f64(),
            THREAD_ID.with(|t| *t),
            name,
            before.0,
            before.1,
            after,
            result_name(result),
            dt.as_secs_f64() * 1e6
        );
        let _ = self.out.lock().write_all(line.as_bytes());
        result
    }

    /// Records that a grid of kernel `name` ran for `run` (emulator backend).
    pub fn kernel_ran(&self, name: &str, run: Duration) {
        self.kernels.lock().entry(name.to_string()).or_default().run += run;
    }

    fn launched(&self, name: &str) {
        self.kernels.lock().entry(name.to_string()).or_default().launches += 1;
    }

    /// Learns the kernel signatures of a module or library loaded from PTX
    /// `texts` (found in `image`), and dumps the image and the PTX when asked to.
    fn learn_module(&self, handle: usize, image: Option<&[u8]>, texts: &[String]) {
        let mut sigs = HashMap::new();
        let n = self.dumped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dump = |name: String, bytes: &[u8]| {
            if let Some(dir) = &self.dump_dir {
                let path = dir.join(name);
                if let Err(e) = std::fs::write(&path, bytes) {
                    crate::driver::log(format_args!("cannot dump {}: {e}", path.display()));
                }
            }
        };
        if let Some(image) = image {
            dump(format!("module-{n:03}-{handle:x}.image"), image);
        }
        for (i, text) in texts.iter().enumerate() {
            dump(format!("module-{n:03}-{handle:x}-{i}.ptx"), text.as_bytes());
            if let Ok(m) = crate::ptx::parse(text) {
                for f in m.functions.iter().filter(|f| f.is_entry) {
                    sigs.insert(f.name.clone(), Arc::new(crate::ptx::signature(f)));
                }
            }
        }
        self.modules.lock().insert(handle, Arc::new(sigs));
    }

    fn alias_module(&self, to: usize, from: usize) {
        let m = self.modules.lock().get(&from).cloned();
        if let Some(m) = m {
            self.modules.lock().insert(to, m);
        }
    }

    fn learn_function(&self, handle: usize, module: usize, name: &str) {
        let sig = self.modules.lock().get(&module).and_then(|m| m.get(name).cloned());
        if let Some(sig) = sig {
            self.functions.lock().insert(handle, sig);
        }
    }

    fn alias_function(&self, to: usize, from: usize) {
        let s = self.functions.lock().get(&from).cloned();
        if let Some(s) = s {
            self.functions.lock().insert(to, s);
        }
    }

    fn signature(&self, function: usize) -> Option<Arc<KernelSignature>> {
        self.functions.lock().get(&function).cloned()
    }

    /// Writes the per-function and per-kernel summary.
    pub fn summary(&self) {
        let mut calls: Vec<_> = self.calls.lock().iter().map(|(k, v)| (*k, *v)).collect();
        calls.sort_by(|a, b| b.1.time.cmp(&a.1.time).then(a.0.cmp(b.0)));
        let mut kernels: Vec<_> = self.kernels.lock().iter().map(|(k, v)| (k.clone(), *v)).collect();
        kernels.sort_by(|a, b| b.1.run.cmp(&a.1.run).then(b.1.launches.cmp(&a.1.launches)));
        let mut s = String::from("softcuda trace summary\n");
        s += &format!("{:<44} {:>9} {:>14} {:>12}\n", "function", "calls", "total us", "mean us");
        for (name, st) in &calls {
            let total = st.time.as_secs_f64() * 1e6;
            s += &format!("{name:<44} {:>9} {total:>14.1} {:>12.2}\n", st.calls, total / st.calls.max(1) as f64);
        }
        if !kernels.is_empty() {
            s += &format!("{:<44} {:>9} {:>14}\n", "kernel", "launches", "run us");
            for (name, st) in &kernels {
                s += &format!("{name:<44} {:>9} {:>14.1}\n", st.launches, st.run.as_secs_f64() * 1e6);
            }
        }
        let _ = self.out.lock().write_all(s.as_bytes());
        let _ = self.out.lock().flush();
    }
}

/// The name of a `CUresult`, or its number.
pub fn result_name(r: CUresult) -> String {
    crate::driver::codes::NAMES
        .iter()
        .find(|(c, _)| *c == r)
        .map(|(_, n)| n.trim_end_matches('\0').to_string())
        .unwrap_or_else(|| format!("CUresult({r})"))
}
