//! The grid scheduler: runs a kernel's CTAs on a pool of host threads (CTAs
//! are handed out one at a time from a shared counter), each CTA as warps of
//! 32 lanes that run until a barrier, then are released together
//! (`bar.sync` counts the CTA's non-exited warps).

use super::exec::{Stop, Warp, WarpEnv};
use super::ir::Kernel;
use super::mem::{Cta, Fault, FaultKind};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Grid and block shape plus dynamic shared memory, as `cuLaunchKernel` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchConfig {
    pub grid: [u32; 3],
    pub block: [u32; 3],
    /// `sharedMemBytes`: dynamic shared memory per CTA, in bytes.
    pub dyn_shared: u32,
    /// A cooperative launch (`cuLaunchCooperativeKernel`): the device
    /// address of a zeroed grid-barrier workspace of at least 8 bytes, read
    /// through `%envreg1:%envreg2`; 0 for an ordinary launch. Every CTA of a
    /// cooperative grid runs on its own host thread, so CTAs spinning in
    /// `grid.sync()` wait for each other instead of for a free worker.
    pub grid_workspace: u64,
    /// Stop the grid with [`FaultKind::Timeout`] once it has run this long
    /// (checked at every backward branch); None: no limit.
    pub watchdog: Option<std::time::Duration>,
}

/// Counters of one launch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaunchStats {
    /// Instructions executed summed over active lanes.
    pub thread_instructions: u64,
    /// Host memory one resident CTA used (bytes, the largest over the
    /// grid's CTAs): its shared and local memory, and its warps' registers,
    /// call frames and SIMT stacks.
    pub cta_bytes: u64,
}

/// Host threads to run CTAs on: `SOFTCUDA_THREADS` if set, else every core.
/// Read once (finding the core count reads cgroup files under /proc).
pub fn worker_count() -> usize {
    static COUNT: once_cell::sync::Lazy<usize> = once_cell::sync::Lazy::new(|| {
        std::env::var("SOFTCUDA_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
    });
    *COUNT
}

/// Runs every CTA of the grid. `params` is the packed `.param` buffer laid out
/// by the kernel's signature; `global` the sorted live device ranges. Stops
/// at the first fault (other CTAs finish the instruction they are on).
pub fn run_grid(k: &Kernel, cfg: &LaunchConfig, params: &[u8], global: &[(u64, u64)]) -> Result<LaunchStats, Fault> {
    let [gx, gy, gz] = cfg.grid;
    let total = gx as u64 * gy as u64 * gz as u64;
    let workers = if cfg.grid_workspace != 0 {
        total.max(1) as usize
    } else {
        (worker_count() as u64).min(total).max(1) as usize
    };
    // The CTA counter, on a cache line of its own (every worker writes it);
    // workers take `chunk` CTAs at a time, at least 8 chunks per worker so
    // the last ones still balance.
    let next = Padded(AtomicU64::new(0));
    let chunk = (total / (workers as u64 * 8)).clamp(1, 16);
    let stop = Padded(AtomicBool::new(false));
    let fault: Mutex<Option<Fault>> = Mutex::new(None);
    let executed = AtomicU64::new(0);
    let cta_bytes = AtomicU64::new(0);
    let check = crate::memcheck::enabled().then(|| crate::memcheck::GridCheck::new(&k.name, k.program.clone()));
    let work = || {
        let nthreads = cfg.block.iter().product::<u32>();
        let own = k.shared_size + cfg.dyn_shared;
        let shared = if k.reserved_smem { own.div_ceil(16) * 16 + RESERVED_SMEM } else { own };
        let mut cta = Cta::new(shared, k.local_size, nthreads, params, global, [0; 3], cfg.block);
        cta.const_range = k.const_range;
        if let Some(g) = &check {
            cta.check = Some(Box::new(super::mem::CtaCheck::new(g, shared)));
        }
        if cfg.grid_workspace != 0 || cfg.watchdog.is_some() {
            cta.abort = Some(&stop.0);
        }
        let mut count = 0u64;
        let mut most_bytes = 0u64;
        let mut first = true;
        // The CTA's warps, reused from one CTA to the next.
        let mut warps: Vec<Warp> = Vec::new();
        let (mut i, mut end) = (0u64, 0u64);
        loop {
            if stop.0.load(Ordering::Relaxed) {
                break;
            }
            if i == end {
                i = next.0.fetch_add(chunk, Ordering::Relaxed);
                end = (i + chunk).min(total);
                if i >= total {
                    break;
                }
            }
            let ctaid =
                [(i % gx as u64) as u32, ((i / gx as u64) % gy as u64) as u32, (i / (gx as u64 * gy as u64)) as u32];
            i += 1;
            if !first {
                cta.reset(ctaid);
            } else {
                cta.ctaid = ctaid;
                first = false;
            }
            let result = run_cta(k, cfg, &mut cta, &mut warps);
            super::printf::emit(&cta.printf);
            cta.printf.clear();
            match result {
                Ok((n, bytes)) => {
                    count += n;
                    most_bytes = most_bytes.max(bytes);
                }
                Err(f) => {
                    // Record the fault before raising `stop`, so the first
                    // fault is reported, not a cooperative CTA's abort.
                    fault.lock().get_or_insert(f);
                    stop.0.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
        executed.fetch_add(count, Ordering::Relaxed);
        cta_bytes.fetch_max(most_bytes, Ordering::Relaxed);
    };
    match cfg.watchdog {
        None if workers == 1 => work(),
        // A cooperative grid needs all its CTAs resident at once (they wait
        // for each other in grid.sync()): a thread for each.
        None if cfg.grid_workspace != 0 => std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        }),
        None => super::pool::run(workers - 1, &work),
        Some(limit) => {
            // The watchdog waits for the workers to finish or the limit to
            // pass; then it records the timeout and stops every CTA at its
            // next backward branch.
            let done = (Mutex::new(false), parking_lot::Condvar::new());
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers).map(|_| s.spawn(work)).collect();
                let watchdog = s.spawn(|| {
                    let mut finished = done.0.lock();
                    let deadline = std::time::Instant::now() + limit;
                    while !*finished {
                        if done.1.wait_until(&mut finished, deadline).timed_out() {
                            if !*finished {
                                fault.lock().get_or_insert(Fault {
                                    kind: FaultKind::Timeout,
                                    addr: 0,
                                    line: 0,
                                    ctaid: [0; 3],
                                    tid: [0; 3],
                                    message: format!(
                                        "the grid ran longer than the watchdog's {} ms",
                                        limit.as_millis()
                                    ),
                                });
                                stop.0.store(true, Ordering::Relaxed);
                            }
                            break;
                        }
                    }
                });
                for h in handles {
                    let _ = h.join();
                }
                *done.0.lock() = true;
                done.1.notify_all();
                let _ = watchdog.join();
            });
        }
    }
    if let Some(g) = &check {
        g.finish();
    }
    match fault.into_inner() {
        Some(f) => Err(f),
        None => Ok(LaunchStats { thread_instructions: executed.into_inner(), cta_bytes: cta_bytes.into_inner() }),
    }
}

/// A value alone on its cache line(s), so workers writing it do not slow
/// down reads of its neighbours.
#[repr(align(128))]
struct Padded<T>(T);

/// Bytes of system-reserved shared memory after each CTA's own (for
/// `%reserved_smem_offset_*`, used by cooperative groups).
pub const RESERVED_SMEM: u32 = 1024;

/// Polls of incomplete mbarriers allowed per CTA before the launch is
/// declared stuck.
const MAX_SPINS: u64 = 10_000_000;

/// One named barrier of a CTA (PTX ISA §9.7.13.1: 16 per CTA).
#[derive(Default)]
struct Barrier {
    /// Threads arrived so far (warp-granular: a warp counts its live threads).
    arrived: u32,
    /// The thread count given by `bar.sync a, b` (else all live threads).
    expected: Option<u32>,
    /// Warps waiting on it.
    waiting: Vec<usize>,
    /// `bar.red` accumulators: (popc, and, or).
    red: (u32, bool, bool),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WarpState {
    Runnable,
    Blocked,
    Done,
}

/// Runs one CTA to completion; returns the thread-instructions it executed
/// and the host bytes it held (see [`LaunchStats::cta_bytes`]).
fn run_cta(k: &Kernel, cfg: &LaunchConfig, cta: &mut Cta, warps: &mut Vec<Warp>) -> Result<(u64, u64), Fault> {
    let nthreads = cfg.block.iter().product::<u32>();
    let nwarps = nthreads.div_ceil(32);
    let entry = &k.program.funcs[k.func as usize];
    warps.truncate(nwarps as usize);
    for w in 0..nwarps {
        let env = WarpEnv {
            ctaid: cta.ctaid,
            ntid: cfg.block,
            nctaid: cfg.grid,
            warp_id: w,
            nwarps,
            dyn_smem: cfg.dyn_shared,
            total_smem: k.shared_size + cfg.dyn_shared,
            grid_workspace: cfg.grid_workspace,
        };
        let lanes = (nthreads - w * 32).min(32);
        match warps.get_mut(w as usize) {
            Some(warp) => warp.renew(entry, k.func, w * 32, lanes, cfg.block, env),
            None => warps.push(Warp::new(entry, k.func, w * 32, lanes, cfg.block, env)),
        }
    }
    let mut state = vec![WarpState::Runnable; warps.len()];
    let mut spins = 0u64;
    let mut bars: Vec<Barrier> = (0..16).map(|_| Barrier { red: (0, true, false), ..Default::default() }).collect();
    loop {
        for i in 0..warps.len() {
            while state[i] == WarpState::Runnable {
                match warps[i].run(&k.program, cta)? {
                    Stop::Done => state[i] = WarpState::Done,
                    Stop::Yield => {
                        spins += 1;
                        if spins > MAX_SPINS {
                            return Err(cta.fault(
                                FaultKind::BarrierDeadlock,
                                0,
                                i as u32 * 32,
                                0,
                                "warps poll an mbarrier that never completes".into(),
                            ));
                        }
                        break;
                    }
                    Stop::Barrier { id, count, wait } => {
                        let Some(b) = bars.get_mut(id as usize) else {
                            return Err(cta.fault(
                                FaultKind::IllegalInstruction,
                                0,
                                i as u32 * 32,
                                0,
                                format!("barrier id {id} is out of range (0..15)"),
                            ));
                        };
                        b.arrived += warps[i].live.count_ones();
                        if count.is_some() {
                            b.expected = count;
                        }
                        if warps[i].pending_red.is_some() {
                            let v = warps[i].red_value;
                            b.red = (b.red.0 + v.0, b.red.1 && v.1, b.red.2 || v.2);
                        }
                        if wait {
                            b.waiting.push(i);
                            state[i] = WarpState::Blocked;
                        }
                        if release_completed(&mut bars, warps, &mut state) {
                            cta.epoch += 1;
                        }
                    }
                }
            }
        }
        // Threads that exited no longer count toward barriers without a count.
        if release_completed(&mut bars, warps, &mut state) {
            cta.epoch += 1;
        }
        if state.iter().all(|s| *s == WarpState::Done) {
            break;
        }
        if !state.contains(&WarpState::Runnable) {
            let (id, b) =
                bars.iter().enumerate().find(|(_, b)| !b.waiting.is_empty()).map_or((0, 0), |(i, b)| (i, b.arrived));
            return Err(cta.fault(
                FaultKind::BarrierDeadlock,
                0,
                0,
                0,
                format!("barrier {id} can never complete: {b} threads arrived, the others finished or wait elsewhere"),
            ));
        }
    }
    let bytes = cta.memory_bytes() + warps.iter().map(Warp::memory_bytes).sum::<u64>();
    Ok((warps.iter().map(|w| w.executed).sum(), bytes))
}

/// Releases the warps of every barrier whose expected count has arrived;
/// true if any barrier completed.
fn release_completed(bars: &mut [Barrier], warps: &mut [Warp], state: &mut [WarpState]) -> bool {
    let mut released = false;
    let live: u32 =
        warps.iter().zip(state.iter()).filter(|(_, s)| **s != WarpState::Done).map(|(w, _)| w.live.count_ones()).sum();
    for b in bars.iter_mut() {
        if b.arrived == 0 && b.waiting.is_empty() {
            continue;
        }
        let expected = b.expected.unwrap_or(live);
        if b.arrived >= expected
            || (b.expected.is_none() && b.waiting.len() == state.iter().filter(|s| **s != WarpState::Done).count())
        {
            let (popc, all, any) = b.red;
            for &w in &b.waiting {
                warps[w].finish_red(popc, all, any);
                state[w] = WarpState::Runnable;
            }
            *b = Barrier { red: (0, true, false), ..Default::default() };
            released = true;
        }
    }
    released
}
