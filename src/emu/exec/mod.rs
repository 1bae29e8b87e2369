//! The warp interpreter: runs one warp's 32 lanes in lock-step over the IR,
//! with an active mask and a SIMT reconvergence stack (PTX ISA §3.1 "SIMT
//! architecture"; divergent paths join at the branch's immediate
//! post-dominator). Memory accesses go through `mem::Cta`, which checks every
//! address.

mod calls;
mod cvt;
mod fast;
mod mbarrier;
mod predecode;
mod special;
mod warp;

use fast::plain_rn;
use mbarrier::mbar_update;
pub use predecode::{predecode, Pre};

use crate::emu::alu;
use crate::emu::cfg::EXIT;
use crate::emu::convert;
use crate::emu::half;
use crate::emu::ir::*;
use crate::emu::mem::{Cta, Fault, FaultKind};

/// One SIMT stack entry: run `mask` from `pc` until `pc == rpc`. A `frame`
/// entry is the body of a call: when its mask empties, the call returns.
#[derive(Clone, Copy, Debug)]
struct Entry {
    pc: u32,
    rpc: u32,
    mask: u32,
    frame: bool,
}

/// The caller's state saved by a `call`, restored when the callee returns.
#[derive(Clone, Debug)]
struct CallFrame {
    reg_base: usize,
    local_base: u32,
    pstart: usize,
    psize: u32,
    func: u32,
    /// Caller frame slots receiving the return values.
    rets: Vec<(u32, u32)>,
    /// The callee's return-value slots in its own frame.
    callee_rets: Vec<(u32, u32)>,
    /// Lanes that executed `ret` in the callee.
    returned: u32,
}

/// Most nested calls per warp before the launch fails (a runaway recursion).
const MAX_CALL_DEPTH: usize = 4096;

/// Why a warp stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// At a barrier (pc already advanced past it): barrier `id`, its thread
    /// count if given, and whether the warp waits (`bar.sync`, `bar.red`) or
    /// only arrives (`bar.arrive`).
    Barrier {
        id: u32,
        count: Option<u32>,
        wait: bool,
    },
    /// Polled an mbarrier whose phase has not completed: let other warps run.
    Yield,
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
    /// Device address of the grid-barrier workspace of a cooperative
    /// launch (`%envreg1:%envreg2`), else 0.
    pub grid_workspace: u64,
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
    /// Index of the current frame's registers in `regs` (slot × 32).
    reg_base: usize,
    /// The current frame's base in the thread's local memory.
    local_base: u32,
    /// Start of the current frame's `.param` area in `pmem`, and its
    /// per-lane size (lane `l`'s bytes are at `pstart + l × psize`).
    pstart: usize,
    psize: u32,
    /// Index of the running function in the program.
    func: u32,
    /// Per-thread `.param` frames of calls.
    pmem: Vec<u8>,
    frames: Vec<CallFrame>,
}

impl Warp {
    /// A warp about to run function `func` (an entry) of a program.
    pub fn new(entry: &FuncInfo, func: u32, first_thread: u32, nlanes: u32, ntid: [u32; 3], env: WarpEnv) -> Warp {
        Warp::build(entry, func, first_thread, nlanes, ntid, env, Vec::new(), Vec::new(), Vec::new(), Vec::new())
    }

    /// Makes this warp what [`Warp::new`] would return, keeping its buffers
    /// (registers, SIMT stack, `.param` frames) so that running the next
    /// CTA allocates nothing.
    pub fn renew(&mut self, entry: &FuncInfo, func: u32, first_thread: u32, nlanes: u32, ntid: [u32; 3], env: WarpEnv) {
        let regs = std::mem::take(&mut self.regs);
        let stack = std::mem::take(&mut self.stack);
        let pmem = std::mem::take(&mut self.pmem);
        let frames = std::mem::take(&mut self.frames);
        *self = Warp::build(entry, func, first_thread, nlanes, ntid, env, regs, stack, pmem, frames);
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        entry: &FuncInfo,
        func: u32,
        first_thread: u32,
        nlanes: u32,
        ntid: [u32; 3],
        env: WarpEnv,
        mut regs: Vec<u64>,
        mut stack: Vec<Entry>,
        mut pmem: Vec<u8>,
        mut frames: Vec<CallFrame>,
    ) -> Warp {
        let mut tid = [[0u32; 3]; 32];
        for (lane, t) in tid.iter_mut().enumerate().take(nlanes as usize) {
            let i = first_thread + lane as u32;
            *t = [i % ntid[0], (i / ntid[0]) % ntid[1], i / (ntid[0] * ntid[1])];
        }
        let live = if nlanes >= 32 { u32::MAX } else { (1u32 << nlanes) - 1 };
        regs.clear();
        regs.resize(entry.nregs as usize * 32, 0);
        stack.clear();
        stack.push(Entry { pc: entry.start, rpc: EXIT, mask: live, frame: false });
        pmem.clear();
        pmem.resize(entry.psize as usize * 32, 0);
        frames.clear();
        Warp {
            regs,
            stack,
            tid,
            carry: [0; 32],
            env,
            first_thread,
            live,
            pending_red: None,
            red_value: (0, true, false),
            executed: 0,
            reg_base: 0,
            local_base: 0,
            pstart: 0,
            psize: entry.psize,
            func,
            pmem,
            frames,
        }
    }

    #[inline(always)]
    fn r(&self, r: Reg, lane: usize) -> u64 {
        // Register slots are validated at lowering; index stays in bounds.
        self.regs[self.reg_base + r as usize * 32 + lane]
    }

    #[inline(always)]
    pub fn set(&mut self, r: Reg, lane: usize, v: u64) {
        self.regs[self.reg_base + r as usize * 32 + lane] = v;
    }

    #[inline(always)]
    fn v(&self, s: Src, lane: usize) -> u64 {
        match s {
            Src::Reg(r) => self.r(r, lane),
            Src::Imm(v) => v,
            Src::Special(sp) => self.special(sp, lane),
            Src::Local(off) => self.local_base.wrapping_add(off) as u64,
        }
    }

    /// Mask of lanes whose predicate register is true (or false if `neg`).
    #[inline(always)]
    fn pred_mask(&self, p: Reg, neg: bool) -> u32 {
        let base = self.reg_base + p as usize * 32;
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

    /// Host bytes this warp holds: registers, `.param` frames, SIMT stack
    /// and call frames.
    pub fn memory_bytes(&self) -> u64 {
        (self.regs.capacity() * 8
            + self.pmem.capacity()
            + self.stack.capacity() * std::mem::size_of::<Entry>()
            + self.frames.capacity() * std::mem::size_of::<CallFrame>()
            + std::mem::size_of::<Warp>()) as u64
    }

    pub fn is_done(&self) -> bool {
        self.stack.is_empty()
    }

    /// Runs until the warp reaches a barrier, finishes, or faults.
    pub fn run(&mut self, program: &Program, cta: &mut Cta) -> Result<Stop, Fault> {
        let code = &program.code[..];
        let pre = &program.pre[..];
        // Uniform branches stay in the fast loop unless backward branches
        // must look at the abort flag (cooperative grids, the watchdog).
        let fast_bra = cta.abort.is_none();
        // Set when the fast loop stopped at an instruction `step` must run.
        let mut slow_next = false;
        loop {
            let Some(top) = self.stack.last_mut() else { return Ok(Stop::Done) };
            if top.mask == 0 {
                let frame = top.frame;
                self.stack.pop();
                if frame {
                    self.finish_call();
                }
                continue;
            }
            if top.pc == top.rpc {
                self.stack.pop();
                continue;
            }
            let pc = top.pc;
            if !slow_next && matches!(pre.get(pc as usize), Some(Pre::Run { .. } | Pre::Bra { .. })) {
                let (rpc, active) = (top.rpc, top.mask);
                #[cfg(target_arch = "x86_64")]
                let (p, slow) = if program.pre_v3 {
                    // SAFETY: `pre_v3` is set only where `predecode` detected
                    // the x86-64-v3 features on this CPU.
                    unsafe { self.run_fast_v3(pre, pc, rpc, active, fast_bra, cta) }
                } else {
                    self.run_fast(pre, pc, rpc, active, fast_bra, cta)
                };
                #[cfg(not(target_arch = "x86_64"))]
                let (p, slow) = self.run_fast(pre, pc, rpc, active, fast_bra, cta);
                if let Some(top) = self.stack.last_mut() {
                    top.pc = p;
                }
                slow_next = slow;
                continue;
            }
            slow_next = false;
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
            if mask == 0 {
                continue;
            }
            match self.step(program, &inst.op, mask, pc, inst.line, cta) {
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
        if mask == u32::MAX {
            if let Some(x) = self.lanes_of(a) {
                let out: [u64; 32] = std::array::from_fn(|l| f(x[l]));
                self.set_all(d, &out);
                return;
            }
        }
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            let v = f(self.v(a, l));
            self.set(d, l, v);
        }
    }

    /// The 32 values of operand `s` (a register's lanes, or an immediate
    /// repeated), for whole-warp loops.
    #[inline(always)]
    fn lanes_of(&self, s: Src) -> Option<[u64; 32]> {
        match s {
            Src::Reg(r) => {
                let i = self.reg_base + r as usize * 32;
                self.regs.get(i..i + 32).and_then(|v| v.try_into().ok())
            }
            Src::Imm(v) => Some([v; 32]),
            _ => None,
        }
    }

    /// Writes all 32 lanes of register `d`.
    #[inline(always)]
    fn set_all(&mut self, d: Reg, v: &[u64; 32]) {
        let i = self.reg_base + d as usize * 32;
        if let Some(dst) = self.regs.get_mut(i..i + 32) {
            dst.copy_from_slice(v);
        }
    }

    #[inline(always)]
    fn map2(&mut self, mask: u32, d: Reg, a: Src, b: Src, f: impl Fn(u64, u64) -> u64) {
        if mask == u32::MAX {
            // The whole warp: fixed-length loops the compiler can vectorise.
            if let (Some(x), Some(y)) = (self.lanes_of(a), self.lanes_of(b)) {
                let out: [u64; 32] = std::array::from_fn(|l| f(x[l], y[l]));
                self.set_all(d, &out);
                return;
            }
        }
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
        if mask == u32::MAX {
            if let (Some(x), Some(y), Some(z)) = (self.lanes_of(a), self.lanes_of(b), self.lanes_of(c)) {
                let out: [u64; 32] = std::array::from_fn(|l| f(x[l], y[l], z[l]));
                self.set_all(d, &out);
                return;
            }
        }
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            let v = f(self.v(a, l), self.v(b, l), self.v(c, l));
            self.set(d, l, v);
        }
    }

    fn addr(&self, a: Addr, lane: usize) -> u64 {
        let v = match a.base {
            Some(r) => self.r(r, lane).wrapping_add(a.offset as u64),
            None => a.offset as u64,
        };
        if a.local_frame {
            v.wrapping_add(self.local_base as u64)
        } else {
            v
        }
    }

    /// Executes one instruction for the lanes in `mask`. Returns a stop reason
    /// for barriers; control flow updates the SIMT stack.
    fn step(
        &mut self,
        program: &Program,
        op: &Op,
        mask: u32,
        pc: u32,
        line: u32,
        cta: &mut Cta,
    ) -> Result<Option<Stop>, Fault> {
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
                if ty == Ty::F32 && plain_rn(f) && matches!(op, BinOp::Add | BinOp::Sub | BinOp::MulLo) {
                    self.f32_bin(op, f.ftz, mask, d, a, b);
                } else if ty.is_float() {
                    if !matches!(ty, Ty::F32 | Ty::F64) {
                        self.map2(mask, d, a, b, |x, y| half::bin(op, ty, f, x, y));
                    } else {
                        self.map2(mask, d, a, b, |x, y| alu::float_bin(op, ty, f, x, y));
                    }
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
                } else if !f.sat && self.int_bin_fast(op, ty, mask, d, a, b) {
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
                        self.map1(mask, d, a, |x| half::un(op, ty, f, x));
                    } else {
                        self.map1(mask, d, a, |x| alu::float_un(op, ty, f, x));
                    }
                } else {
                    self.map1(mask, d, a, |x| alu::int_un(op, ty, x));
                }
            }
            Op::MadSat { hi24, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| {
                let hi = if hi24 {
                    let (x, y) = (((x as i32) << 8 >> 8) as i64, ((y as i32) << 8 >> 8) as i64);
                    (x * y) >> 16
                } else {
                    ((x as i32 as i64) * (y as i32 as i64)) >> 32
                };
                (hi + z as i32 as i64).clamp(i32::MIN as i64, i32::MAX as i64) as i32 as i64 as u64
            }),
            Op::Mad { hi: false, wide, cc: 0, ty, d, a, b, c } if self.mad_fast(wide, ty, mask, d, a, b, c) => {}
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
                Ty::F32 if plain_rn(f) => self.f32_fma(f.ftz, mask, d, a, b, c),
                Ty::F32 => self.map3(mask, d, a, b, c, |x, y, z| alu::fma32(f, x, y, z)),
                Ty::F64 => self.map3(mask, d, a, b, c, |x, y, z| alu::fma64(f, x, y, z)),
                _ => self.map3(mask, d, a, b, c, |x, y, z| half::fma(ty, f, x, y, z)),
            },
            Op::Setp { cmp, ty: ty @ (Ty::F16 | Ty::BF16 | Ty::F16x2 | Ty::BF16x2), ftz, d, dn, a, b, comb } => {
                // Half types: `p` from the low halves, `q` from the high halves.
                for l in lanes(mask) {
                    let (mut lo, mut hi) = half::compare(cmp, ty, ftz, self.v(a, l), self.v(b, l));
                    if matches!(ty, Ty::F16 | Ty::BF16) {
                        hi = !lo;
                    }
                    if let Some((bop, c, neg)) = comb {
                        let cv = (self.v(c, l) & 1 != 0) ^ neg;
                        lo = alu::boolop(bop, lo, cv);
                        hi = alu::boolop(bop, hi, cv);
                    }
                    self.set(d, l, lo as u64);
                    if let Some(dn) = dn {
                        self.set(dn, l, hi as u64);
                    }
                }
            }
            Op::Setp { cmp, ty, ftz: false, d, dn: None, a, b, comb: None }
                if self.setp_fast(cmp, ty, mask, d, a, b) => {}
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
            Op::Set { cmp, ty: ty @ (Ty::F16 | Ty::BF16 | Ty::F16x2 | Ty::BF16x2), dty, ftz, d, a, b, comb } => {
                // Half sources: one result per half; true is 1.0 in a half
                // destination, all ones in an integer one.
                let packed = matches!(ty, Ty::F16x2 | Ty::BF16x2);
                let one = match dty {
                    Ty::F16 | Ty::F16x2 => 0x3c00u64,
                    Ty::BF16 | Ty::BF16x2 => 0x3f80,
                    _ if packed => 0xffff,
                    _ => 0xffff_ffff,
                };
                for l in lanes(mask) {
                    let (mut lo, mut hi) = half::compare(cmp, ty, ftz, self.v(a, l), self.v(b, l));
                    if let Some((bop, c, neg)) = comb {
                        let cv = (self.v(c, l) & 1 != 0) ^ neg;
                        lo = alu::boolop(bop, lo, cv);
                        hi = alu::boolop(bop, hi, cv);
                    }
                    let v = if packed {
                        (if hi { one } else { 0 }) << 16 | if lo { one } else { 0 }
                    } else if lo {
                        one
                    } else {
                        0
                    };
                    self.set(d, l, v);
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
            Op::PredLogic { op, d, a, b, na, nb } => {
                self.map2(mask, d, a, b, |x, y| alu::boolop(op, (x & 1 != 0) ^ na, (y & 1 != 0) ^ nb) as u64)
            }
            Op::PredNot { d, a } => self.map1(mask, d, a, |x| (x & 1 == 0) as u64),
            Op::Cvt { dty, sty, round, int_round, ftz, sat, d, a } => {
                self.map1(mask, d, a, |x| convert::convert(dty, sty, round, int_round, ftz, sat, x))
            }
            Op::CvtRelu { dty, sty, round, d, a } => self.map1(mask, d, a, |x| {
                let f = FMods { relu: true, ..Default::default() };
                let v = match sty {
                    Ty::F64 => f64::from_bits(x),
                    _ => f32::from_bits(x as u32) as f64,
                };
                if v.is_nan() {
                    return if dty == Ty::F32 { alu::NAN32 as u64 } else { 0x7fff };
                }
                let v = if f.relu && v <= 0.0 { 0.0 } else { v };
                let fmt = match dty {
                    Ty::BF16 => half::BF16,
                    Ty::F32 => half::F32,
                    _ => half::F16,
                };
                half::round_fmt(v, fmt, round)
            }),
            Op::CvtFp8 { e4m3, to_fp8, relu, d, a, b } => self.cvt_fp8(e4m3, to_fp8, relu, d, a, b, mask),
            Op::CvtTf32 { round, satfinite, d, a } => self.map1(mask, d, a, |x| {
                let v = f32::from_bits(x as u32) as f64;
                if satfinite && v.is_nan() {
                    // Measured on the H100.
                    return 0x7fff_c000;
                }
                if satfinite && v.is_infinite() {
                    return (x & 0x8000_0000) | 0x7f7f_e000;
                }
                if v.is_nan() {
                    // A NaN keeps its sign and top payload bits (measured on the H100).
                    return x & 0xffff_e000;
                }
                half::round_fmt(v, half::Fmt { man: 10, exp: 8 }, round) << 13
            }),
            Op::CvtPackInt { bits, signed, d, a, b, c } => self.cvt_pack_int(bits, signed, d, a, b, c, mask),
            Op::CvtPack { dty, f, d, a, b } => {
                let fmt = if dty == Ty::BF16x2 { half::BF16 } else { half::F16 };
                self.map2(mask, d, a, b, |x, y| {
                    let one = |v: u64| {
                        let v = f32::from_bits(v as u32) as f64;
                        if v.is_nan() {
                            return fmt.nan();
                        }
                        let v = if f.relu && v <= 0.0 { 0.0 } else { v };
                        let r = half::round_fmt(v, fmt, f.round);
                        // .satfinite: infinities become the largest finite value.
                        if f.satfinite && half::to_f64(r, fmt).is_infinite() {
                            half::round_fmt(v.signum() * f64::MAX, fmt, Round::Rz)
                        } else {
                            r
                        }
                    };
                    (one(x) << 16) | one(y)
                })
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
            Op::Prmt { mode: 0, d, a, b, c } => self.map3(mask, d, a, b, c, alu::prmt),
            Op::Prmt { mode, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| alu::prmt_mode(mode, x, y, z)),
            Op::Brx { idx, ref targets, reconv } => {
                let Some(top) = self.stack.last_mut() else { return Ok(None) };
                let active = top.mask;
                let mut groups: Vec<(u32, u32)> = Vec::new();
                for l in lanes(mask) {
                    let i = self.v(idx, l) as usize;
                    let Some(&t) = targets.get(i) else {
                        return Err(cta.fault(
                            FaultKind::IllegalInstruction,
                            i as u64,
                            self.first_thread + l as u32,
                            pc,
                            format!("brx.idx index {i} out of range ({} targets)", targets.len()),
                        ));
                    };
                    match groups.iter_mut().find(|g| g.0 == t) {
                        Some(g) => g.1 |= 1 << l,
                        None => groups.push((t, 1 << l)),
                    }
                }
                let Some(top) = self.stack.last_mut() else { return Ok(None) };
                if groups.len() == 1 && groups[0].1 == active {
                    top.pc = groups[0].0;
                } else {
                    // As a divergent `bra`: wait at the reconvergence point;
                    // lanes not branching (guard false) continue after it.
                    let fall = top.pc;
                    top.pc = reconv;
                    if active & !mask != 0 {
                        self.stack.push(Entry { pc: fall, rpc: reconv, mask: active & !mask, frame: false });
                    }
                    for &(t, m) in groups.iter().rev() {
                        self.stack.push(Entry { pc: t, rpc: reconv, mask: m, frame: false });
                    }
                }
            }
            Op::Match { all, d, dp, a, mask: mm } => self.match_sync(all, d, dp, a, mm, mask),
            Op::Redux { op: rop, ty, d, a, mask: mm } => self.redux(rop, ty, d, a, mm, mask),
            Op::Elect { d, p, mask: mm } => self.elect(d, p, mm, mask),
            Op::Dp4a { sa, sb, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| {
                let byte = |v: u64, i: u32, s: bool| {
                    let b = (v >> (8 * i)) as u8;
                    if s {
                        b as i8 as i64
                    } else {
                        b as i64
                    }
                };
                let sum: i64 = (0..4).map(|i| byte(x, i, sa) * byte(y, i, sb)).sum();
                (z as u32).wrapping_add(sum as u32) as u64
            }),
            Op::Dp2a { hi, sa, sb, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| {
                let half = |v: u64, i: u32| {
                    let h = (v >> (16 * i)) as u16;
                    if sa {
                        h as i16 as i64
                    } else {
                        h as i64
                    }
                };
                let byte = |v: u64, i: u32| {
                    let b = (v >> (8 * i)) as u8;
                    if sb {
                        b as i8 as i64
                    } else {
                        b as i64
                    }
                };
                let o = if hi { 2 } else { 0 };
                let sum = half(x, 0) * byte(y, o) + half(x, 1) * byte(y, o + 1);
                (z as u32).wrapping_add(sum as u32) as u64
            }),
            Op::Szext { signed, clamp, d, a, b } => self.map2(mask, d, a, b, |x, y| {
                let n = if clamp { (y as u32).min(32) } else { y as u32 & 31 };
                let x = x as u32;
                let r = if n == 0 {
                    0
                } else if n >= 32 {
                    x
                } else if signed {
                    (((x << (32 - n)) as i32) >> (32 - n)) as u32
                } else {
                    x & ((1 << n) - 1)
                };
                r as u64
            }),
            Op::Fns { d, mask: mm, base, offset } => {
                self.map3(mask, d, mm, base, offset, |m, b, o| alu::fns(m as u32, b as u32, o as u32 as i32) as u64)
            }
            Op::Mbarrier { kind, d, addr, space, a } => {
                if self.mbarrier(kind, d, addr, space, a, mask, pc, cta)? {
                    return Ok(Some(Stop::Yield));
                }
            }
            Op::BulkCopy { dst, src, size, mbar } => {
                // Issued by one thread: copy at once, then complete the bytes on the barrier.
                let l = first(mask) as usize;
                let thread = self.first_thread + l as u32;
                let (da, sa, n) = (self.addr(dst, l), self.addr(src, l), self.v(size, l));
                for i in (0..n).step_by(4) {
                    let v = cta.load(Space::Global, sa + i, 4, thread)?;
                    cta.store(Space::Shared, da + i, 4, v, thread)?;
                }
                let m = self.addr(mbar, l);
                mbar_update(cta, Space::Shared, m, thread, |st| st.complete_tx(n as i64))?;
            }
            Op::AtomAddVec { space, ty, ref ds, addr, ref bs } => {
                let size = ty.size();
                for l in lanes(mask) {
                    let a = self.addr(addr, l);
                    let thread = self.first_thread + l as u32;
                    cta.check_vector_align(space, a, size * bs.len() as u32, thread)?;
                    for (i, (&d, &b)) in ds.iter().zip(bs).enumerate() {
                        let old =
                            cta.atomic(space, AtomOp::Add, ty, a + (i as u32 * size) as u64, self.v(b, l), 0, thread)?;
                        self.set(d, l, old);
                    }
                }
            }
            Op::CpAsync { dst, src, size, src_size } => {
                for l in lanes(mask) {
                    let thread = self.first_thread + l as u32;
                    let (da, sa) = (self.addr(dst, l), self.addr(src, l));
                    let avail = src_size.map_or(size, |s| (self.v(s, l) as u32).min(size));
                    cta.check_vector_align(Space::Shared, da, size, thread)?;
                    cta.check_vector_align(Space::Global, sa, size, thread)?;
                    for i in (0..size).step_by(4) {
                        let v = if i < avail { cta.load(Space::Global, sa + i as u64, 4, thread)? } else { 0 };
                        cta.store(Space::Shared, da + i as u64, 4, v, thread)?;
                    }
                }
            }
            Op::Lop3 { d, a, b, c, lut } => self.map3(mask, d, a, b, c, |x, y, z| alu::lop3(x, y, z, lut)),
            Op::Shf { left, wrap, d, a, b, c } => self.map3(mask, d, a, b, c, |x, y, z| alu::shf(left, wrap, x, y, z)),
            Op::Testp { class, ty, d, a } => self.map1(mask, d, a, |x| alu::testp(class, ty, x) as u64),
            Op::Ld { space: Space::Frame, ty, ref ds, addr } => {
                let size = ty.size();
                for l in lanes(mask) {
                    for (i, &d) in ds.iter().enumerate() {
                        let off = self.addr(addr, l).wrapping_add((i as u32 * size) as u64);
                        let Some(r) = self.frame_range(off, size, l) else {
                            return Err(cta.fault(
                                FaultKind::IllegalAddress,
                                off,
                                self.first_thread + l as u32,
                                pc,
                                format!("out-of-bounds .param load at offset {off}"),
                            ));
                        };
                        let mut b = [0u8; 8];
                        b[..size as usize].copy_from_slice(&self.pmem[r]);
                        self.set(d, l, alu::ext(u64::from_le_bytes(b), ty));
                    }
                }
            }
            Op::St { space: Space::Frame, ty, ref srcs, addr } => {
                let size = ty.size();
                for l in lanes(mask) {
                    for (i, &s) in srcs.iter().enumerate() {
                        let off = self.addr(addr, l).wrapping_add((i as u32 * size) as u64);
                        let v = self.v(s, l);
                        let Some(r) = self.frame_range(off, size, l) else {
                            return Err(cta.fault(
                                FaultKind::IllegalAddress,
                                off,
                                self.first_thread + l as u32,
                                pc,
                                format!("out-of-bounds .param store at offset {off}"),
                            ));
                        };
                        self.pmem[r].copy_from_slice(&v.to_le_bytes()[..size as usize]);
                    }
                }
            }
            Op::Ld { space, ty, ref ds, addr } => {
                let size = ty.size();
                if let [d] = ds[..] {
                    // Scalar loads take the fast path lane by lane; the lanes
                    // it cannot serve go to the checked path.
                    let mut rest = 0u32;
                    if cta.check.is_none() && matches!((space, size), (Space::Shared | Space::Global, 4 | 8)) {
                        rest = self.ld_scalar_fast(space, ty, d, addr, mask, cta);
                    } else {
                        for l in lanes(mask) {
                            match cta.load_fast(space, self.addr(addr, l), size) {
                                Some(raw) => self.set(d, l, alu::ext(raw, ty)),
                                None => rest |= 1 << l,
                            }
                        }
                    }
                    for l in lanes(rest) {
                        let a = self.addr(addr, l);
                        let raw = cta.load(space, a, size, self.first_thread + l as u32)?;
                        self.set(d, l, alu::ext(raw, ty));
                    }
                    return Ok(None);
                }
                let total = size * ds.len() as u32;
                'lane: for l in lanes(mask) {
                    let base = self.addr(addr, l);
                    if total.is_power_of_two() && base & (total as u64 - 1) == 0 {
                        // Aligned as a whole: each element through the fast path.
                        let mut vals = [0u64; 4];
                        let mut all = true;
                        for (i, v) in vals.iter_mut().enumerate().take(ds.len()) {
                            match cta.load_fast(space, base.wrapping_add((i as u32 * size) as u64), size) {
                                Some(raw) => *v = raw,
                                None => {
                                    all = false;
                                    break;
                                }
                            }
                        }
                        if all && ds.len() <= 4 {
                            for (i, &d) in ds.iter().enumerate() {
                                self.set(d, l, alu::ext(vals[i], ty));
                            }
                            continue 'lane;
                        }
                    }
                    let thread = self.first_thread + l as u32;
                    cta.check_vector_align(space, base, total, thread)?;
                    for (i, &d) in ds.iter().enumerate() {
                        let raw = cta.load(space, base.wrapping_add((i as u32 * size) as u64), size, thread)?;
                        self.set(d, l, alu::ext(raw, ty));
                    }
                }
            }
            Op::St { space, ty, ref srcs, addr } => {
                let size = ty.size();
                if let [src] = srcs[..] {
                    for l in lanes(mask) {
                        let a = self.addr(addr, l);
                        let v = self.v(src, l);
                        if !cta.store_fast(space, a, size, v) {
                            cta.store(space, a, size, v, self.first_thread + l as u32)?;
                        }
                    }
                    return Ok(None);
                }
                let total = size * srcs.len() as u32;
                for l in lanes(mask) {
                    let base = self.addr(addr, l);
                    let thread = self.first_thread + l as u32;
                    if total.is_power_of_two() && base & (total as u64 - 1) == 0 && cta.fits_fast(space, base, total) {
                        // Aligned and inside one block as a whole: no element can fail.
                        for (i, &s) in srcs.iter().enumerate() {
                            let v = self.v(s, l);
                            let a = base.wrapping_add((i as u32 * size) as u64);
                            if !cta.store_fast(space, a, size, v) {
                                cta.store(space, a, size, v, thread)?;
                            }
                        }
                        continue;
                    }
                    cta.check_vector_align(space, base, total, thread)?;
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
                if target <= pc && cta.abort.is_some_and(|a| a.load(std::sync::atomic::Ordering::Relaxed)) {
                    return Err(cta.fault(
                        FaultKind::Trap,
                        0,
                        0,
                        pc,
                        "the grid was stopped (another CTA faulted, or the watchdog expired)".into(),
                    ));
                }
                let Some(top) = self.stack.last_mut() else { return Ok(None) };
                let active = top.mask;
                if mask == active {
                    top.pc = target;
                } else if mask != 0 {
                    // Divergence: the current entry waits at the reconvergence
                    // point; the two paths run first (taken path on top).
                    let fall = top.pc;
                    top.pc = reconv;
                    self.stack.push(Entry { pc: fall, rpc: reconv, mask: active & !mask, frame: false });
                    self.stack.push(Entry { pc: target, rpc: reconv, mask, frame: false });
                }
            }
            Op::Exit => self.remove_lanes(mask),
            Op::Ret => {
                if self.frames.is_empty() {
                    // `ret` from the kernel's own function ends those threads.
                    self.remove_lanes(mask);
                } else {
                    // Those lanes leave the innermost call; when all its lanes
                    // have left, `run` pops the frame entry and returns.
                    let fi = self.stack.iter().rposition(|e| e.frame).unwrap_or(0);
                    for e in &mut self.stack[fi..] {
                        e.mask &= !mask;
                    }
                    if let Some(fr) = self.frames.last_mut() {
                        fr.returned |= mask;
                    }
                }
            }
            Op::Call { target, ref args, ref rets } => match target {
                CallTarget::Direct(f) => self.start_call(program, f, mask, args, rets, cta)?,
                CallTarget::Indirect(src) => {
                    // Lanes may call different functions: call for the lanes
                    // sharing the first lane's target, and leave the others to
                    // execute this `call` again afterwards.
                    let lead = first(mask) as usize;
                    let t = self.v(src, lead);
                    let mut same = 0u32;
                    for l in lanes(mask) {
                        if self.v(src, l) == t {
                            same |= 1 << l;
                        }
                    }
                    let idx = t.wrapping_sub(FUNC_BASE) / 16;
                    if t < FUNC_BASE || !(t - FUNC_BASE).is_multiple_of(16) || idx >= program.funcs.len() as u64 {
                        return Err(cta.fault(
                            FaultKind::IllegalInstruction,
                            t,
                            self.first_thread + lead as u32,
                            pc,
                            format!("indirect call to {t:#x}, which is not a function"),
                        ));
                    }
                    if same != mask {
                        self.stack.push(Entry { pc, rpc: pc + 1, mask: mask & !same, frame: false });
                    }
                    self.start_call(program, idx as u32, same, args, rets, cta)?;
                }
            },
            Op::Builtin { f, ref args, ret } => self.builtin(f, mask, args, ret, pc, cta)?,
            Op::Trap => {
                return Err(cta.fault(
                    FaultKind::Trap,
                    0,
                    self.first_thread + first(mask),
                    pc,
                    "trap instruction".into(),
                ));
            }
            Op::Bar { id, count, arrive } => {
                let l = first(mask) as usize;
                let count = count.map(|c| self.v(c, l) as u32);
                return Ok(Some(Stop::Barrier { id: self.v(id, l) as u32, count, wait: !arrive }));
            }
            Op::BarRed { id, op, d, p, negate } => {
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
                return Ok(Some(Stop::Barrier {
                    id: self.v(id, first(mask) as usize) as u32,
                    count: None,
                    wait: true,
                }));
            }
            Op::Shfl { mode, d, dp, a, b, c } => self.shfl(mode, d, dp, a, b, c, mask),
            Op::Vote { mode, d, a, negate, members } => self.vote(mode, d, a, negate, members, mask),
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
