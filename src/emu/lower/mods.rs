//! Operand and modifier helpers for lowering: special registers, IR types,
//! immediates, parsed dot-modifiers, and the PTX ISA's instruction names.

use super::{err, LResult};
use crate::emu::ir::*;
use crate::ptx::{Immediate, ScalarType};

pub(super) fn special(name: &str) -> Option<Special> {
    let comp = |s: &str| match s {
        "x" => Some(0u8),
        "y" => Some(1),
        "z" => Some(2),
        _ => None,
    };
    if let Some((base, c)) = name.split_once('.') {
        let c = comp(c)?;
        return Some(match base {
            "%tid" => Special::Tid(c),
            "%ntid" => Special::Ntid(c),
            "%ctaid" => Special::Ctaid(c),
            "%nctaid" => Special::Nctaid(c),
            // Launches have no clusters: each CTA is a cluster of one.
            "%clusterid" => Special::Ctaid(c),
            "%nclusterid" => Special::Nctaid(c),
            "%cluster_ctaid" => Special::Zero,
            "%cluster_nctaid" => Special::One,
            _ => return None,
        });
    }
    Some(match name {
        "%laneid" => Special::LaneId,
        "%warpid" => Special::WarpId,
        "%nwarpid" => Special::NWarpId,
        "%smid" => Special::SmId,
        "%nsmid" => Special::NSmId,
        "%gridid" => Special::GridId,
        "%lanemask_eq" => Special::LanemaskEq,
        "%lanemask_le" => Special::LanemaskLe,
        "%lanemask_lt" => Special::LanemaskLt,
        "%lanemask_ge" => Special::LanemaskGe,
        "%lanemask_gt" => Special::LanemaskGt,
        "%clock" => Special::Clock,
        "%clock64" => Special::Clock64,
        "%globaltimer" => Special::GlobalTimer,
        "%globaltimer_lo" => Special::GlobalTimerLo,
        "%globaltimer_hi" => Special::GlobalTimerHi,
        "%cluster_ctarank" | "%is_explicit_cluster" => Special::Zero,
        "%reserved_smem_offset_begin" => Special::Reserved(0),
        "%reserved_smem_offset_1" => Special::Reserved(16),
        "%reserved_smem_offset_2" => Special::Reserved(32),
        "%reserved_smem_offset_end" => Special::Reserved(super::super::launch::RESERVED_SMEM),
        "%reserved_smem_offset_cap" => Special::ReservedCap,
        "%cluster_nctarank" => Special::One,
        "%dynamic_smem_size" => Special::DynamicSmemSize,
        "%total_smem_size" => Special::TotalSmemSize,
        _ => match name.strip_prefix("%envreg").and_then(|n| n.parse::<u8>().ok()) {
            Some(n) if n < 32 => Special::EnvReg(n),
            _ => return None,
        },
    })
}

pub(crate) fn ir_ty(t: ScalarType) -> Ty {
    use ScalarType as S;
    match t {
        S::B8 | S::U8 => Ty::U8,
        S::B16 | S::U16 => Ty::U16,
        S::B32 | S::U32 | S::TF32 => Ty::U32,
        S::B64 | S::U64 | S::B128 => Ty::U64,
        S::S8 => Ty::S8,
        S::S16 => Ty::S16,
        S::S32 => Ty::S32,
        S::S64 => Ty::S64,
        S::F16 => Ty::F16,
        S::BF16 => Ty::BF16,
        S::F16x2 => Ty::F16x2,
        S::BF16x2 => Ty::BF16x2,
        S::F32 => Ty::F32,
        S::F64 => Ty::F64,
        S::Pred => Ty::Pred,
    }
}

/// An immediate's bits as a value of type `ty` (PTX ISA §4.5: integer
/// literals in float instructions are converted; `0f`/`0d` literals are bit
/// patterns, converted between f32 and f64 when the widths differ).
pub(super) fn imm_bits(imm: Immediate, ty: Ty) -> u64 {
    match (imm, ty) {
        (Immediate::Int(v), Ty::F32) => (v as f32).to_bits() as u64,
        (Immediate::Int(v), Ty::F64) => (v as f64).to_bits(),
        (Immediate::Int(v), _) => v as u64,
        (Immediate::F32(b), Ty::F64) => (f32::from_bits(b) as f64).to_bits(),
        (Immediate::F32(b), _) => b as u64,
        (Immediate::F64(b), Ty::F32) => (f64::from_bits(b) as f32).to_bits() as u64,
        (Immediate::F64(b), _) => b,
    }
}

/// Parsed dot-modifiers of one instruction.
pub(super) struct Mods<'a> {
    pub(super) all: &'a [String],
    pub(super) types: Vec<ScalarType>,
}

impl<'a> Mods<'a> {
    pub(super) fn new(all: &'a [String]) -> Self {
        let types = all.iter().filter_map(|m| ScalarType::from_name(m)).collect();
        Mods { all, types }
    }
    pub(super) fn has(&self, m: &str) -> bool {
        self.all.iter().any(|x| x == m)
    }
    pub(super) fn ty(&self, line: u32) -> LResult<Ty> {
        match self.types.last() {
            Some(&t) => Ok(ir_ty(t)),
            None => err(line, "instruction has no type"),
        }
    }
    pub(super) fn round(&self) -> Round {
        for m in self.all {
            match m.as_str() {
                "rn" | "rni" => return Round::Rn,
                "rz" | "rzi" => return Round::Rz,
                "rm" | "rmi" => return Round::Rm,
                "rp" | "rpi" => return Round::Rp,
                "rna" => return Round::Rna,
                _ => {}
            }
        }
        Round::Rn
    }
    pub(super) fn fmods(&self) -> FMods {
        FMods {
            round: self.round(),
            ftz: self.has("ftz"),
            sat: self.has("sat"),
            approx: self.has("approx") || self.has("full"),
            nan: self.has("NaN"),
            relu: self.has("relu"),
            xorsign: self.has("xorsign"),
            satfinite: self.has("satfinite"),
        }
    }
    pub(super) fn space(&self) -> Space {
        for m in self.all {
            let base = m.split("::").next().unwrap_or("");
            match base {
                "global" | "const" => return Space::Global,
                "shared" => return Space::Shared,
                "local" => return Space::Local,
                "param" => return Space::Param,
                _ => {}
            }
        }
        Space::Generic
    }
    pub(super) fn vec_len(&self) -> usize {
        if self.has("v4") {
            4
        } else if self.has("v2") {
            2
        } else if self.has("v8") {
            8
        } else {
            1
        }
    }
    pub(super) fn cmp(&self) -> Option<Cmp> {
        for m in self.all {
            return Some(match m.as_str() {
                "eq" => Cmp::Eq,
                "ne" => Cmp::Ne,
                "lt" | "lo" => Cmp::Lt,
                "le" | "ls" => Cmp::Le,
                "gt" | "hi" => Cmp::Gt,
                "ge" | "hs" => Cmp::Ge,
                "equ" => Cmp::Equ,
                "neu" => Cmp::Neu,
                "ltu" => Cmp::Ltu,
                "leu" => Cmp::Leu,
                "gtu" => Cmp::Gtu,
                "geu" => Cmp::Geu,
                "num" => Cmp::Num,
                "nan" => Cmp::Nan,
                _ => continue,
            });
        }
        None
    }
    pub(super) fn boolop(&self) -> Option<BoolOp> {
        for m in self.all {
            return Some(match m.as_str() {
                "and" => BoolOp::And,
                "or" => BoolOp::Or,
                "xor" => BoolOp::Xor,
                _ => continue,
            });
        }
        None
    }
}

/// Every instruction name of the PTX ISA (9.x, chapter 9). A name outside
/// this list is a syntax error (`CUDA_ERROR_INVALID_PTX`); a listed one the
/// emulator does not run yet loads and faults only when executed.
pub(super) const KNOWN_OPCODES: &[&str] = &[
    "abs",
    "activemask",
    "add",
    "addc",
    "alloca",
    "and",
    "applypriority",
    "atom",
    "bar",
    "barrier",
    "bfe",
    "bfi",
    "bfind",
    "bmsk",
    "bra",
    "brev",
    "brkpt",
    "brx",
    "call",
    "clusterlaunchcontrol",
    "clz",
    "cnot",
    "copysign",
    "cos",
    "cp",
    "createpolicy",
    "cvt",
    "cvta",
    "discard",
    "div",
    "dp2a",
    "dp4a",
    "elect",
    "ex2",
    "exit",
    "fence",
    "fma",
    "fns",
    "getctarank",
    "griddepcontrol",
    "isspacep",
    "istypep",
    "ld",
    "ldmatrix",
    "ldu",
    "lg2",
    "lop3",
    "mad",
    "mad24",
    "madc",
    "mapa",
    "match",
    "max",
    "mbarrier",
    "membar",
    "min",
    "mma",
    "mov",
    "movmatrix",
    "mul",
    "mul24",
    "multimem",
    "nanosleep",
    "neg",
    "not",
    "or",
    "pmevent",
    "popc",
    "prefetch",
    "prefetchu",
    "prmt",
    "rcp",
    "red",
    "redux",
    "rem",
    "ret",
    "rsqrt",
    "sad",
    "selp",
    "set",
    "setmaxnreg",
    "setp",
    "shf",
    "shfl",
    "shl",
    "shr",
    "sin",
    "slct",
    "sqrt",
    "st",
    "stackrestore",
    "stacksave",
    "stmatrix",
    "sub",
    "subc",
    "suld",
    "suq",
    "sured",
    "sust",
    "szext",
    "tanh",
    "tcgen05",
    "tensormap",
    "testp",
    "tex",
    "tld4",
    "trap",
    "txq",
    "vabsdiff",
    "vabsdiff2",
    "vabsdiff4",
    "vadd",
    "vadd2",
    "vadd4",
    "vavrg2",
    "vavrg4",
    "vmad",
    "vmax",
    "vmax2",
    "vmax4",
    "vmin",
    "vmin2",
    "vmin4",
    "vote",
    "vset",
    "vset2",
    "vset4",
    "vshl",
    "vshr",
    "vsub",
    "vsub2",
    "vsub4",
    "wgmma",
    "wmma",
    "xor",
];

pub(super) fn int_ty(bits: u32) -> Ty {
    match bits {
        8 => Ty::U8,
        16 => Ty::U16,
        32 => Ty::U32,
        _ => Ty::U64,
    }
}

pub(super) fn widen(t: Ty) -> Ty {
    match t {
        Ty::U16 => Ty::U32,
        Ty::S16 => Ty::S32,
        Ty::U32 => Ty::U64,
        Ty::S32 => Ty::S64,
        other => other,
    }
}
