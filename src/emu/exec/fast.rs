//! Specialised whole-warp loops for the instructions kernels run most:
//! 32/64-bit integer operations, `setp`, `mad.lo`/`mad.wide`, f32
//! arithmetic rounded to nearest, and scalar shared/global loads. Each
//! fixes the operation, type or state space at compile time, so the lane
//! loop does no dispatch of its own (docs/PERF_NOTES.md has the figures).
//! They live out of `Warp::step`, whose code generation suffers when it
//! grows.

use super::{Cta, Warp};
use crate::emu::alu;
use crate::emu::ir::*;

/// Float modifiers with nothing but round-to-nearest (and perhaps `.ftz`).
#[inline(always)]
pub(super) fn plain_rn(f: FMods) -> bool {
    f == FMods { ftz: f.ftz, ..FMods::default() }
}

/// An f32 operand, flushed to zero if subnormal under `.ftz` (sign kept).
#[inline(always)]
pub(super) fn f32_in(v: u64, ftz: bool) -> f32 {
    let x = f32::from_bits(v as u32);
    if ftz && x.is_subnormal() {
        f32::from_bits(x.to_bits() & 0x8000_0000)
    } else {
        x
    }
}

/// An f32 result as the GPU writes it: subnormals flushed under `.ftz`,
/// NaN made canonical.
#[inline(always)]
pub(super) fn f32_out(x: f32, ftz: bool) -> u64 {
    if x.is_nan() {
        alu::NAN32 as u64
    } else {
        f32_in(x.to_bits() as u64, ftz).to_bits() as u64
    }
}

impl Warp {
    /// The common integer operations on 32- and 64-bit types, each in a loop
    /// of its own with the operation and type fixed at compile time (the
    /// general path decides them again for every lane). False: not one of
    /// them, nothing done.
    #[inline(never)]
    pub(super) fn int_bin_fast(&mut self, op: BinOp, ty: Ty, mask: u32, d: Reg, a: Src, b: Src) -> bool {
        macro_rules! each {
            ($($op:ident),*) => {
                match (op, ty) {
                    $(
                        (BinOp::$op, Ty::U32) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::$op, Ty::U32, false, x, y, &mut 0)),
                        (BinOp::$op, Ty::S32) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::$op, Ty::S32, false, x, y, &mut 0)),
                        (BinOp::$op, Ty::U64) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::$op, Ty::U64, false, x, y, &mut 0)),
                        (BinOp::$op, Ty::S64) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::$op, Ty::S64, false, x, y, &mut 0)),
                    )*
                    (BinOp::MulWide, Ty::U32) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::MulWide, Ty::U32, false, x, y, &mut 0)),
                    (BinOp::MulWide, Ty::S32) => self.map2(mask, d, a, b, |x, y| alu::int_bin(BinOp::MulWide, Ty::S32, false, x, y, &mut 0)),
                    _ => return false,
                }
            };
        }
        each!(Sub, MulLo, And, Or, Xor, Shl, Shr, Min, Max);
        true
    }

    /// `mad.lo` and `mad.wide` without carry on 32- and 64-bit integers
    /// (address arithmetic), specialised as [`Warp::int_bin_fast`]. False:
    /// not such a `mad`, nothing done.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn mad_fast(&mut self, wide: bool, ty: Ty, mask: u32, d: Reg, a: Src, b: Src, c: Src) -> bool {
        macro_rules! mad {
            ($op:ident, $ty:ident, $sty:ident) => {
                self.map3(mask, d, a, b, c, |x, y, z| {
                    let p = alu::int_bin(BinOp::$op, Ty::$ty, false, x, y, &mut 0);
                    alu::int_bin(BinOp::Add, Ty::$sty, false, p, z, &mut 0)
                })
            };
        }
        match (wide, ty) {
            (false, Ty::U32) => mad!(MulLo, U32, U32),
            (false, Ty::S32) => mad!(MulLo, S32, S32),
            (false, Ty::U64) => mad!(MulLo, U64, U64),
            (false, Ty::S64) => mad!(MulLo, S64, S64),
            (true, Ty::U32) => mad!(MulWide, U32, U64),
            (true, Ty::S32) => mad!(MulWide, S32, S64),
            _ => return false,
        }
        true
    }

    /// `setp` of two 32- or 64-bit integers or two f32 values (no `.ftz`,
    /// no combining predicate, no second destination), specialised as
    /// [`Warp::int_bin_fast`]. False: not such a `setp`, nothing done.
    #[inline(never)]
    pub(super) fn setp_fast(&mut self, cmp: Cmp, ty: Ty, mask: u32, d: Reg, a: Src, b: Src) -> bool {
        macro_rules! each {
            ($($cmp:ident),*) => {
                match (cmp, ty) {
                    $(
                        (Cmp::$cmp, Ty::U32) => self.map2(mask, d, a, b, |x, y| alu::compare(Cmp::$cmp, Ty::U32, false, x, y) as u64),
                        (Cmp::$cmp, Ty::S32) => self.map2(mask, d, a, b, |x, y| alu::compare(Cmp::$cmp, Ty::S32, false, x, y) as u64),
                        (Cmp::$cmp, Ty::U64) => self.map2(mask, d, a, b, |x, y| alu::compare(Cmp::$cmp, Ty::U64, false, x, y) as u64),
                        (Cmp::$cmp, Ty::S64) => self.map2(mask, d, a, b, |x, y| alu::compare(Cmp::$cmp, Ty::S64, false, x, y) as u64),
                        (Cmp::$cmp, Ty::F32) => self.map2(mask, d, a, b, |x, y| alu::compare(Cmp::$cmp, Ty::F32, false, x, y) as u64),
                    )*
                    _ => return false,
                }
            };
        }
        each!(Eq, Ne, Lt, Le, Gt, Ge);
        true
    }

    /// Scalar 4- and 8-byte loads from shared or global memory, in loops
    /// with the state space and size fixed at compile time; returns the
    /// lanes it could not serve (misaligned, out of bounds: the caller takes
    /// the checked path for those).
    #[inline(never)]
    pub(super) fn ld_scalar_fast(&mut self, space: Space, ty: Ty, d: Reg, addr: Addr, mask: u32, cta: &mut Cta) -> u32 {
        let signed = ty == Ty::S32;
        match (space, ty.size()) {
            (Space::Shared, 4) => self.ld_lanes::<true, 4>(signed, d, addr, mask, cta),
            (Space::Global, 4) => self.ld_lanes::<false, 4>(signed, d, addr, mask, cta),
            (Space::Shared, 8) => self.ld_lanes::<true, 8>(false, d, addr, mask, cta),
            (Space::Global, 8) => self.ld_lanes::<false, 8>(false, d, addr, mask, cta),
            _ => mask,
        }
    }

    #[inline(always)]
    fn ld_lanes<const SHARED: bool, const SIZE: u32>(
        &mut self,
        signed: bool,
        d: Reg,
        addr: Addr,
        mask: u32,
        cta: &mut Cta,
    ) -> u32 {
        let space = if SHARED { Space::Shared } else { Space::Global };
        let mut rest = 0u32;
        let mut m = mask;
        while m != 0 {
            let l = m.trailing_zeros() as usize;
            m &= m - 1;
            match cta.load_fast(space, self.addr(addr, l), SIZE) {
                Some(raw) => {
                    let v = if SIZE == 4 && signed { raw as u32 as i32 as i64 as u64 } else { raw };
                    self.set(d, l, v);
                }
                None => rest |= 1 << l,
            }
        }
        rest
    }

    /// f32 `add`/`sub`/`mul` rounded to nearest (perhaps `.ftz`): IEEE
    /// arithmetic as the host computes it, NaN results made canonical. Kept
    /// out of `step` so the common cases there stay compact.
    #[inline(never)]
    pub(super) fn f32_bin(&mut self, op: BinOp, ftz: bool, mask: u32, d: Reg, a: Src, b: Src) {
        match op {
            BinOp::Add => self.map2(mask, d, a, b, |x, y| f32_out(f32_in(x, ftz) + f32_in(y, ftz), ftz)),
            BinOp::Sub => self.map2(mask, d, a, b, |x, y| f32_out(f32_in(x, ftz) - f32_in(y, ftz), ftz)),
            _ => self.map2(mask, d, a, b, |x, y| f32_out(f32_in(x, ftz) * f32_in(y, ftz), ftz)),
        }
    }

    /// `fma.rn.f32` (perhaps `.ftz`), as [`Warp::f32_bin`]; with the host's
    /// fused multiply-add instruction where the CPU has one (the result is
    /// the same: one IEEE rounding either way, but without a library call).
    #[inline(never)]
    pub(super) fn f32_fma(&mut self, ftz: bool, mask: u32, d: Reg, a: Src, b: Src, c: Src) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports FMA (checked just above).
            unsafe { self.f32_fma_hw(ftz, mask, d, a, b, c) };
            return;
        }
        self.map3(mask, d, a, b, c, |x, y, z| f32_out(f32_in(x, ftz).mul_add(f32_in(y, ftz), f32_in(z, ftz)), ftz));
    }

    /// [`Warp::f32_fma`] compiled for CPUs with FMA.
    ///
    /// # Safety
    /// The CPU must support the `fma` target feature.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "fma")]
    unsafe fn f32_fma_hw(&mut self, ftz: bool, mask: u32, d: Reg, a: Src, b: Src, c: Src) {
        self.map3(mask, d, a, b, c, |x, y, z| f32_out(f32_in(x, ftz).mul_add(f32_in(y, ftz), f32_in(z, ftz)), ftz));
    }
}
