//! Fuzz target: PTX text through the parser and the lowering (`cuModuleLoadData` on PTX).
//! The code under test is `cuda::fuzzing::ptx`; findings go to
//! `tests/fuzz-regressions/ptx/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cuda::fuzzing::ptx(data);
});
