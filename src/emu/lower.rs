//! Lowering: PTX AST → executable IR, once per module. Resolves registers to
//! dense slots, symbols to addresses or offsets, labels to instruction
//! indices, and computes each branch's reconvergence point (`cfg`).
//! Instructions the emulator cannot run yet become `Op::Unsupported`, which
//! faults only if executed, so a module loads even when one kernel uses them.

use super::cfg;
use super::ir::*;
use super::layout::ModuleLayout;
use crate::ptx::{self, Immediate, Operand, ScalarType, StateSpace, Statement};
use std::collections::HashMap;

/// A lowering error (→ `CUDA_ERROR_INVALID_PTX` with the message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ptx input, line {}: error: {}", self.line, self.message)
    }
}

type LResult<T> = Result<T, LowerError>;

fn err<T>(line: u32, message: impl Into<String>) -> LResult<T> {
    Err(LowerError { line, message: message.into() })
}

/// Where a symbol lives, for resolving operands.
#[derive(Clone, Copy, Debug)]
enum SymVal {
    /// An absolute device address (module `.global`/`.const` variable).
    Global(u64),
    Shared(u32),
    Local(u32),
    Param(u32),
    /// A label's instruction index.
    Label(u32),
    /// A `.func` or `.entry` name (indirect call targets are not yet supported).
    Func,
}

struct FnCtx<'a> {
    regs: HashMap<String, Reg>,
    ranges: HashMap<String, (Reg, u32)>,
    syms: HashMap<String, SymVal>,
    module: &'a ModuleLayout,
    nregs: u32,
}

impl<'a> FnCtx<'a> {
    fn new_reg(&mut self) -> Reg {
        self.nregs += 1;
        self.nregs - 1
    }

    fn declare_regs(&mut self, d: &ptx::VarDecl) {
        match d.range {
            Some(n) => {
                let base = self.nregs;
                self.nregs = self.nregs.saturating_add(n);
                self.ranges.insert(d.name.clone(), (base, n));
            }
            None => {
                let r = self.new_reg();
                self.regs.insert(d.name.clone(), r);
            }
        }
    }

    fn reg(&self, name: &str, line: u32) -> LResult<Reg> {
        if let Some(&r) = self.regs.get(name) {
            return Ok(r);
        }
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let (prefix, num) = name.split_at(name.len() - digits);
            if let (Some(&(base, n)), Ok(i)) = (self.ranges.get(prefix), num.parse::<u32>()) {
                if i < n {
                    return Ok(base + i);
                }
            }
        }
        err(line, format!("undeclared register {name}"))
    }

    fn sym(&self, name: &str, line: u32) -> LResult<SymVal> {
        if let Some(&v) = self.syms.get(name) {
            return Ok(v);
        }
        if let Some(&a) = self.module.globals.get(name) {
            return Ok(SymVal::Global(a.0));
        }
        if let Some(&o) = self.module.shared.get(name) {
            return Ok(SymVal::Shared(o));
        }
        if self.module.functions.contains(name) {
            return Ok(SymVal::Func);
        }
        err(line, format!("undefined symbol {name}"))
    }
}

fn special(name: &str) -> Option<Special> {
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
        "%dynamic_smem_size" => Special::DynamicSmemSize,
        "%total_smem_size" => Special::TotalSmemSize,
        _ => return None,
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
fn imm_bits(imm: Immediate, ty: Ty) -> u64 {
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
struct Mods<'a> {
    all: &'a [String],
    types: Vec<ScalarType>,
}

impl<'a> Mods<'a> {
    fn new(all: &'a [String]) -> Self {
        let types = all.iter().filter_map(|m| ScalarType::from_name(m)).collect();
        Mods { all, types }
    }
    fn has(&self, m: &str) -> bool {
        self.all.iter().any(|x| x == m)
    }
    fn ty(&self, line: u32) -> LResult<Ty> {
        match self.types.last() {
            Some(&t) => Ok(ir_ty(t)),
            None => err(line, "instruction has no type"),
        }
    }
    fn round(&self) -> Round {
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
    fn fmods(&self) -> FMods {
        FMods {
            round: self.round(),
            ftz: self.has("ftz"),
            sat: self.has("sat"),
            approx: self.has("approx") || self.has("full"),
            nan: self.has("NaN"),
        }
    }
    fn space(&self) -> Space {
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
    fn vec_len(&self) -> usize {
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
    fn cmp(&self) -> Option<Cmp> {
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
    fn boolop(&self) -> Option<BoolOp> {
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

struct InstLowering<'c, 'm> {
    cx: &'c mut FnCtx<'m>,
    line: u32,
}

impl InstLowering<'_, '_> {
    fn src(&mut self, o: &Operand, ty: Ty) -> LResult<Src> {
        Ok(match o {
            Operand::Reg(name) => match special(name) {
                Some(s) => Src::Special(s),
                None => Src::Reg(self.cx.reg(name, self.line)?),
            },
            Operand::Imm(i) => Src::Imm(imm_bits(*i, ty)),
            Operand::Sym(name, off) => Src::Imm(self.sym_value(name, *off)?),
            Operand::Not(_) => return err(self.line, "'!' operand not allowed here"),
            _ => return err(self.line, format!("unexpected operand {o:?}")),
        })
    }

    /// A predicate source, possibly negated (`!%p`).
    fn pred_src(&mut self, o: &Operand) -> LResult<(Src, bool)> {
        match o {
            Operand::Not(inner) => Ok((self.src(inner, Ty::Pred)?, true)),
            _ => Ok((self.src(o, Ty::Pred)?, false)),
        }
    }

    fn sym_value(&self, name: &str, off: i64) -> LResult<u64> {
        let base = match self.cx.sym(name, self.line)? {
            SymVal::Global(a) => a,
            SymVal::Shared(o) | SymVal::Local(o) | SymVal::Param(o) => o as u64,
            SymVal::Label(i) => i as u64,
            SymVal::Func => return err(self.line, format!("function address of {name} is not supported yet")),
        };
        Ok(base.wrapping_add(off as u64))
    }

    fn dst(&mut self, o: &Operand) -> LResult<Reg> {
        match o {
            Operand::Reg(name) => self.cx.reg(name, self.line),
            _ => err(self.line, format!("expected a register destination, found {o:?}")),
        }
    }

    fn addr(&mut self, o: &Operand) -> LResult<Addr> {
        let Operand::Address(base, off) = o else {
            return err(self.line, format!("expected an address operand, found {o:?}"));
        };
        Ok(match &**base {
            Operand::Reg(name) => Addr { base: Some(self.cx.reg(name, self.line)?), offset: *off },
            Operand::Sym(name, o2) => {
                let v = self.sym_value(name, *o2)?;
                Addr { base: None, offset: (v as i64).wrapping_add(*off) }
            }
            Operand::Imm(Immediate::Int(v)) => Addr { base: None, offset: v.wrapping_add(*off) },
            other => return err(self.line, format!("bad address base {other:?}")),
        })
    }

    fn operand_count(&self, ops: &[Operand], n: usize) -> LResult<()> {
        if ops.len() < n {
            return err(self.line, format!("expected {n} operands, found {}", ops.len()));
        }
        Ok(())
    }

    fn lower(&mut self, ins: &ptx::Instruction) -> LResult<Op> {
        let m = Mods::new(&ins.modifiers);
        let ops = &ins.operands;
        let line = self.line;
        let op = ins.opcode.as_str();
        macro_rules! need {
            ($n:expr) => {
                self.operand_count(ops, $n)?
            };
        }
        Ok(match op {
            "mov" => {
                need!(2);
                let ty = m.ty(line)?;
                match (&ops[0], &ops[1]) {
                    (Operand::Vector(ds), a) => {
                        let part_bits = ty.bits() / ds.len() as u32;
                        let a = self.src(a, ty)?;
                        let ds = ds
                            .iter()
                            .map(|d| if matches!(d, Operand::Sink) { Ok(None) } else { self.dst(d).map(Some) })
                            .collect::<LResult<_>>()?;
                        Op::Unpack { ds, a, part_bits }
                    }
                    (d, Operand::Vector(parts)) => {
                        let part_bits = ty.bits() / parts.len() as u32;
                        let d = self.dst(d)?;
                        let pty = int_ty(part_bits);
                        let parts = parts.iter().map(|p| self.src(p, pty)).collect::<LResult<_>>()?;
                        Op::Pack { d, parts, part_bits }
                    }
                    (d, a) => Op::Mov { d: self.dst(d)?, a: self.src(a, ty)? },
                }
            }
            "add" | "sub" | "addc" | "subc" => {
                need!(3);
                let ty = m.ty(line)?;
                let cc = m.has("cc");
                let bop = match (op, cc) {
                    ("add", false) => BinOp::Add,
                    ("sub", false) => BinOp::Sub,
                    ("add", true) => BinOp::AddCc,
                    ("sub", true) => BinOp::SubCc,
                    ("addc", false) => BinOp::AddC,
                    ("subc", false) => BinOp::SubC,
                    ("addc", true) => BinOp::AddCCc,
                    _ => BinOp::SubCCc,
                };
                self.bin(bop, ty, &m, ops)?
            }
            "mul" => {
                need!(3);
                let ty = m.ty(line)?;
                let bop = if ty.is_float() {
                    BinOp::MulLo
                } else if m.has("hi") {
                    BinOp::MulHi
                } else if m.has("wide") {
                    BinOp::MulWide
                } else {
                    BinOp::MulLo
                };
                self.bin(bop, ty, &m, ops)?
            }
            "mul24" => {
                need!(3);
                let bop = if m.has("hi") { BinOp::Mul24Hi } else { BinOp::Mul24Lo };
                self.bin(bop, m.ty(line)?, &m, ops)?
            }
            "div" | "rem" | "min" | "max" | "copysign" | "bmsk" => {
                need!(3);
                let bop = match op {
                    "div" => BinOp::Div,
                    "rem" => BinOp::Rem,
                    "min" => BinOp::Min,
                    "max" => BinOp::Max,
                    "bmsk" => BinOp::Bmsk,
                    _ => BinOp::Copysign,
                };
                self.bin(bop, m.ty(line)?, &m, ops)?
            }
            "and" | "or" | "xor" => {
                need!(3);
                let ty = m.ty(line)?;
                if ty == Ty::Pred {
                    let bop = match op {
                        "and" => BoolOp::And,
                        "or" => BoolOp::Or,
                        _ => BoolOp::Xor,
                    };
                    let d = self.dst(&ops[0])?;
                    let (a, na) = self.pred_src(&ops[1])?;
                    let (b, nb) = self.pred_src(&ops[2])?;
                    if na || nb {
                        return err(line, "negated operands of predicate logic are not supported");
                    }
                    Op::PredLogic { op: bop, d, a, b }
                } else {
                    let bop = match op {
                        "and" => BinOp::And,
                        "or" => BinOp::Or,
                        _ => BinOp::Xor,
                    };
                    self.bin(bop, ty, &m, ops)?
                }
            }
            "shl" | "shr" => {
                need!(3);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], Ty::U32)?;
                Op::Bin { op: if op == "shl" { BinOp::Shl } else { BinOp::Shr }, ty, f: FMods::default(), d, a, b }
            }
            "not" | "cnot" | "neg" | "abs" | "popc" | "clz" | "brev" | "bfind" | "sqrt" | "rcp" | "rsqrt" | "sin"
            | "cos" | "lg2" | "ex2" | "tanh" => {
                need!(2);
                let ty = m.ty(line)?;
                if ty == Ty::Pred && op == "not" {
                    let d = self.dst(&ops[0])?;
                    let a = self.src(&ops[1], ty)?;
                    return Ok(Op::PredNot { d, a });
                }
                let uop = match op {
                    "not" => UnOp::Not,
                    "cnot" => UnOp::Cnot,
                    "neg" => UnOp::Neg,
                    "abs" => UnOp::Abs,
                    "popc" => UnOp::Popc,
                    "clz" => UnOp::Clz,
                    "brev" => UnOp::Brev,
                    "bfind" if m.has("shiftamt") => UnOp::BfindShift,
                    "bfind" => UnOp::Bfind,
                    "sqrt" => UnOp::Sqrt,
                    "rcp" => UnOp::Rcp,
                    "rsqrt" => UnOp::Rsqrt,
                    "sin" => UnOp::Sin,
                    "cos" => UnOp::Cos,
                    "lg2" => UnOp::Lg2,
                    "ex2" => UnOp::Ex2,
                    _ => UnOp::Tanh,
                };
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                Op::Un { op: uop, ty, f: m.fmods(), d, a }
            }
            "mad" | "madc" | "fma" => {
                need!(4);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                if ty.is_float() {
                    let a = self.src(&ops[1], ty)?;
                    let b = self.src(&ops[2], ty)?;
                    let c = self.src(&ops[3], ty)?;
                    Op::Fma { ty, f: m.fmods(), d, a, b, c }
                } else {
                    let wide = m.has("wide");
                    let cty = if wide { widen(ty) } else { ty };
                    let a = self.src(&ops[1], ty)?;
                    let b = self.src(&ops[2], ty)?;
                    let c = self.src(&ops[3], cty)?;
                    // cc: bit 0 = writes CC.CF (.cc), bit 1 = reads it (madc).
                    let cc = (m.has("cc") as u8) | (((op == "madc") as u8) << 1);
                    Op::Mad { hi: m.has("hi"), wide, cc, ty, d, a, b, c }
                }
            }
            "mad24" | "sad" => {
                need!(4);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let c = self.src(&ops[3], ty)?;
                if op == "sad" {
                    Op::Sad { ty, d, a, b, c }
                } else {
                    Op::Mad24 { hi: m.has("hi"), ty, d, a, b, c }
                }
            }
            "setp" => {
                need!(3);
                let ty = m.ty(line)?;
                let cmp = m.cmp().ok_or_else(|| LowerError { line, message: "setp without comparison".into() })?;
                let (d, dn) = match &ops[0] {
                    Operand::PredPair(p, q) => (self.cx.reg(p, line)?, Some(self.cx.reg(q, line)?)),
                    o => (self.dst(o)?, None),
                };
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let comb = self.combiner(&m, ops, 3)?;
                Op::Setp { cmp, ty, ftz: m.has("ftz"), d, dn, a, b, comb }
            }
            "set" => {
                need!(3);
                let cmp = m.cmp().ok_or_else(|| LowerError { line, message: "set without comparison".into() })?;
                if m.types.len() < 2 {
                    return err(line, "set needs destination and source types");
                }
                let dty = ir_ty(m.types[0]);
                let ty = ir_ty(m.types[1]);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let comb = self.combiner(&m, ops, 3)?;
                Op::Set { cmp, ty, dty, ftz: m.has("ftz"), d, a, b, comb }
            }
            "selp" => {
                need!(4);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let c = self.src(&ops[3], Ty::Pred)?;
                Op::Selp { d, a, b, c }
            }
            "slct" => {
                need!(4);
                if m.types.len() < 2 {
                    return err(line, "slct needs two types");
                }
                let ty = ir_ty(m.types[0]);
                let cty = ir_ty(m.types[1]);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let c = self.src(&ops[3], cty)?;
                Op::Slct { ty, cty, ftz: m.has("ftz"), d, a, b, c }
            }
            "cvt" => {
                need!(2);
                if m.types.len() < 2 {
                    return err(line, "cvt needs destination and source types");
                }
                let dty = ir_ty(m.types[0]);
                let sty = ir_ty(m.types[1]);
                let int_round = m.all.iter().any(|x| matches!(x.as_str(), "rni" | "rzi" | "rmi" | "rpi"));
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], sty)?;
                Op::Cvt { dty, sty, round: m.round(), int_round, ftz: m.has("ftz"), sat: m.has("sat"), d, a }
            }
            "cvta" => {
                need!(2);
                let to_generic = !m.has("to");
                let space = m.space();
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U64)?;
                Op::Cvta { space, to_generic, d, a }
            }
            "isspacep" => {
                need!(2);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U64)?;
                Op::IsSpace { space: m.space(), d, a }
            }
            "bfe" => {
                need!(4);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                Op::Bfe { ty, d, a, b, c }
            }
            "bfi" => {
                need!(5);
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let f = self.src(&ops[1], ty)?;
                let b = self.src(&ops[2], ty)?;
                let c = self.src(&ops[3], Ty::U32)?;
                let e = self.src(&ops[4], Ty::U32)?;
                Op::Bfi { ty, d, f, b, c, e }
            }
            "prmt" => {
                need!(4);
                if m.all.iter().any(|x| matches!(x.as_str(), "f4e" | "b4e" | "rc8" | "ecl" | "ecr" | "rc16")) {
                    return Ok(Op::Unsupported(format!("prmt mode {}", m.all.join("."))));
                }
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                Op::Prmt { d, a, b, c }
            }
            "lop3" => {
                need!(5);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                let lut = match &ops[4] {
                    Operand::Imm(Immediate::Int(v)) => *v as u8,
                    _ => return err(line, "lop3 needs an immediate lookup table"),
                };
                Op::Lop3 { d, a, b, c, lut }
            }
            "shf" => {
                need!(4);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                Op::Shf { left: m.has("l"), wrap: m.has("wrap"), d, a, b, c }
            }
            "testp" => {
                need!(2);
                let class = ["finite", "infinite", "number", "notanumber", "normal", "subnormal"]
                    .iter()
                    .position(|c| m.has(c))
                    .ok_or_else(|| LowerError { line, message: "testp without class".into() })?
                    as u8;
                let ty = m.ty(line)?;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                Op::Testp { class, ty, d, a }
            }
            "ld" | "ldu" => {
                need!(2);
                let ty = m.ty(line)?;
                let space = m.space();
                let ds = match &ops[0] {
                    Operand::Vector(v) => v.iter().map(|o| self.dst(o)).collect::<LResult<Vec<_>>>()?,
                    o => vec![self.dst(o)?],
                };
                if ds.len() != m.vec_len() {
                    return err(line, "vector length does not match the destination list");
                }
                let addr = self.addr(&ops[1])?;
                Op::Ld { space, ty, ds, addr }
            }
            "st" => {
                need!(2);
                let ty = m.ty(line)?;
                let space = m.space();
                let addr = self.addr(&ops[0])?;
                let srcs = match &ops[1] {
                    Operand::Vector(v) => v.iter().map(|o| self.src(o, ty)).collect::<LResult<Vec<_>>>()?,
                    o => vec![self.src(o, ty)?],
                };
                if srcs.len() != m.vec_len() {
                    return err(line, "vector length does not match the source list");
                }
                Op::St { space, ty, srcs, addr }
            }
            "atom" | "red" => {
                let ty = m.ty(line)?;
                if matches!(ty, Ty::F16 | Ty::BF16 | Ty::F16x2 | Ty::BF16x2) || m.vec_len() > 1 {
                    return Ok(Op::Unsupported(format!("{op}.{}", m.all.join("."))));
                }
                let aop = [
                    ("add", AtomOp::Add),
                    ("min", AtomOp::Min),
                    ("max", AtomOp::Max),
                    ("and", AtomOp::And),
                    ("or", AtomOp::Or),
                    ("xor", AtomOp::Xor),
                    ("exch", AtomOp::Exch),
                    ("cas", AtomOp::Cas),
                    ("inc", AtomOp::Inc),
                    ("dec", AtomOp::Dec),
                ]
                .iter()
                .find(|(n, _)| m.has(n))
                .map(|x| x.1)
                .ok_or_else(|| LowerError { line, message: format!("{op} without operation") })?;
                let (d, rest) = if op == "atom" {
                    need!(3);
                    (Some(self.dst(&ops[0])?), &ops[1..])
                } else {
                    need!(2);
                    (None, &ops[..])
                };
                let addr = self.addr(&rest[0])?;
                let b = self.src(&rest[1], ty)?;
                let c = if aop == AtomOp::Cas {
                    match rest.get(2) {
                        Some(o) => self.src(o, ty)?,
                        None => return err(line, "atom.cas needs three sources"),
                    }
                } else {
                    Src::Imm(0)
                };
                Op::Atom { space: m.space(), op: aop, ty, d, addr, b, c }
            }
            "bra" => {
                need!(1);
                let target = match &ops[0] {
                    Operand::Sym(name, 0) => match self.cx.sym(name, line)? {
                        SymVal::Label(i) => i,
                        _ => return err(line, format!("{name} is not a label")),
                    },
                    o => return err(line, format!("bad branch target {o:?}")),
                };
                Op::Bra { target, reconv: u32::MAX }
            }
            "bar" | "barrier" => {
                if m.has("warp") {
                    // bar.warp.sync: lanes of a warp run in lock-step here.
                    return Ok(Op::Nop);
                }
                let red = m.has("red");
                let id = match ops.first() {
                    Some(o) => self.src(o, Ty::U32)?,
                    None => Src::Imm(0),
                };
                if red {
                    need!(3);
                    let rop = ["popc", "and", "or"].iter().position(|x| m.has(x)).unwrap_or(0) as u8;
                    let d = self.dst(&ops[0])?;
                    let idx = ops.len() - 1;
                    let id = self.src(&ops[1], Ty::U32)?;
                    let (p, negate) = self.pred_src(&ops[idx])?;
                    return Ok(Op::BarRed { id, op: rop, d, p, negate });
                }
                let count = match ops.get(1) {
                    Some(o) => Some(self.src(o, Ty::U32)?),
                    None => None,
                };
                Op::Bar { id, count, arrive: m.has("arrive") }
            }
            "shfl" => {
                need!(4);
                let mode = if m.has("up") {
                    ShflMode::Up
                } else if m.has("down") {
                    ShflMode::Down
                } else if m.has("bfly") {
                    ShflMode::Bfly
                } else {
                    ShflMode::Idx
                };
                let (d, dp) = match &ops[0] {
                    Operand::PredPair(p, q) => (self.cx.reg(p, line)?, Some(self.cx.reg(q, line)?)),
                    o => (self.dst(o)?, None),
                };
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                Op::Shfl { mode, d, dp, a, b, c }
            }
            "vote" => {
                need!(2);
                let mode = if m.has("all") {
                    VoteMode::All
                } else if m.has("any") {
                    VoteMode::Any
                } else if m.has("uni") {
                    VoteMode::Uni
                } else {
                    VoteMode::Ballot
                };
                let d = self.dst(&ops[0])?;
                let (a, negate) = self.pred_src(&ops[1])?;
                Op::Vote { mode, d, a, negate }
            }
            "activemask" => {
                need!(1);
                Op::Activemask { d: self.dst(&ops[0])? }
            }
            "membar" | "fence" | "prefetch" | "prefetchu" | "nanosleep" | "pmevent" => Op::Nop,
            "exit" => Op::Exit,
            "ret" => Op::Ret,
            "trap" => Op::Trap,
            _ if KNOWN_OPCODES.contains(&op) => {
                Op::Unsupported(if m.all.is_empty() { op.to_string() } else { format!("{op}.{}", m.all.join(".")) })
            }
            _ => return err(line, format!("unknown instruction '{op}'")),
        })
    }

    fn combiner(&mut self, m: &Mods, ops: &[Operand], idx: usize) -> LResult<Option<(BoolOp, Src, bool)>> {
        match (m.boolop(), ops.get(idx)) {
            (Some(b), Some(o)) => {
                let (c, neg) = self.pred_src(o)?;
                Ok(Some((b, c, neg)))
            }
            (None, None) => Ok(None),
            _ => err(self.line, "comparison combiner and operand must come together"),
        }
    }

    fn bin(&mut self, bop: BinOp, ty: Ty, m: &Mods, ops: &[Operand]) -> LResult<Op> {
        let d = self.dst(&ops[0])?;
        let a = self.src(&ops[1], ty)?;
        let b = self.src(&ops[2], ty)?;
        Ok(Op::Bin { op: bop, ty, f: m.fmods(), d, a, b })
    }
}

/// Every instruction name of the PTX ISA (9.x, chapter 9). A name outside
/// this list is a syntax error (`CUDA_ERROR_INVALID_PTX`); a listed one the
/// emulator does not run yet loads and faults only when executed.
const KNOWN_OPCODES: &[&str] = &[
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

fn int_ty(bits: u32) -> Ty {
    match bits {
        8 => Ty::U8,
        16 => Ty::U16,
        32 => Ty::U32,
        _ => Ty::U64,
    }
}

fn widen(t: Ty) -> Ty {
    match t {
        Ty::U16 => Ty::U32,
        Ty::S16 => Ty::S32,
        Ty::U32 => Ty::U64,
        Ty::S32 => Ty::S64,
        other => other,
    }
}

/// Flattens nested blocks into one list (register names in nvcc output are
/// unique per function, so scopes need not be kept).
fn flatten<'s>(stmts: &'s [Statement], out: &mut Vec<&'s Statement>) {
    for s in stmts {
        match s {
            Statement::Block(inner) => flatten(inner, out),
            other => out.push(other),
        }
    }
}

fn align_up(v: u32, a: u32) -> u32 {
    let a = a.max(1);
    v.div_ceil(a).saturating_mul(a)
}

/// Byte size of a variable declaration (element × vector × array dims).
pub(crate) fn var_size(d: &ptx::VarDecl) -> u64 {
    let mut n = d.ty.size() as u64 * d.vector.unwrap_or(1) as u64;
    for dim in &d.array {
        n = n.saturating_mul(dim.unwrap_or(0));
    }
    n
}

/// Lowers one `.entry` into a kernel.
pub fn lower_kernel(f: &ptx::Function, module: &ModuleLayout) -> LResult<Kernel> {
    let Some(body) = &f.body else {
        return err(f.span.line, format!("kernel {} has no body", f.name));
    };
    let signature = ptx::signature(f);
    let mut cx = FnCtx { regs: HashMap::new(), ranges: HashMap::new(), syms: HashMap::new(), module, nregs: 0 };
    for p in &signature.params {
        cx.syms.insert(p.name.clone(), SymVal::Param(p.offset));
    }
    let mut flat = Vec::new();
    flatten(body, &mut flat);

    // Pass 1: declarations, labels, and the layout of shared and local memory.
    let mut shared_size = module.shared_size;
    let mut local_size = 0u32;
    let mut n_inst = 0u32;
    let mut dynamic: Vec<String> = module.dyn_shared.iter().cloned().collect();
    for s in &flat {
        match s {
            Statement::Decl(d) => match d.space {
                StateSpace::Reg => cx.declare_regs(d),
                StateSpace::Shared if d.array.first() == Some(&None) => {
                    dynamic.push(d.name.clone());
                }
                StateSpace::Shared => {
                    let off = align_up(shared_size, d.align.unwrap_or(d.ty.size()));
                    shared_size = off.saturating_add(var_size(d).min(u32::MAX as u64) as u32);
                    cx.syms.insert(d.name.clone(), SymVal::Shared(off));
                }
                StateSpace::Local => {
                    let off = align_up(local_size, d.align.unwrap_or(d.ty.size()));
                    local_size = off.saturating_add(var_size(d).min(u32::MAX as u64) as u32);
                    cx.syms.insert(d.name.clone(), SymVal::Local(off));
                }
                // `.param` in a body declares call arguments; calls are not lowered yet.
                _ => {}
            },
            Statement::Label(name, _) => {
                cx.syms.insert(name.clone(), SymVal::Label(n_inst));
            }
            Statement::Instr(_) => n_inst += 1,
            _ => {}
        }
    }
    // Dynamic shared memory (`.extern .shared … []`) starts after all static
    // shared variables, 16-byte aligned.
    let shared_size = align_up(shared_size, 16);
    for name in dynamic {
        cx.syms.insert(name, SymVal::Shared(shared_size));
    }

    // Pass 2: instructions.
    let mut code = Vec::with_capacity(n_inst as usize);
    for s in &flat {
        let Statement::Instr(ins) = s else { continue };
        let line = ins.span.line;
        let guard = match &ins.guard {
            Some((neg, name)) => Some((cx.reg(name, line)?, *neg)),
            None => None,
        };
        let op = if ins.opcode == "call" {
            Op::Unsupported("call (device function calls)".into())
        } else {
            InstLowering { cx: &mut cx, line }.lower(ins)?
        };
        code.push(Inst { op, guard, line });
    }
    if code.last().is_none_or(|i| !matches!(i.op, Op::Exit | Op::Ret | Op::Bra { .. } | Op::Trap) || i.guard.is_some())
    {
        // Falling off the end of a kernel behaves as `ret`.
        code.push(Inst { op: Op::Ret, guard: None, line: f.span.line });
    }
    cfg::set_reconvergence(&mut code);
    let max_threads = f.directives.iter().find_map(|d| match d {
        ptx::Directive::MaxNtid(v) | ptx::Directive::ReqNtid(v) => Some(v.iter().product()),
        _ => None,
    });
    Ok(Kernel {
        name: f.name.clone(),
        code,
        nregs: cx.nregs,
        shared_size,
        local_size: align_up(local_size, 16),
        signature,
        max_threads,
    })
}
