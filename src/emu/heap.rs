//! The device heap behind in-kernel `malloc`/`free` (CUDA C Programming
//! Guide, "Dynamic Global Memory Allocation"): one device allocation of
//! `CU_LIMIT_MALLOC_HEAP_SIZE` bytes (8 MiB by default), made before the
//! first launch of a kernel that calls `malloc`, carved up first-fit in
//! 16-byte aligned blocks. It is shared by all CTAs (a mutex guards it) and
//! lives for the process, as on the real driver.

use crate::memory::{AddressSpace, AllocKind, MemError};
use parking_lot::Mutex;
use std::collections::BTreeMap;

/// Default heap size in bytes (the driver's default `CU_LIMIT_MALLOC_HEAP_SIZE`).
pub const DEFAULT_HEAP_BYTES: u64 = 8 << 20;

struct Heap {
    /// Free ranges: start → length.
    free: BTreeMap<u64, u64>,
    /// Live allocations: start → length.
    used: BTreeMap<u64, u64>,
}

static HEAP: Mutex<Option<Heap>> = Mutex::new(None);

/// Makes sure the heap exists (allocating it in `space` on first use).
pub fn ensure(space: &mut AddressSpace, bytes: u64) -> Result<(), MemError> {
    let mut h = HEAP.lock();
    if h.is_none() {
        let base = space.alloc(bytes as usize, AllocKind::Module)?;
        *h = Some(Heap { free: BTreeMap::from([(base, bytes)]), used: BTreeMap::new() });
    }
    Ok(())
}

/// `malloc(size)`: a 16-byte aligned block, or 0 when the heap is exhausted
/// (or does not exist).
pub fn malloc(size: u64) -> u64 {
    let size = size.max(1).div_ceil(16).saturating_mul(16);
    let mut guard = HEAP.lock();
    let Some(h) = guard.as_mut() else { return 0 };
    let Some((&start, &len)) = h.free.iter().find(|(_, &len)| len >= size) else { return 0 };
    h.free.remove(&start);
    if len > size {
        h.free.insert(start + size, len - size);
    }
    h.used.insert(start, size);
    start
}

/// `free(ptr)`: returns a block to the heap (merging neighbours). Freeing 0
/// or a pointer that is not a live block does nothing.
pub fn free(ptr: u64) {
    let mut guard = HEAP.lock();
    let Some(h) = guard.as_mut() else { return };
    let Some(len) = h.used.remove(&ptr) else { return };
    let (mut start, mut len) = (ptr, len);
    if let Some((&s, &l)) = h.free.range(..start).next_back() {
        if s + l == start {
            h.free.remove(&s);
            start = s;
            len += l;
        }
    }
    if let Some(&l) = h.free.get(&(start + len)) {
        h.free.remove(&(start + len));
        len += l;
    }
    h.free.insert(start, len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_aligned_blocks_and_reuses_freed_space() {
        let mut space = AddressSpace::default();
        ensure(&mut space, DEFAULT_HEAP_BYTES).expect("heap");
        let a = malloc(10);
        let b = malloc(100);
        assert!(a != 0 && b != 0 && a.is_multiple_of(16) && b.is_multiple_of(16) && b >= a + 16);
        free(a);
        free(b);
        assert_eq!(malloc(10), a, "freed blocks merge and are reused");
        assert_eq!(malloc(u64::MAX / 2), 0, "an impossible request gives NULL");
        free(a);
    }
}
