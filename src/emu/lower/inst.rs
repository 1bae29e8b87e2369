//! Lowering of one instruction: opcode and modifiers → an IR operation
//! (PTX ISA chapter 9, instruction by instruction).

use super::mods::*;
use super::{err, FnCtx, LResult, LowerError, SymVal};
use crate::emu::ir::*;
use crate::ptx::{self, Immediate, Operand};

pub(super) struct InstLowering<'c, 'm> {
    pub(super) cx: &'c mut FnCtx<'m>,
    pub(super) line: u32,
}

impl InstLowering<'_, '_> {
    fn src(&mut self, o: &Operand, ty: Ty) -> LResult<Src> {
        Ok(match o {
            Operand::Reg(name) => match special(name) {
                Some(s) => {
                    if matches!(s, Special::Reserved(_) | Special::ReservedCap) {
                        self.cx.uses_reserved_smem = true;
                    }
                    Src::Special(s)
                }
                None => Src::Reg(self.cx.reg(name, self.line)?),
            },
            Operand::Imm(i) => Src::Imm(imm_bits(*i, ty)),
            Operand::Sym(name, 0) if self.cx.is_reg(name) => Src::Reg(self.cx.reg(name, self.line)?),
            Operand::Sym(name, off) => match self.cx.sym(name, self.line)? {
                SymVal::Local(o) => Src::Local(o.wrapping_add(*off as u32)),
                _ => Src::Imm(self.sym_value(name, *off)?),
            },
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
            SymVal::Shared(o) | SymVal::Local(o) | SymVal::Param(o) | SymVal::Frame(o, _) => o as u64,
            SymVal::Label(i) => i as u64,
            SymVal::Func(i) => FUNC_BASE + 16 * i as u64,
            SymVal::Builtin(_) => return err(self.line, format!("the address of {name} cannot be taken")),
        };
        Ok(base.wrapping_add(off as u64))
    }

    fn dst(&mut self, o: &Operand) -> LResult<Reg> {
        match o {
            Operand::Reg(name) => self.cx.reg(name, self.line),
            Operand::Sym(name, 0) if self.cx.is_reg(name) => self.cx.reg(name, self.line),
            _ => err(self.line, format!("expected a register destination, found {o:?}")),
        }
    }

    fn addr(&mut self, o: &Operand) -> LResult<Addr> {
        Ok(self.addr_in(o, Space::Generic)?.0)
    }

    /// An address operand and the space it really lives in: a `.param`
    /// access naming a frame parameter (function parameters, call arguments)
    /// goes to the per-thread frame, not the kernel's parameter buffer.
    fn addr_in(&mut self, o: &Operand, space: Space) -> LResult<(Addr, Space)> {
        let Operand::Address(base, off) = o else {
            return err(self.line, format!("expected an address operand, found {o:?}"));
        };
        Ok(match &**base {
            Operand::Reg(name) | Operand::Sym(name, 0)
                if matches!(&**base, Operand::Reg(_)) || self.cx.is_reg(name) =>
            {
                // In a kernel, `mov.u64 %rd, param` yields the parameter's
                // offset in the launch's parameter buffer (what `ld.param
                // [%rd+off]` then indexes, e.g. an array in a struct passed
                // by value). A `.func`'s own `.param` frame is addressed by
                // name only.
                if space == Space::Param && !self.cx.entry {
                    return err(self.line, "register-based .param addresses in a .func are not supported");
                }
                (Addr { base: Some(self.cx.reg(name, self.line)?), offset: *off, local_frame: false }, space)
            }
            Operand::Sym(name, o2) => {
                let sv = self.cx.sym(name, self.line)?;
                let v = self.sym_value(name, *o2)?;
                let local_frame = matches!(sv, SymVal::Local(_));
                let space = match (space, sv) {
                    (Space::Param | Space::Generic, SymVal::Frame(..)) => Space::Frame,
                    (s, _) => s,
                };
                (Addr { base: None, offset: (v as i64).wrapping_add(*off), local_frame }, space)
            }
            Operand::Imm(Immediate::Int(v)) => {
                (Addr { base: None, offset: v.wrapping_add(*off), local_frame: false }, space)
            }
            other => return err(self.line, format!("bad address base {other:?}")),
        })
    }

    /// A call's argument or return list: frame `.param` slots by name.
    fn param_slots(&mut self, o: &Operand) -> LResult<Vec<(u32, u32)>> {
        let Operand::List(items) = o else { return err(self.line, format!("expected a parameter list, found {o:?}")) };
        items
            .iter()
            .map(|it| match it {
                Operand::Sym(name, 0) => match self.cx.sym(name, self.line)? {
                    SymVal::Frame(off, size) => Ok((off, size)),
                    _ => err(self.line, format!("call argument {name} is not a .param variable")),
                },
                other => err(self.line, format!("unsupported call argument {other:?}")),
            })
            .collect()
    }

    /// `call{.uni} [(rets),] target, [(args)][, prototype];` (PTX ISA §9.7.12.4).
    fn call(&mut self, ops: &[Operand]) -> LResult<Op> {
        let mut i = 0;
        let rets = match ops.first() {
            Some(o @ Operand::List(_)) => {
                i = 1;
                self.param_slots(o)?
            }
            _ => Vec::new(),
        };
        let Some(t) = ops.get(i) else { return err(self.line, "call without a target") };
        let args = match ops.get(i + 1) {
            Some(o @ Operand::List(_)) => self.param_slots(o)?,
            _ => Vec::new(),
        };
        let target = match t {
            Operand::Sym(name, 0) => match self.cx.sym(name, self.line)? {
                SymVal::Func(f) => CallTarget::Direct(f),
                SymVal::Builtin(f) => {
                    return Ok(Op::Builtin { f, args, ret: rets.first().copied() });
                }
                _ => return err(self.line, format!("{name} is not a function")),
            },
            Operand::Reg(_) => CallTarget::Indirect(self.src(t, Ty::U64)?),
            other => return err(self.line, format!("bad call target {other:?}")),
        };
        Ok(Op::Call { target, args, rets })
    }

    fn operand_count(&self, ops: &[Operand], n: usize) -> LResult<()> {
        if ops.len() < n {
            return err(self.line, format!("expected {n} operands, found {}", ops.len()));
        }
        Ok(())
    }

    pub(super) fn lower(&mut self, ins: &ptx::Instruction) -> LResult<Op> {
        let m = Mods::new(&ins.modifiers);
        let ops = &ins.operands;
        let line = self.line;
        let op = ins.opcode.as_str();
        macro_rules! need {
            ($n:expr) => {
                self.operand_count(ops, $n)?
            };
        }
        // Distinct instructions that share a base opcode with ones we run:
        // asynchronous/bulk stores and reductions, cluster barriers.
        if (matches!(op, "st" | "red") && (m.has("async") || m.has("bulk")))
            || (op == "barrier" && m.has("cluster"))
            || (op == "ld" && m.has("bulk"))
        {
            return Ok(Op::Unsupported(format!("{op}.{}", m.all.join("."))));
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
                    Op::PredLogic { op: bop, d, a, b, na, nb }
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
                    if m.has("sat") {
                        // mad.hi.sat.s32: the sum saturates to the s32 range.
                        return Ok(Op::MadSat { hi24: false, d, a, b, c });
                    }
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
                } else if m.has("sat") {
                    Op::MadSat { hi24: true, d, a, b, c }
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
                // `selp d, a, b, !c` is `selp d, b, a, c`.
                let (c, neg) = self.pred_src(&ops[3])?;
                if neg {
                    Op::Selp { d, a: b, b: a, c }
                } else {
                    Op::Selp { d, a, b, c }
                }
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
                let fp8 = |n: &str| {
                    if n.starts_with("e4m3") {
                        Some(true)
                    } else if n.starts_with("e5m2") {
                        Some(false)
                    } else {
                        None
                    }
                };
                if let Some(e4m3) = m.all.iter().find_map(|x| fp8(x)) {
                    // cvt with fp8 pairs (sm_89+): to fp8 from two f32 or one f16x2,
                    // or from fp8 to f16x2.
                    let to_fp8 = m.all.iter().position(|x| fp8(x).is_some())
                        < m.all.iter().position(|x| x == "f32" || x == "f16x2");
                    let d = self.dst(&ops[0])?;
                    let a = self.src(&ops[1], Ty::U32)?;
                    let b = match ops.get(2) {
                        Some(o) => Some(self.src(o, Ty::F32)?),
                        None => None,
                    };
                    return Ok(Op::CvtFp8 { e4m3, to_fp8, relu: m.has("relu"), d, a, b });
                }
                if m.types.len() < 2 {
                    return err(line, "cvt needs destination and source types");
                }
                if m.has("pack") {
                    // cvt.pack.sat.{s16,u16,s8,u8,s4,u4}.s32{.b32}
                    need!(3);
                    let Some((bits, signed)) = [
                        ("s16", 16, true),
                        ("u16", 16, false),
                        ("s8", 8, true),
                        ("u8", 8, false),
                        ("s4", 4, true),
                        ("u4", 4, false),
                    ]
                    .iter()
                    .find(|(n, _, _)| m.all.get(2).is_some_and(|x| x == n))
                    .map(|&(_, b, s)| (b, s)) else {
                        return err(line, "cvt.pack needs a .s16/.u16/.s8/.u8/.s4/.u4 destination type");
                    };
                    let d = self.dst(&ops[0])?;
                    let a = self.src(&ops[1], Ty::S32)?;
                    let b = self.src(&ops[2], Ty::S32)?;
                    let c = match ops.get(3) {
                        Some(o) => Some(self.src(o, Ty::U32)?),
                        None => None,
                    };
                    return Ok(Op::CvtPackInt { bits, signed, d, a, b, c });
                }
                if m.types[0] == crate::ptx::ScalarType::TF32 {
                    // cvt.rna{.satfinite}.tf32.f32: f32 rounded to a 10-bit mantissa.
                    let d = self.dst(&ops[0])?;
                    let a = self.src(&ops[1], Ty::F32)?;
                    return Ok(Op::CvtTf32 { round: m.round(), satfinite: m.has("satfinite"), d, a });
                }
                let dty = ir_ty(m.types[0]);
                let sty = ir_ty(m.types[1]);
                let int_round = m.all.iter().any(|x| matches!(x.as_str(), "rni" | "rzi" | "rmi" | "rpi"));
                let d = self.dst(&ops[0])?;
                if matches!(dty, Ty::F16x2 | Ty::BF16x2) {
                    need!(3);
                    let a = self.src(&ops[1], sty)?;
                    let b = self.src(&ops[2], sty)?;
                    return Ok(Op::CvtPack { dty, f: m.fmods(), d, a, b });
                }
                let a = self.src(&ops[1], sty)?;
                if m.has("relu") {
                    // cvt.rn.relu.{f16,bf16}.f32: negatives and -0 become +0.
                    return Ok(Op::CvtRelu { dty, sty, round: m.round(), d, a });
                }
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
                Op::IsSpace { space: if m.has("const") { Space::Const } else { m.space() }, d, a }
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
                let mode = ["f4e", "b4e", "rc8", "ecl", "ecr", "rc16"]
                    .iter()
                    .position(|x| m.has(x))
                    .map_or(0, |i| i as u8 + 1);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                Op::Prmt { mode, d, a, b, c }
            }
            "brx" => {
                need!(2);
                let idx = self.src(&ops[0], Ty::U32)?;
                let Operand::Sym(table, 0) = &ops[1] else { return err(line, "brx.idx needs a .branchtargets label") };
                let Some(labels) = self.cx.branch_tables.get(table).cloned() else {
                    return err(line, format!("{table} is not a .branchtargets list"));
                };
                let targets = labels
                    .iter()
                    .map(|l| match self.cx.sym(l, line)? {
                        SymVal::Label(i) => Ok(i),
                        _ => err(line, format!("{l} is not a label")),
                    })
                    .collect::<LResult<Vec<_>>>()?;
                Op::Brx { idx, targets, reconv: u32::MAX }
            }
            "match" => {
                need!(3);
                let ty = m.ty(line)?;
                let (d, dp) = match &ops[0] {
                    Operand::PredPair(p, q) => (self.cx.reg(p, line)?, Some(self.cx.reg(q, line)?)),
                    o => (self.dst(o)?, None),
                };
                let a = self.src(&ops[1], ty)?;
                let mask = self.src(&ops[2], Ty::U32)?;
                Op::Match { all: m.has("all"), d, dp, a, mask }
            }
            "redux" => {
                need!(3);
                let ty = m.ty(line)?;
                if ty.is_float() {
                    return Ok(Op::Unsupported(format!("redux.{}", m.all.join("."))));
                }
                let rop = ["add", "min", "max", "and", "or", "xor"].iter().position(|x| m.has(x)).unwrap_or(0) as u8;
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], ty)?;
                let mask = self.src(&ops[2], Ty::U32)?;
                Op::Redux { op: rop, ty, d, a, mask }
            }
            "elect" => {
                need!(2);
                let (d, p) = match &ops[0] {
                    Operand::PredPair(d, p) => {
                        let d = if d == "_" { None } else { Some(self.cx.reg(d, line)?) };
                        (d, Some(self.cx.reg(p, line)?))
                    }
                    Operand::Sink => (None, None),
                    o => (Some(self.dst(o)?), None),
                };
                let mask = self.src(&ops[1], Ty::U32)?;
                Op::Elect { d, p, mask }
            }
            "dp4a" | "dp2a" => {
                need!(4);
                if m.types.len() < 2 {
                    return err(line, format!("{op} needs two types"));
                }
                let (sa, sb) = (ir_ty(m.types[0]).is_signed(), ir_ty(m.types[1]).is_signed());
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                let c = self.src(&ops[3], Ty::U32)?;
                if op == "dp4a" {
                    Op::Dp4a { sa, sb, d, a, b, c }
                } else {
                    Op::Dp2a { hi: m.has("hi"), sa, sb, d, a, b, c }
                }
            }
            "szext" => {
                need!(3);
                let d = self.dst(&ops[0])?;
                let a = self.src(&ops[1], Ty::U32)?;
                let b = self.src(&ops[2], Ty::U32)?;
                Op::Szext { signed: m.ty(line)?.is_signed(), clamp: m.has("clamp"), d, a, b }
            }
            "fns" => {
                need!(4);
                let d = self.dst(&ops[0])?;
                let mask = self.src(&ops[1], Ty::U32)?;
                let base = self.src(&ops[2], Ty::U32)?;
                let offset = self.src(&ops[3], Ty::U32)?;
                Op::Fns { d, mask, base, offset }
            }
            "mbarrier" => {
                let kind = match m.all.first().map(String::as_str) {
                    Some("init") => MbarKind::Init,
                    Some("arrive") => MbarKind::Arrive { drop: false, expect_tx: m.has("expect_tx") },
                    Some("arrive_drop") => MbarKind::Arrive { drop: true, expect_tx: m.has("expect_tx") },
                    Some("expect_tx") => MbarKind::ExpectTx,
                    Some("complete_tx") => MbarKind::CompleteTx,
                    Some("test_wait" | "try_wait") => MbarKind::Wait { parity: m.has("parity") },
                    Some("inval") => MbarKind::Inval,
                    Some("pending_count") => MbarKind::PendingCount,
                    _ => return Ok(Op::Unsupported(format!("mbarrier.{}", m.all.join(".")))),
                };
                let dest = |s: &mut Self, o: &Operand| -> LResult<Option<Reg>> {
                    match o {
                        Operand::Sink => Ok(None),
                        o => s.dst(o).map(Some),
                    }
                };
                let (d, addr, a) = match kind {
                    MbarKind::Init | MbarKind::ExpectTx | MbarKind::CompleteTx | MbarKind::Inval => {
                        need!(1);
                        let a = match ops.get(1) {
                            Some(o) => Some(self.src(o, Ty::U32)?),
                            None => None,
                        };
                        (None, self.addr(&ops[0])?, a)
                    }
                    MbarKind::PendingCount => {
                        need!(2);
                        let d = self.dst(&ops[0])?;
                        let a = self.src(&ops[1], Ty::U64)?;
                        return Ok(Op::Mbarrier {
                            kind,
                            d: Some(d),
                            addr: Addr { base: None, offset: 0, local_frame: false },
                            space: Space::Shared,
                            a: Some(a),
                        });
                    }
                    _ => {
                        need!(2);
                        let d = dest(self, &ops[0])?;
                        let a = match ops.get(2) {
                            Some(o) => Some(self.src(o, Ty::U64)?),
                            None => None,
                        };
                        (d, self.addr(&ops[1])?, a)
                    }
                };
                Op::Mbarrier { kind, d, addr, space: m.space(), a }
            }
            "cp" if m.all.first().map(String::as_str) == Some("async")
                && m.all.get(1).is_some_and(|x| x == "mbarrier") =>
            {
                need!(1);
                Op::Mbarrier {
                    kind: MbarKind::CpAsyncArrive { noinc: m.has("noinc") },
                    d: None,
                    addr: self.addr(&ops[0])?,
                    space: m.space(),
                    a: None,
                }
            }
            "cp" if m.all.first().map(String::as_str) == Some("async") && m.all.get(1).is_some_and(|x| x == "bulk") => {
                // cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [dst], [src], size, [mbar]
                let tensor = m.all.iter().any(|x| x == "tensor" || x.starts_with("prefetch"));
                if m.has("commit_group") || m.has("wait_group") {
                    return Ok(Op::Nop);
                }
                let to_shared = m.all.get(2).is_some_and(|x| x.starts_with("shared"))
                    && m.all.get(3).is_some_and(|x| x == "global");
                if tensor || !to_shared || ops.len() < 4 {
                    return Ok(Op::Unsupported(format!("cp.{}", m.all.join("."))));
                }
                let dst = self.addr(&ops[0])?;
                let src = self.addr(&ops[1])?;
                let size = self.src(&ops[2], Ty::U32)?;
                let mbar = self.addr(&ops[3])?;
                Op::BulkCopy { dst, src, size, mbar }
            }
            "cp" if m.all.first().map(String::as_str) == Some("async") => {
                // cp.async.{ca,cg}.shared{::cta}.global [dst], [src], size{, src-size}{, policy}
                let is_copy =
                    m.all.get(1).is_some_and(|x| x == "ca" || x == "cg") && m.all.len() >= 4 && !m.has("bulk");
                if !is_copy {
                    if matches!(m.all.get(1).map(String::as_str), Some("commit_group" | "wait_group" | "wait_all")) {
                        return Ok(Op::Nop);
                    }
                    return Ok(Op::Unsupported(format!("cp.{}", m.all.join("."))));
                }
                need!(3);
                let dst = self.addr(&ops[0])?;
                let src = self.addr(&ops[1])?;
                let size = match &ops[2] {
                    Operand::Imm(Immediate::Int(v)) if matches!(v, 4 | 8 | 16) => *v as u32,
                    _ => return err(line, "cp.async size must be 4, 8 or 16"),
                };
                let src_size = match ops.get(3) {
                    Some(o @ (Operand::Imm(_) | Operand::Reg(_))) if !m.has("L2::cache_hint") || ops.len() > 4 => {
                        Some(self.src(o, Ty::U32)?)
                    }
                    _ => None,
                };
                Op::CpAsync { dst, src, size, src_size }
            }
            "createpolicy" => {
                need!(1);
                Op::Mov { d: self.dst(&ops[0])?, a: Src::Imm(0) }
            }
            "applypriority" | "discard" | "griddepcontrol" | "setmaxnreg" => Op::Nop,
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
                let (addr, space) = self.addr_in(&ops[1], space)?;
                Op::Ld { space, ty, ds, addr }
            }
            "st" => {
                need!(2);
                let ty = m.ty(line)?;
                let (addr, space) = self.addr_in(&ops[0], m.space())?;
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
                let half = matches!(ty, Ty::F16 | Ty::BF16 | Ty::F16x2 | Ty::BF16x2);
                if m.vec_len() > 1 && m.has("add") && (ty.is_float()) {
                    // atom.add.v2/.v4.f32 (sm_90): one atomic per element.
                    let (ds, rest) = match (op, &ops[..]) {
                        ("atom", [Operand::Vector(ds), rest @ ..]) => {
                            (ds.iter().map(|o| self.dst(o)).collect::<LResult<Vec<_>>>()?, rest)
                        }
                        _ => return Ok(Op::Unsupported(format!("{op}.{}", m.all.join(".")))),
                    };
                    let (Some(a), Some(Operand::Vector(bs))) = (rest.first(), rest.get(1)) else {
                        return err(line, "vector atom needs an address and a vector source");
                    };
                    let addr = self.addr(a)?;
                    let bs = bs.iter().map(|o| self.src(o, ty)).collect::<LResult<Vec<_>>>()?;
                    return Ok(Op::AtomAddVec { space: m.space(), ty, ds, addr, bs });
                }
                if (half && !m.has("add")) || m.vec_len() > 1 {
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
                // The non-.sync form has no member mask: the whole warp.
                let members = match ops.get(2) {
                    Some(o) => self.src(o, Ty::U32)?,
                    None => Src::Imm(u32::MAX as u64),
                };
                Op::Vote { mode, d, a, negate, members }
            }
            "activemask" => {
                need!(1);
                Op::Activemask { d: self.dst(&ops[0])? }
            }
            "membar" | "fence" | "prefetch" | "prefetchu" | "nanosleep" | "pmevent" => Op::Nop,
            "call" => self.call(ops)?,
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
        let mut f = m.fmods();
        if bop == BinOp::Bmsk {
            f.sat = m.has("clamp");
        }
        Ok(Op::Bin { op: bop, ty, f, d, a, b })
    }
}
