//! The handlers of pre-decoded instructions (see the parent module): one
//! body per operation family, run over a warp's active lanes with the
//! operation, type and state space fixed as const generics, plus the
//! whole-warp operand and memory helpers they share.

use super::{bin_op, cmp_of, space_of, ty_of, un_op};
use super::{Args, Body, Isa, O, SP_CONST, SP_GENERIC, SP_GLOBAL, SP_SHARED};
use crate::emu::alu;
use crate::emu::convert;
use crate::emu::exec::fast::{f32_in, f32_out};
use crate::emu::exec::{lanes, Cta, Warp};
use crate::emu::ir::*;

impl Warp {
    /// The 32 lanes of an operand.
    #[inline(always)]
    fn row(&self, o: O) -> [u64; 32] {
        match o {
            O::R(r) => {
                let i = self.reg_base + r as usize * 32;
                let mut v = [0u64; 32];
                if let Some(s) = self.regs.get(i..i + 32) {
                    v.copy_from_slice(s);
                }
                v
            }
            O::I(v) => [v; 32],
        }
    }

    /// Writes lane `l` of register `d` with `f(l)` for all 32 lanes (the
    /// operands were copied out first: `d` may be one of them).
    #[inline(always)]
    fn write_row(&mut self, d: Reg, f: impl Fn(usize) -> u64) {
        let i = self.reg_base + d as usize * 32;
        if let Some(dst) = self.regs.get_mut(i..i + 32) {
            for (l, v) in dst.iter_mut().enumerate() {
                *v = f(l);
            }
        }
    }

    #[inline(always)]
    fn lane(&self, o: O, l: usize) -> u64 {
        match o {
            O::R(r) => self.r(r, l),
            O::I(v) => v,
        }
    }

    #[inline(always)]
    fn pmap1(&mut self, mask: u32, d: Reg, a: O, f: impl Fn(u64) -> u64) {
        if mask == u32::MAX {
            let x = self.row(a);
            self.write_row(d, |l| f(x[l]));
        } else {
            let mut m = mask;
            while m != 0 {
                let l = m.trailing_zeros() as usize;
                m &= m - 1;
                let v = f(self.lane(a, l));
                self.set(d, l, v);
            }
        }
    }

    #[inline(always)]
    fn pmap2(&mut self, mask: u32, d: Reg, a: O, b: O, f: impl Fn(u64, u64) -> u64) {
        if mask == u32::MAX {
            let (x, y) = (self.row(a), self.row(b));
            self.write_row(d, |l| f(x[l], y[l]));
        } else {
            let mut m = mask;
            while m != 0 {
                let l = m.trailing_zeros() as usize;
                m &= m - 1;
                let v = f(self.lane(a, l), self.lane(b, l));
                self.set(d, l, v);
            }
        }
    }

    #[inline(always)]
    fn pmap3(&mut self, mask: u32, d: Reg, a: O, b: O, c: O, f: impl Fn(u64, u64, u64) -> u64) {
        if mask == u32::MAX {
            let (x, y, z) = (self.row(a), self.row(b), self.row(c));
            self.write_row(d, |l| f(x[l], y[l], z[l]));
        } else {
            let mut m = mask;
            while m != 0 {
                let l = m.trailing_zeros() as usize;
                m &= m - 1;
                let v = f(self.lane(a, l), self.lane(b, l), self.lane(c, l));
                self.set(d, l, v);
            }
        }
    }
}

/// A handler: `$h::<generics, I>` (the function the table holds) runs the
/// body `$b` through `I::run`, by way of the type `$body` whose
/// `#[inline(always)]` method makes the call direct, so that the body is
/// compiled into the instruction set's wrapper.
macro_rules! handler {
    ($h:ident, $body:ident, $b:ident, [$(const $g:ident: $t:ty),*]) => {
        pub(super) fn $h<$(const $g: $t,)* I: Isa>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
            I::run::<$body<$($g),*>>(w, a, mask, cta)
        }

        struct $body<$(const $g: $t),*>;

        impl<$(const $g: $t),*> Body for $body<$($g),*> {
            #[inline(always)]
            fn body(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
                $b::<$($g),*>(w, a, mask, cta)
            }
        }
    };
}

handler!(h_mov, MovBody, b_mov, []);

#[inline(always)]
fn b_mov(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap1(mask, a.d[0], a.a, |x| x);
    true
}

handler!(h_int, IntBody, b_int, [const OP: u8, const T: u8]);

#[inline(always)]
fn b_int<const OP: u8, const T: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| alu::int_bin(bin_op(OP), ty_of(T), false, x, y, &mut 0));
    true
}

handler!(h_divrem, DivremBody, b_divrem, [const DIV: bool]);

#[inline(always)]
fn b_divrem<const DIV: bool>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let (op, ty) = (if DIV { BinOp::Div } else { BinOp::Rem }, a.ty);
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| alu::int_bin(op, ty, false, x, y, &mut 0));
    true
}

handler!(h_iun, IunBody, b_iun, [const OP: u8, const T: u8]);

#[inline(always)]
fn b_iun<const OP: u8, const T: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap1(mask, a.d[0], a.a, |x| alu::int_un(un_op(OP), ty_of(T), x));
    true
}

handler!(h_mad, MadBody, b_mad, [const WIDE: bool, const T: u8]);

#[inline(always)]
fn b_mad<const WIDE: bool, const T: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let (pop, sty) =
        if WIDE { (BinOp::MulWide, if T == 1 { Ty::S64 } else { Ty::U64 }) } else { (BinOp::MulLo, ty_of(T)) };
    w.pmap3(mask, a.d[0], a.a, a.b, a.c, |x, y, z| {
        let p = alu::int_bin(pop, ty_of(T), false, x, y, &mut 0);
        alu::int_bin(BinOp::Add, sty, false, p, z, &mut 0)
    });
    true
}

handler!(h_setp, SetpBody, b_setp, [const C: u8, const T: u8]);

#[inline(always)]
fn b_setp<const C: u8, const T: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| alu::compare(cmp_of(C), ty_of(T), false, x, y) as u64);
    true
}

handler!(h_selp, SelpBody, b_selp, []);

#[inline(always)]
fn b_selp(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap3(mask, a.d[0], a.a, a.b, a.c, |x, y, p| if p & 1 != 0 { x } else { y });
    true
}

handler!(h_pred, PredBody, b_pred, [const OP: u8]);

#[inline(always)]
fn b_pred<const OP: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let op = match OP {
        0 => BoolOp::And,
        1 => BoolOp::Or,
        _ => BoolOp::Xor,
    };
    let [na, nb] = a.neg;
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| alu::boolop(op, (x & 1 != 0) ^ na, (y & 1 != 0) ^ nb) as u64);
    true
}

handler!(h_pnot, PnotBody, b_pnot, []);

#[inline(always)]
fn b_pnot(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap1(mask, a.d[0], a.a, |x| (x & 1 == 0) as u64);
    true
}

handler!(h_cvt_int, CvtIntBody, b_cvt_int, [const D: u8, const S: u8]);

#[inline(always)]
fn b_cvt_int<const D: u8, const S: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap1(mask, a.d[0], a.a, |x| cvt_int(ty_of(D), ty_of(S), x));
    true
}

/// `cvt` between integer types without `.sat`.
#[inline(always)]
fn cvt_int(dty: Ty, sty: Ty, x: u64) -> u64 {
    alu::ext(alu::ext(x, sty), dty)
}

handler!(h_cvta, CvtaBody, b_cvta, []);

#[inline(always)]
fn b_cvta(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    let (space, to_generic) = (a.space, a.to_generic);
    // `Cta::cvta` depends on the space and the address only.
    let c = &*cta;
    w.pmap1(mask, a.d[0], a.a, |x| c.cvta(space, to_generic, x, 0));
    true
}

handler!(h_cvt, CvtBody, b_cvt, []);

#[inline(always)]
fn b_cvt(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let (dty, sty, round, ir, ftz, sat) = (a.ty, a.sty, a.round, a.int_round, a.f.ftz, a.sat);
    w.pmap1(mask, a.d[0], a.a, |x| convert::convert(dty, sty, round, ir, ftz, sat, x));
    true
}

handler!(h_f32, F32Body, b_f32, [const OP: u8, const FTZ: bool]);

#[inline(always)]
fn b_f32<const OP: u8, const FTZ: bool>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| {
        let (x, y) = (f32_in(x, FTZ), f32_in(y, FTZ));
        f32_out(
            match OP {
                0 => x + y,
                1 => x - y,
                _ => x * y,
            },
            FTZ,
        )
    });
    true
}

handler!(h_float_bin, FloatBinBody, b_float_bin, [const OP: u8]);

/// f32 (other roundings and modifiers) and f64 `add/sub/mul/min/max/div`.
#[inline(always)]
fn b_float_bin<const OP: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let (ty, f) = (a.ty, a.f);
    w.pmap2(mask, a.d[0], a.a, a.b, |x, y| alu::float_bin(bin_op(OP), ty, f, x, y));
    true
}

handler!(h_fun, FunBody, b_fun, [const OP: u8]);

#[inline(always)]
fn b_fun<const OP: u8>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    let f = a.f;
    w.pmap1(mask, a.d[0], a.a, |x| alu::float_un_f32(un_op(OP), f, x));
    true
}

handler!(h_fma, FmaBody, b_fma, [const FTZ: bool]);

#[inline(always)]
fn b_fma<const FTZ: bool>(w: &mut Warp, a: &Args, mask: u32, _cta: &mut Cta<'_>) -> bool {
    w.pmap3(mask, a.d[0], a.a, a.b, a.c, |x, y, z| {
        f32_out(f32_in(x, FTZ).mul_add(f32_in(y, FTZ), f32_in(z, FTZ)), FTZ)
    });
    true
}

#[cfg(target_arch = "x86_64")]
pub(super) fn h_fma_hw<const FTZ: bool>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    // SAFETY: `fma_handler` chooses this handler only after
    // `is_x86_feature_detected!("fma")` said the CPU has FMA.
    unsafe { h_fma_inner::<FTZ>(w, a, mask, cta) }
}

/// # Safety
/// The CPU must support the `fma` target feature.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
unsafe fn h_fma_inner<const FTZ: bool>(w: &mut Warp, a: &Args, mask: u32, _: &mut Cta<'_>) -> bool {
    w.pmap3(mask, a.d[0], a.a, a.b, a.c, |x, y, z| {
        f32_out(f32_in(x, FTZ).mul_add(f32_in(y, FTZ), f32_in(z, FTZ)), FTZ)
    });
    true
}

handler!(h_ld, LdBody, b_ld, [const SP: u8, const SIZE: u32, const SIGNED: bool]);

/// Scalar loads of 4 or 8 bytes from shared, global, constant, local or
/// generic addresses: all active lanes with one check of their addresses (inactive
/// lanes borrow an active lane's address), else lane by lane.
#[inline(always)]
fn b_ld<const SP: u8, const SIZE: u32, const SIGNED: bool>(
    w: &mut Warp,
    a: &Args,
    mask: u32,
    cta: &mut Cta<'_>,
) -> bool {
    let space = space_of(SP);
    let ext = |v: u64| if SIGNED { v as u32 as i32 as i64 as u64 } else { v };
    if mask == u32::MAX {
        // Kept apart from the partial-mask case below: merged, the common
        // case compiled 1.5x slower (docs/PERF_NOTES.md #22).
        if let Some(v) = warp_load_sp::<SP, SIZE>(cta, &w.addrs(a.addr)) {
            w.write_row(a.d[0], |l| ext(v[l]));
            return true;
        }
    }
    let addrs = active_addrs(w.addrs(a.addr), mask);
    if mask != u32::MAX {
        if let Some(v) = warp_load_sp::<SP, SIZE>(cta, &addrs) {
            for l in lanes(mask) {
                w.set(a.d[0], l, ext(v[l]));
            }
            return true;
        }
    }
    // Lane by lane; a lane the fast path cannot serve sends the whole
    // instruction to `step` (no destination is the address register).
    for l in lanes(mask) {
        match cta.load_fast_at(space, addrs[l], SIZE, w.first_thread + l as u32) {
            Some(v) => w.set(a.d[0], l, ext(v)),
            None => return false,
        }
    }
    true
}

/// A whole-warp load in the handler's state space (a constant: each
/// instance keeps one arm); `.local` goes lane by lane.
#[inline(always)]
fn warp_load_sp<const SP: u8, const SIZE: u32>(cta: &mut Cta<'_>, addrs: &[u64; 32]) -> Option<[u64; 32]> {
    match SP {
        SP_SHARED => cta.warp_load::<true, SIZE>(addrs),
        SP_GLOBAL | SP_CONST => cta.warp_load::<false, SIZE>(addrs),
        SP_GENERIC => cta.warp_load_generic::<SIZE>(addrs),
        _ => None,
    }
}

/// The store counterpart of [`warp_load_sp`].
#[inline(always)]
fn warp_store_sp<const SP: u8, const SIZE: u32>(cta: &mut Cta<'_>, addrs: &[u64; 32], vals: &[u64; 32]) -> bool {
    match SP {
        SP_SHARED => cta.warp_store::<true, SIZE>(addrs, vals),
        SP_GLOBAL => cta.warp_store::<false, SIZE>(addrs, vals),
        SP_GENERIC => cta.warp_store_generic::<SIZE>(addrs, vals),
        _ => false,
    }
}

/// The lanes' addresses with each inactive lane given the first active
/// lane's, so a check over all 32 covers exactly the active ones.
#[inline(always)]
fn active_addrs(mut addrs: [u64; 32], mask: u32) -> [u64; 32] {
    if mask != u32::MAX && mask != 0 {
        let first = addrs[mask.trailing_zeros() as usize & 31];
        for (l, v) in addrs.iter_mut().enumerate() {
            if mask >> l & 1 == 0 {
                *v = first;
            }
        }
    }
    addrs
}

handler!(h_ldv, LdvBody, b_ldv, [const SP: u8]);

/// Aligned 2- and 4-element vector loads (shared, global, constant,
/// local, generic): a whole warp of 4-byte elements with one check of all
/// addresses, else lane by lane.
#[inline(always)]
fn b_ldv<const SP: u8>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    let space = space_of(SP);
    let size = a.ty.size();
    let n = a.n as usize;
    let total = size as u64 * n as u64;
    if mask == u32::MAX && size == 4 {
        let addrs = w.addrs(a.addr);
        // The whole vector's alignment here, each element's bounds below.
        if addrs.iter().fold(0, |o, &x| o | x) & (total - 1) == 0 {
            for (i, &d) in a.d.iter().enumerate().take(n) {
                let el: [u64; 32] = std::array::from_fn(|l| addrs[l].wrapping_add(4 * i as u64));
                // An element out of bounds after earlier ones were
                // written: `step` redoes them all (no destination is
                // the address register, see `handler`).
                let Some(v) = warp_load_sp::<SP, 4>(cta, &el) else { return false };
                if a.ty == Ty::S32 {
                    w.write_row(d, |l| v[l] as u32 as i32 as i64 as u64);
                } else {
                    w.write_row(d, |l| v[l]);
                }
            }
            return true;
        }
    }
    let mut m = mask;
    while m != 0 {
        let l = m.trailing_zeros() as usize;
        m &= m - 1;
        let base = w.addr(a.addr, l);
        if base & (total - 1) != 0 {
            return false;
        }
        let mut vals = [0u64; 4];
        for (i, v) in vals.iter_mut().enumerate().take(n) {
            match cta.load_fast_at(space, base.wrapping_add(i as u64 * size as u64), size, w.first_thread + l as u32) {
                Some(raw) => *v = alu::ext(raw, a.ty),
                None => return false,
            }
        }
        for (&d, &v) in a.d.iter().zip(&vals).take(n) {
            w.set(d, l, v);
        }
    }
    true
}

handler!(h_ld_param, LdParamBody, b_ld_param, []);

/// `.param` loads at a fixed offset: one value for every lane.
#[inline(always)]
fn b_ld_param(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    let Some(raw) = cta.load_fast(Space::Param, a.addr.offset as u64, a.ty.size()) else { return false };
    let v = alu::ext(raw, a.ty);
    w.pmap1(mask, a.d[0], O::I(v), |x| x);
    true
}

handler!(h_st, StBody, b_st, [const SP: u8]);

/// Shared, global, local and generic stores of 4 or 8 bytes, scalar or 2/4-element
/// vectors: every lane's whole access is checked before any is written, so
/// a lane the fast path cannot serve leaves memory as it was.
#[inline(always)]
fn b_st<const SP: u8>(w: &mut Warp, a: &Args, mask: u32, cta: &mut Cta<'_>) -> bool {
    let space = space_of(SP);
    let size = a.ty.size();
    let n = a.n as usize;
    if mask == u32::MAX && n == 1 {
        let addrs = w.addrs(a.addr);
        let v = w.row(a.a);
        let done = match size {
            4 => warp_store_sp::<SP, 4>(cta, &addrs, &v),
            8 => warp_store_sp::<SP, 8>(cta, &addrs, &v),
            _ => false,
        };
        if done {
            return true;
        }
        // Nothing was written: lane by lane below.
    }
    let total = size * n as u32;
    let mut m = mask;
    while m != 0 {
        let l = m.trailing_zeros() as usize;
        m &= m - 1;
        let base = w.addr(a.addr, l);
        if !total.is_power_of_two()
            || base & (total as u64 - 1) != 0
            || !cta.fits_fast_at(space, base, total, w.first_thread + l as u32)
        {
            return false;
        }
    }
    let srcs = [a.a, a.b, a.c, O::R(a.d[0])];
    let mut m = mask;
    while m != 0 {
        let l = m.trailing_zeros() as usize;
        m &= m - 1;
        let base = w.addr(a.addr, l);
        for (i, &s) in srcs.iter().enumerate().take(n) {
            let v = w.lane(s, l);
            if !cta.store_fast_at(space, base.wrapping_add(i as u64 * size as u64), size, v, w.first_thread + l as u32)
            {
                // Not reached after the check above; a retry through `step`
                // stores the same values again.
                return false;
            }
        }
    }
    true
}

impl Warp {
    /// The 32 lanes' addresses of a memory operand (no frame-local base:
    /// those are not pre-decoded).
    #[inline(always)]
    fn addrs(&self, a: Addr) -> [u64; 32] {
        match a.base {
            Some(r) => {
                let mut b = self.row(O::R(r));
                for v in &mut b {
                    *v = v.wrapping_add(a.offset as u64);
                }
                b
            }
            None => [a.offset as u64; 32],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvt_int_matches_convert() {
        let tys = [Ty::U32, Ty::S32, Ty::U64, Ty::S64];
        let vals =
            [0u64, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000, u64::MAX, 1 << 63, 0x1234_5678_9abc_def0];
        for d in tys {
            for s in tys {
                for v in vals {
                    assert_eq!(
                        cvt_int(d, s, v),
                        convert::convert(d, s, Round::Rn, false, false, false, v),
                        "{d:?} <- {s:?} {v:#x}"
                    );
                }
            }
        }
    }
}
