//! The device address space: every device allocation, pinned host
//! allocation and module variable that kernels may touch, with exact bounds.
//!
//! Device pointers are host addresses of zero-initialised, 256-byte aligned
//! blocks (unified addressing: one address space for host and device, as
//! `CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING` = 1 promises). Kernels reach
//! memory only through [`AddressSpace::find`], so an access outside every
//! live block is caught instead of touching host memory.

use parking_lot::RwLock;
use std::alloc::Layout;
use std::collections::BTreeMap;

/// Alignment of every allocation, as `cuMemAlloc` guarantees (driver API:
/// "The allocated memory is suitably aligned for any kind of variable").
pub const ALLOC_ALIGN: usize = 256;

/// What an allocation was made for (reported by checks and used by frees).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocKind {
    /// `cuMemAlloc`, `cuMemAllocPitch`, `cuMemAllocAsync` (device memory).
    Device,
    /// `cuMemAllocHost`, `cuMemHostAlloc` (page-locked host memory, device-accessible).
    Host,
    /// Variables of a loaded module (`.global`, `.const`).
    Module,
    /// `cuMemAllocManaged`: one allocation the host and kernels both use.
    Managed,
    /// Caller-owned host memory made device-accessible by `cuMemHostRegister`;
    /// never freed by us, only forgotten by `cuMemHostUnregister`.
    Registered,
}

#[derive(Debug)]
struct Block {
    size: usize,
    /// The layout we allocated it with; None for caller-owned (registered) memory.
    layout: Option<Layout>,
    /// Where the host allocation starts: the block's address less the
    /// memcheck redzone (the address itself without memcheck).
    base: u64,
    kind: AllocKind,
    /// The owning context's handle (0: none); freed when it is destroyed.
    owner: usize,
    /// Allocation flags (`cuMemHostAlloc` / `cuMemHostRegister` / managed attach flags).
    flags: u32,
    /// Process-unique allocation id (`CU_POINTER_ATTRIBUTE_BUFFER_ID`), never reused.
    id: u64,
    /// The memory pool a stream-ordered allocation came from (0: none).
    pool: usize,
}

/// What the address space knows about one live block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    pub start: u64,
    pub size: usize,
    pub kind: AllocKind,
    pub owner: usize,
    pub flags: u32,
    pub id: u64,
    pub pool: usize,
}

/// Errors of the address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemError {
    /// The host is out of memory for this size (→ `CUDA_ERROR_OUT_OF_MEMORY`).
    OutOfMemory,
    /// The pointer is not the start of a live block of the expected kind
    /// (→ `CUDA_ERROR_INVALID_VALUE`).
    NotAllocated,
    /// A range is not inside one live block.
    OutOfRange,
    /// A registration overlaps a live block
    /// (→ `CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED`).
    AlreadyRegistered,
    /// No registration starts at this address
    /// (→ `CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED`).
    NotRegistered,
}

/// All live blocks, keyed by start address. Blocks never overlap.
#[derive(Default)]
pub struct AddressSpace {
    blocks: BTreeMap<u64, Block>,
    /// Total bytes in `Device` and `Managed` blocks.
    device_bytes: u64,
    /// The last allocation id handed out.
    next_id: u64,
}

/// Device memory the emulated device has (bytes): `SOFTCUDA_DEVICE_MEMORY`
/// (a byte count, optionally with a K, M or G suffix for KiB, MiB, GiB),
/// else 16 GiB. Device and managed allocations beyond it fail with
/// out-of-memory; `cuMemGetInfo` and `cuDeviceTotalMem` report it.
pub fn device_memory() -> u64 {
    static CAP: once_cell::sync::Lazy<u64> = once_cell::sync::Lazy::new(|| {
        std::env::var("SOFTCUDA_DEVICE_MEMORY").ok().and_then(|v| parse_size(&v)).unwrap_or(16 << 30)
    });
    *CAP
}

/// `123`, `64K`, `512M`, `2G` → bytes (None for anything else, or 0).
fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (digits, shift) = match v.char_indices().last()? {
        (i, 'k' | 'K') => (&v[..i], 10),
        (i, 'm' | 'M') => (&v[..i], 20),
        (i, 'g' | 'G') => (&v[..i], 30),
        _ => (v, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift).filter(|&b| b > 0)
}

/// Largest single allocation we accept (bytes); larger sizes are reported as
/// out of memory rather than handed to the host allocator.
pub const MAX_ALLOC: usize = 1 << 40;

fn counts_as_device(kind: AllocKind) -> bool {
    matches!(kind, AllocKind::Device | AllocKind::Managed)
}

impl AddressSpace {
    /// Allocates `size` zeroed bytes (at least 1) aligned to [`ALLOC_ALIGN`].
    pub fn alloc(&mut self, size: usize, kind: AllocKind) -> Result<u64, MemError> {
        self.alloc_for(size, kind, 0)
    }

    /// As [`AddressSpace::alloc`], owned by context handle `owner`.
    pub fn alloc_for(&mut self, size: usize, kind: AllocKind, owner: usize) -> Result<u64, MemError> {
        self.alloc_block(size, kind, owner, 0, 0)
    }

    /// As [`AddressSpace::alloc_for`], recording allocation `flags` and the
    /// memory pool (0: none) the block belongs to.
    pub fn alloc_block(
        &mut self,
        size: usize,
        kind: AllocKind,
        owner: usize,
        flags: u32,
        pool: usize,
    ) -> Result<u64, MemError> {
        if size > MAX_ALLOC || kind == AllocKind::Registered {
            return Err(MemError::OutOfMemory);
        }
        if counts_as_device(kind) && self.device_bytes.saturating_add(size as u64) > device_memory() {
            return Err(MemError::OutOfMemory);
        }
        let redzone = if crate::memcheck::enabled() { crate::memcheck::REDZONE } else { 0 };
        let layout =
            Layout::from_size_align(size.max(1) + 2 * redzone, ALLOC_ALIGN).map_err(|_| MemError::OutOfMemory)?;
        // SAFETY: layout has non-zero size; the block is freed with the same layout.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            return Err(MemError::OutOfMemory);
        }
        let base = ptr as u64;
        let addr = base + redzone as u64;
        // The host allocator only hands out memory nobody uses, so an overlap
        // can only be a registration whose memory the program freed without
        // unregistering it: forget that stale registration.
        let stale: Vec<u64> = self
            .overlapping(base, layout.size() as u64)
            .filter(|(_, b)| b.kind == AllocKind::Registered)
            .map(|(&a, _)| a)
            .collect();
        for a in stale {
            self.blocks.remove(&a);
        }
        self.next_id += 1;
        self.blocks
            .insert(addr, Block { size, layout: Some(layout), base, kind, owner, flags, id: self.next_id, pool });
        if crate::memcheck::enabled() {
            crate::memcheck::allocated(addr, size as u64, self.next_id, kind == AllocKind::Device);
        }
        if counts_as_device(kind) {
            self.device_bytes += size as u64;
        }
        Ok(addr)
    }

    /// Blocks that intersect `[addr, addr+len)`.
    fn overlapping(&self, addr: u64, len: u64) -> impl Iterator<Item = (&u64, &Block)> {
        let end = addr.saturating_add(len);
        let before = self.blocks.range(..addr).next_back().filter(move |(&s, b)| s + b.size.max(1) as u64 > addr);
        before.into_iter().chain(self.blocks.range(addr..end))
    }

    /// Whether any live block intersects `[addr, addr+len)`.
    pub fn overlaps(&self, addr: u64, len: usize) -> bool {
        self.overlapping(addr, len as u64).next().is_some()
    }

    /// Makes the caller's host memory `[addr, addr+size)` a block kernels may
    /// access (`cuMemHostRegister`). The memory stays the caller's: it is
    /// never freed here. Fails with `AlreadyRegistered` if the range overlaps
    /// a registration, `NotAllocated` if it overlaps another live block.
    pub fn register(&mut self, addr: u64, size: usize, owner: usize, flags: u32) -> Result<(), MemError> {
        if addr == 0 || size == 0 || size > MAX_ALLOC || addr.checked_add(size as u64).is_none() {
            return Err(MemError::OutOfRange);
        }
        let hits: Vec<AllocKind> = self.overlapping(addr, size as u64).map(|(_, b)| b.kind).collect();
        if !hits.is_empty() {
            return Err(if hits.contains(&AllocKind::Registered) {
                MemError::AlreadyRegistered
            } else {
                MemError::NotAllocated
            });
        }
        self.next_id += 1;
        self.blocks.insert(
            addr,
            Block {
                size,
                layout: None,
                base: addr,
                kind: AllocKind::Registered,
                owner,
                flags,
                id: self.next_id,
                pool: 0,
            },
        );
        Ok(())
    }

    /// Forgets the registration that starts at `addr` (`cuMemHostUnregister`):
    /// `NotRegistered` if no block contains `addr`, `NotAllocated` if one
    /// does but is not a registration starting there.
    pub fn unregister(&mut self, addr: u64) -> Result<(), MemError> {
        match self.block_info(addr) {
            Some(b) if b.kind == AllocKind::Registered && b.start == addr => {
                self.blocks.remove(&addr);
                Ok(())
            }
            Some(_) => Err(MemError::NotAllocated),
            None => Err(MemError::NotRegistered),
        }
    }

    /// Frees the block that starts at `addr` and has kind `kind`.
    pub fn free(&mut self, addr: u64, kind: AllocKind) -> Result<(), MemError> {
        self.free_if(addr, |b| b.kind == kind).map(|_| ())
    }

    /// Frees the block that starts at `addr` if `accept` says so; returns what
    /// it was. Registered blocks are only forgotten, never deallocated.
    pub fn free_if(&mut self, addr: u64, accept: impl FnOnce(&BlockInfo) -> bool) -> Result<BlockInfo, MemError> {
        match self.blocks.get(&addr) {
            Some(b) if accept(&info(addr, b)) => {}
            _ => return Err(MemError::NotAllocated),
        }
        let Some(b) = self.blocks.remove(&addr) else { return Err(MemError::NotAllocated) };
        if counts_as_device(b.kind) {
            self.device_bytes -= b.size as u64;
        }
        let i = info(addr, &b);
        if let Some(layout) = b.layout {
            if crate::memcheck::enabled() {
                crate::memcheck::freed(addr, b.size as u64, b.id);
            }
            release(b.base, layout);
        }
        Ok(i)
    }

    /// Frees every block owned by context `owner` (context destruction);
    /// registrations it made are forgotten.
    pub fn free_owned_by(&mut self, owner: usize) {
        let mine: Vec<u64> = self.blocks.iter().filter(|(_, b)| b.owner == owner).map(|(&a, _)| a).collect();
        for a in mine {
            let _ = self.free_if(a, |_| true);
        }
    }

    /// The live block containing `[addr, addr+len)`: (start, size, kind).
    pub fn find(&self, addr: u64, len: u64) -> Option<(u64, usize, AllocKind)> {
        let (&start, b) = self.blocks.range(..=addr).next_back()?;
        let end = start + b.size as u64;
        if addr.checked_add(len)? <= end {
            Some((start, b.size, b.kind))
        } else {
            None
        }
    }

    /// Everything known about the live block containing byte `addr`.
    pub fn block_info(&self, addr: u64) -> Option<BlockInfo> {
        let (&start, b) = self.blocks.range(..=addr).next_back()?;
        (addr < start + b.size as u64).then(|| info(start, b))
    }

    /// Bytes held by device (and managed) allocations.
    pub fn device_bytes(&self) -> u64 {
        self.device_bytes
    }

    /// A sorted snapshot of all live ranges `(start, end)` for a kernel launch.
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        self.blocks.iter().map(|(&s, b)| (s, s + b.size as u64)).collect()
    }

    /// A host pointer for `len` bytes at device address `addr`, if the range
    /// lies inside one live block.
    pub fn host_ptr(&self, addr: u64, len: usize) -> Result<*mut u8, MemError> {
        if len == 0 {
            return Ok(addr as *mut u8);
        }
        self.find(addr, len as u64).map(|_| addr as *mut u8).ok_or(MemError::OutOfRange)
    }
}

fn info(start: u64, b: &Block) -> BlockInfo {
    BlockInfo { start, size: b.size, kind: b.kind, owner: b.owner, flags: b.flags, id: b.id, pool: b.pool }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        for (_, b) in std::mem::take(&mut self.blocks) {
            if let Some(layout) = b.layout {
                // SAFETY: every block with a layout came from alloc_zeroed with it at `base`.
                unsafe { std::alloc::dealloc(b.base as *mut u8, layout) };
            }
        }
    }
}

/// Kernels running now and blocks freed while they ran. A kernel checks its
/// accesses against a snapshot of the live ranges taken when it starts, so a
/// block freed while any kernel runs is deallocated only once no kernel
/// runs: a kernel never touches memory handed back to the host allocator.
struct Reclaim {
    running: usize,
    graveyard: Vec<(u64, Layout)>,
    /// Freed blocks held back while memcheck is on (oldest first), and their bytes.
    quarantine: std::collections::VecDeque<(u64, Layout)>,
    quarantined: usize,
}

static RECLAIM: parking_lot::Mutex<Reclaim> = parking_lot::Mutex::new(Reclaim {
    running: 0,
    graveyard: Vec::new(),
    quarantine: std::collections::VecDeque::new(),
    quarantined: 0,
});

/// Deallocates a block removed from the table, or defers it while kernels
/// run. With memcheck on, the block first waits in the quarantine (so its
/// addresses are not reused while a late access could still be reported).
fn release(addr: u64, layout: Layout) {
    let mut r = RECLAIM.lock();
    if crate::memcheck::enabled() {
        r.quarantine.push_back((addr, layout));
        r.quarantined += layout.size();
        while r.quarantined > crate::memcheck::QUARANTINE_BYTES {
            let Some((a, l)) = r.quarantine.pop_front() else { break };
            r.quarantined -= l.size();
            release_now(&mut r, a, l);
        }
        return;
    }
    release_now(&mut r, addr, layout);
}

fn release_now(r: &mut Reclaim, addr: u64, layout: Layout) {
    if r.running > 0 {
        r.graveyard.push((addr, layout));
    } else {
        // SAFETY: addr came from alloc_zeroed with exactly this layout and was
        // removed from the table, so no later snapshot contains it; no kernel
        // runs (checked under the lock), so no earlier snapshot is in use.
        unsafe { std::alloc::dealloc(addr as *mut u8, layout) };
    }
}

/// Held by a running kernel: take it *before* the snapshot of
/// [`AddressSpace::ranges`] the kernel checks its accesses against, and drop
/// it when the kernel has finished.
pub struct KernelRunning(());

impl KernelRunning {
    pub fn begin() -> KernelRunning {
        RECLAIM.lock().running += 1;
        KernelRunning(())
    }
}

impl Drop for KernelRunning {
    fn drop(&mut self) {
        let mut r = RECLAIM.lock();
        r.running -= 1;
        if r.running == 0 {
            for (addr, layout) in std::mem::take(&mut r.graveyard) {
                // SAFETY: as in `release`: removed from the table before it was
                // queued, and no kernel runs now (checked under the lock).
                unsafe { std::alloc::dealloc(addr as *mut u8, layout) };
            }
        }
    }
}

/// The process-wide device address space (one emulated device). A running
/// kernel holds a [`KernelRunning`], so memory freed under it stays
/// allocated until it ends.
pub static SPACE: once_cell::sync::Lazy<RwLock<AddressSpace>> =
    once_cell::sync::Lazy::new(|| RwLock::new(AddressSpace::default()));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size(" 2g "), Some(2 << 30));
        assert_eq!(parse_size("12k"), Some(12 << 10));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("0"), None);
    }

    #[test]
    fn alloc_find_free() {
        let mut s = AddressSpace::default();
        let a = s.alloc(100, AllocKind::Device).unwrap();
        assert_eq!(a % ALLOC_ALIGN as u64, 0);
        assert_eq!(s.find(a, 100), Some((a, 100, AllocKind::Device)));
        assert_eq!(s.find(a + 99, 1).map(|x| x.0), Some(a));
        assert_eq!(s.find(a + 99, 2), None);
        assert_eq!(s.find(a - 1, 1), None);
        assert_eq!(s.device_bytes(), 100);
        assert_eq!(s.free(a, AllocKind::Host), Err(MemError::NotAllocated));
        s.free(a, AllocKind::Device).unwrap();
        assert_eq!(s.free(a, AllocKind::Device), Err(MemError::NotAllocated));
        assert_eq!(s.find(a, 1), None);
        assert_eq!(s.device_bytes(), 0);
    }

    #[test]
    fn destroying_a_context_frees_its_blocks_only() {
        let mut s = AddressSpace::default();
        let a = s.alloc_for(8, AllocKind::Device, 7).unwrap();
        let b = s.alloc_for(8, AllocKind::Host, 7).unwrap();
        let c = s.alloc_for(8, AllocKind::Device, 9).unwrap();
        s.free_owned_by(7);
        assert_eq!((s.find(a, 1), s.find(b, 1)), (None, None));
        assert!(s.find(c, 1).is_some());
    }

    #[test]
    fn huge_alloc_is_out_of_memory() {
        let mut s = AddressSpace::default();
        assert_eq!(s.alloc(usize::MAX, AllocKind::Device), Err(MemError::OutOfMemory));
    }

    #[test]
    fn registered_memory_is_reachable_and_never_freed() {
        let mut s = AddressSpace::default();
        let mut buf = vec![7u8; 100];
        let a = buf.as_mut_ptr() as u64;
        s.register(a + 10, 50, 3, 2).unwrap();
        assert_eq!(s.find(a + 10, 50).map(|x| x.2), Some(AllocKind::Registered));
        assert_eq!(s.find(a + 9, 2), None);
        assert_eq!(s.register(a, 11, 3, 0), Err(MemError::AlreadyRegistered));
        let h = s.alloc(8, AllocKind::Host).unwrap();
        assert_eq!(s.register(h, 4, 3, 0), Err(MemError::NotAllocated));
        assert_eq!(s.unregister(h), Err(MemError::NotAllocated));
        assert_eq!(s.register(a + 59, 5, 3, 0), Err(MemError::AlreadyRegistered));
        assert_eq!(s.register(a + 30, 1, 3, 0), Err(MemError::AlreadyRegistered));
        s.register(a + 60, 5, 3, 0).unwrap();
        let i = s.block_info(a + 20).unwrap();
        assert_eq!((i.start, i.size, i.flags), (a + 10, 50, 2));
        assert_eq!(s.unregister(a + 11), Err(MemError::NotAllocated));
        assert_eq!(s.free(a + 10, AllocKind::Host), Err(MemError::NotAllocated));
        s.unregister(a + 10).unwrap();
        assert_eq!(s.unregister(a + 10), Err(MemError::NotRegistered));
        s.free_owned_by(3);
        assert_eq!(s.find(a + 60, 1), None);
        drop(s);
        assert!(buf.iter().all(|&b| b == 7));
        buf.clear();
    }

    #[test]
    fn ids_are_unique_and_info_covers_the_block() {
        let mut s = AddressSpace::default();
        let a = s.alloc_block(10, AllocKind::Managed, 1, 1, 0).unwrap();
        let b = s.alloc_block(10, AllocKind::Device, 1, 0, 99).unwrap();
        let (ia, ib) = (s.block_info(a + 9).unwrap(), s.block_info(b).unwrap());
        assert_ne!(ia.id, ib.id);
        assert_eq!((ia.kind, ib.pool), (AllocKind::Managed, 99));
        assert_eq!(s.block_info(a + 10), None);
        assert_eq!(s.device_bytes(), 20);
        assert!(s.free_if(a, |i| i.kind == AllocKind::Device).is_err());
        s.free_if(a, |i| i.kind == AllocKind::Managed).unwrap();
        assert_eq!(s.device_bytes(), 10);
    }

    #[test]
    fn memory_is_zeroed() {
        let mut s = AddressSpace::default();
        let a = s.alloc(64, AllocKind::Device).unwrap();
        let p = s.host_ptr(a, 64).unwrap();
        // SAFETY: p points to 64 live bytes.
        let bytes = unsafe { std::slice::from_raw_parts(p, 64) };
        assert!(bytes.iter().all(|&b| b == 0));
    }
}
