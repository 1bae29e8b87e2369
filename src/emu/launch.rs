//! The grid scheduler: runs a kernel's CTAs on a pool of host threads (CTAs
//! are handed out one at a time from a shared counter), each CTA as warps of
//! 32 lanes that run until a barrier, then are released together
//! (`bar.sync` counts the CTA's non-exited warps).

use super::exec::{Stop, Warp, WarpEnv};
use super::ir::Kernel;
use super::mem::{Cta, Fault};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Grid and block shape plus dynamic shared memory, as `cuLaunchKernel` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchConfig {
    pub grid: [u32; 3],
    pub block: [u32; 3],
    /// `sharedMemBytes`: dynamic shared memory per CTA, in bytes.
    pub dyn_shared: u32,
}

/// Counters of one launch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaunchStats {
    /// Instructions executed summed over active lanes.
    pub thread_instructions: u64,
}

/// Host threads to run CTAs on: `SOFTCUDA_THREADS` if set, else every core.
pub fn worker_count() -> usize {
    std::env::var("SOFTCUDA_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// Runs every CTA of the grid. `params` is the packed `.param` buffer laid out
/// by the kernel's signature; `global` the sorted live device ranges. Stops
/// at the first fault (other CTAs finish the instruction they are on).
pub fn run_grid(k: &Kernel, cfg: &LaunchConfig, params: &[u8], global: &[(u64, u64)]) -> Result<LaunchStats, Fault> {
    let [gx, gy, gz] = cfg.grid;
    let total = gx as u64 * gy as u64 * gz as u64;
    let workers = (worker_count() as u64).min(total).max(1) as usize;
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let fault: Mutex<Option<Fault>> = Mutex::new(None);
    let executed = AtomicU64::new(0);
    let work = || {
        let nthreads = cfg.block.iter().product::<u32>();
        let shared = k.shared_size + cfg.dyn_shared;
        let mut cta = Cta::new(shared, k.local_size, nthreads, params, global, [0; 3], cfg.block);
        let mut count = 0u64;
        let mut first = true;
        loop {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= total {
                break;
            }
            let ctaid =
                [(i % gx as u64) as u32, ((i / gx as u64) % gy as u64) as u32, (i / (gx as u64 * gy as u64)) as u32];
            if !first {
                cta.reset(ctaid);
            } else {
                cta.ctaid = ctaid;
                first = false;
            }
            let result = run_cta(k, cfg, &mut cta);
            super::printf::emit(&cta.printf);
            cta.printf.clear();
            match result {
                Ok(n) => count += n,
                Err(f) => {
                    stop.store(true, Ordering::Relaxed);
                    fault.lock().get_or_insert(f);
                    break;
                }
            }
        }
        executed.fetch_add(count, Ordering::Relaxed);
    };
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }
    match fault.into_inner() {
        Some(f) => Err(f),
        None => Ok(LaunchStats { thread_instructions: executed.into_inner() }),
    }
}

fn run_cta(k: &Kernel, cfg: &LaunchConfig, cta: &mut Cta) -> Result<u64, Fault> {
    let nthreads = cfg.block.iter().product::<u32>();
    let nwarps = nthreads.div_ceil(32);
    let mut warps: Vec<Warp> = (0..nwarps)
        .map(|w| {
            let env = WarpEnv {
                ctaid: cta.ctaid,
                ntid: cfg.block,
                nctaid: cfg.grid,
                warp_id: w,
                nwarps,
                dyn_smem: cfg.dyn_shared,
                total_smem: k.shared_size + cfg.dyn_shared,
            };
            Warp::new(&k.program.funcs[k.func as usize], k.func, w * 32, (nthreads - w * 32).min(32), cfg.block, env)
        })
        .collect();
    loop {
        let mut at_barrier = 0;
        for w in warps.iter_mut() {
            if w.is_done() {
                continue;
            }
            match w.run(&k.program, cta)? {
                Stop::Barrier => at_barrier += 1,
                Stop::Done => {}
            }
        }
        if at_barrier == 0 {
            break;
        }
        // Every live warp is at the barrier: finish bar.red reductions, release.
        let (mut popc, mut all, mut any) = (0u32, true, false);
        for w in warps.iter().filter(|w| w.pending_red.is_some()) {
            popc += w.red_value.0;
            all &= w.red_value.1;
            any |= w.red_value.2;
        }
        for w in warps.iter_mut() {
            w.finish_red(popc, all, any);
        }
    }
    Ok(warps.iter().map(|w| w.executed).sum())
}
