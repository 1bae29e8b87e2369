//! Fuzz target: Kernel-parameter marshalling (`kernelParams` / `extra`) for fuzz-chosen kernel signatures.
//! The code under test is `cuda::fuzzing::params`; findings go to
//! `tests/fuzz-regressions/params/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cuda::fuzzing::params(data);
});
