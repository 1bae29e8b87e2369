//! Kernel parameter layout (PTX ISA §5.1.6.1, "Kernel Function Parameters").

use super::ast::{Function, ScalarType};

/// One parameter's place in the kernel's `.param` buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamLayout {
    pub name: String,
    pub ty: ScalarType,
    /// Byte size (element size × array length).
    pub size: u32,
    /// Byte alignment (`.align` if given, else the element size).
    pub align: u32,
    /// Byte offset from the start of the parameter buffer.
    pub offset: u32,
}

/// The `.param` layout of a kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelSignature {
    pub name: String,
    pub params: Vec<ParamLayout>,
    /// Total bytes: end of the last parameter (0 with no parameters).
    pub total_size: u32,
}

pub(crate) fn layout(func: &Function) -> KernelSignature {
    let mut params = Vec::with_capacity(func.params.len());
    let mut offset = 0u32;
    for p in &func.params {
        let elem = p.ty.size();
        let size = elem.saturating_mul(p.array.unwrap_or(1).min(u32::MAX as u64) as u32);
        let align = p.align.unwrap_or(elem).max(1);
        offset = offset.div_ceil(align).saturating_mul(align);
        params.push(ParamLayout { name: p.name.clone(), ty: p.ty, size, align, offset });
        offset = offset.saturating_add(size);
    }
    KernelSignature { name: func.name.clone(), params, total_size: offset }
}
