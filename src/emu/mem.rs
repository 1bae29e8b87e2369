//! Kernel memory access: every load, store and atomic of a CTA goes through
//! here and is checked (PTX ISA §5.1 state spaces, §6.4.1 generic
//! addressing). Global addresses must lie in a live allocation; shared, local
//! and parameter offsets inside their CTA, thread or launch buffers; every
//! access naturally aligned. A failed check becomes a [`Fault`], never a host
//! memory access.

use super::ir::{AtomOp, Space, Ty};
use crate::memcheck::{self, GridCheck, Kind, Shadow, SharedCell};
use std::sync::atomic::{AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;

/// Generic addresses of shared memory: `SHARED_WINDOW + offset`.
pub const SHARED_WINDOW: u64 = 0x4000_0000_0000_0000;
/// Generic addresses of the thread's local memory: `LOCAL_WINDOW + offset`.
pub const LOCAL_WINDOW: u64 = 0x5000_0000_0000_0000;
const WINDOW_SIZE: u64 = 1 << 32;

/// What went wrong in a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// → `CUDA_ERROR_ILLEGAL_ADDRESS`
    IllegalAddress,
    /// → `CUDA_ERROR_MISALIGNED_ADDRESS`
    MisalignedAddress,
    /// `trap` → `CUDA_ERROR_LAUNCH_FAILED`
    Trap,
    /// A failed device `assert` → `CUDA_ERROR_ASSERT`
    Assert,
    /// A barrier no thread can ever complete (the real GPU would hang) →
    /// `CUDA_ERROR_LAUNCH_FAILED`
    BarrierDeadlock,
    /// An instruction the emulator cannot run → `CUDA_ERROR_NOT_SUPPORTED`... reported as
    /// `CUDA_ERROR_ILLEGAL_INSTRUCTION`.
    Unsupported,
    IllegalInstruction,
    /// The grid ran longer than the watchdog allows (`SOFTCUDA_WATCHDOG_MS`)
    /// → `CUDA_ERROR_LAUNCH_TIMEOUT`.
    Timeout,
}

/// A kernel fault with where and who.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub addr: u64,
    /// PTX source line of the faulting instruction.
    pub line: u32,
    pub ctaid: [u32; 3],
    pub tid: [u32; 3],
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (PTX line {}, block ({},{},{}), thread ({},{},{}))",
            self.message, self.line, self.ctaid[0], self.ctaid[1], self.ctaid[2], self.tid[0], self.tid[1], self.tid[2]
        )
    }
}

#[derive(Clone, Copy)]
enum Loc {
    Global(u64),
    Shared(usize),
    Local(usize),
    Param(usize),
}

/// One CTA's memories and the launch-wide views it needs.
pub struct Cta<'a> {
    pub shared: Vec<u8>,
    /// `nthreads × local_size` bytes.
    pub local: Vec<u8>,
    pub local_size: u32,
    pub params: &'a [u8],
    /// Sorted `(start, end)` of live device allocations.
    pub global: &'a [(u64, u64)],
    /// Last global range hit (a one-entry lookup cache).
    cache: (u64, u64),
    pub ctaid: [u32; 3],
    pub ntid: [u32; 3],
    /// PTX line of the instruction being run (for fault reports).
    pub line: u32,
    /// Device `printf` output of this CTA, printed when it finishes.
    pub printf: Vec<u8>,
    /// The kernel's module `.const` range (for `isspacep.const`).
    pub const_range: (u64, u64),
    /// Set when another CTA of a cooperative grid faulted: backward
    /// branches then end this CTA too, so CTAs spinning in `grid.sync()`
    /// cannot wait forever for one that stopped. None for ordinary launches.
    pub abort: Option<&'a std::sync::atomic::AtomicBool>,
    /// Barrier intervals begun in this CTA, from 1: raised whenever a
    /// barrier releases its warps or an mbarrier wait completes (memcheck's
    /// race detection compares them).
    pub epoch: u32,
    /// Set while an mbarrier object is read or written: those accesses are
    /// synchronisation, not data, and are not race-checked.
    pub sync_op: bool,
    /// Memcheck state (`SOFTCUDA_MEMCHECK`); None when off.
    pub check: Option<Box<CtaCheck<'a>>>,
}

/// One CTA's memcheck state: the launch's shared record, the tracked
/// allocation last touched, and the access record of each shared byte.
pub struct CtaCheck<'a> {
    pub grid: &'a GridCheck,
    shadow: Option<Arc<Shadow>>,
    shared: Vec<SharedCell>,
}

impl<'a> CtaCheck<'a> {
    /// Memcheck state for a CTA with `shared_bytes` of shared memory.
    pub fn new(grid: &'a GridCheck, shared_bytes: u32) -> Self {
        CtaCheck { grid, shadow: None, shared: vec![SharedCell::default(); shared_bytes as usize] }
    }
}

fn space_name(s: Space) -> &'static str {
    match s {
        Space::Global => "global",
        Space::Const => "const",
        Space::Shared => "shared",
        Space::Local => "local",
        Space::Param | Space::Frame => "param",
        Space::Generic => "generic",
    }
}

impl<'a> Cta<'a> {
    pub fn new(
        shared_bytes: u32,
        local_size: u32,
        nthreads: u32,
        params: &'a [u8],
        global: &'a [(u64, u64)],
        ctaid: [u32; 3],
        ntid: [u32; 3],
    ) -> Self {
        Cta {
            shared: vec![0; shared_bytes as usize],
            local: vec![0; local_size as usize * nthreads as usize],
            local_size,
            params,
            global,
            cache: (1, 0),
            ctaid,
            ntid,
            line: 0,
            printf: Vec::new(),
            const_range: (0, 0),
            abort: None,
            epoch: 1,
            sync_op: false,
            check: None,
        }
    }

    /// Reuses this CTA's buffers for another block. Shared memory is zeroed
    /// (cheap, and keeps results reproducible); local memory, which can be
    /// large with a call stack, is left as the last block left it, like the
    /// uninitialised memory it models.
    pub fn reset(&mut self, ctaid: [u32; 3]) {
        self.shared.fill(0);
        self.ctaid = ctaid;
        self.epoch = 1;
        self.sync_op = false;
        if let Some(c) = &mut self.check {
            c.shared.fill(SharedCell::default());
        }
    }

    /// Host bytes of this CTA's memories (shared, local, printf buffer, and
    /// memcheck's shared-memory record when on).
    pub fn memory_bytes(&self) -> u64 {
        let check = self.check.as_ref().map_or(0, |c| c.shared.capacity() * std::mem::size_of::<SharedCell>());
        (self.shared.capacity() + self.local.capacity() + self.printf.capacity() + check) as u64
    }

    /// `(x, y, z)` of the thread with linear index `thread`.
    fn tid_of(&self, thread: u32) -> [u32; 3] {
        let n = self.ntid;
        [thread % n[0].max(1), (thread / n[0].max(1)) % n[1].max(1), thread / (n[0] * n[1]).max(1)]
    }

    /// `by thread (x,y,z) in block (x,y,z)`.
    fn who(&self, thread: u32) -> String {
        let (t, b) = (self.tid_of(thread), self.ctaid);
        format!("by thread ({},{},{}) in block ({},{},{})", t[0], t[1], t[2], b[0], b[1], b[2])
    }

    /// Memcheck: reports an access that faulted (the first at this PTX line).
    fn check_invalid(&mut self, space: Space, size: u32, thread: u32, what: &str, reason: String) {
        let Some(c) = &self.check else { return };
        if !c.grid.first(Kind::Invalid, self.line, 0) {
            return;
        }
        let access = match what {
            "load" => "read",
            "store" => "write",
            other => other,
        };
        let space = if space == Space::Generic { "global" } else { space_name(space) };
        memcheck::report(
            &format!("Invalid __{space}__ {access} of size {size} bytes"),
            &[c.grid.location(self.line), self.who(thread), reason],
        );
    }

    /// Memcheck: the tracked allocation holding global address `a`.
    fn shadow_of(&mut self, a: u64) -> Option<Arc<Shadow>> {
        let c = self.check.as_mut()?;
        if let Some(sh) = c.shadow.as_ref().filter(|sh| a >= sh.start && a < sh.start + sh.size) {
            return Some(sh.clone());
        }
        let sh = memcheck::shadow(a)?;
        c.shadow = Some(sh.clone());
        Some(sh)
    }

    /// Memcheck: a kernel read of `[a, a+size)` in global memory; reports
    /// bytes no one wrote.
    fn check_read_global(&mut self, a: u64, size: u32, thread: u32) {
        let Some(sh) = self.shadow_of(a) else { return };
        let Some(byte) = sh.first_unwritten(a, size as u64) else { return };
        let Some(c) = &self.check else { return };
        if !c.grid.first(Kind::Uninitialised, self.line, 0) {
            return;
        }
        memcheck::report(
            &format!("Uninitialized __global__ memory read of size {size} bytes"),
            &[
                c.grid.location(self.line),
                self.who(thread),
                format!(
                    "Address {a:#x} is {} bytes into allocation {} at {:#x} of {} bytes; byte {byte:#x} was never written",
                    a - sh.start,
                    sh.id,
                    sh.start,
                    sh.size
                ),
            ],
        );
    }

    /// Memcheck: a kernel write of `[a, a+size)` in global memory.
    fn check_write_global(&mut self, a: u64, size: u32) {
        if let Some(sh) = self.shadow_of(a) {
            sh.mark(a, size as u64);
        }
    }

    /// Memcheck: an access to shared bytes `[o, o+size)`; reports a race
    /// with another warp's access in the same barrier interval.
    fn check_shared(&mut self, o: usize, size: u32, write: bool, thread: u32) {
        if self.sync_op {
            return;
        }
        let (epoch, line) = (self.epoch, self.line);
        let Some(c) = &mut self.check else { return };
        let Some(cells) = c.shared.get_mut(o..o + size as usize) else { return };
        let Some(h) = memcheck::shared_access(cells, write, thread / 32, epoch, line) else { return };
        if !c.grid.first(Kind::Race, line, h.other_line) {
            return;
        }
        let this = if write { "Write" } else { "Read" };
        memcheck::report(
            &format!("Error: Race reported between {} access {}", h.other_access, c.grid.location(h.other_line)),
            &[
                format!("and {this} access {}", c.grid.location(line)),
                format!("{} hazard on __shared__ memory between two warps of one CTA, no barrier between", h.kind),
                self.who(thread),
                format!("Address {:#x} (shared offset {o:#x}), {size} bytes", SHARED_WINDOW + o as u64),
            ],
        );
    }

    /// Builds a fault for the thread with linear index `thread`.
    pub fn fault(&self, kind: FaultKind, addr: u64, thread: u32, _pc: u32, message: String) -> Fault {
        Fault { kind, addr, line: self.line, ctaid: self.ctaid, tid: self.tid_of(thread), message }
    }

    fn global_ok(&mut self, addr: u64, size: u64) -> bool {
        let Some(end) = addr.checked_add(size) else { return false };
        if addr >= self.cache.0 && end <= self.cache.1 {
            return true;
        }
        let i = self.global.partition_point(|r| r.0 <= addr);
        if i == 0 {
            return false;
        }
        let r = self.global[i - 1];
        if end <= r.1 {
            self.cache = r;
            true
        } else {
            false
        }
    }

    fn resolve(&mut self, space: Space, addr: u64, size: u32, thread: u32, what: &str) -> Result<Loc, Fault> {
        if size > 1 && !addr.is_multiple_of(size as u64) {
            self.check_invalid(space, size, thread, what, format!("Address {addr:#x} is misaligned"));
            return Err(self.fault(
                FaultKind::MisalignedAddress,
                addr,
                thread,
                0,
                format!("misaligned {} {what} of {size} bytes at {addr:#x}", space_name(space)),
            ));
        }
        let s = size as u64;
        let loc = match space {
            Space::Generic if (SHARED_WINDOW..SHARED_WINDOW + WINDOW_SIZE).contains(&addr) => {
                return self.resolve(Space::Shared, addr - SHARED_WINDOW, size, thread, what)
            }
            Space::Generic if (LOCAL_WINDOW..LOCAL_WINDOW + WINDOW_SIZE).contains(&addr) => {
                return self.resolve(Space::Local, addr - LOCAL_WINDOW, size, thread, what)
            }
            Space::Generic | Space::Global | Space::Const => self.global_ok(addr, s).then_some(Loc::Global(addr)),
            Space::Shared => (addr.checked_add(s).is_some_and(|e| e <= self.shared.len() as u64))
                .then_some(Loc::Shared(addr as usize)),
            Space::Local => (addr.checked_add(s).is_some_and(|e| e <= self.local_size as u64))
                .then(|| Loc::Local(thread as usize * self.local_size as usize + addr as usize)),
            // Frame `.param` accesses are handled by the warp itself.
            Space::Frame => None,
            Space::Param => (addr.checked_add(s).is_some_and(|e| e <= self.params.len() as u64))
                .then_some(Loc::Param(addr as usize)),
        };
        if loc.is_none() && self.check.is_some() {
            let reason = match space {
                Space::Shared => format!(
                    "Address {addr:#x} is out of bounds: this CTA has {} bytes of shared memory",
                    self.shared.len()
                ),
                Space::Local => format!(
                    "Address {addr:#x} is out of bounds: each thread has {} bytes of local memory",
                    self.local_size
                ),
                Space::Param => {
                    format!("Address {addr:#x} is out of bounds: the parameters are {} bytes", self.params.len())
                }
                _ => memcheck::describe(addr, s, self.global),
            };
            self.check_invalid(space, size, thread, what, reason);
        }
        loc.ok_or_else(|| {
            let detail = match space {
                Space::Shared => format!(" (shared memory is {} bytes)", self.shared.len()),
                Space::Local => format!(" (local memory is {} bytes per thread)", self.local_size),
                Space::Param => format!(" (parameters are {} bytes)", self.params.len()),
                _ => " (not inside any live allocation)".to_string(),
            };
            self.fault(
                FaultKind::IllegalAddress,
                addr,
                thread,
                0,
                format!("out-of-bounds {} {what} of {size} bytes at {addr:#x}{detail}", space_name(space)),
            )
        })
    }

    /// Checks the alignment of a whole vector access (`.v2`/`.v4`: aligned to its total size).
    pub fn check_vector_align(&mut self, space: Space, addr: u64, total: u32, thread: u32) -> Result<(), Fault> {
        if total.is_power_of_two() && !addr.is_multiple_of(total as u64) {
            return Err(self.fault(
                FaultKind::MisalignedAddress,
                addr,
                thread,
                0,
                format!("misaligned {} vector access of {total} bytes at {addr:#x}", space_name(space)),
            ));
        }
        Ok(())
    }

    pub fn load(&mut self, space: Space, addr: u64, size: u32, thread: u32) -> Result<u64, Fault> {
        let loc = self.resolve(space, addr, size, thread, "load")?;
        if self.check.is_some() {
            match loc {
                Loc::Global(a) => self.check_read_global(a, size, thread),
                Loc::Shared(o) => self.check_shared(o, size, false, thread),
                _ => {}
            }
        }
        Ok(match loc {
            Loc::Global(a) => read_global(a, size),
            Loc::Shared(o) => read_le(&self.shared[o..o + size as usize]),
            Loc::Local(o) => read_le(&self.local[o..o + size as usize]),
            Loc::Param(o) => read_le(&self.params[o..o + size as usize]),
        })
    }

    /// The common load: a scalar of 1, 2, 4 or 8 bytes from shared or global
    /// memory, aligned and in bounds (the global allocation last hit is
    /// checked first, then the sorted live ranges). None for
    /// anything else; the caller then takes [`Cta::load`], which resolves
    /// every case and reports faults.
    #[inline(always)]
    pub fn load_fast(&mut self, space: Space, addr: u64, size: u32) -> Option<u64> {
        if addr & (size as u64).wrapping_sub(1) != 0 || self.check.is_some() {
            return None;
        }
        match space {
            Space::Shared => {
                let o = addr as usize;
                let b = self.shared.get(o..o.checked_add(size as usize)?)?;
                Some(read_small(b))
            }
            Space::Global | Space::Const if self.global_ok(addr, size as u64) => Some(read_global(addr, size)),
            Space::Param => {
                let o = addr as usize;
                let b = self.params.get(o..o.checked_add(size as usize)?)?;
                Some(read_small(b))
            }
            // Generic: the shared window, else global (as `resolve` decides;
            // the local window takes the checked path).
            Space::Generic if addr.wrapping_sub(SHARED_WINDOW) < WINDOW_SIZE => {
                self.load_fast(Space::Shared, addr - SHARED_WINDOW, size)
            }
            Space::Generic if addr.wrapping_sub(LOCAL_WINDOW) >= WINDOW_SIZE && self.global_ok(addr, size as u64) => {
                Some(read_global(addr, size))
            }
            _ => None,
        }
    }

    /// The byte range of thread `thread`'s local memory that an aligned
    /// access of `size` bytes at generic address `addr` (or `.local` offset
    /// if `space` is Local) touches, when it lies in that thread's local
    /// memory; None otherwise, or when memcheck is on.
    #[inline(always)]
    fn local_fast(&self, space: Space, addr: u64, size: u32, thread: u32) -> Option<std::ops::Range<usize>> {
        let off = match space {
            Space::Local => addr,
            Space::Generic => addr.wrapping_sub(LOCAL_WINDOW),
            _ => return None,
        };
        if off & (size as u64).wrapping_sub(1) != 0 || self.check.is_some() {
            return None;
        }
        let end = off.checked_add(size as u64).filter(|&e| e <= self.local_size as u64)?;
        let base = thread as usize * self.local_size as usize;
        Some(base + off as usize..base + end as usize)
    }

    /// [`Cta::load_fast`] for a lane: also `.local` and generic addresses in
    /// the local window, which need the lane's thread index.
    #[inline(always)]
    pub fn load_fast_at(&mut self, space: Space, addr: u64, size: u32, thread: u32) -> Option<u64> {
        match self.local_fast(space, addr, size, thread) {
            Some(r) => self.local.get(r).map(read_small),
            None => self.load_fast(space, addr, size),
        }
    }

    /// [`Cta::store_fast`] for a lane, as [`Cta::load_fast_at`].
    #[inline(always)]
    pub fn store_fast_at(&mut self, space: Space, addr: u64, size: u32, v: u64, thread: u32) -> bool {
        match self.local_fast(space, addr, size, thread) {
            Some(r) => match self.local.get_mut(r) {
                Some(b) => {
                    write_le(b, v);
                    true
                }
                None => false,
            },
            None => self.store_fast(space, addr, size, v),
        }
    }

    /// [`Cta::fits_fast`] for a lane, as [`Cta::load_fast_at`] (`len` is a
    /// power of two here: the whole vector's size).
    #[inline(always)]
    pub fn fits_fast_at(&mut self, space: Space, addr: u64, len: u32, thread: u32) -> bool {
        match self.local_fast(space, addr, len, thread) {
            Some(r) => r.end <= self.local.len(),
            None => self.fits_fast(space, addr, len),
        }
    }

    /// Whether `SIZE`-byte accesses at all 32 `addrs` (a whole warp) are
    /// aligned and lie inside shared memory, or all inside one global
    /// allocation. False when memcheck is on, or for any other space.
    #[inline(always)]
    fn warp_fits<const SIZE: u32>(&mut self, space: Space, addrs: &[u64; 32]) -> bool {
        if self.check.is_some() {
            return false;
        }
        let (mut or, mut lo, mut hi) = (0u64, u64::MAX, 0u64);
        for &a in addrs {
            or |= a;
            lo = lo.min(a);
            hi = hi.max(a);
        }
        if or & (SIZE as u64 - 1) != 0 {
            return false;
        }
        match space {
            Space::Shared => hi.checked_add(SIZE as u64).is_some_and(|e| e <= self.shared.len() as u64),
            Space::Global => hi.checked_add(SIZE as u64).is_some_and(|e| self.global_ok(lo, e - lo)),
            _ => false,
        }
    }

    /// Loads a whole warp's `SIZE`-byte values (4 or 8; shared memory if
    /// `SHARED`, else global) at `addrs`, all checked at once: None (nothing
    /// read) unless every one is aligned and in bounds, as
    /// [`Cta::load_fast`] would find lane by lane.
    #[inline(always)]
    pub fn warp_load<const SHARED: bool, const SIZE: u32>(&mut self, addrs: &[u64; 32]) -> Option<[u64; 32]> {
        let space = if SHARED { Space::Shared } else { Space::Global };
        if !self.warp_fits::<SIZE>(space, addrs) {
            return None;
        }
        let mut out = [0u64; 32];
        if SHARED {
            let base = self.shared.as_ptr();
            for (v, &a) in out.iter_mut().zip(addrs) {
                // SAFETY: `warp_fits` found `a + SIZE <= shared.len()` for
                // every address; unaligned reads of plain bytes.
                *v = unsafe {
                    let p = base.add(a as usize);
                    if SIZE == 8 {
                        p.cast::<u64>().read_unaligned()
                    } else {
                        p.cast::<u32>().read_unaligned() as u64
                    }
                };
            }
        } else {
            for (v, &a) in out.iter_mut().zip(addrs) {
                *v = read_global(a, SIZE);
            }
        }
        Some(out)
    }

    /// Stores a whole warp's values at `addrs` when [`Cta::warp_load`]'s
    /// check passes (false: nothing written), lane 0 first: where lanes
    /// share an address the highest lane's value remains, as on the
    /// checked path.
    #[inline(always)]
    pub fn warp_store<const SHARED: bool, const SIZE: u32>(&mut self, addrs: &[u64; 32], vals: &[u64; 32]) -> bool {
        let space = if SHARED { Space::Shared } else { Space::Global };
        if !self.warp_fits::<SIZE>(space, addrs) {
            return false;
        }
        if SHARED {
            let base = self.shared.as_mut_ptr();
            for (&a, &v) in addrs.iter().zip(vals) {
                // SAFETY: as in `warp_load`; `shared` is borrowed mutably here.
                unsafe {
                    let p = base.add(a as usize);
                    if SIZE == 8 {
                        p.cast::<u64>().write_unaligned(v);
                    } else {
                        p.cast::<u32>().write_unaligned(v as u32);
                    }
                }
            }
        } else {
            for (&a, &v) in addrs.iter().zip(vals) {
                write_global(a, SIZE, v);
            }
        }
        true
    }

    /// [`Cta::warp_load`] for generic addresses: shared memory when all 32
    /// fall in the shared window, else global (no allocation lies in a
    /// window, so the one-allocation test excludes every window address).
    #[inline(always)]
    pub fn warp_load_generic<const SIZE: u32>(&mut self, addrs: &[u64; 32]) -> Option<[u64; 32]> {
        match shared_window_offsets(addrs) {
            Some(offsets) => self.warp_load::<true, SIZE>(&offsets),
            None => self.warp_load::<false, SIZE>(addrs),
        }
    }

    /// [`Cta::warp_store`] for generic addresses, as [`Cta::warp_load_generic`].
    #[inline(always)]
    pub fn warp_store_generic<const SIZE: u32>(&mut self, addrs: &[u64; 32], vals: &[u64; 32]) -> bool {
        match shared_window_offsets(addrs) {
            Some(offsets) => self.warp_store::<true, SIZE>(&offsets, vals),
            None => self.warp_store::<false, SIZE>(addrs, vals),
        }
    }

    /// Whether `[addr, addr+len)` lies inside shared memory or one global
    /// block, so that stores to it can take [`Cta::store_fast`] without a
    /// partial write before a fault (false when memcheck is on).
    #[inline(always)]
    pub fn fits_fast(&mut self, space: Space, addr: u64, len: u32) -> bool {
        if self.check.is_some() {
            return false;
        }
        match space {
            Space::Shared => addr.checked_add(len as u64).is_some_and(|e| e <= self.shared.len() as u64),
            Space::Global => self.global_ok(addr, len as u64),
            Space::Generic if addr.wrapping_sub(SHARED_WINDOW) < WINDOW_SIZE => {
                self.fits_fast(Space::Shared, addr - SHARED_WINDOW, len)
            }
            Space::Generic => addr.wrapping_sub(LOCAL_WINDOW) >= WINDOW_SIZE && self.global_ok(addr, len as u64),
            _ => false,
        }
    }

    /// The store counterpart of [`Cta::load_fast`]; false: not done, take
    /// [`Cta::store`].
    #[inline(always)]
    pub fn store_fast(&mut self, space: Space, addr: u64, size: u32, v: u64) -> bool {
        if addr & (size as u64).wrapping_sub(1) != 0 || self.check.is_some() {
            return false;
        }
        match space {
            Space::Shared => {
                let o = addr as usize;
                let Some(end) = o.checked_add(size as usize) else { return false };
                match self.shared.get_mut(o..end) {
                    Some(b) => {
                        write_le(b, v);
                        true
                    }
                    None => false,
                }
            }
            Space::Global if self.global_ok(addr, size as u64) => {
                write_global(addr, size, v);
                true
            }
            Space::Generic if addr.wrapping_sub(SHARED_WINDOW) < WINDOW_SIZE => {
                self.store_fast(Space::Shared, addr - SHARED_WINDOW, size, v)
            }
            Space::Generic if addr.wrapping_sub(LOCAL_WINDOW) >= WINDOW_SIZE && self.global_ok(addr, size as u64) => {
                write_global(addr, size, v);
                true
            }
            _ => false,
        }
    }

    pub fn store(&mut self, space: Space, addr: u64, size: u32, v: u64, thread: u32) -> Result<(), Fault> {
        let loc = self.resolve(space, addr, size, thread, "store")?;
        if self.check.is_some() {
            match loc {
                Loc::Global(a) => self.check_write_global(a, size),
                Loc::Shared(o) => self.check_shared(o, size, true, thread),
                _ => {}
            }
        }
        match loc {
            Loc::Global(a) => write_global(a, size, v),
            Loc::Shared(o) => write_le(&mut self.shared[o..o + size as usize], v),
            Loc::Local(o) => write_le(&mut self.local[o..o + size as usize], v),
            Loc::Param(_) => {
                return Err(self.fault(
                    FaultKind::IllegalAddress,
                    addr,
                    thread,
                    0,
                    "store to kernel parameter space".into(),
                ))
            }
        }
        Ok(())
    }

    /// An atomic read-modify-write; returns the old value. Global memory uses
    /// host atomics (CTAs run on several host threads); shared and local
    /// memory belong to this CTA's host thread alone.
    #[allow(clippy::too_many_arguments)]
    pub fn atomic(
        &mut self,
        space: Space,
        op: AtomOp,
        ty: Ty,
        addr: u64,
        b: u64,
        c: u64,
        thread: u32,
    ) -> Result<u64, Fault> {
        let size = ty.size();
        let loc = self.resolve(space, addr, size, thread, "atomic")?;
        if let (Some(_), Loc::Global(a)) = (&self.check, loc) {
            self.check_read_global(a, size, thread);
            self.check_write_global(a, size);
        }
        Ok(match loc {
            Loc::Global(a) => atomic_global(a, size, |old| atom_apply(op, ty, old, b, c)),
            Loc::Shared(o) => {
                let old = read_le(&self.shared[o..o + size as usize]);
                write_le(&mut self.shared[o..o + size as usize], atom_apply(op, ty, old, b, c));
                old
            }
            Loc::Local(o) => {
                let old = read_le(&self.local[o..o + size as usize]);
                write_le(&mut self.local[o..o + size as usize], atom_apply(op, ty, old, b, c));
                old
            }
            Loc::Param(_) => {
                return Err(self.fault(
                    FaultKind::IllegalAddress,
                    addr,
                    thread,
                    0,
                    "atomic on kernel parameter space".into(),
                ))
            }
        })
    }

    /// `cvta`: between a state space's addresses and generic addresses.
    pub fn cvta(&self, space: Space, to_generic: bool, a: u64, _thread: u32) -> u64 {
        let window = match space {
            Space::Shared => SHARED_WINDOW,
            Space::Local => LOCAL_WINDOW,
            _ => return a,
        };
        if to_generic {
            window.wrapping_add(a & 0xffff_ffff)
        } else {
            a.wrapping_sub(window)
        }
    }

    /// `isspacep`: whether a generic address falls in a state space's window.
    pub fn isspace(&mut self, space: Space, a: u64) -> bool {
        let in_shared = (SHARED_WINDOW..SHARED_WINDOW + WINDOW_SIZE).contains(&a);
        let in_local = (LOCAL_WINDOW..LOCAL_WINDOW + WINDOW_SIZE).contains(&a);
        match space {
            Space::Shared => in_shared,
            Space::Local => in_local,
            Space::Const => (self.const_range.0..self.const_range.1).contains(&a),
            Space::Global => {
                !in_shared
                    && !in_local
                    && !(self.const_range.0..self.const_range.1).contains(&a)
                    && self.global_ok(a, 1)
            }
            _ => false,
        }
    }
}

/// The shared-memory offsets of 32 generic addresses if every one falls in
/// the shared window.
#[inline(always)]
fn shared_window_offsets(addrs: &[u64; 32]) -> Option<[u64; 32]> {
    let offsets = addrs.map(|a| a.wrapping_sub(SHARED_WINDOW));
    offsets.iter().all(|&o| o < WINDOW_SIZE).then_some(offsets)
}

/// [`read_le`] for the sizes of scalar accesses, without a length-dependent copy.
#[inline(always)]
fn read_small(b: &[u8]) -> u64 {
    match *b {
        [x] => x as u64,
        [x, y] => u16::from_le_bytes([x, y]) as u64,
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]) as u64,
        _ => read_le(b),
    }
}

fn read_le(b: &[u8]) -> u64 {
    let mut x = [0u8; 8];
    x[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(x)
}

fn write_le(b: &mut [u8], v: u64) {
    let n = b.len();
    b.copy_from_slice(&v.to_le_bytes()[..n]);
}

// Global memory is accessed with relaxed atomics: CTAs on other host threads
// may touch the same bytes (a data race in CUDA terms, but never undefined
// behaviour here), and relaxed loads and stores compile to plain moves.

fn read_global(a: u64, size: u32) -> u64 {
    // Every arm: `a` lies with `size` bytes inside a live allocation (checked
    // by `resolve`, `load_fast` or `warp_fits` against the snapshot of live ranges taken
    // when the grid started; memory freed since stays allocated until the
    // grid ends, see `memory::KernelRunning`).
    // SAFETY: in a live allocation (above) and aligned to `size` (`resolve`).
    unsafe {
        match size {
            1 => AtomicU8::from_ptr(a as *mut u8).load(Ordering::Relaxed) as u64,
            2 => AtomicU16::from_ptr(a as *mut u16).load(Ordering::Relaxed) as u64,
            4 => AtomicU32::from_ptr(a as *mut u32).load(Ordering::Relaxed) as u64,
            _ => AtomicU64::from_ptr(a as *mut u64).load(Ordering::Relaxed),
        }
    }
}

fn write_global(a: u64, size: u32, v: u64) {
    // SAFETY: as in `read_global`.
    unsafe {
        match size {
            1 => AtomicU8::from_ptr(a as *mut u8).store(v as u8, Ordering::Relaxed),
            2 => AtomicU16::from_ptr(a as *mut u16).store(v as u16, Ordering::Relaxed),
            4 => AtomicU32::from_ptr(a as *mut u32).store(v as u32, Ordering::Relaxed),
            _ => AtomicU64::from_ptr(a as *mut u64).store(v, Ordering::Relaxed),
        }
    }
}

fn atomic_global(a: u64, size: u32, f: impl Fn(u64) -> u64) -> u64 {
    // SAFETY: as in `read_global`; atomics are lowered for 2-, 4- and 8-byte types.
    unsafe {
        if size == 2 {
            let at = AtomicU16::from_ptr(a as *mut u16);
            let mut old = at.load(Ordering::Relaxed);
            loop {
                match at.compare_exchange_weak(old, f(old as u64) as u16, Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(v) => return v as u64,
                    Err(v) => old = v,
                }
            }
        } else if size == 4 {
            let at = AtomicU32::from_ptr(a as *mut u32);
            let mut old = at.load(Ordering::Relaxed);
            loop {
                match at.compare_exchange_weak(old, f(old as u64) as u32, Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(v) => return v as u64,
                    Err(v) => old = v,
                }
            }
        } else {
            let at = AtomicU64::from_ptr(a as *mut u64);
            let mut old = at.load(Ordering::Relaxed);
            loop {
                match at.compare_exchange_weak(old, f(old), Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(v) => return v,
                    Err(v) => old = v,
                }
            }
        }
    }
}

/// The new value of an atomic operation (PTX ISA §9.7.13.5, `atom`).
pub fn atom_apply(op: AtomOp, ty: Ty, old: u64, b: u64, c: u64) -> u64 {
    use super::alu::ext;
    let mask = match ty.size() {
        8 => u64::MAX,
        2 => 0xffff,
        _ => 0xffff_ffff,
    };
    let r = match (op, ty) {
        // `.noftz` half additions: round to nearest, subnormals kept.
        (AtomOp::Add, Ty::F16 | Ty::BF16 | Ty::F16x2 | Ty::BF16x2) => {
            super::half::bin(super::ir::BinOp::Add, ty, Default::default(), old, b)
        }
        (AtomOp::Add, Ty::F32) => (f32::from_bits(old as u32) + f32::from_bits(b as u32)).to_bits() as u64,
        (AtomOp::Add, Ty::F64) => (f64::from_bits(old) + f64::from_bits(b)).to_bits(),
        (AtomOp::Add, _) => old.wrapping_add(b),
        (AtomOp::Min, _) if ty.is_signed() => (ext(old, ty) as i64).min(ext(b, ty) as i64) as u64,
        (AtomOp::Max, _) if ty.is_signed() => (ext(old, ty) as i64).max(ext(b, ty) as i64) as u64,
        (AtomOp::Min, _) => (old & mask).min(b & mask),
        (AtomOp::Max, _) => (old & mask).max(b & mask),
        (AtomOp::And, _) => old & b,
        (AtomOp::Or, _) => old | b,
        (AtomOp::Xor, _) => old ^ b,
        (AtomOp::Exch, _) => b,
        (AtomOp::Cas, _) => {
            if old & mask == b & mask {
                c
            } else {
                old
            }
        }
        (AtomOp::Inc, _) => {
            if old & mask >= b & mask {
                0
            } else {
                old + 1
            }
        }
        (AtomOp::Dec, _) => {
            if old & mask == 0 || old & mask > b & mask {
                b
            } else {
                old - 1
            }
        }
    };
    r & mask
}

/// Device memory as the `printf` formatter reads it: generic addresses, as
/// thread `thread` of this CTA sees them.
pub struct ThreadView<'c, 'a> {
    pub cta: &'c mut Cta<'a>,
    pub thread: u32,
}

impl super::printf::DeviceReader for ThreadView<'_, '_> {
    fn byte(&mut self, addr: u64) -> Option<u8> {
        self.cta.load(Space::Generic, addr, 1, self.thread).ok().map(|v| v as u8)
    }
    fn word(&mut self, addr: u64, size: u32) -> Option<u64> {
        self.cta.load(Space::Generic, addr, size, self.thread).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomics_follow_the_isa() {
        assert_eq!(atom_apply(AtomOp::Inc, Ty::U32, 5, 5, 0), 0);
        assert_eq!(atom_apply(AtomOp::Inc, Ty::U32, 4, 5, 0), 5);
        assert_eq!(atom_apply(AtomOp::Dec, Ty::U32, 0, 7, 0), 7);
        assert_eq!(atom_apply(AtomOp::Cas, Ty::U32, 3, 3, 9), 9);
        assert_eq!(atom_apply(AtomOp::Cas, Ty::U32, 3, 4, 9), 3);
        assert_eq!(atom_apply(AtomOp::Min, Ty::S32, 0xffff_ffff, 1, 0), 0xffff_ffff);
        assert_eq!(
            atom_apply(AtomOp::Add, Ty::F32, 1f32.to_bits() as u64, 2f32.to_bits() as u64, 0),
            3f32.to_bits() as u64
        );
    }

    #[test]
    fn shared_and_local_bounds() {
        let params = [0u8; 8];
        let mut cta = Cta::new(64, 16, 2, &params, &[], [0; 3], [2, 1, 1]);
        cta.store(Space::Shared, 60, 4, 7, 0).unwrap();
        assert_eq!(cta.load(Space::Generic, SHARED_WINDOW + 60, 4, 0).unwrap(), 7);
        assert_eq!(cta.load(Space::Shared, 64, 4, 0).unwrap_err().kind, FaultKind::IllegalAddress);
        assert_eq!(cta.load(Space::Shared, 2, 4, 0).unwrap_err().kind, FaultKind::MisalignedAddress);
        cta.store(Space::Local, 8, 8, 42, 1).unwrap();
        assert_eq!(cta.load(Space::Local, 8, 8, 0).unwrap(), 0, "local memory is per thread");
        assert_eq!(cta.load(Space::Generic, LOCAL_WINDOW + 8, 8, 1).unwrap(), 42);
        assert_eq!(cta.load(Space::Global, 0x1000, 4, 0).unwrap_err().kind, FaultKind::IllegalAddress);
        assert!(cta.store(Space::Param, 0, 4, 1, 0).is_err());
    }
}
