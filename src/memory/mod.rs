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
    /// `cuMemAlloc`.
    Device,
    /// `cuMemAllocHost` (page-locked host memory, device-accessible).
    Host,
    /// Variables of a loaded module (`.global`, `.const`).
    Module,
}

#[derive(Debug)]
struct Block {
    size: usize,
    layout: Layout,
    kind: AllocKind,
    /// The owning context's handle (0: none); freed when it is destroyed.
    owner: usize,
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
}

/// All live blocks, keyed by start address.
#[derive(Default)]
pub struct AddressSpace {
    blocks: BTreeMap<u64, Block>,
    /// Total bytes in `Device` blocks.
    device_bytes: u64,
}

/// Largest single allocation we accept (bytes); larger sizes are reported as
/// out of memory rather than handed to the host allocator.
pub const MAX_ALLOC: usize = 1 << 40;

impl AddressSpace {
    /// Allocates `size` zeroed bytes (at least 1) aligned to [`ALLOC_ALIGN`].
    pub fn alloc(&mut self, size: usize, kind: AllocKind) -> Result<u64, MemError> {
        self.alloc_for(size, kind, 0)
    }

    /// As [`AddressSpace::alloc`], owned by context handle `owner`.
    pub fn alloc_for(&mut self, size: usize, kind: AllocKind, owner: usize) -> Result<u64, MemError> {
        if size > MAX_ALLOC {
            return Err(MemError::OutOfMemory);
        }
        let layout = Layout::from_size_align(size.max(1), ALLOC_ALIGN).map_err(|_| MemError::OutOfMemory)?;
        // SAFETY: layout has non-zero size; the block is freed with the same layout.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            return Err(MemError::OutOfMemory);
        }
        let addr = ptr as u64;
        self.blocks.insert(addr, Block { size, layout, kind, owner });
        if kind == AllocKind::Device {
            self.device_bytes += size as u64;
        }
        Ok(addr)
    }

    /// Frees the block that starts at `addr` and has kind `kind`.
    pub fn free(&mut self, addr: u64, kind: AllocKind) -> Result<(), MemError> {
        match self.blocks.get(&addr) {
            Some(b) if b.kind == kind => {}
            _ => return Err(MemError::NotAllocated),
        }
        let Some(b) = self.blocks.remove(&addr) else { return Err(MemError::NotAllocated) };
        if kind == AllocKind::Device {
            self.device_bytes -= b.size as u64;
        }
        // SAFETY: addr was returned by alloc_zeroed with exactly this layout and is
        // removed from the table, so it is freed once and never reached again.
        unsafe { std::alloc::dealloc(addr as *mut u8, b.layout) };
        Ok(())
    }

    /// Frees every block owned by context `owner` (context destruction).
    pub fn free_owned_by(&mut self, owner: usize) {
        let mine: Vec<(u64, AllocKind)> =
            self.blocks.iter().filter(|(_, b)| b.owner == owner).map(|(&a, b)| (a, b.kind)).collect();
        for (a, k) in mine {
            let _ = self.free(a, k);
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

    /// Bytes held by device allocations.
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

impl Drop for AddressSpace {
    fn drop(&mut self) {
        for (addr, b) in std::mem::take(&mut self.blocks) {
            // SAFETY: every block in the table came from alloc_zeroed with its layout.
            unsafe { std::alloc::dealloc(addr as *mut u8, b.layout) };
        }
    }
}

/// The process-wide device address space (one emulated device). Kernel
/// launches hold the read lock while they run, so memory cannot be freed
/// under a running kernel.
pub static SPACE: once_cell::sync::Lazy<RwLock<AddressSpace>> =
    once_cell::sync::Lazy::new(|| RwLock::new(AddressSpace::default()));

#[cfg(test)]
mod tests {
    use super::*;

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
    fn memory_is_zeroed() {
        let mut s = AddressSpace::default();
        let a = s.alloc(64, AllocKind::Device).unwrap();
        let p = s.host_ptr(a, 64).unwrap();
        // SAFETY: p points to 64 live bytes.
        let bytes = unsafe { std::slice::from_raw_parts(p, 64) };
        assert!(bytes.iter().all(|&b| b == 0));
    }
}
