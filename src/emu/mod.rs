//! The SIMT emulator: lowers PTX modules once into an executable IR and runs
//! kernel grids on host threads, each CTA as warps of 32 lanes in lock-step.
//! Knows nothing of the C ABI; `driver/` calls [`load_module`] and
//! [`run_grid`].

pub mod alu;
pub mod cfg;
pub mod convert;
pub mod coverage;
pub mod exec;
pub mod half;
pub mod heap;
pub mod ir;
pub mod launch;
pub mod layout;
pub mod lower;
pub mod mem;
pub mod pool;
pub mod printf;
mod rounding;
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

/// The newest PTX ISA version this emulator accepts (what nvcc 13.5 writes).
pub const MAX_PTX_VERSION: (u32, u32) = (9, 5);

/// A module ready to launch: lowered kernels and placed variables.
#[derive(Debug)]
pub struct LoadedModule {
    pub kernels: HashMap<String, Arc<Kernel>>,
    pub layout: ModuleLayout,
    /// Kernel (`.entry`) names in the order the module defines them.
    pub kernel_order: Vec<String>,
    /// The `.target` SM number (75 for `sm_75`, 90 for `sm_90a`; 0 if none).
    pub target_sm: u32,
    /// Bytes of the module's `.const` variables.
    pub const_size: u64,
}

/// Why a module failed to load.
#[derive(Debug)]
pub enum LoadError {
    /// Syntax error (→ `CUDA_ERROR_INVALID_PTX`).
    Parse(ptx::ParseError),
    /// Semantic error, or an instruction the emulator does not run
    /// (→ `CUDA_ERROR_INVALID_PTX`).
    Lower(lower::LowerError),
    /// `.version` newer than [`MAX_PTX_VERSION`] (→ `CUDA_ERROR_UNSUPPORTED_PTX_VERSION`).
    Version(u32, u32),
    /// Variables could not be placed (→ `CUDA_ERROR_OUT_OF_MEMORY` / `INVALID_PTX`).
    Layout(layout::LayoutError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Parse(e) => write!(f, "{e}"),
            LoadError::Lower(e) => write!(f, "{e}"),
            LoadError::Version(a, b) => write!(
                f,
                "ptx input: error: PTX ISA version {a}.{b} is newer than the newest this driver supports ({}.{})",
                MAX_PTX_VERSION.0, MAX_PTX_VERSION.1
            ),
            LoadError::Layout(layout::LayoutError::Memory(m)) => write!(f, "cannot allocate module variables: {m:?}"),
            LoadError::Layout(layout::LayoutError::Init { line, message }) => {
                write!(f, "ptx input, line {line}: error: {message}")
            }
        }
    }
}

/// Parses and lowers PTX text, allocating its `.global`/`.const` variables in
/// `space` on behalf of context handle `owner` (0: none). A module using an
/// instruction the emulator does not run is refused here, naming the
/// instruction and its line — never a wrong answer at run time.
pub fn load_module(text: &str, space: &mut AddressSpace, owner: usize) -> Result<LoadedModule, LoadError> {
    load_parsed(ptx::parse(text).map_err(LoadError::Parse)?, space, owner)
}

/// Parses several PTX modules, links them (`.extern` functions and variables
/// resolve across them, `ptx::link`), and loads the result as one module.
pub fn load_linked(texts: &[String], space: &mut AddressSpace, owner: usize) -> Result<LoadedModule, LoadError> {
    let parsed = texts.iter().map(|t| ptx::parse(t)).collect::<Result<Vec<_>, _>>().map_err(LoadError::Parse)?;
    let m = ptx::link::link(parsed).map_err(|e| LoadError::Lower(lower::LowerError { line: 0, message: e.0 }))?;
    load_parsed(m, space, owner)
}

fn load_parsed(m: ptx::Module, space: &mut AddressSpace, owner: usize) -> Result<LoadedModule, LoadError> {
    if m.version > MAX_PTX_VERSION {
        return Err(LoadError::Version(m.version.0, m.version.1));
    }
    let layout = layout::layout_module(&m, space, owner).map_err(LoadError::Layout)?;
    let free_layout = |space: &mut AddressSpace| {
        if let Some(b) = layout.block {
            let _ = space.free(b, crate::memory::AllocKind::Module);
        }
    };
    let lowered = match lower::lower_module(&m, &layout) {
        Ok(l) => l,
        Err(e) => {
            free_layout(space);
            return Err(LoadError::Lower(e));
        }
    };
    let unsupported = lowered.program.code.iter().find_map(|i| match &i.op {
        ir::Op::Unsupported(what) => Some((i.line, what.clone())),
        _ => None,
    });
    if let Some((line, what)) = unsupported {
        free_layout(space);
        return Err(LoadError::Lower(lower::LowerError {
            line,
            message: format!("instruction '{what}' is not supported by the softcuda emulator"),
        }));
    }
    let kernel_order: Vec<String> = m
        .functions
        .iter()
        .map(|f| &f.name)
        .filter(|n| lowered.kernels.iter().any(|k| &k.name == *n))
        .cloned()
        .collect();
    let target_sm = m
        .target
        .iter()
        .find_map(|t| t.strip_prefix("sm_"))
        .map(|t| t.trim_end_matches(|c: char| c.is_ascii_alphabetic()))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let const_size = m
        .variables
        .iter()
        .filter(|v| v.space == ptx::StateSpace::Const)
        .filter_map(|v| layout.globals.get(&v.name).map(|&(_, size)| size))
        .sum();
    let kernels = lowered.kernels.into_iter().map(|k| (k.name.clone(), Arc::new(k))).collect();
    Ok(LoadedModule { kernels, layout, kernel_order, target_sm, const_size })
}
