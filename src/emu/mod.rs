//! The SIMT emulator: lowers PTX modules once into an executable IR and runs
//! kernel grids on host threads, each CTA as warps of 32 lanes in lock-step.
//! Knows nothing of the C ABI; `driver/` calls [`load_module`] and
//! [`run_grid`].

pub mod alu;
pub mod cfg;
pub mod exec;
pub mod ir;
pub mod launch;
pub mod layout;
pub mod lower;
pub mod mem;
#[cfg(test)]
mod tests;

pub use ir::Kernel;
pub use launch::{run_grid, LaunchConfig, LaunchStats};
pub use layout::ModuleLayout;
pub use mem::{Fault, FaultKind};

use crate::memory::AddressSpace;
use crate::ptx;
use std::collections::HashMap;
use std::sync::Arc;

/// A module ready to launch: lowered kernels and placed variables.
#[derive(Debug)]
pub struct LoadedModule {
    pub kernels: HashMap<String, Arc<Kernel>>,
    pub layout: ModuleLayout,
    /// Kernels that use instructions the emulator does not run yet (name, what).
    pub warnings: Vec<String>,
}

/// Why a module failed to load.
#[derive(Debug)]
pub enum LoadError {
    /// Syntax error (→ `CUDA_ERROR_INVALID_PTX`).
    Parse(ptx::ParseError),
    /// Semantic error in lowering (→ `CUDA_ERROR_INVALID_PTX`).
    Lower(lower::LowerError),
    /// Variables could not be placed (→ `CUDA_ERROR_OUT_OF_MEMORY` / `INVALID_PTX`).
    Layout(layout::LayoutError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Parse(e) => write!(f, "{e}"),
            LoadError::Lower(e) => write!(f, "{e}"),
            LoadError::Layout(layout::LayoutError::Memory(m)) => write!(f, "cannot allocate module variables: {m:?}"),
            LoadError::Layout(layout::LayoutError::Init { line, message }) => {
                write!(f, "ptx input, line {line}: error: {message}")
            }
        }
    }
}

/// Parses and lowers PTX text, allocating its `.global`/`.const` variables in
/// `space` on behalf of context handle `owner` (0: none).
pub fn load_module(text: &str, space: &mut AddressSpace, owner: usize) -> Result<LoadedModule, LoadError> {
    let m = ptx::parse(text).map_err(LoadError::Parse)?;
    let layout = layout::layout_module(&m, space, owner).map_err(LoadError::Layout)?;
    let mut kernels = HashMap::new();
    let mut warnings = Vec::new();
    for f in m.functions.iter().filter(|f| f.is_entry && f.body.is_some()) {
        let k = match lower::lower_kernel(f, &layout) {
            Ok(k) => k,
            Err(e) => {
                if let Some(b) = layout.block {
                    let _ = space.free(b, crate::memory::AllocKind::Module);
                }
                return Err(LoadError::Lower(e));
            }
        };
        for i in &k.code {
            if let ir::Op::Unsupported(what) = &i.op {
                warnings.push(format!(
                    "kernel {} uses {what} (PTX line {}), which the emulator does not run yet",
                    k.name, i.line
                ));
                break;
            }
        }
        kernels.insert(k.name.clone(), Arc::new(k));
    }
    Ok(LoadedModule { kernels, layout, warnings })
}
