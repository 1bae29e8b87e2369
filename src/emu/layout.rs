//! Module-scope variables: `.global` and `.const` variables become one device
//! allocation per module (initialised from their initialisers), `.shared`
//! variables get offsets in every kernel's shared memory.

use super::lower::var_size;
use crate::memory::{AddressSpace, AllocKind, MemError};
use crate::ptx::{self, Immediate, Initializer, StateSpace};
use std::collections::{HashMap, HashSet};

/// Addresses and offsets of a module's variables.
#[derive(Debug, Default)]
pub struct ModuleLayout {
    /// name → (device address, size in bytes) for `.global` and `.const` variables.
    pub globals: HashMap<String, (u64, u64)>,
    /// name → offset of a sized module-scope `.shared` variable.
    pub shared: HashMap<String, u32>,
    /// Unsized `.extern .shared` arrays: the dynamic shared memory base.
    pub dyn_shared: HashSet<String>,
    /// Bytes of module-scope static shared memory (kernels place theirs after it).
    pub shared_size: u32,
    /// Names of `.func`/`.entry` symbols.
    pub functions: HashSet<String>,
    /// Index of each function with a body, in module order (as the program numbers them).
    pub function_index: std::collections::HashMap<String, u32>,
    /// The device block holding all variables, if any (freed on unload).
    pub block: Option<u64>,
    /// `[start, end)` of the module's `.const` variables (at the block's start).
    pub const_range: (u64, u64),
}

/// Why module variables could not be placed.
#[derive(Debug)]
pub enum LayoutError {
    Memory(MemError),
    Init { line: u32, message: String },
}

fn align_up(v: u64, a: u64) -> u64 {
    let a = a.max(1);
    v.div_ceil(a).saturating_mul(a)
}

/// Lays out and allocates the module's variables in `space`.
pub fn layout_module(m: &ptx::Module, space: &mut AddressSpace, owner: usize) -> Result<ModuleLayout, LayoutError> {
    let mut l = ModuleLayout::default();
    for f in &m.functions {
        l.functions.insert(f.name.clone());
    }
    for (i, f) in m.functions.iter().filter(|f| f.body.is_some()).enumerate() {
        l.function_index.insert(f.name.clone(), i as u32);
    }
    let mut offsets = Vec::new();
    let mut total = 0u64;
    let mut shared = 0u64;
    // `.const` variables first, so they form one range (`isspacep.const`).
    for v in m.variables.iter().filter(|v| v.space == StateSpace::Const) {
        let align = v.align.unwrap_or(v.ty.size()).max(1) as u64;
        let off = align_up(total, align);
        total = off.saturating_add(var_size(v));
        offsets.push((v, off));
    }
    let const_end = total;
    for v in &m.variables {
        let align = v.align.unwrap_or(v.ty.size()).max(1) as u64;
        match v.space {
            StateSpace::Global => {
                let off = align_up(total, align);
                total = off.saturating_add(var_size(v));
                offsets.push((v, off));
            }
            StateSpace::Shared if v.array.first() == Some(&None) => {
                l.dyn_shared.insert(v.name.clone());
            }
            StateSpace::Shared => {
                let off = align_up(shared, align);
                shared = off.saturating_add(var_size(v));
                l.shared.insert(v.name.clone(), off.min(u32::MAX as u64) as u32);
            }
            _ => {}
        }
    }
    l.shared_size = shared.min(u32::MAX as u64) as u32;
    if offsets.is_empty() {
        return Ok(l);
    }
    let base = space.alloc_for(total as usize, AllocKind::Module, owner).map_err(LayoutError::Memory)?;
    l.block = Some(base);
    l.const_range = (base, base + const_end);
    for (v, off) in &offsets {
        l.globals.insert(v.name.clone(), (base + off, var_size(v)));
    }
    // Initialisers are written after every address is known (they may name
    // other variables).
    for (v, off) in &offsets {
        let Some(init) = &v.init else { continue };
        let size = var_size(v) as usize;
        let mut bytes = Vec::with_capacity(size);
        let elem = v.ty.size() as usize;
        let is_float = matches!(v.ty, ptx::ScalarType::F32 | ptx::ScalarType::F64);
        flatten_init(init, elem, is_float, &l, &mut bytes)
            .map_err(|message| LayoutError::Init { line: v.span.line, message })?;
        bytes.truncate(size);
        let dst = space.host_ptr(base + off, bytes.len()).map_err(LayoutError::Memory)?;
        // SAFETY: dst points to `bytes.len()` bytes inside the block just allocated
        // (the variable's range), which nothing else references yet.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len()) };
    }
    Ok(l)
}

fn flatten_init(
    init: &Initializer,
    elem: usize,
    is_float: bool,
    l: &ModuleLayout,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match init {
        Initializer::List(items) => {
            for i in items {
                flatten_init(i, elem, is_float, l, out)?;
            }
        }
        Initializer::Value(imm) => {
            let bits: u64 = match (*imm, elem, is_float) {
                (Immediate::Int(v), 4, true) => (v as f32).to_bits() as u64,
                (Immediate::Int(v), 8, true) => (v as f64).to_bits(),
                (Immediate::Int(v), _, _) => v as u64,
                (Immediate::F32(b), 8, _) => (f32::from_bits(b) as f64).to_bits(),
                (Immediate::F32(b), _, _) => b as u64,
                (Immediate::F64(b), 4, _) => (f64::from_bits(b) as f32).to_bits() as u64,
                (Immediate::F64(b), _, _) => b,
            };
            out.extend_from_slice(&bits.to_le_bytes()[..elem.min(8)]);
        }
        Initializer::Symbol { name, offset, .. } => {
            let addr = match (l.globals.get(name), l.function_index.get(name)) {
                (Some(&(addr, _)), _) => addr,
                // A function's address (function-pointer tables, vtables).
                (None, Some(&i)) => super::ir::FUNC_BASE + 16 * i as u64,
                _ => return Err(format!("initialiser names unknown variable {name}")),
            };
            out.extend_from_slice(&addr.wrapping_add(*offset as u64).to_le_bytes()[..elem.min(8)]);
        }
    }
    Ok(())
}
