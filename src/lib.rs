//! softcuda: a drop-in `libcuda.so.1` that runs CUDA programs' PTX kernels on
//! an in-process SIMT emulator.
//!
//! Architecture (see DESIGN.md beside the repository): a CUDA program calls
//! the C exports in [`driver`]; modules go through [`ptx`] (text → AST →
//! kernel signatures) and [`emu`] (AST → IR → warps on host threads), which
//! reads and writes device memory through [`memory`]. Each layer knows only
//! the one below it; only `driver` contains `extern "C"`. [`forward`] sends
//! every call to NVIDIA's real driver instead (`SOFTCUDA_BACKEND=forward`),
//! and [`trace`] logs every call in either backend (`SOFTCUDA_TRACE`).

pub mod driver;
pub mod emu;
pub mod forward;
#[doc(hidden)]
pub mod fuzzing;
pub mod image;
pub mod memcheck;
pub mod memory;
pub mod ptx;
pub mod trace;
