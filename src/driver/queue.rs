//! Stream-ordered execution (driver API "Stream Management", "Event
//! Management"; CUDA Programming Guide, "Asynchronous Concurrent Execution").
//!
//! Every stream is a [`Queue`]: a FIFO of operations run one after another
//! by a host thread of its own, while the thread that submitted them goes
//! on. Different queues run concurrently. Each operation completes a
//! [`Marker`] (an event records one; `cuStreamWaitEvent` makes an operation
//! wait for one), and may wait for markers of other queues first.
//!
//! The legacy default stream (`NULL`, `CU_STREAM_LEGACY`) of each context
//! synchronises with the context's blocking streams: an operation on it
//! waits for all work already submitted to every blocking stream of the
//! context, and an operation on a blocking stream waits for all work
//! already submitted to the legacy stream. Streams created with
//! `CU_STREAM_NON_BLOCKING` take part in neither. The per-thread default
//! stream (`CU_STREAM_PER_THREAD`, and `NULL` in the `_ptsz`/`_ptds` entry
//! points) is one blocking stream per host thread and context.
//!
//! A queue's thread is started by the first operation submitted to an idle
//! queue and ends after [`IDLE`] without work, so idle streams hold no
//! threads. A host thread that waits for a marker runs the queue's pending
//! operations itself when the queue's thread has not taken them yet (one
//! operation at a time per queue, in order), so a launch followed at once
//! by a synchronisation costs no thread hand-off.

use once_cell::sync::Lazy;
use parking_lot::{Condvar, Mutex};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// How long a queue's thread waits for more work before it ends.
const IDLE: Duration = Duration::from_millis(500);

/// A point in a queue's work: complete once everything submitted to the
/// queue before it has run. Records the host time of completion (what
/// `cuEventElapsedTime` measures).
pub struct Marker {
    at: Mutex<Option<Instant>>,
    cv: Condvar,
    /// The queue whose operation completes it (for waiters to help).
    queue: Weak<Queue>,
}

impl Marker {
    fn pending(queue: Weak<Queue>) -> Arc<Marker> {
        Arc::new(Marker { at: Mutex::new(None), cv: Condvar::new(), queue })
    }

    /// A marker that is complete now.
    pub fn complete_now() -> Arc<Marker> {
        Arc::new(Marker { at: Mutex::new(Some(Instant::now())), cv: Condvar::new(), queue: Weak::new() })
    }

    fn complete(&self) {
        *self.at.lock() = Some(Instant::now());
        self.cv.notify_all();
    }

    pub fn is_done(&self) -> bool {
        self.at.lock().is_some()
    }

    /// When the marker completed; None while pending.
    pub fn completed_at(&self) -> Option<Instant> {
        *self.at.lock()
    }

    /// Blocks the calling thread until the marker completes, first running
    /// the queue's pending operations up to it if no thread is running them.
    pub fn wait(&self) {
        if self.is_done() {
            return;
        }
        if let Some(q) = self.queue.upgrade() {
            q.help_until(self);
        }
        let mut at = self.at.lock();
        while at.is_none() {
            self.cv.wait(&mut at);
        }
    }
}

/// How a queue takes part in the legacy default stream's synchronisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The context's legacy default stream.
    Legacy,
    /// A stream created with `CU_STREAM_DEFAULT`, or a per-thread default stream.
    Blocking,
    /// A stream created with `CU_STREAM_NON_BLOCKING`.
    NonBlocking,
}

/// Work run on a queue's thread.
pub type Work = Box<dyn FnOnce() + Send>;

struct Op {
    waits: Vec<Arc<Marker>>,
    work: Option<Work>,
    done: Arc<Marker>,
}

struct State {
    ops: VecDeque<Op>,
    /// The marker of the last operation submitted (complete when the queue
    /// is idle).
    tail: Arc<Marker>,
    /// Whether a thread is serving the queue.
    worker: bool,
    /// Whether some thread (the queue's, or a helping waiter) is running
    /// one of its operations now.
    executing: bool,
}

/// One stream's queue of operations.
pub struct Queue {
    /// The context the stream belongs to.
    pub ctx: usize,
    pub kind: Kind,
    state: Mutex<State>,
    wake: Condvar,
}

/// Every queue that may still have work, for context- and device-wide
/// synchronisation.
static QUEUES: Lazy<Mutex<Vec<Weak<Queue>>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// The legacy default stream of each context, by context handle.
static LEGACY: Lazy<Mutex<HashMap<usize, Arc<Queue>>>> = Lazy::new(|| Mutex::new(HashMap::new()));

/// Held while an operation for the legacy stream or a blocking stream reads
/// the tails it must wait for and takes its place in its queue, so that of
/// two such operations submitted at once by two host threads one always
/// follows the other (without it, each could read the other's queue before
/// the other was queued, and the two ran at the same time). Taken before
/// `LEGACY`, `QUEUES` and any queue's state; nothing waits while holding it.
static LEGACY_ORDER: Mutex<()> = Mutex::new(());

thread_local! {
    /// This host thread's per-thread default streams, by context handle.
    static PER_THREAD: RefCell<HashMap<usize, Arc<Queue>>> = RefCell::new(HashMap::new());
    /// Set on queue threads: they must not wait for queues (a host function
    /// that synchronises would wait for itself).
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

impl Queue {
    /// A new, idle queue for a stream of context `ctx`.
    pub fn new(ctx: usize, kind: Kind) -> Arc<Queue> {
        let q = Arc::new(Queue {
            ctx,
            kind,
            state: Mutex::new(State {
                ops: VecDeque::new(),
                tail: Marker::complete_now(),
                worker: false,
                executing: false,
            }),
            wake: Condvar::new(),
        });
        let mut all = QUEUES.lock();
        all.retain(|w| w.strong_count() > 0);
        all.push(Arc::downgrade(&q));
        q
    }

    /// The marker of the last operation submitted.
    pub fn tail(&self) -> Arc<Marker> {
        self.state.lock().tail.clone()
    }

    /// Whether everything submitted so far has run.
    pub fn is_idle(&self) -> bool {
        self.tail().is_done()
    }

    /// The pending markers an operation submitted now must wait for besides
    /// the queue's own order: the legacy stream's synchronisation rule.
    fn implicit_waits(&self) -> Vec<Arc<Marker>> {
        let mut waits = Vec::new();
        match self.kind {
            Kind::Legacy => {
                for q in queues() {
                    if q.ctx == self.ctx && q.kind == Kind::Blocking {
                        waits.push(q.tail());
                    }
                }
            }
            Kind::Blocking => {
                if let Some(l) = LEGACY.lock().get(&self.ctx).cloned() {
                    waits.push(l.tail());
                }
            }
            Kind::NonBlocking => {}
        }
        waits.retain(|m| !m.is_done());
        waits
    }

    /// Submits an operation: after the queue's earlier operations, the
    /// legacy-stream dependencies and `waits`, `work` (if any) runs on the
    /// queue's thread. Returns the marker that completes after it. An
    /// operation without work whose dependencies are all complete completes
    /// at once, without waking the queue's thread.
    pub fn submit(self: &Arc<Self>, work: Option<Work>, mut waits: Vec<Arc<Marker>>) -> Arc<Marker> {
        waits.retain(|m| !m.is_done());
        let order = (self.kind != Kind::NonBlocking).then(|| LEGACY_ORDER.lock());
        waits.extend(self.implicit_waits());
        let mut st = self.state.lock();
        if work.is_none() && waits.is_empty() && st.ops.is_empty() && st.tail.is_done() {
            let m = Marker::complete_now();
            st.tail = m.clone();
            return m;
        }
        let done = Marker::pending(Arc::downgrade(self));
        st.tail = done.clone();
        st.ops.push_back(Op { waits, work, done: done.clone() });
        // Queued: later submissions see this operation. (Released before
        // `drain` below may run work on this thread.)
        drop(order);
        if st.worker {
            self.wake.notify_one();
            return done;
        }
        st.worker = true;
        drop(st);
        let q = self.clone();
        let spawned = std::thread::Builder::new().name("softcuda-stream".into()).spawn(move || serve(q));
        if spawned.is_err() {
            // No thread to be had: run the queue on the submitting thread.
            super::log(format_args!("could not start a stream thread; running the stream's work synchronously"));
            drain(self);
        }
        done
    }

    /// Runs this queue's operations on the calling thread until `m`
    /// completes, as long as no other thread is running one. Returns when
    /// `m` is complete or another thread is busy with the queue.
    fn help_until(&self, m: &Marker) {
        let was_worker = in_worker();
        while !m.is_done() {
            let op = {
                let mut st = self.state.lock();
                if st.executing {
                    None
                } else {
                    st.ops.pop_front().inspect(|_| st.executing = true)
                }
            };
            let Some(op) = op else { break };
            // Host functions run here must not wait for queues either.
            IN_WORKER.with(|w| w.set(true));
            run_op(op);
            IN_WORKER.with(|w| w.set(was_worker));
            self.state.lock().executing = false;
            // The queue's thread may be waiting for the operation to end.
            self.wake.notify_one();
        }
    }

    /// Every pending marker an operation run outside the queue (a copy done
    /// by the calling thread) must wait for to be in this stream's order.
    pub fn order_markers(&self) -> Vec<Arc<Marker>> {
        let mut m = self.implicit_waits();
        m.push(self.tail());
        m.retain(|m| !m.is_done());
        m
    }

    /// Every pending marker that synchronising with this stream waits for:
    /// its tail, and for the legacy stream the context's blocking streams.
    pub fn sync_markers(&self) -> Vec<Arc<Marker>> {
        let mut m = vec![self.tail()];
        if self.kind == Kind::Legacy {
            m.extend(self.implicit_waits());
        }
        m.retain(|m| !m.is_done());
        m
    }
}

fn run_op(op: Op) {
    for w in &op.waits {
        w.wait();
    }
    if let Some(work) = op.work {
        // A panic in the emulator must not take the queue down: its
        // markers still complete, so no waiter hangs.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).is_err() {
            super::log(format_args!("internal error in a stream operation"));
        }
    }
    op.done.complete();
}

/// A queue's thread: runs operations in order until idle for [`IDLE`].
fn serve(q: Arc<Queue>) {
    IN_WORKER.with(|w| w.set(true));
    loop {
        let op = {
            let mut st = q.state.lock();
            loop {
                if !st.executing {
                    if let Some(op) = st.ops.pop_front() {
                        st.executing = true;
                        break op;
                    }
                }
                if q.wake.wait_for(&mut st, IDLE).timed_out() && st.ops.is_empty() && !st.executing {
                    st.worker = false;
                    return;
                }
            }
        };
        run_op(op);
        q.state.lock().executing = false;
    }
}

/// Runs a queue's operations on the calling thread until it is empty.
fn drain(q: &Queue) {
    loop {
        let op = {
            let mut st = q.state.lock();
            if st.executing {
                // A helping waiter runs them; it hands back to no thread, so
                // keep the queue marked as served by nobody.
                st.worker = false;
                return;
            }
            match st.ops.pop_front() {
                Some(op) => {
                    st.executing = true;
                    op
                }
                None => {
                    st.worker = false;
                    return;
                }
            }
        };
        run_op(op);
        q.state.lock().executing = false;
    }
}

/// All live queues. Entries of dropped queues are pruned on the way: a
/// `Weak` keeps its queue's allocation until then.
fn queues() -> Vec<Arc<Queue>> {
    let mut all = QUEUES.lock();
    all.retain(|w| w.strong_count() > 0);
    all.iter().filter_map(Weak::upgrade).collect()
}

/// Whether the calling thread is a queue's thread.
pub fn in_worker() -> bool {
    IN_WORKER.with(|w| w.get())
}

/// Waits for every marker. On a queue's thread (a host function calling
/// the driver) it does not wait and returns false.
pub fn wait_all(markers: &[Arc<Marker>]) -> bool {
    if in_worker() {
        return markers.iter().all(|m| m.is_done());
    }
    for m in markers {
        m.wait();
    }
    true
}

/// Context `ctx`'s legacy default stream.
pub fn legacy(ctx: usize) -> Arc<Queue> {
    LEGACY.lock().entry(ctx).or_insert_with(|| Queue::new(ctx, Kind::Legacy)).clone()
}

/// The calling thread's per-thread default stream in context `ctx`.
pub fn per_thread(ctx: usize) -> Arc<Queue> {
    PER_THREAD.with(|p| p.borrow_mut().entry(ctx).or_insert_with(|| Queue::new(ctx, Kind::Blocking)).clone())
}

/// Waits until all work submitted to context `ctx`'s streams has run
/// (`cuCtxSynchronize`).
pub fn sync_ctx(ctx: usize) -> bool {
    let markers: Vec<_> = queues().iter().filter(|q| q.ctx == ctx).map(|q| q.tail()).collect();
    wait_all(&markers)
}

/// Waits until all work submitted to any stream has run (what frees and
/// unloads do first, as the real driver's implicit synchronisation).
pub fn sync_all() -> bool {
    let markers: Vec<_> = queues().iter().map(|q| q.tail()).collect();
    wait_all(&markers)
}

/// Forgets context `ctx`'s legacy stream (the context is destroyed; work
/// still queued runs to its end).
pub fn forget_ctx(ctx: usize) {
    LEGACY.lock().remove(&ctx);
    // Per-thread streams of other threads are dropped with their threads.
    PER_THREAD.with(|p| p.borrow_mut().remove(&ctx));
}

/// `CUDA_LAUNCH_BLOCKING=1`: every launch completes before it returns.
pub fn launch_blocking() -> bool {
    static BLOCKING: Lazy<bool> = Lazy::new(|| std::env::var("CUDA_LAUNCH_BLOCKING").is_ok_and(|v| v.trim() == "1"));
    *BLOCKING
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn operations_run_in_order_while_the_submitter_goes_on() {
        let q = Queue::new(0x1000, Kind::NonBlocking);
        let gate = Marker::pending(Weak::new());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let g = gate.clone();
        q.submit(Some(Box::new(move || g.wait())), vec![]);
        for i in 0..10 {
            let s = seen.clone();
            q.submit(Some(Box::new(move || s.lock().push(i))), vec![]);
        }
        // The first operation blocks the queue; the submitter was not blocked.
        assert!(!q.is_idle());
        assert!(seen.lock().is_empty());
        gate.complete();
        q.tail().wait();
        assert_eq!(*seen.lock(), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn legacy_stream_waits_for_blocking_streams_but_not_non_blocking() {
        let ctx = 0x2000;
        let blocking = Queue::new(ctx, Kind::Blocking);
        let non_blocking = Queue::new(ctx, Kind::NonBlocking);
        let gate = Marker::pending(Weak::new());
        let (g1, g2) = (gate.clone(), gate.clone());
        blocking.submit(Some(Box::new(move || g1.wait())), vec![]);
        non_blocking.submit(Some(Box::new(move || g2.wait())), vec![]);
        let legacy = legacy(ctx);
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let m = legacy.submit(
            Some(Box::new(move || {
                r.fetch_add(1, Ordering::SeqCst);
            })),
            vec![],
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(ran.load(Ordering::SeqCst), 0, "legacy work ran before the blocking stream's");
        // The legacy stream's sync markers include the blocking stream only.
        assert_eq!(legacy.sync_markers().len(), 2);
        gate.complete();
        m.wait();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        forget_ctx(ctx);
    }

    /// Two host threads submit at the same moment, one to a blocking stream
    /// and one to the legacy stream of the same context: whichever comes
    /// first, the other runs after it, never at the same time. Many idle
    /// blocking streams widen the window between reading the other
    /// streams' tails and queueing, where the two submissions slipped past
    /// each other before `LEGACY_ORDER` (91 of 2000 rounds overlapped).
    #[test]
    fn concurrent_legacy_and_blocking_submissions_never_overlap() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Barrier;
        const ROUNDS: usize = 2000;
        let ctx = 0x5000;
        let blocking = Queue::new(ctx, Kind::Blocking);
        let idle: Vec<_> = (0..2000).map(|_| Queue::new(ctx, Kind::Blocking)).collect();
        let legacy_q = legacy(ctx);
        let running = Arc::new(AtomicBool::new(false));
        let overlaps = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(2));
        // The blocking stream's thread submits after a varying delay (0 to
        // 127 µs), so that its submission lands inside the legacy one's.
        let spawn = |q: Arc<Queue>, jitter: bool| {
            let (running, overlaps, barrier) = (running.clone(), overlaps.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut seed = 12345u32;
                for _ in 0..ROUNDS {
                    barrier.wait();
                    if jitter {
                        seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                        let until = Instant::now() + Duration::from_micros(u64::from(seed >> 25));
                        while Instant::now() < until {
                            std::hint::spin_loop();
                        }
                    }
                    let (r, o) = (running.clone(), overlaps.clone());
                    let work: Work = Box::new(move || {
                        if r.swap(true, Ordering::SeqCst) {
                            o.fetch_add(1, Ordering::SeqCst);
                        }
                        std::thread::sleep(Duration::from_micros(50));
                        r.store(false, Ordering::SeqCst);
                    });
                    q.submit(Some(work), vec![]).wait();
                }
            })
        };
        let threads = [spawn(blocking.clone(), true), spawn(legacy_q.clone(), false)];
        for t in threads {
            t.join().expect("submitting thread");
        }
        drop(idle);
        forget_ctx(ctx);
        assert_eq!(overlaps.load(Ordering::SeqCst), 0, "legacy-stream and blocking-stream work overlapped");
    }

    #[test]
    fn an_empty_operation_on_an_idle_queue_completes_at_once() {
        let q = Queue::new(0x3000, Kind::NonBlocking);
        assert!(q.submit(None, vec![]).is_done());
        let gate = Marker::pending(Weak::new());
        let m = q.submit(None, vec![gate.clone()]);
        assert!(!m.is_done());
        gate.complete();
        m.wait();
    }
}
