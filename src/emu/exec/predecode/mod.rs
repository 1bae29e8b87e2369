//! Pre-decoded instructions: the instructions kernels run most, resolved
//! once per module (at lowering) into a handler function with its operation,
//! types and operand kinds fixed, so that running one costs a table load and
//! an indirect call instead of `Warp::step`'s nested matches.
//!
//! `Warp::run` runs a stretch of consecutive pre-decoded instructions in a
//! tight loop that keeps the program counter and active mask in locals and
//! takes uniform branches itself; anything else (divergent branches,
//! barriers, calls, atomics, every operation not listed here, and any memory
//! access the fast path cannot serve) goes back to `Warp::step`, which stays
//! the reference semantics: every handler (`handlers.rs`) computes with the same `alu`
//! and `convert` functions as `step` does (docs/PERF_NOTES.md, #11).
//!
//! `SOFTCUDA_PREDECODE=0` turns pre-decoding off (every instruction through
//! `step`), for comparing the two paths.

mod handlers;

use super::fast;
use super::{Cta, Warp};
use crate::emu::ir::*;
use handlers::*;

/// A source operand the handlers read: a register slot or an immediate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum O {
    R(Reg),
    I(u64),
}

/// Operands and the modifiers a handler does not fix at compile time.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    /// Destination register(s): `d[0]`, and for vector loads up to four.
    pub d: [Reg; 4],
    /// Number of destinations or sources of a vector access.
    pub n: u8,
    pub a: O,
    pub b: O,
    pub c: O,
    pub addr: Addr,
    pub ty: Ty,
    pub f: FMods,
    /// `cvt`: source type, rounding, integer rounding, `.ftz`, `.sat`;
    /// predicate logic: operand negations in `neg`.
    pub sty: Ty,
    pub round: Round,
    pub int_round: bool,
    pub sat: bool,
    pub neg: [bool; 2],
    /// `cvta`: the state space and the direction.
    pub space: Space,
    pub to_generic: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            d: [0; 4],
            n: 1,
            a: O::I(0),
            b: O::I(0),
            c: O::I(0),
            addr: Addr { base: None, offset: 0, local_frame: false },
            ty: Ty::U32,
            f: FMods::default(),
            sty: Ty::U32,
            round: Round::Rn,
            int_round: false,
            sat: false,
            neg: [false; 2],
            space: Space::Global,
            to_generic: false,
        }
    }
}

/// Runs one pre-decoded instruction for the lanes in `mask`. False: the
/// fast path could not serve it (a memory access it does not handle) and
/// nothing visible was changed; the caller runs it through `Warp::step`.
pub type Handler = fn(&mut Warp, &Args, u32, &mut Cta<'_>) -> bool;

/// One instruction of [`Program::pre`](crate::emu::ir::Program::pre).
#[derive(Clone, Copy, Debug)]
pub enum Pre {
    /// Not pre-decoded: `Warp::step` runs it.
    Slow,
    Run {
        h: Handler,
        guard: Option<(Reg, bool)>,
        args: Args,
    },
    /// `bra`: taken in the fast loop when every active lane agrees.
    Bra {
        target: u32,
        guard: Option<(Reg, bool)>,
    },
}

/// Pre-decodes a program's instructions (index for index), and says
/// whether the table holds the x86-64-v3 handler set.
pub fn predecode(code: &[Inst]) -> (Vec<Pre>, bool) {
    let mode = std::env::var("SOFTCUDA_PREDECODE").unwrap_or_default();
    if mode == "0" {
        return (vec![Pre::Slow; code.len()], false);
    }
    if mode != "base" && x86_64_v3() {
        (code.iter().map(decode::<V3>).collect(), true)
    } else {
        (code.iter().map(decode::<Base>).collect(), false)
    }
}

impl Warp {
    /// Runs pre-decoded instructions from `pc` with the active lanes
    /// `active` until the reconvergence point `rpc`, an instruction that is
    /// not pre-decoded, or one whose handler declines. Returns the next pc
    /// and whether `step` must run the instruction there.
    #[inline(never)]
    pub(super) fn run_fast(
        &mut self,
        pre: &[Pre],
        pc: u32,
        rpc: u32,
        active: u32,
        fast_bra: bool,
        cta: &mut Cta,
    ) -> (u32, bool) {
        self.run_fast_body(pre, pc, rpc, active, fast_bra, cta)
    }

    /// [`Warp::run_fast`] compiled for x86-64-v3 (the loop's mask
    /// arithmetic uses its POPCNT and vector instructions).
    ///
    /// # Safety
    /// The CPU must have the features of `predecode::run_v3`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
    #[inline(never)]
    pub(super) unsafe fn run_fast_v3(
        &mut self,
        pre: &[Pre],
        pc: u32,
        rpc: u32,
        active: u32,
        fast_bra: bool,
        cta: &mut Cta,
    ) -> (u32, bool) {
        self.run_fast_body(pre, pc, rpc, active, fast_bra, cta)
    }

    #[inline(always)]
    fn run_fast_body(
        &mut self,
        pre: &[Pre],
        mut pc: u32,
        rpc: u32,
        active: u32,
        fast_bra: bool,
        cta: &mut Cta,
    ) -> (u32, bool) {
        // Thread-instructions, added to `executed` once on the way out.
        let mut n = 0u64;
        let count = |m: u32| if m == u32::MAX { 32 } else { m.count_ones() as u64 };
        let r = loop {
            match pre.get(pc as usize) {
                Some(Pre::Run { h, guard, args }) => {
                    let mut mask = active;
                    if let Some((p, neg)) = *guard {
                        mask &= self.pred_mask(p, neg);
                    }
                    if mask != 0 {
                        if !h(self, args, mask, cta) {
                            break (pc, true);
                        }
                        n += count(mask);
                    }
                }
                Some(&Pre::Bra { target, guard }) if fast_bra => {
                    let mut mask = active;
                    if let Some((p, neg)) = guard {
                        mask &= self.pred_mask(p, neg);
                    }
                    if mask == active {
                        n += count(mask);
                        pc = target;
                        if pc == rpc {
                            break (pc, false);
                        }
                        continue;
                    } else if mask != 0 {
                        // Divergence: `step` splits the warp.
                        break (pc, true);
                    }
                }
                Some(Pre::Slow | Pre::Bra { .. }) => break (pc, true),
                None => break (pc, true),
            }
            pc += 1;
            if pc == rpc {
                break (pc, false);
            }
        };
        self.executed += n;
        r
    }
}

/// Whether this CPU has the x86-64-v3 features the [`V3`] handlers are
/// compiled for.
fn x86_64_v3() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The instruction set a handler is compiled for: every handler exists
/// once for the baseline target and once for x86-64-v3 (AVX2, FMA, BMI),
/// where the 32-lane loops vectorise four 64-bit lanes at a time; the
/// table picks the set the CPU runs. The results are the same: Rust does
/// not contract `a * b + c` into an FMA, and `mul_add` rounds once either
/// way.
pub trait Isa {
    /// Whether the host's fused multiply-add is available to handlers.
    const HOST_FMA: bool;
    /// Runs a handler's body compiled for this instruction set.
    fn run<B: Body>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool;
}

/// A handler's body, as a type so that [`Isa::run`] calls it directly
/// and it is inlined into (compiled with the features of) `run_v3`.
pub trait Body {
    fn body(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool;
}

/// The baseline target the crate is built for.
pub struct Base;

impl Isa for Base {
    const HOST_FMA: bool = false;
    #[inline(always)]
    fn run<B: Body>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
        B::body(w, a, mask, cta)
    }
}

/// x86-64-v3; its handlers are only put in a table after [`x86_64_v3`]
/// found the features on this CPU.
pub struct V3;

impl Isa for V3 {
    const HOST_FMA: bool = true;
    #[inline(always)]
    fn run<B: Body>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: `predecode` uses V3 handlers only when `x86_64_v3()`
            // detected every feature `run_v3` is compiled with.
            unsafe { run_v3::<B>(w, a, mask, cta) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            B::body(w, a, mask, cta)
        }
    }
}

/// # Safety
/// The CPU must have AVX2, FMA, BMI1, BMI2, LZCNT and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
#[inline]
unsafe fn run_v3<B: Body>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    B::body(w, a, mask, cta)
}

fn opnd(s: Src) -> Option<O> {
    match s {
        Src::Reg(r) => Some(O::R(r)),
        Src::Imm(v) => Some(O::I(v)),
        _ => None,
    }
}

fn decode<I: Isa>(inst: &Inst) -> Pre {
    if let Op::Bra { target, .. } = inst.op {
        return Pre::Bra { target, guard: inst.guard };
    }
    match handler::<I>(&inst.op) {
        Some((h, args)) => Pre::Run { h, guard: inst.guard, args },
        None => Pre::Slow,
    }
}

// Operation and type codes of the const-generic handlers.
const fn bin_op(k: u8) -> BinOp {
    match k {
        0 => BinOp::Add,
        1 => BinOp::Sub,
        2 => BinOp::MulLo,
        3 => BinOp::And,
        4 => BinOp::Or,
        5 => BinOp::Xor,
        6 => BinOp::Shl,
        7 => BinOp::Shr,
        8 => BinOp::Min,
        9 => BinOp::Max,
        10 => BinOp::MulWide,
        11 => BinOp::MulHi,
        _ => BinOp::Div,
    }
}

const fn ty_of(k: u8) -> Ty {
    match k {
        0 => Ty::U32,
        1 => Ty::S32,
        2 => Ty::U64,
        3 => Ty::S64,
        _ => Ty::F32,
    }
}

const fn cmp_of(k: u8) -> Cmp {
    match k {
        0 => Cmp::Eq,
        1 => Cmp::Ne,
        2 => Cmp::Lt,
        3 => Cmp::Le,
        4 => Cmp::Gt,
        _ => Cmp::Ge,
    }
}

// State-space codes of the memory handlers.
const SP_SHARED: u8 = 0;
const SP_GLOBAL: u8 = 1;
const SP_CONST: u8 = 2;
const SP_GENERIC: u8 = 3;
const SP_LOCAL: u8 = 4;

#[inline(always)]
const fn space_of(k: u8) -> Space {
    match k {
        SP_SHARED => Space::Shared,
        SP_GLOBAL => Space::Global,
        SP_CONST => Space::Const,
        SP_LOCAL => Space::Local,
        _ => Space::Generic,
    }
}

const fn un_op(k: u8) -> UnOp {
    match k {
        0 => UnOp::Not,
        1 => UnOp::Neg,
        2 => UnOp::Abs,
        3 => UnOp::Sqrt,
        4 => UnOp::Rcp,
        5 => UnOp::Rsqrt,
        6 => UnOp::Ex2,
        7 => UnOp::Lg2,
        8 => UnOp::Sin,
        _ => UnOp::Cos,
    }
}

fn int_ty_code(ty: Ty) -> Option<u8> {
    Some(match ty {
        Ty::U32 => 0,
        Ty::S32 => 1,
        Ty::U64 => 2,
        Ty::S64 => 3,
        _ => return None,
    })
}

/// The handler of an operation, or None: `step` runs it.
fn handler<I: Isa>(op: &Op) -> Option<(Handler, Args)> {
    let mut args = Args::default();
    macro_rules! by_ty {
        ($f:ident, $k:expr, $t:expr) => {
            match $t {
                0 => $f::<$k, 0, I> as Handler,
                1 => $f::<$k, 1, I> as Handler,
                2 => $f::<$k, 2, I> as Handler,
                3 => $f::<$k, 3, I> as Handler,
                _ => $f::<$k, 4, I> as Handler,
            }
        };
    }
    let h: Handler = match *op {
        Op::Mov { d, a } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            h_mov::<I>
        }
        Op::Bin { op, ty, f, d, a, b } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            args.f = f;
            args.ty = ty;
            if ty == Ty::F32 {
                if fast::plain_rn(f) {
                    match (op, f.ftz) {
                        (BinOp::Add, false) => h_f32::<0, false, I>,
                        (BinOp::Add, true) => h_f32::<0, true, I>,
                        (BinOp::Sub, false) => h_f32::<1, false, I>,
                        (BinOp::Sub, true) => h_f32::<1, true, I>,
                        (BinOp::MulLo, false) => h_f32::<2, false, I>,
                        (BinOp::MulLo, true) => h_f32::<2, true, I>,
                        _ => float_bin_handler::<I>(op)?,
                    }
                } else {
                    float_bin_handler::<I>(op)?
                }
            } else if ty == Ty::F64 {
                float_bin_handler::<I>(op)?
            } else {
                if f.sat {
                    return None;
                }
                let t = int_ty_code(ty)?;
                let wide32 = t < 2;
                match op {
                    BinOp::Add => by_ty!(h_int, 0, t),
                    BinOp::Sub => by_ty!(h_int, 1, t),
                    BinOp::MulLo => by_ty!(h_int, 2, t),
                    BinOp::And => by_ty!(h_int, 3, t),
                    BinOp::Or => by_ty!(h_int, 4, t),
                    BinOp::Xor => by_ty!(h_int, 5, t),
                    BinOp::Shl => by_ty!(h_int, 6, t),
                    BinOp::Shr => by_ty!(h_int, 7, t),
                    BinOp::Min => by_ty!(h_int, 8, t),
                    BinOp::Max => by_ty!(h_int, 9, t),
                    BinOp::MulWide if wide32 => by_ty!(h_int, 10, t),
                    BinOp::MulHi => by_ty!(h_int, 11, t),
                    BinOp::Div | BinOp::Rem => {
                        // Division by zero has defined PTX results; `int_bin` gives them.
                        args.ty = ty;
                        if op == BinOp::Div {
                            h_divrem::<true, I>
                        } else {
                            h_divrem::<false, I>
                        }
                    }
                    _ => return None,
                }
            }
        }
        Op::Un { op, ty, f, d, a } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.f = f;
            if ty == Ty::F32 {
                match op {
                    UnOp::Neg => h_fun::<1, I>,
                    UnOp::Abs => h_fun::<2, I>,
                    UnOp::Sqrt => h_fun::<3, I>,
                    UnOp::Rcp => h_fun::<4, I>,
                    UnOp::Rsqrt => h_fun::<5, I>,
                    UnOp::Ex2 => h_fun::<6, I>,
                    UnOp::Lg2 => h_fun::<7, I>,
                    UnOp::Sin => h_fun::<8, I>,
                    UnOp::Cos => h_fun::<9, I>,
                    _ => return None,
                }
            } else {
                let t = int_ty_code(ty)?;
                match op {
                    UnOp::Not => by_ty!(h_iun, 0, t),
                    UnOp::Neg => by_ty!(h_iun, 1, t),
                    _ => return None,
                }
            }
        }
        Op::Mad { hi: false, wide, cc: 0, ty, d, a, b, c } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            args.c = opnd(c)?;
            match (wide, ty) {
                (false, Ty::U32) => h_mad::<false, 0, I>,
                (false, Ty::S32) => h_mad::<false, 1, I>,
                (false, Ty::U64) => h_mad::<false, 2, I>,
                (false, Ty::S64) => h_mad::<false, 3, I>,
                (true, Ty::U32) => h_mad::<true, 0, I>,
                (true, Ty::S32) => h_mad::<true, 1, I>,
                _ => return None,
            }
        }
        Op::Fma { ty: Ty::F32, f, d, a, b, c } if fast::plain_rn(f) => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            args.c = opnd(c)?;
            fma_handler::<I>(f.ftz)
        }
        Op::Setp { cmp, ty, ftz: false, d, dn: None, a, b, comb: None } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            let t = match ty {
                Ty::F32 => 4,
                _ => int_ty_code(ty)?,
            };
            match cmp {
                Cmp::Eq => by_ty!(h_setp, 0, t),
                Cmp::Ne => by_ty!(h_setp, 1, t),
                Cmp::Lt => by_ty!(h_setp, 2, t),
                Cmp::Le => by_ty!(h_setp, 3, t),
                Cmp::Gt => by_ty!(h_setp, 4, t),
                Cmp::Ge => by_ty!(h_setp, 5, t),
                _ => return None,
            }
        }
        Op::Selp { d, a, b, c } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            args.c = opnd(c)?;
            h_selp::<I>
        }
        Op::PredLogic { na, nb, op, d, a, b } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.b = opnd(b)?;
            args.neg = [na, nb];
            match op {
                BoolOp::And => h_pred::<0, I>,
                BoolOp::Or => h_pred::<1, I>,
                BoolOp::Xor => h_pred::<2, I>,
            }
        }
        Op::PredNot { d, a } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            h_pnot::<I>
        }
        Op::Cvt { dty, sty, sat: false, d, a, .. } if int_ty_code(dty).is_some() && int_ty_code(sty).is_some() => {
            // Integer to integer without saturation: the source's bits
            // extended by its type, then by the destination's (what
            // `convert` does; `cvt_int_matches_convert` checks it).
            args.d[0] = d;
            args.a = opnd(a)?;
            let (dt, st) = (int_ty_code(dty)?, int_ty_code(sty)?);
            macro_rules! src {
                ($d:expr) => {
                    match st {
                        0 => h_cvt_int::<$d, 0, I> as Handler,
                        1 => h_cvt_int::<$d, 1, I>,
                        2 => h_cvt_int::<$d, 2, I>,
                        _ => h_cvt_int::<$d, 3, I>,
                    }
                };
            }
            match dt {
                0 => src!(0),
                1 => src!(1),
                2 => src!(2),
                _ => src!(3),
            }
        }
        Op::Cvt { dty, sty, round, int_round, ftz, sat, d, a } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.ty = dty;
            args.sty = sty;
            args.round = round;
            args.int_round = int_round;
            args.f.ftz = ftz;
            args.sat = sat;
            h_cvt::<I>
        }
        Op::Cvta { space, to_generic, d, a } => {
            args.d[0] = d;
            args.a = opnd(a)?;
            args.space = space;
            args.to_generic = to_generic;
            h_cvta::<I>
        }
        Op::Ld { space, ty, ref ds, addr } if !addr.local_frame => {
            // A destination that is also the address register would make a
            // retry through `step` (after a lane the fast path cannot serve)
            // read a clobbered address.
            if ds.iter().any(|&d| Some(d) == addr.base) || ds.len() > 4 {
                return None;
            }
            args.d[..ds.len()].copy_from_slice(ds);
            args.n = ds.len() as u8;
            args.addr = addr;
            args.ty = ty;
            let signed = ty == Ty::S32;
            macro_rules! sp {
                ($f:ident, $($g:expr),*) => {
                    match space {
                        Space::Shared => $f::<SP_SHARED, $($g,)* I>,
                        Space::Global => $f::<SP_GLOBAL, $($g,)* I>,
                        Space::Const => $f::<SP_CONST, $($g,)* I>,
                        Space::Local => $f::<SP_LOCAL, $($g,)* I>,
                        _ => $f::<SP_GENERIC, $($g,)* I>,
                    }
                };
            }
            match (space, ty.size(), ds.len()) {
                (Space::Param, 1..=8, 1) if addr.base.is_none() => h_ld_param::<I>,
                (Space::Shared | Space::Global | Space::Const | Space::Generic | Space::Local, _, _) => {
                    match (ty.size(), ds.len()) {
                        (4, 1) if signed => sp!(h_ld, 4, true),
                        (4, 1) => sp!(h_ld, 4, false),
                        (8, 1) => sp!(h_ld, 8, false),
                        (4 | 8, 2 | 4) => sp!(h_ldv,),
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        Op::St { space, ty, ref srcs, addr } if !addr.local_frame => {
            if srcs.len() > 4
                || !matches!(space, Space::Shared | Space::Global | Space::Generic | Space::Local)
                || !matches!(ty.size(), 4 | 8)
            {
                return None;
            }
            let mut ops = [O::I(0); 3];
            for (i, s) in srcs.iter().enumerate() {
                let o = opnd(*s)?;
                match i {
                    0 => args.a = o,
                    _ => ops[i - 1] = o,
                }
            }
            args.b = ops[0];
            args.c = ops[1];
            // A fourth source goes in `d[0]` as a register, or not at all.
            if srcs.len() == 4 {
                match opnd(srcs[3])? {
                    O::R(r) => args.d[0] = r,
                    O::I(_) => return None,
                }
            }
            args.n = srcs.len() as u8;
            args.addr = addr;
            args.ty = ty;
            match space {
                Space::Shared => h_st::<SP_SHARED, I>,
                Space::Global => h_st::<SP_GLOBAL, I>,
                Space::Local => h_st::<SP_LOCAL, I>,
                _ => h_st::<SP_GENERIC, I>,
            }
        }
        _ => return None,
    };
    Some((h, args))
}

fn float_bin_handler<I: Isa>(op: BinOp) -> Option<Handler> {
    Some(match op {
        BinOp::Add => h_float_bin::<0, I>,
        BinOp::Sub => h_float_bin::<1, I>,
        BinOp::MulLo => h_float_bin::<2, I>,
        BinOp::Min => h_float_bin::<8, I>,
        BinOp::Max => h_float_bin::<9, I>,
        BinOp::Div => h_float_bin::<12, I>,
        _ => return None,
    })
}

fn fma_handler<I: Isa>(ftz: bool) -> Handler {
    if I::HOST_FMA {
        // The handler set compiled with FMA: `mul_add` is one instruction.
        return if ftz { h_fma::<true, I> } else { h_fma::<false, I> };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        return if ftz { h_fma_hw::<true> } else { h_fma_hw::<false> };
    }
    if ftz {
        h_fma::<true, I>
    } else {
        h_fma::<false, I>
    }
}
