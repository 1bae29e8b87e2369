//! `SOFTCUDA_MEMCHECK=1`: the checks NVIDIA's compute-sanitizer makes with
//! its memcheck, initcheck and racecheck tools, built into the emulator.
//!
//! * **Bounds.** Every allocation made while memcheck is on gets a redzone of
//!   [`REDZONE`] bytes on each side, so a kernel that runs past the end of
//!   one buffer cannot land in its neighbour. An access outside every live
//!   allocation stops the kernel as without memcheck
//!   (`CUDA_ERROR_ILLEGAL_ADDRESS`) and is reported with the nearest
//!   allocation.
//! * **Use after free.** Freed blocks wait in a quarantine (up to
//!   [`QUARANTINE_BYTES`]) before their memory goes back to the host
//!   allocator, so their addresses are not handed out again and a late
//!   access is reported as a use of the freed allocation.
//! * **Initialisation.** One bit per byte of every `cuMemAlloc`-family block
//!   records whether the host (copies, memsets) or a kernel (stores,
//!   atomics) has written it. A kernel load of a never-written byte is
//!   reported; the kernel goes on (the GPU would read garbage, the emulator
//!   reads zero). Host, managed and registered memory, which the host writes
//!   without the driver seeing it, and module variables are not tracked.
//! * **Shared-memory races.** For every byte of a CTA's shared memory, the
//!   warp, barrier interval and PTX line of the last write and of the last
//!   read. A write and another access from a different warp in the same
//!   barrier interval (no `bar.sync`/`barrier.sync`/completed mbarrier wait
//!   between them) is a hazard (write-after-write, read-after-write,
//!   write-after-read). Atomics and mbarrier objects are not checked; lanes
//!   of one warp are not checked against each other.
//!
//! Reports go to stderr, or to the file `SOFTCUDA_MEMCHECK_LOG` names, laid
//! out as compute-sanitizer lays out its own (`========= ` prefix, the
//! error, the kernel and PTX line with the `.cu` line when the PTX carries
//! `.loc`, thread and block, address and allocation). Each kind of error is
//! reported once per PTX line and launch; how many more occurred is
//! reported when the grid ends, and `ERROR SUMMARY` when the process exits.

use once_cell::sync::Lazy;
use parking_lot::{Mutex, RwLock};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

/// Bytes of unused memory before and after every allocation made while
/// memcheck is on (a multiple of the 256-byte allocation alignment).
pub const REDZONE: usize = 512;

/// Bytes of freed allocations held back from the host allocator while
/// memcheck is on; the oldest are released beyond it.
pub const QUARANTINE_BYTES: usize = 256 << 20;

/// Freed allocations remembered for use-after-free reports.
const FREED_REMEMBERED: usize = 4096;

/// Whether `SOFTCUDA_MEMCHECK` is set to anything but empty, `0`, `off` or
/// `false` (read once).
pub fn enabled() -> bool {
    static ON: Lazy<bool> = Lazy::new(|| {
        std::env::var("SOFTCUDA_MEMCHECK")
            .map(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "off" | "false" | "no"))
            .unwrap_or(false)
    });
    *ON
}

/// Which bytes of one tracked device allocation have been written.
pub struct Shadow {
    /// Device address of the first byte.
    pub start: u64,
    /// Bytes in the allocation.
    pub size: u64,
    /// Process-unique allocation id (as `CU_POINTER_ATTRIBUTE_BUFFER_ID`).
    pub id: u64,
    /// Bit `i % 8` of byte `i / 8`: byte `i` was written.
    bits: Box<[AtomicU8]>,
}

impl Shadow {
    fn new(start: u64, size: u64, id: u64) -> Shadow {
        Shadow { start, size, id, bits: (0..size.div_ceil(8)).map(|_| AtomicU8::new(0)).collect() }
    }

    /// The byte offsets of `[addr, addr+len)` that fall inside this allocation.
    fn offsets(&self, addr: u64, len: u64) -> std::ops::Range<u64> {
        let lo = addr.max(self.start) - self.start;
        let hi = addr.saturating_add(len).min(self.start + self.size).saturating_sub(self.start);
        lo..hi.max(lo)
    }

    /// Records that `[addr, addr+len)` was written (the part inside this allocation).
    pub fn mark(&self, addr: u64, len: u64) {
        let r = self.offsets(addr, len);
        let (mut i, end) = (r.start, r.end);
        while i < end {
            let byte = (i / 8) as usize;
            let lo = (i % 8) as u32;
            let hi = (end - i + lo as u64).min(8) as u32;
            let bits = (((1u32 << hi) - 1) & !((1u32 << lo) - 1)) as u8;
            if let Some(b) = self.bits.get(byte) {
                if b.load(Ordering::Relaxed) & bits != bits {
                    b.fetch_or(bits, Ordering::Relaxed);
                }
            }
            i += (hi - lo) as u64;
        }
    }

    /// The first byte of `[addr, addr+len)` inside this allocation that was
    /// never written, if any.
    pub fn first_unwritten(&self, addr: u64, len: u64) -> Option<u64> {
        self.offsets(addr, len)
            .find(|&i| self.bits.get((i / 8) as usize).is_some_and(|b| b.load(Ordering::Relaxed) & (1 << (i % 8)) == 0))
            .map(|i| self.start + i)
    }
}

/// A freed allocation, remembered for use-after-free reports.
#[derive(Clone, Copy, Debug)]
struct Freed {
    start: u64,
    size: u64,
    id: u64,
}

#[derive(Default)]
struct Registry {
    /// Tracked (initialisation-checked) allocations by start address.
    live: BTreeMap<u64, Arc<Shadow>>,
    /// The most recently freed allocations, newest last.
    freed: VecDeque<Freed>,
}

static REGISTRY: Lazy<RwLock<Registry>> = Lazy::new(Default::default);

/// Records a new allocation `[start, start+size)` with id `id`;
/// `track_init` gives it a written-bytes shadow.
pub fn allocated(start: u64, size: u64, id: u64, track_init: bool) {
    let mut r = REGISTRY.write();
    r.freed.retain(|f| f.start + f.size.max(1) <= start || start + size.max(1) <= f.start);
    if track_init {
        r.live.insert(start, Arc::new(Shadow::new(start, size, id)));
    }
}

/// Records that the allocation at `start` (of `size` bytes, id `id`) was freed.
pub fn freed(start: u64, size: u64, id: u64) {
    let mut r = REGISTRY.write();
    r.live.remove(&start);
    if r.freed.len() >= FREED_REMEMBERED {
        r.freed.pop_front();
    }
    r.freed.push_back(Freed { start, size, id });
}

/// Records that the host (a copy or memset) wrote `[addr, addr+len)`.
pub fn host_wrote(addr: u64, len: u64) {
    if !enabled() || len == 0 {
        return;
    }
    let r = REGISTRY.read();
    let end = addr.saturating_add(len);
    let first = r.live.range(..=addr).next_back().map(|(&s, _)| s).unwrap_or(addr);
    for (_, sh) in r.live.range(first..end) {
        sh.mark(addr, len);
    }
}

/// The tracked allocation containing byte `addr`.
pub fn shadow(addr: u64) -> Option<Arc<Shadow>> {
    let r = REGISTRY.read();
    let (_, sh) = r.live.range(..=addr).next_back()?;
    (addr < sh.start + sh.size).then(|| sh.clone())
}

/// Says where `addr` lies relative to the allocations a kernel could see
/// (`live`: sorted `(start, end)` ranges) and the freed ones remembered, in
/// compute-sanitizer's words (measured on the H100: an access at the first
/// byte past an allocation is "1 bytes after" it). Two lines.
pub fn describe(addr: u64, size: u64, live: &[(u64, u64)]) -> String {
    let head = format!("Access to {addr:#x} is out of bounds");
    if let Some(f) = REGISTRY.read().freed.iter().rev().find(|f| addr >= f.start && addr < f.start + f.size.max(1)) {
        return format!(
            "{head}\nand is {} bytes inside allocation {} at {:#x} of size {} bytes, which was freed (use after free)",
            addr - f.start,
            f.id,
            f.start,
            f.size
        );
    }
    let i = live.partition_point(|r| r.0 <= addr);
    let before = i.checked_sub(1).and_then(|j| live.get(j)).copied();
    let after = live.get(i).copied();
    if let Some(r) = before.filter(|r| addr < r.1) {
        return format!(
            "{head}\nand runs {} bytes past the end of the allocation at {:#x} of size {} bytes",
            addr.saturating_add(size) - r.1,
            r.0,
            r.1 - r.0
        );
    }
    let after_msg = |r: (u64, u64)| {
        format!(
            "{head}\nand is {} bytes before the nearest allocation at {:#x} of size {} bytes",
            r.0 - addr,
            r.0,
            r.1 - r.0
        )
    };
    match (before, after) {
        (Some(b), Some(a)) if a.0 - addr < addr - b.1 + 1 => after_msg(a),
        (Some(b), _) => format!(
            "{head}\nand is {} bytes after the nearest allocation at {:#x} of size {} bytes",
            addr - b.1 + 1,
            b.0,
            b.1 - b.0
        ),
        (None, Some(a)) => after_msg(a),
        (None, None) => format!("{head}\nand no device memory is allocated"),
    }
}

/// Errors reported so far (the `ERROR SUMMARY`).
static ERRORS: AtomicU64 = AtomicU64::new(0);

fn sink() -> &'static Mutex<Box<dyn Write + Send>> {
    static SINK: Lazy<Mutex<Box<dyn Write + Send>>> = Lazy::new(|| {
        let file = std::env::var_os("SOFTCUDA_MEMCHECK_LOG").and_then(|p| std::fs::File::create(p).ok());
        match file {
            Some(f) => Mutex::new(Box::new(f)),
            None => Mutex::new(Box::new(std::io::stderr())),
        }
    });
    static SUMMARY: std::sync::Once = std::sync::Once::new();
    SUMMARY.call_once(|| {
        // SAFETY: registers a plain `extern "C"` function with no arguments;
        // it only formats a counter and writes it, never unwinding.
        unsafe { libc::atexit(summary) };
    });
    &SINK
}

extern "C" fn summary() {
    let n = ERRORS.load(Ordering::Relaxed);
    let mut s = sink().lock();
    let _ = writeln!(s, "========= ERROR SUMMARY: {n} error{}", if n == 1 { "" } else { "s" });
    let _ = s.flush();
}

/// Writes one error: its title line, then each detail line indented.
pub fn report(title: &str, details: &[String]) {
    ERRORS.fetch_add(1, Ordering::Relaxed);
    let mut s = sink().lock();
    let _ = writeln!(s, "========= {title}");
    for line in details.iter().flat_map(|d| d.lines()) {
        let _ = writeln!(s, "=========     {line}");
    }
    let _ = writeln!(s, "=========");
    let _ = s.flush();
}

/// The kinds of error a kernel can report (for de-duplication).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Invalid,
    Uninitialised,
    Race,
}

/// One launch's memcheck state shared by its CTAs: which errors were
/// reported, and how many more of each occurred.
pub struct GridCheck {
    pub kernel: String,
    pub program: Arc<crate::emu::ir::Program>,
    /// Errors counted per (kind, PTX line, second PTX line): races are
    /// grouped by the pair of lines (in either order), as compute-sanitizer
    /// groups its hazards; other kinds have 0 as the second line.
    seen: Mutex<HashMap<(Kind, u32, u32), u64>>,
}

impl GridCheck {
    pub fn new(kernel: &str, program: Arc<crate::emu::ir::Program>) -> GridCheck {
        // Opens the log now, so that a program with no errors gets its
        // `ERROR SUMMARY: 0 errors` too.
        let _ = sink();
        GridCheck { kernel: kernel.to_string(), program, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts an error at PTX line `line` (and `other`, the line of a
    /// race's other access; 0 otherwise); true if it is the first of its
    /// kind there (and should be reported in full).
    pub fn first(&self, kind: Kind, line: u32, other: u32) -> bool {
        let mut seen = self.seen.lock();
        let key = if other == 0 { (kind, line, 0) } else { (kind, line.min(other), line.max(other)) };
        let n = seen.entry(key).or_insert(0);
        *n += 1;
        *n == 1
    }

    /// `at kernel (PTX line N) in file.cu:M` (compute-sanitizer names the
    /// SASS offset where we name the PTX line).
    pub fn location(&self, line: u32) -> String {
        match self.program.source_of(line) {
            Some((file, l)) => {
                // The file name alone, as compute-sanitizer prints it.
                let file = file.rsplit('/').next().unwrap_or(file);
                format!("at {} (PTX line {line}) in {file}:{l}", self.kernel)
            }
            None => format!("at {} (PTX line {line})", self.kernel),
        }
    }

    /// Reports the errors that were counted but not reported in full.
    pub fn finish(&self) {
        let mut more: Vec<((Kind, u32, u32), u64)> =
            self.seen.lock().iter().filter(|(_, &n)| n > 1).map(|(&k, &n)| (k, n - 1)).collect();
        more.sort_by_key(|((_, a, b), _)| (*a, *b));
        for ((kind, line, other), n) in more {
            let what = match kind {
                Kind::Invalid => format!("invalid accesses {}", self.location(line)),
                Kind::Uninitialised => format!("uninitialised reads {}", self.location(line)),
                Kind::Race => format!("race hazards between PTX lines {line} and {other} of {}", self.kernel),
            };
            ERRORS.fetch_add(n, Ordering::Relaxed);
            let mut s = sink().lock();
            let _ = writeln!(s, "========= {n} more {what} not shown");
            let _ = s.flush();
        }
    }
}

/// Access record of one byte of shared memory (race detection).
#[derive(Clone, Copy, Default)]
pub struct SharedCell {
    /// Barrier interval of the last write (0: none yet).
    w_epoch: u32,
    w_warp: u32,
    w_line: u32,
    /// Barrier interval of the last read (0: none yet).
    r_epoch: u32,
    /// Warp of the last read, or [`MANY`] when several warps read.
    r_warp: u32,
    r_line: u32,
}

const MANY: u32 = u32::MAX;

/// A shared-memory hazard: (what, the earlier access's warp and line).
pub struct Hazard {
    pub kind: &'static str,
    pub other_line: u32,
    pub other_access: &'static str,
}

/// Records an access of warp `warp` at `line` in barrier interval `epoch`
/// (≥ 1) to `cells`; returns the first hazard with an earlier access.
pub fn shared_access(cells: &mut [SharedCell], write: bool, warp: u32, epoch: u32, line: u32) -> Option<Hazard> {
    let mut hazard = None;
    for c in cells {
        if write {
            if c.w_epoch == epoch && c.w_warp != warp && hazard.is_none() {
                hazard = Some(Hazard { kind: "Write-after-write", other_line: c.w_line, other_access: "Write" });
            }
            if c.r_epoch == epoch && c.r_warp != warp && hazard.is_none() {
                hazard = Some(Hazard { kind: "Write-after-read", other_line: c.r_line, other_access: "Read" });
            }
            *c = SharedCell { w_epoch: epoch, w_warp: warp, w_line: line, ..*c };
        } else {
            if c.w_epoch == epoch && c.w_warp != warp && hazard.is_none() {
                hazard = Some(Hazard { kind: "Read-after-write", other_line: c.w_line, other_access: "Write" });
            }
            let r_warp = if c.r_epoch == epoch && c.r_warp != warp { MANY } else { warp };
            *c = SharedCell { r_epoch: epoch, r_warp, r_line: line, ..*c };
        }
    }
    hazard
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shadow_marks_exact_bytes() {
        let s = Shadow::new(0x1000, 20, 1);
        assert_eq!(s.first_unwritten(0x1000, 4), Some(0x1000));
        s.mark(0x1003, 6);
        assert_eq!(s.first_unwritten(0x1003, 6), None);
        assert_eq!(s.first_unwritten(0x1002, 4), Some(0x1002));
        assert_eq!(s.first_unwritten(0x1008, 2), Some(0x1009));
        s.mark(0x0ff0, 0x100);
        assert_eq!(s.first_unwritten(0x1000, 20), None, "clipped to the allocation");
    }

    #[test]
    fn races_need_two_warps_in_one_interval() {
        let mut cells = vec![SharedCell::default(); 4];
        assert!(shared_access(&mut cells, true, 0, 1, 10).is_none());
        assert!(shared_access(&mut cells, false, 0, 1, 11).is_none(), "same warp");
        let h = shared_access(&mut cells, false, 1, 1, 12).map(|h| (h.kind, h.other_line));
        assert_eq!(h, Some(("Read-after-write", 10)));
        assert!(shared_access(&mut cells, false, 2, 2, 13).is_none(), "after a barrier");
        let h = shared_access(&mut cells, true, 3, 2, 14).map(|h| (h.kind, h.other_line));
        assert_eq!(h, Some(("Write-after-read", 13)));
    }

    #[test]
    fn describes_nearest_allocation() {
        let live = [(0x1000, 0x1100), (0x2000, 0x2040)];
        assert!(describe(0x1100, 4, &live).contains("1 bytes after the nearest allocation at 0x1000 of size 256 bytes"));
        assert!(describe(0x1ff0, 4, &live).contains("16 bytes before the nearest allocation at 0x2000"));
        assert!(describe(0x10fe, 4, &live).contains("runs 2 bytes past the end"));
        assert!(describe(0x1100, 4, &live).starts_with("Access to 0x1100 is out of bounds\n"));
    }
}
