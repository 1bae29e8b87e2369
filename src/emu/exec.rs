//! The warp interpreter: runs one warp's 32 lanes in lock-step over the IR,
//! with an active mask and a SIMT reconvergence stack (PTX ISA §3.1 "SIMT
//! architecture"; divergent paths join at the branch's immediate
//! post-dominator). Memory accesses go through `mem::Cta`, which checks every
//! address.

use super::alu;
use super::cfg::EXIT;
use super::ir::*;
use super::mem::{Cta, Fault, FaultKind};

/// One SIMT stack entry: run `mask` from `pc` until `pc == rpc`.
#[derive(Clone, Copy, Debug)]
struct Entry {
    pc: u32,
    rpc: u32,
    mask: u32,
}

/// Why a warp stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// At `bar.sync`/`bar.red` (pc already advanced past it).
    Barrier,
    Done,
}

/// Values of special registers that are the same for every lane of a warp.
#[derive(Clone, Copy, Debug, Default)]
pub struct WarpEnv {
    pub ctaid: [u32; 3],
    pub ntid: [u32; 3],
    pub nctaid: [u32; 3],
    pub warp_id: u32,
    pub nwarps: u32,
    pub dyn_smem: u32,
    pub total_smem: u32,
}

/// A pending `bar.red` result to write when the barrier releases.
#[derive(Clone, Copy, Debug)]
pub struct PendingRed {
    pub d: Reg,
    pub op: u8,
    pub mask: u32,
}

/// The state of one warp.
pub struct Warp {
    /// `nregs × 32` lane values, register-major.
    regs: Vec<u64>,
    stack: Vec<Entry>,
    /// Thread index of each lane (x, y, z).
    tid: [[u32; 3]; 32],
    /// CC.CF carry flag per lane.
    carry: [u64; 32],
    pub env: WarpEnv,
    /// Index of lane 0's thread in the CTA (for local memory).
    pub first_thread: u32,
    /// Lanes that exist and have not exited.
    pub live: u32,
    pub pending_red: Option<PendingRed>,
    /// bar.red contribution of this warp (count or bool), read by the CTA.
    pub red_value: (u32, bool, bool),
    /// Thread-instructions executed (active lanes summed).
    pub executed: u64,
}

impl Warp {
    pub fn new(nregs: u32, first_thread: u32, nlanes: u32, ntid: [u32; 3], env: WarpEnv) -> Warp {
        let mut tid = [[0u32; 3]; 32];
        for (lane, t) in tid.iter_mut().enumerate().take(nlanes as usize) {
            let i = first_thread + lane as u32;
            *t = [i % ntid[0], (i / ntid[0]) % ntid[1], i / (ntid[0] * ntid[1])];
        }
        let live = if nlanes >= 32 { u32::MAX } else { (1u32 << nlanes) - 1 };
        Warp {
            regs: vec![0; nregs as usize * 32],
            stack: vec![Entry { pc: 0, rpc: EXIT, mask: live }],
            tid,
            carry: [0; 32],
            env,
            first_thread,
            live,
            pending_red: None,
            red_value: (0, true, false),
            executed: 0,
        }
    }

    #[inline(always)]
    fn r(&self, r: Reg, lane: usize) -> u64 {
        // Register slots are validated at lowering; index stays in bounds.
        self.regs[r as usize * 32 + lane]
    }

    #[inline(always)]
    pub fn set(&mut self, r: Reg, lane: usize, v: u64) {
        self.regs[r as usize * 32 + lane] = v;
    }

    #[inline(always)]
    fn v(&self, s: Src, lane: usize) -> u64 {
        match s {
            Src::Reg(r) => self.r(r, lane),
            Src::Imm(v) => v,
            Src::Special(sp) => self.special(sp, lane),
        }
    }

    fn special(&self, sp: Special, lane: usize) -> u64 {
        let e = &self.env;
        let lane32 = lane as u32;
        (match sp {
            Special::Tid(c) => self.tid[lane][c as usize],
            Special::Ntid(c) => e.ntid[c as usize],
            Special::Ctaid(c) => e.ctaid[c as usize],
            Special::Nctaid(c) => e.nctaid[c as usize],
            Special::LaneId => lane32,
            Special::WarpId => e.warp_id,
            Special::NWarpId => e.nwarps,
            Special::SmId => 0,
            Special::NSmId => 1,
            Special::GridId => 1,
            Special::LanemaskEq => 1u32 << lane32,
            Special::LanemaskLe => ((1u64 << (lane32 + 1)) - 1) as u32,
            Special::LanemaskLt => ((1u64 << lane32) - 1) as u32,
            Special::LanemaskGe => !(((1u64 << lane32) - 1) as u32),
            Special::LanemaskGt => !(((1u64 << (lane32 + 1)) - 1) as u32),
            Special::Clock => self.executed as u32,
            Special::Clock64 => return self.executed,
            Special::GlobalTimer => {
                return std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0)
            }
            Special::DynamicSmemSize => e.dyn_smem,
            Special::TotalSmemSize => e.total_smem,
        }) as u64
    }

    /// Mask of lanes whose predicate register is true (or false if `neg`).
    #[inline(always)]
    fn pred_mask(&self, p: Reg, neg: bool) -> u32 {
        let base = p as usize * 32;
        let mut m = 0u32;
        for lane in 0..32 {
            m |= ((self.regs[base + lane] & 1) as u32) << lane;
        }
        if neg {
            !m
        } else {
            m
        }
    }

    pub fn is_done(&self) -> bool {
        self.stack.is_empty()
    }

    /// Runs until the warp reaches a barrier, finishes, or faults.
    pub fn run(&mut self, code: &[Inst], cta: &mut Cta) -> Result<Stop, Fault> {
        loop {
            let Some(top) = self.stack.last_mut() else { return Ok(Stop::Done) };
            if top.mask == 0 || top.pc == top.rpc {
                self.stack.pop();
                continue;
            }
            let pc = top.pc;
            let Some(inst) = code.get(pc as usize) else {
                return Err(cta.fault(
                    FaultKind::IllegalInstruction,
                    0,
                    0,
                    0,
                    format!("pc {pc} past the end of the kernel"),
                ));
            };
            let mut mask = top.mask;
            top.pc += 1;
            if let Some((p, neg)) = inst.guard {
                mask &= self.pred_mask(p, neg);
            }
            self.executed += mask.count_ones() as u64;
            if mask == 0 && !matches!(inst.op, Op::Bar { .. } | Op::BarRed { .. }) {
                continue;
            }
            match self.step(&inst.op, mask, pc, inst.line, cta) {
                Ok(None) => {}
                Ok(Some(stop)) => return Ok(stop),
                Err(f) => return Err(f),
            }
        }
    }

    fn remove_lanes(&mut self, mask: u32) {
        self.live &= !mask;
        for e in &mut self.stack {
            e.mask &= !mask;
        }
    }

    #[inline(always)]
    fn map1(&mut self, mask: u32, d: Reg, a: Src, f: impl Fn(u64) -> u64) {
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            let v = f(self.v(a, l));
            self.set(d, l, v);
        }
    }

    #[inline(always)]
    fn map2(&mut self, mask: u32, d: Reg, a: Src, b: Src, f: impl Fn(u64, u64) -> u64) {
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            let v = f(self.v(a, l), self.v(b, l));
            self.set(d, l, v);
        }
    }

    #[inline(always)]
    fn map3(&mut self, mask: u32, d: Reg, a: Src, b: Src, c: Src, f: impl Fn(u64, u64, u64) -> u64) {
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            let v = f(self.v(a, l), self.v(b, l), self.v(c, l));
            self.set(d, l, v);
        }
    }

    fn addr(&self, a: Addr, lane: usize) -> u64 {
        match a.base {
            Some(r) => self.r(r, lane).wrapping_add(a.offset as u64),
            None => a.offset as u64,
        }
    }

    /// Executes one instruction for the lanes in `mask`. Returns a stop reason
    /// for barriers; control flow updates the SIMT stack.
    fn step(&mut self, op: &Op, mask: u32, pc: u32, line: u32, cta: &mut Cta) -> Result<Option<Stop>, Fault> {
        cta.line = line;
        match *op {
            Op::Mov { d, a } => self.map1(mask, d, a, |x| x),
            Op::Pack { d, ref parts, part_bits } => {
                for l in lanes(mask) {
                    let mut v = 0u64;
                    for (i, p) in parts.iter().enumerate() {
                        let pm = if part_bits >= 64 { u64::MAX } else { (1u64 << part_bits) - 1 };
                        v |= (self.v(*p, l) & pm) << (i as u32 * part_bits);
                    }
                    self.set(d, l, v);
                }
            }
            Op::Unpack { ref ds, a, part_bits } => {
                for l in lanes(mask) {
                    let v = self.v(a, l);
                    for (i, d) in ds.iter().enumerate() {
                        if let Some(d) = d {
                            let pm = if part_bits >= 64 { u64::MAX } else { (1u64 << part_bits) - 1 };
                            self.set(*d, l, (v >> (i as u32 * part_bits)) & pm);
                        }
                    }
                }
            }
            Op::Bin { op, ty, f, d, a, b } => {
                if ty.is_float() {
                    if !matches!(ty, Ty::F32 | Ty::F64) {
                        return Err(cta.fault(FaultKind::Unsupported, 0, first(mask), pc, format!("{op:?} on {ty:?}")));
                    }
                    self.map2(mask, d, a, b, |x, y| alu::float_bin(op, ty, f, x, y));
                } else if matches!(
                    op,
                    BinOp::AddCc | BinOp::SubCc | BinOp::AddC | BinOp::SubC | BinOp::AddCCc | BinOp::SubCCc
                ) {
                    for l in lanes(mask) {
                        let mut c = self.carry[l];
                        let v = alu::int_bin(op, ty, f.sat, self.v(a, l), self.v(b, l), &mut c);
                        self.carry[l] = c;
                        self.set(d, l, v);
                    }
                } else {
                    match (op, ty) {
                        (BinOp::Add, Ty::U32 | Ty::S32) if !f.sat => {
                            self.map2(mask, d, a, b, |x, y| alu::ext((x as u32).wrapping_add(y as u32) as u64, ty))
                        }
                        (BinOp::Add, Ty::U64 | Ty::S64) => self.map2(mask, d, a, b, |x, y| x.wrapping_add(y)),
                        _ => self.map2(mask, d, a, b, |x, y| alu::int_bin(op, ty, f.sat, x, y, &mut 0)),
                    }
                }
            }
            Op::Un { op, ty, f, d, a } => {
                if ty.is_float() {
                    if !matches!(ty, Ty::F32 | Ty::F64) {
                        return Err(cta.fault(FaultKind::Unsupported, 0, first(mask), pc, format!("{op:?} on {ty:?}")));
                    }
                    self.map1(mask, d, a, |x| alu::float_un(op, ty, f, x));
                } else {
                    self.map1(mask, d, a, |x| alu::int_un(op, ty, x));
                }
            }
            Op::Mad { hi, wide, cc, ty, d, a, b, c } => {
                for l in lanes(mask) {
                    let (x, y, z) = (self.v(a, l), self.v(b, l), self.v(c, l));
                    let mut carry = self.carry[l];
                    let prod_op = if wide {
                        BinOp::MulWide
                    } else if hi {
                        BinOp::MulHi
                    } else {
                        BinOp::MulLo
                    };
                    let p = alu::int_bin(prod_op, ty, false, x, y, &mut 0);
                    let sty = if wide { wide_ty(ty) } else { ty };
                    let add = match cc {
                        0 => BinOp::Add,
                        1 => BinOp::AddCc,
                        2 => BinOp::AddC,
                        _ => BinOp::AddCCc,
                    };
                    let v = alu::int_bin(add, sty, false, p, z, &mut carry);
                    self.carry[l] = carry;
                    self.set(d, l, v);
                }
            }
            Op::Mad24 { hi, ty, d, a, b, c } => {
                let mop = if hi { BinOp::Mul24Hi } else { BinOp::Mul24Lo };
                self.map3(mask, d, a, b, c, |x, y, z| {
                    let p = alu::int_bin(mop, ty, false, x, y, &mut 0);
                    alu::int_bin(BinOp::Add, ty, false, p, z, &mut 0)
                });
            }
            Op::Sad { ty, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| {
                let diff = if ty.is_signed() {
                    (alu::ext(x, ty) as i64).abs_diff(alu::ext(y, ty) as i64)
                } else {
                    alu::ext(x, ty).abs_diff(alu::ext(y, ty))
                };
                alu::int_bin(BinOp::Add, ty, false, diff, z, &mut 0)
            }),
            Op::Fma { ty, f, d, a, b, c } => match ty {
                Ty::F32 => self.map3(mask, d, a, b, c, |x, y, z| alu::fma32(f, x, y, z)),
                Ty::F64 => self.map3(mask, d, a, b, c, |x, y, z| alu::fma64(f, x, y, z)),
                _ => return Err(cta.fault(FaultKind::Unsupported, 0, first(mask), pc, format!("fma on {ty:?}"))),
            },
            Op::Setp { cmp, ty, ftz, d, dn, a, b, comb } => {
                for l in lanes(mask) {
                    let mut t = alu::compare(cmp, ty, ftz, self.v(a, l), self.v(b, l));
                    let mut f = !t;
                    if let Some((bop, c, neg)) = comb {
                        let cv = (self.v(c, l) & 1 != 0) ^ neg;
                        t = alu::boolop(bop, t, cv);
                        f = alu::boolop(bop, f, cv);
                    }
                    self.set(d, l, t as u64);
                    if let Some(dn) = dn {
                        self.set(dn, l, f as u64);
                    }
                }
            }
            Op::Set { cmp, ty, dty, ftz, d, a, b, comb } => {
                for l in lanes(mask) {
                    let mut t = alu::compare(cmp, ty, ftz, self.v(a, l), self.v(b, l));
                    if let Some((bop, c, neg)) = comb {
                        t = alu::boolop(bop, t, (self.v(c, l) & 1 != 0) ^ neg);
                    }
                    let v = match (dty, t) {
                        (Ty::F32, true) => 1f32.to_bits() as u64,
                        (_, false) => 0,
                        (_, true) => 0xffff_ffff,
                    };
                    self.set(d, l, v);
                }
            }
            Op::Selp { d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, p| if p & 1 != 0 { x } else { y }),
            Op::Slct { ty: _, cty, ftz, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| {
                let ge = if cty == Ty::F32 {
                    let v = f32::from_bits(z as u32);
                    let v = if ftz && v.is_subnormal() { 0.0 } else { v };
                    v >= 0.0
                } else {
                    (z as i32) >= 0
                };
                if ge {
                    x
                } else {
                    y
                }
            }),
            Op::PredLogic { op, d, a, b } => {
                self.map2(mask, d, a, b, |x, y| alu::boolop(op, x & 1 != 0, y & 1 != 0) as u64)
            }
            Op::PredNot { d, a } => self.map1(mask, d, a, |x| (x & 1 == 0) as u64),
            Op::Cvt { dty, sty, round, int_round, ftz, sat, d, a } => {
                if matches!(dty, Ty::F16x2 | Ty::BF16x2) || matches!(sty, Ty::F16x2 | Ty::BF16x2) {
                    return Err(cta.fault(FaultKind::Unsupported, 0, first(mask), pc, "cvt with packed types".into()));
                }
                self.map1(mask, d, a, |x| alu::convert(dty, sty, round, int_round, ftz, sat, x))
            }
            Op::Cvta { space, to_generic, d, a } => {
                for l in lanes(mask) {
                    let v = cta.cvta(space, to_generic, self.v(a, l), self.first_thread + l as u32);
                    self.set(d, l, v);
                }
            }
            Op::IsSpace { space, d, a } => {
                for l in lanes(mask) {
                    let v = cta.isspace(space, self.v(a, l)) as u64;
                    self.set(d, l, v);
                }
            }
            Op::Bfe { ty, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| alu::bfe(ty, x, y, z)),
            Op::Bfi { ty, d, f, b, c, e } => {
                for l in lanes(mask) {
                    let v = alu::bfi(ty, self.v(f, l), self.v(b, l), self.v(c, l), self.v(e, l));
                    self.set(d, l, v);
                }
            }
            Op::Prmt { d, a, b, c } => self.map3(mask, d, a, b, c, alu::prmt),
            Op::Lop3 { d, a, b, c, lut } => self.map3(mask, d, a, b, c, |x, y, z| alu::lop3(x, y, z, lut)),
            Op::Shf { left, wrap, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| alu::shf(left, wrap, x, y, z)),
            Op::Testp { class, ty, d, a } => self.map1(mask, d, a, |x| alu::testp(class, ty, x) as u64),
            Op::Ld { space, ty, ref ds, addr } => {
                let size = ty.size();
                for l in lanes(mask) {
                    let base = self.addr(addr, l);
                    let thread = self.first_thread + l as u32;
                    cta.check_vector_align(space, base, size * ds.len() as u32, thread)?;
                    for (i, &d) in ds.iter().enumerate() {
                        let raw = cta.load(space, base.wrapping_add((i as u32 * size) as u64), size, thread)?;
                        self.set(d, l, alu::ext(raw, ty));
                    }
                }
            }
            Op::St { space, ty, ref srcs, addr } => {
                let size = ty.size();
                for l in lanes(mask) {
                    let base = self.addr(addr, l);
                    let thread = self.first_thread + l as u32;
                    cta.check_vector_align(space, base, size * srcs.len() as u32, thread)?;
                    for (i, &s) in srcs.iter().enumerate() {
                        let v = self.v(s, l);
                        cta.store(space, base.wrapping_add((i as u32 * size) as u64), size, v, thread)?;
                    }
                }
            }
            Op::Atom { space, op, ty, d, addr, b, c } => {
                for l in lanes(mask) {
                    let a = self.addr(addr, l);
                    let thread = self.first_thread + l as u32;
                    let old = cta.atomic(space, op, ty, a, self.v(b, l), self.v(c, l), thread)?;
                    if let Some(d) = d {
                        self.set(d, l, alu::ext(old, ty));
                    }
                }
            }
            Op::Bra { target, reconv } => {
                let Some(top) = self.stack.last_mut() else { return Ok(None) };
                let active = top.mask;
                if mask == active {
                    top.pc = target;
                } else if mask != 0 {
                    // Divergence: the current entry waits at the reconvergence
                    // point; the two paths run first (taken path on top).
                    let fall = top.pc;
                    top.pc = reconv;
                    self.stack.push(Entry { pc: fall, rpc: reconv, mask: active & !mask });
                    self.stack.push(Entry { pc: target, rpc: reconv, mask });
                }
            }
            Op::Exit | Op::Ret => self.remove_lanes(mask),
            Op::Trap => {
                return Err(cta.fault(
                    FaultKind::Trap,
                    0,
                    self.first_thread + first(mask),
                    pc,
                    "trap instruction".into(),
                ));
            }
            Op::Bar { id: _, count: _, arrive } => {
                if !arrive {
                    return Ok(Some(Stop::Barrier));
                }
            }
            Op::BarRed { id: _, op, d, p, negate } => {
                let mut cnt = 0u32;
                let (mut all, mut any) = (true, false);
                for l in lanes(mask) {
                    let v = (self.v(p, l) & 1 != 0) ^ negate;
                    cnt += v as u32;
                    all &= v;
                    any |= v;
                }
                self.red_value = (cnt, all, any);
                self.pending_red = Some(PendingRed { d, op, mask });
                return Ok(Some(Stop::Barrier));
            }
            Op::Shfl { mode, d, dp, a, b, c } => {
                let mut src = [0u64; 32];
                for (l, s) in src.iter_mut().enumerate() {
                    *s = self.v(a, l);
                }
                for l in lanes(mask) {
                    let lane = l as u32;
                    let bval = (self.v(b, l) & 0x1f) as u32;
                    let cv = self.v(c, l) as u32;
                    let cval = cv & 0x1f;
                    let segmask = (cv >> 8) & 0x1f;
                    let max_lane = (lane & segmask) | (cval & !segmask);
                    let min_lane = lane & segmask;
                    let (j, ok) = match mode {
                        ShflMode::Up => {
                            let j = lane as i32 - bval as i32;
                            (j, j >= max_lane as i32)
                        }
                        ShflMode::Down => {
                            let j = (lane + bval) as i32;
                            (j, j <= max_lane as i32)
                        }
                        ShflMode::Bfly => {
                            let j = (lane ^ bval) as i32;
                            (j, j <= max_lane as i32)
                        }
                        ShflMode::Idx => {
                            let j = (min_lane | (bval & !segmask)) as i32;
                            (j, j <= max_lane as i32)
                        }
                    };
                    let j = if ok { j as usize } else { l };
                    self.set(d, l, src[j & 31] & 0xffff_ffff);
                    if let Some(dp) = dp {
                        self.set(dp, l, ok as u64);
                    }
                }
            }
            Op::Vote { mode, d, a, negate } => {
                let mut ballot = 0u32;
                for l in lanes(mask) {
                    if (self.v(a, l) & 1 != 0) ^ negate {
                        ballot |= 1 << l;
                    }
                }
                let v = match mode {
                    VoteMode::Ballot => ballot as u64,
                    VoteMode::All => (ballot == mask) as u64,
                    VoteMode::Any => (ballot != 0) as u64,
                    VoteMode::Uni => (ballot == mask || ballot == 0) as u64,
                };
                for l in lanes(mask) {
                    self.set(d, l, v);
                }
            }
            Op::Activemask { d } => {
                let active = self.stack.last().map_or(0, |e| e.mask);
                for l in lanes(mask) {
                    self.set(d, l, active as u64);
                }
            }
            Op::Nop => {}
            Op::Unsupported(ref what) => {
                return Err(cta.fault(
                    FaultKind::Unsupported,
                    0,
                    self.first_thread + first(mask),
                    pc,
                    format!("instruction not supported by the emulator yet: {what}"),
                ));
            }
        }
        Ok(None)
    }

    /// Finishes a `bar.red` with the CTA-wide result.
    pub fn finish_red(&mut self, popc: u32, all: bool, any: bool) {
        if let Some(p) = self.pending_red.take() {
            let v = match p.op {
                0 => popc as u64,
                1 => all as u64,
                _ => any as u64,
            };
            for l in lanes(p.mask) {
                self.set(p.d, l, v);
            }
        }
    }
}

fn wide_ty(t: Ty) -> Ty {
    match t {
        Ty::U16 => Ty::U32,
        Ty::S16 => Ty::S32,
        Ty::U32 => Ty::U64,
        Ty::S32 => Ty::S64,
        o => o,
    }
}

fn first(mask: u32) -> u32 {
    mask.trailing_zeros().min(31)
}

/// Iterates the set bits of a lane mask.
#[inline(always)]
fn lanes(mask: u32) -> impl Iterator<Item = usize> {
    let mut m = mask;
    std::iter::from_fn(move || {
        if m == 0 {
            None
        } else {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            Some(l)
        }
    })
}
