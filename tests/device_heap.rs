//! In-kernel `malloc`/`free` through the driver API: every thread of many
//! CTAs allocates a block from the device heap, fills and sums it, frees it.
//! The PTX (tests/heap/heap.ptx) is what the pinned nvcc made of heap.cu.

use std::ffi::c_void;

use cuda as _;

mod common;
use common::driver::*;

#[test]
fn kernels_allocate_and_free_device_heap_memory() {
    let ptx = concat!(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/heap/heap.ptx")), "\0");
    // SAFETY: the driver API as documented; every pointer is a live local.
    unsafe {
        assert_eq!(cuInit(0), 0);
        let mut ctx = std::ptr::null_mut();
        assert_eq!(cuDevicePrimaryCtxRetain(&mut ctx, 0), 0);
        assert_eq!(cuCtxSetCurrent(ctx), 0);
        let mut m = std::ptr::null_mut();
        assert_eq!(cuModuleLoadData(&mut m, ptx.as_ptr().cast()), 0);
        let mut f = std::ptr::null_mut();
        assert_eq!(cuModuleGetFunction(&mut f, m, c"heap_roundtrip".as_ptr()), 0);
        let n = 64 * 128;
        let mut out = 0u64;
        assert_eq!(cuMemAlloc_v2(&mut out, n * 4), 0);
        // Twice: memory freed by the first launch is reused by the second.
        for _ in 0..2 {
            let mut params = [&mut out as *mut u64 as *mut c_void];
            assert_eq!(
                cuLaunchKernel(
                    f,
                    64,
                    1,
                    1,
                    128,
                    1,
                    1,
                    0,
                    std::ptr::null_mut(),
                    params.as_mut_ptr(),
                    std::ptr::null_mut()
                ),
                0
            );
            assert_eq!(cuCtxSynchronize(), 0);
            let mut host = vec![0u32; n];
            assert_eq!(cuMemcpyDtoH_v2(host.as_mut_ptr().cast(), out, n * 4), 0);
            for (t, &v) in host.iter().enumerate() {
                let t = t as u32;
                let expect: u32 = (0..16).map(|i| t * 16 + i).sum();
                assert_eq!(v, expect, "thread {t}");
            }
        }
    }
}
