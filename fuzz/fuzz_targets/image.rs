//! Fuzz target: Images (fatbinary, wrapper, ELF, compressed entries) through the driver's image loader, then the PTX found.
//! The code under test is `cuda::fuzzing::image`; findings go to
//! `tests/fuzz-regressions/image/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cuda::fuzzing::image(data);
});
