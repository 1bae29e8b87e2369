//! The CTA worker pool: host threads started once, shared by every launch
//! on every stream and context.
//!
//! A launch hands the pool one job, a closure that takes CTAs from the
//! grid's counter until none is left, and runs it on the launching thread
//! too. Pool threads join jobs in the order they arrived, at most as many
//! as the job asks for, so launches on different streams share the
//! machine's cores instead of each starting threads of its own. The
//! launching thread returns only when every pool thread that joined its job
//! has left it, so the job may borrow the launch's data.

use once_cell::sync::Lazy;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The work of one job, lifetime-erased (see [`run`] for why it stays valid).
type Work = *const (dyn Fn() + Sync);

struct Job {
    work: Work,
    /// Pool threads that may still join; 0 closes the job.
    slots: Mutex<usize>,
    /// Pool threads inside `work` now, and a signal when it drops to zero.
    active: Mutex<usize>,
    left: Condvar,
    /// A pool thread's call of `work` panicked.
    panicked: AtomicBool,
}

// SAFETY: `work` points to a `Sync` closure (callable from any thread by
// shared reference); the launching thread keeps it alive while any pool
// thread can call it (see `run`). Everything else is synchronised.
unsafe impl Send for Job {}
// SAFETY: as above.
unsafe impl Sync for Job {}

struct Pool {
    queue: Mutex<VecDeque<Arc<Job>>>,
    ready: Condvar,
    threads: usize,
}

static POOL: Lazy<Pool> = Lazy::new(|| {
    let threads = super::launch::worker_count().saturating_sub(1);
    for i in 0..threads {
        let spawned = std::thread::Builder::new().name(format!("softcuda-cta-{i}")).spawn(serve);
        if spawned.is_err() {
            // Fewer helpers: launches still complete on their own threads.
            break;
        }
    }
    Pool { queue: Mutex::new(VecDeque::new()), ready: Condvar::new(), threads }
});

/// A pool thread: joins the oldest job with a free slot, runs it, repeats.
fn serve() {
    let pool = &*POOL;
    loop {
        let job = {
            let mut q = pool.queue.lock();
            loop {
                if let Some(job) = q.front().cloned() {
                    let mut slots = job.slots.lock();
                    if *slots > 0 {
                        *slots -= 1;
                        if *slots == 0 {
                            q.pop_front();
                        }
                        // Counted before the queue lock is released, so a
                        // launcher that closes the job sees this thread.
                        *job.active.lock() += 1;
                        drop(slots);
                        break job;
                    }
                    drop(slots);
                    q.pop_front();
                    continue;
                }
                pool.ready.wait(&mut q);
            }
        };
        // SAFETY: the launcher waits in `run` until `active` is back to zero
        // before its closure goes out of scope, and this thread was counted
        // in `active` before it could see the pointer.
        let work = unsafe { &*job.work };
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).is_err() {
            job.panicked.store(true, Ordering::Relaxed);
        }
        let mut active = job.active.lock();
        *active -= 1;
        if *active == 0 {
            job.left.notify_all();
        }
    }
}

/// Runs `work` on the calling thread and on up to `helpers` pool threads at
/// once; returns when every call has returned. `work` must be safe to run
/// any number of times concurrently, including zero extra times (the pool
/// may be busy with other launches): it takes its share of the work from a
/// shared counter. Panics if a call on a pool thread panicked.
pub fn run(helpers: usize, work: &(dyn Fn() + Sync)) {
    let pool = &*POOL;
    let helpers = helpers.min(pool.threads);
    if helpers == 0 {
        work();
        return;
    }
    // SAFETY: only the lifetime is erased; `work` outlives every use because
    // this function does not return before the job is closed and no pool
    // thread is inside it (below).
    let erased: Work = unsafe { std::mem::transmute::<&(dyn Fn() + Sync), &'static (dyn Fn() + Sync)>(work) };
    let job = Arc::new(Job {
        work: erased,
        slots: Mutex::new(helpers),
        active: Mutex::new(0),
        left: Condvar::new(),
        panicked: AtomicBool::new(false),
    });
    pool.queue.lock().push_back(job.clone());
    for _ in 0..helpers {
        pool.ready.notify_one();
    }
    let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    // Close the job: under the queue lock, so no pool thread is between
    // taking a slot and counting itself in `active`.
    {
        let mut q = pool.queue.lock();
        *job.slots.lock() = 0;
        q.retain(|j| !Arc::ptr_eq(j, &job));
    }
    let mut active = job.active.lock();
    while *active > 0 {
        job.left.wait(&mut active);
    }
    drop(active);
    if let Err(p) = mine {
        std::panic::resume_unwind(p);
    }
    if job.panicked.load(Ordering::Relaxed) {
        panic!("a CTA worker thread panicked");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn every_item_runs_once_across_concurrent_jobs() {
        let launches: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..50 {
                        let next = AtomicUsize::new(0);
                        let hits: Vec<AtomicUsize> = (0..100).map(|_| AtomicUsize::new(0)).collect();
                        run(8, &|| loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= hits.len() {
                                break;
                            }
                            hits[i].fetch_add(1, Ordering::Relaxed);
                        });
                        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
                    }
                })
            })
            .collect();
        for l in launches {
            l.join().expect("launch thread");
        }
    }
}
