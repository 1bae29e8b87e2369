//! Code generated from the CUDA toolkit headers by
//! `scripts/gen-driver-table.py` (committed, so builds need no toolkit):
//! the list of driver functions with their signatures and the
//! `cuGetProcAddress` table. `libcuda_symbols.txt` beside it is the input list
//! of symbols NVIDIA's libcuda.so.1 exports.

pub mod functions;

pub use functions::types;
