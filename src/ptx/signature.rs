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

#[cfg(test)]
mod tests {
    use crate::ptx::parse;

    #[test]
    fn offsets_honour_align_and_natural_alignment() {
        let m = parse(
            ".version 9.0\n.target sm_80\n.address_size 64\n\
             .visible .entry k(.param .u8 a, .param .u64 b, .param .align 16 .b8 s[20], .param .u16 c, .param .f32 d)\n{\nret;\n}\n",
        )
        .expect("parses");
        let sig = crate::ptx::signature(&m.functions[0]);
        let got: Vec<(u32, u32, u32)> = sig.params.iter().map(|p| (p.offset, p.size, p.align)).collect();
        assert_eq!(got, vec![(0, 1, 1), (8, 8, 8), (16, 20, 16), (36, 2, 2), (40, 4, 4)]);
        assert_eq!(sig.total_size, 44);
    }
}
