//! Per-lane arithmetic: integer, floating-point, comparison and conversion
//! semantics (PTX ISA §9.7.1–§9.7.9). Values are 64-bit lane slots; each
//! function reads the low bits its type uses and returns zero- or
//! sign-extended bits.

use super::ir::*;
use super::rounding::{f32_rounded, f64_rounded, ROp};

/// Sign- or zero-extends the low `ty.bits()` of `v` to 64 bits.
#[inline(always)]
pub fn ext(v: u64, ty: Ty) -> u64 {
    match ty {
        Ty::U8 => v as u8 as u64,
        Ty::U16 | Ty::F16 | Ty::BF16 => v as u16 as u64,
        Ty::U32 | Ty::F32 | Ty::F16x2 | Ty::BF16x2 => v as u32 as u64,
        Ty::S8 => v as i8 as i64 as u64,
        Ty::S16 => v as i16 as i64 as u64,
        Ty::S32 => v as i32 as i64 as u64,
        Ty::Pred => (v & 1 != 0) as u64,
        Ty::U64 | Ty::S64 | Ty::F64 => v,
    }
}

#[inline(always)]
pub(super) fn f32_of(v: u64) -> f32 {
    f32::from_bits(v as u32)
}

#[inline(always)]
pub(super) fn ftz32(x: f32, ftz: bool) -> f32 {
    if ftz && x.is_subnormal() {
        0.0f32.copysign(x)
    } else {
        x
    }
}

#[inline(always)]
fn ftz64(x: f64, ftz: bool) -> f64 {
    if ftz && x.is_subnormal() {
        0.0f64.copysign(x)
    } else {
        x
    }
}

/// Canonical NaN the GPU produces for f32 (PTX ISA §9.7.3: NaN results are 0x7fffffff).
pub const NAN32: u32 = 0x7fff_ffff;
/// Canonical f64 NaN on the H100 (measured): 0x7ff8000000000000.
pub const NAN64: u64 = 0x7ff8_0000_0000_0000;

fn sat32(x: f32) -> f32 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0) + 0.0
    }
}

#[inline(always)]
pub(super) fn out32(x: f32, f: FMods) -> u64 {
    let x = if f.sat { sat32(x) } else { x };
    let x = ftz32(x, f.ftz);
    if x.is_nan() {
        NAN32 as u64
    } else {
        x.to_bits() as u64
    }
}

#[inline(always)]
pub(super) fn out64(x: f64, f: FMods) -> u64 {
    let x = if f.sat {
        if x.is_nan() {
            0.0
        } else {
            x.clamp(0.0, 1.0) + 0.0
        }
    } else {
        x
    };
    // f64 NaNs propagate as the host's do (first NaN operand, made quiet;
    // invalid operations give 0xfff8…), which is what the H100 records.
    if x.is_nan() {
        x.to_bits() | (1 << 51)
    } else {
        x.to_bits()
    }
}

/// min/max with PTX semantics: a NaN operand yields the other operand; with
/// `.NaN` or both NaN the result is the canonical NaN; -0.0 < +0.0.
fn fminmax32(a: f32, b: f32, max: bool, nan: bool) -> f32 {
    if a.is_nan() || b.is_nan() {
        if nan || (a.is_nan() && b.is_nan()) {
            return f32::from_bits(NAN32);
        }
        return if a.is_nan() { b } else { a };
    }
    if a == b {
        // Distinguish signed zeros.
        let pick_a = if max { a.is_sign_positive() } else { a.is_sign_negative() };
        return if pick_a { a } else { b };
    }
    if (a < b) != max {
        a
    } else {
        b
    }
}

fn fminmax64(a: f64, b: f64, max: bool, nan: bool) -> f64 {
    if a.is_nan() || b.is_nan() {
        if nan || (a.is_nan() && b.is_nan()) {
            return f64::from_bits(NAN64);
        }
        return if a.is_nan() { b } else { a };
    }
    if a == b {
        let pick_a = if max { a.is_sign_positive() } else { a.is_sign_negative() };
        return if pick_a { a } else { b };
    }
    if (a < b) != max {
        a
    } else {
        b
    }
}

/// Integer binary operations. `carry` is CC.CF (in/out).
#[inline(always)]
pub fn int_bin(op: BinOp, ty: Ty, sat: bool, a: u64, b: u64, carry: &mut u64) -> u64 {
    let bits = ty.bits();
    let signed = ty.is_signed();
    let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let (sa, sb) = (ext(a, ty) as i64, ext(b, ty) as i64);
    let (ua, ub) = (a & mask, b & mask);
    let r: u64 = match op {
        BinOp::Add if sat && ty == Ty::S32 => (sa as i32).saturating_add(sb as i32) as i64 as u64,
        BinOp::Sub if sat && ty == Ty::S32 => (sa as i32).saturating_sub(sb as i32) as i64 as u64,
        BinOp::Add => ua.wrapping_add(ub),
        BinOp::Sub => ua.wrapping_sub(ub),
        BinOp::AddCc | BinOp::AddC | BinOp::AddCCc => {
            let cin = if op == BinOp::AddCc { 0 } else { *carry & 1 };
            let full = ua as u128 + ub as u128 + cin as u128;
            if op != BinOp::AddC {
                *carry = ((full >> bits) & 1) as u64;
            }
            full as u64
        }
        BinOp::SubCc | BinOp::SubC | BinOp::SubCCc => {
            // The hardware subtracts as a + !b + CF, so CC.CF holds "no
            // borrow" after sub.cc and feeds addc/subc alike (measured on the
            // H100: add.cc → subc and sub.cc → addc chains).
            let cin = if op == BinOp::SubCc { 1 } else { *carry & 1 };
            let full = ua as u128 + (!ub & mask) as u128 + cin as u128;
            if op != BinOp::SubC {
                *carry = ((full >> bits) & 1) as u64;
            }
            full as u64
        }
        BinOp::MulLo => ua.wrapping_mul(ub),
        BinOp::MulHi => {
            if signed {
                ((sa as i128 * sb as i128) >> bits) as u64
            } else {
                ((ua as u128 * ub as u128) >> bits) as u64
            }
        }
        BinOp::MulWide => {
            if signed {
                (sa as i128 * sb as i128) as u64
            } else {
                (ua as u128 * ub as u128) as u64
            }
        }
        BinOp::Mul24Lo | BinOp::Mul24Hi => {
            let (x, y) = if signed {
                (((a as i32) << 8 >> 8) as i64, ((b as i32) << 8 >> 8) as i64)
            } else {
                ((a & 0xff_ffff) as i64, (b & 0xff_ffff) as i64)
            };
            let p = x * y;
            if op == BinOp::Mul24Lo {
                p as u64
            } else {
                (p >> 16) as u64
            }
        }
        BinOp::Div => {
            if signed {
                if sb == 0 {
                    u64::MAX
                } else {
                    sa.wrapping_div(sb) as u64
                }
            } else {
                // Division by zero gives all ones.
                ua.checked_div(ub).unwrap_or(u64::MAX)
            }
        }
        BinOp::Rem => {
            // Remainder by zero gives all ones (measured on the H100).
            if signed {
                if sb == 0 {
                    u64::MAX
                } else {
                    sa.wrapping_rem(sb) as u64
                }
            } else {
                ua.checked_rem(ub).unwrap_or(u64::MAX)
            }
        }
        BinOp::Min => {
            if signed {
                sa.min(sb) as u64
            } else {
                ua.min(ub)
            }
        }
        BinOp::Max => {
            if signed {
                sa.max(sb) as u64
            } else {
                ua.max(ub)
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => {
            let s = b as u32;
            if s >= bits {
                0
            } else {
                ua << s
            }
        }
        BinOp::Shr => {
            let s = (b as u32).min(bits);
            if signed {
                (sa >> s.min(63)) as u64
            } else if s >= bits {
                0
            } else {
                ua >> s
            }
        }
        BinOp::Bmsk => {
            // `.wrap` (carried in `sat` = false) takes both operands mod 32;
            // `.clamp` limits them to 32.
            let (pos, len) =
                if sat { ((a as u32).min(32), (b as u32).min(32)) } else { (a as u32 & 31, b as u32 & 31) };
            let m = if len >= 32 { u32::MAX } else { (1u32 << len) - 1 };
            if pos >= 32 {
                0
            } else {
                ((m as u64) << pos) & 0xffff_ffff
            }
        }
        BinOp::Copysign => a,
    };
    if op == BinOp::MulWide {
        return ext(r, if signed { widen_signed(bits) } else { Ty::U64 });
    }
    ext(r, ty)
}

fn widen_signed(bits: u32) -> Ty {
    match bits {
        8 => Ty::S16,
        16 => Ty::S32,
        _ => Ty::S64,
    }
}

/// Floating-point binary operations (f32, f64; `.rn` semantics, and directed
/// roundings computed exactly in wider precision where that is exact).
#[inline(always)]
pub fn float_bin(op: BinOp, ty: Ty, f: FMods, a: u64, b: u64) -> u64 {
    if ty == Ty::F64 {
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        if matches!(op, BinOp::Add | BinOp::Sub | BinOp::MulLo) && (x.is_nan() || y.is_nan()) {
            // The second operand's NaN wins, made quiet (measured on the H100;
            // division keeps the host's first-operand rule, which also matches).
            let n = if y.is_nan() { b } else { a };
            return n | (1 << 51);
        }
        let r = match op {
            BinOp::Add => f64_rounded(ROp::Add, f.round, x, y),
            BinOp::Sub => f64_rounded(ROp::Sub, f.round, x, y),
            BinOp::MulLo => f64_rounded(ROp::Mul, f.round, x, y),
            BinOp::Div => f64_rounded(ROp::Div, f.round, x, y),
            BinOp::Min => fminmax64(x, y, false, f.nan),
            BinOp::Max => fminmax64(x, y, true, f.nan),
            BinOp::Copysign => return (b & !(1 << 63)) | (a & (1 << 63)),
            _ => return 0,
        };
        return out64(ftz64(r, false), f);
    }
    let (x, y) = (ftz32(f32_of(a), f.ftz), ftz32(f32_of(b), f.ftz));
    let r = match op {
        BinOp::Add => f32_rounded(ROp::Add, f.round, x, y, 0.0),
        BinOp::Sub => f32_rounded(ROp::Sub, f.round, x, y, 0.0),
        BinOp::MulLo => f32_rounded(ROp::Mul, f.round, x, y, 0.0),
        BinOp::Div => {
            if f.approx {
                x * (1.0 / y)
            } else {
                f32_rounded(ROp::Div, f.round, x, y, 0.0)
            }
        }
        BinOp::Min | BinOp::Max if f.xorsign => {
            let sign = (x.to_bits() ^ y.to_bits()) & 0x8000_0000;
            let r = fminmax32(x.abs(), y.abs(), op == BinOp::Max, f.nan);
            if r.is_nan() {
                return NAN32 as u64;
            }
            f32::from_bits(r.to_bits() | sign)
        }
        BinOp::Min => fminmax32(x, y, false, f.nan),
        BinOp::Max => fminmax32(x, y, true, f.nan),
        // A bit operation: NaN payloads pass through (measured on the H100).
        BinOp::Copysign => return (b & 0x7fff_ffff) | (a & 0x8000_0000),
        _ => return 0,
    };
    out32(r, f)
}

/// Floating-point unary operations.
pub fn float_un(op: UnOp, ty: Ty, f: FMods, a: u64) -> u64 {
    if ty == Ty::F64 {
        // `.ftz` exists for f64 only on rcp/rsqrt.approx: subnormal inputs flush.
        let x = ftz64(f64::from_bits(a), f.ftz);
        let r = match op {
            // A NaN comes back quiet with its sign unchanged (measured on the H100).
            UnOp::Neg | UnOp::Abs if x.is_nan() => return a | (1 << 51),
            UnOp::Neg => return a ^ (1 << 63),
            UnOp::Abs => return a & !(1 << 63),
            UnOp::Sqrt => f64_rounded(ROp::Sqrt, f.round, x, 0.0),
            // The hardware's f64 approximations work from the high word only.
            UnOp::Rcp if f.approx => hi_word(1.0 / hi_word(x)),
            UnOp::Rcp => f64_rounded(ROp::Div, f.round, 1.0, x),
            // Without .ftz, NaNs and invalid inputs follow the host's rules.
            UnOp::Rsqrt if !f.ftz && (x.is_nan() || x < 0.0) => 1.0 / x.sqrt(),
            UnOp::Rsqrt => hi_word(1.0 / hi_word(x).sqrt()),
            UnOp::Sin => x.sin(),
            UnOp::Cos => x.cos(),
            UnOp::Lg2 => x.log2(),
            UnOp::Ex2 => x.exp2(),
            UnOp::Tanh => x.tanh(),
            _ => return 0,
        };
        return out64(r, f);
    }
    float_un_f32(op, f, a)
}

/// [`float_un`] on f32, inlined where the operation is known (the
/// interpreter's pre-decoded handlers).
#[inline(always)]
pub fn float_un_f32(op: UnOp, f: FMods, a: u64) -> u64 {
    let x = ftz32(f32_of(a), f.ftz);
    let r = match op {
        // NaN inputs give the canonical NaN (measured on the H100).
        UnOp::Neg | UnOp::Abs if x.is_nan() => return NAN32 as u64,
        UnOp::Neg => return ftz32(-x, f.ftz).to_bits() as u64,
        UnOp::Abs => return ftz32(x.abs(), f.ftz).to_bits() as u64,
        UnOp::Sqrt if f.approx => x.sqrt(),
        UnOp::Sqrt => f32_rounded(ROp::Sqrt, f.round, x, 0.0, 0.0),
        UnOp::Rcp if f.approx => 1.0 / x,
        UnOp::Rcp => f32_rounded(ROp::Div, f.round, 1.0, x, 0.0),
        UnOp::Rsqrt => 1.0 / x.sqrt(),
        UnOp::Sin => approx_sincos(x, false),
        UnOp::Cos => approx_sincos(x, true),

        UnOp::Lg2 => x.log2(),
        UnOp::Ex2 => x.exp2(),
        UnOp::Tanh => x.tanh(),
        _ => return 0,
    };
    out32(r, f)
}

/// `fma.f32` (and `mad.f32`): a×b+c with one rounding (`.rn`; directed modes
/// are rounded from the exact f64 value when it is exact there).
#[inline(always)]
pub fn fma32(f: FMods, a: u64, b: u64, c: u64) -> u64 {
    let (x, y, z) = (ftz32(f32_of(a), f.ftz), ftz32(f32_of(b), f.ftz), ftz32(f32_of(c), f.ftz));
    let r = if f.round == Round::Rn { x.mul_add(y, z) } else { f32_rounded(ROp::Fma, f.round, x, y, z) };
    out32(r, f)
}

/// `fma.f64`: a×b+c with one rounding (round to nearest even).
#[inline(always)]
pub fn fma64(f: FMods, a: u64, b: u64, c: u64) -> u64 {
    // A NaN operand propagates, made quiet: a signaling one first, else the
    // first of a, b, c.
    let is_nan = |v: u64| f64::from_bits(v).is_nan();
    let signaling = |v: u64| is_nan(v) && v & (1 << 51) == 0;
    if let Some(n) = [a, b, c].into_iter().find(|&v| signaling(v)).or([a, b, c].into_iter().find(|&v| is_nan(v))) {
        return n | (1 << 51);
    }
    let r = super::rounding::fma64_rounded(f.round, f64::from_bits(a), f64::from_bits(b), f64::from_bits(c));
    out64(r, f)
}

/// `sin.approx.f32` / `cos.approx.f32` as the hardware computes them: the
/// argument is reduced in turns with one f32 multiply by 1/(2π) (its
/// rounding error is what makes large arguments less accurate on the GPU),
/// then the fraction of a turn is evaluated accurately.
fn approx_sincos(x: f32, cos: bool) -> f32 {
    if !x.is_finite() {
        return f32::NAN;
    }
    if x == 0.0 {
        // sin(±0) = ±0, cos(±0) = 1.
        return if cos { 1.0 } else { x };
    }
    let turns = x * (1.0 / (2.0 * std::f32::consts::PI));
    let frac = (turns - turns.round()) as f64 * 2.0 * std::f64::consts::PI;
    (if cos { frac.cos() } else { frac.sin() }) as f32
}

/// `x` with the low 32 bits of its encoding cleared; a NaN becomes the
/// hardware's high-word NaN 0x7fffffff_00000000 (measured on the H100).
fn hi_word(x: f64) -> f64 {
    if x.is_nan() {
        return f64::from_bits(0x7fff_ffff_0000_0000);
    }
    f64::from_bits(x.to_bits() & !0xffff_ffff)
}

/// Integer unary operations.
pub fn int_un(op: UnOp, ty: Ty, a: u64) -> u64 {
    let bits = ty.bits();
    let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let ua = a & mask;
    let sa = ext(a, ty) as i64;
    match op {
        UnOp::Not => ext(!a, ty),
        UnOp::Cnot => (ua == 0) as u64,
        UnOp::Neg => ext(sa.wrapping_neg() as u64, ty),
        UnOp::Abs => ext(sa.wrapping_abs() as u64, ty),
        UnOp::Popc => ua.count_ones() as u64,
        UnOp::Clz => (ua.leading_zeros() - (64 - bits)) as u64,
        UnOp::Brev => ua.reverse_bits() >> (64 - bits),
        UnOp::Bfind | UnOp::BfindShift => {
            // Position of the most significant non-sign bit (PTX ISA §9.7.1.14).
            let v = if ty.is_signed() && sa < 0 { !ua & mask } else { ua };
            if v == 0 {
                0xffff_ffff
            } else {
                let pos = 63 - v.leading_zeros() as u64;
                if op == UnOp::BfindShift {
                    (bits as u64 - 1) - pos
                } else {
                    pos
                }
            }
        }
        _ => 0,
    }
}

/// `setp`/`set` comparisons.
#[inline(always)]
pub fn compare(cmp: Cmp, ty: Ty, ftz: bool, a: u64, b: u64) -> bool {
    if ty.is_float() {
        let (x, y, unord) = if ty == Ty::F64 {
            let (x, y) = (ftz64(f64::from_bits(a), ftz), ftz64(f64::from_bits(b), ftz));
            (x, y, x.is_nan() || y.is_nan())
        } else {
            let (x, y) = (ftz32(f32_of(a), ftz) as f64, ftz32(f32_of(b), ftz) as f64);
            (x, y, x.is_nan() || y.is_nan())
        };
        return match cmp {
            Cmp::Eq => x == y,
            Cmp::Ne => !unord && x != y,
            Cmp::Lt => x < y,
            Cmp::Le => x <= y,
            Cmp::Gt => x > y,
            Cmp::Ge => x >= y,
            Cmp::Equ => unord || x == y,
            Cmp::Neu => x != y,
            Cmp::Ltu => unord || x < y,
            Cmp::Leu => unord || x <= y,
            Cmp::Gtu => unord || x > y,
            Cmp::Geu => unord || x >= y,
            Cmp::Num => !unord,
            Cmp::Nan => unord,
        };
    }
    let (x, y) = (ext(a, ty), ext(b, ty));
    let lt = if ty.is_signed() { (x as i64) < (y as i64) } else { x < y };
    match cmp {
        Cmp::Eq | Cmp::Equ => x == y,
        Cmp::Ne | Cmp::Neu => x != y,
        Cmp::Lt | Cmp::Ltu => lt,
        Cmp::Le | Cmp::Leu => lt || x == y,
        Cmp::Gt | Cmp::Gtu => !lt && x != y,
        Cmp::Ge | Cmp::Geu => !lt,
        Cmp::Num => true,
        Cmp::Nan => false,
    }
}

pub fn boolop(op: BoolOp, a: bool, b: bool) -> bool {
    match op {
        BoolOp::And => a && b,
        BoolOp::Or => a || b,
        BoolOp::Xor => a ^ b,
    }
}

/// `testp` classes in order: finite, infinite, number, notanumber, normal, subnormal.
pub fn testp(class: u8, ty: Ty, a: u64) -> bool {
    let x = if ty == Ty::F64 { f64::from_bits(a) } else { f32_of(a) as f64 };
    let sub = if ty == Ty::F64 { x.is_subnormal() } else { f32_of(a).is_subnormal() };
    match class {
        0 => x.is_finite(),
        1 => x.is_infinite(),
        2 => !x.is_nan(),
        3 => x.is_nan(),
        // The H100 counts zero as normal (testp.normal of ±0 is true).
        4 => x.is_finite() && !sub,
        _ => sub,
    }
}

/// `prmt.b32` default mode: selects bytes of {b, a} by the nibbles of c.
pub fn prmt(a: u64, b: u64, c: u64) -> u64 {
    let src = ((b as u32 as u64) << 32) | (a as u32 as u64);
    let mut r = 0u32;
    for i in 0..4 {
        let sel = ((c >> (4 * i)) & 0xf) as u32;
        let byte = ((src >> (8 * (sel & 7))) & 0xff) as u32;
        let byte = if sel & 8 != 0 {
            if byte & 0x80 != 0 {
                0xff
            } else {
                0
            }
        } else {
            byte
        };
        r |= byte << (8 * i);
    }
    r as u64
}

/// `prmt.b32` with a mode (PTX ISA §9.7.8.7): the byte indices of d.b0…b3
/// for each selector value c[1:0].
pub fn prmt_mode(mode: u8, a: u64, b: u64, c: u64) -> u64 {
    const TABLE: [[[u8; 4]; 4]; 6] = [
        [[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]], // f4e
        [[0, 7, 6, 5], [1, 0, 7, 6], [2, 1, 0, 7], [3, 2, 1, 0]], // b4e
        [[0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], // rc8
        [[0, 1, 2, 3], [1, 1, 2, 3], [2, 2, 2, 3], [3, 3, 3, 3]], // ecl
        [[0, 0, 0, 0], [0, 1, 1, 1], [0, 1, 2, 2], [0, 1, 2, 3]], // ecr
        [[0, 1, 0, 1], [2, 3, 2, 3], [0, 1, 0, 1], [2, 3, 2, 3]], // rc16
    ];
    let src = ((b as u32 as u64) << 32) | (a as u32 as u64);
    let sel = &TABLE[(mode as usize - 1).min(5)][(c & 3) as usize];
    let mut r = 0u64;
    for (i, &s) in sel.iter().enumerate() {
        r |= ((src >> (8 * s)) & 0xff) << (8 * i);
    }
    r
}

/// `fns.b32` (PTX ISA §9.7.1.16): the position of the `offset`-th set bit
/// of `mask` counting from `base` (toward the MSB for positive offsets,
/// the LSB for negative), or 0xffffffff.
pub fn fns(mask: u32, base: u32, offset: i32) -> u32 {
    if base > 31 {
        return u32::MAX;
    }
    if offset == 0 {
        return if mask & (1 << base) != 0 { base } else { u32::MAX };
    }
    let step = offset.signum();
    let mut count = offset.unsigned_abs() - 1;
    let mut pos = base as i32;
    while (0..32).contains(&pos) {
        if mask & (1 << pos) != 0 {
            if count == 0 {
                return pos as u32;
            }
            count -= 1;
        }
        pos += step;
    }
    u32::MAX
}

/// `bfe` (PTX ISA §9.7.1.17).
pub fn bfe(ty: Ty, a: u64, pos: u64, len: u64) -> u64 {
    let bits = ty.bits() as u64;
    // The ISA takes 8 bits of each; the H100 does so for 32-bit types but
    // uses the whole 32-bit operands for 64-bit ones (measured).
    let (pos, len) = if bits == 64 { (pos & 0xffff_ffff, len & 0xffff_ffff) } else { (pos & 0xff, len & 0xff) };
    let signed = ty.is_signed();
    let sa = ext(a, ty);
    let msb = bits - 1;
    let sbit = if !signed || len == 0 {
        false
    } else {
        let i = (pos.saturating_add(len) - 1).min(msb);
        (sa >> i) & 1 != 0
    };
    let mut d = 0u64;
    for i in 0..bits {
        let bit = if i < len && pos.saturating_add(i) <= msb { (sa >> (pos + i)) & 1 != 0 } else { sbit };
        if bit {
            d |= 1 << i;
        }
    }
    ext(d, ty)
}

/// `bfi` (PTX ISA §9.7.1.18): insert the low `len` bits of `f` into `b` at `pos`.
pub fn bfi(ty: Ty, f: u64, b: u64, pos: u64, len: u64) -> u64 {
    let bits = ty.bits() as u64;
    let (pos, len) = if bits == 64 { (pos & 0xffff_ffff, len & 0xffff_ffff) } else { (pos & 0xff, len & 0xff) };
    let mut d = b;
    for i in 0..len {
        if pos + i >= bits {
            break;
        }
        let bit = (f >> i) & 1;
        d = (d & !(1 << (pos + i))) | (bit << (pos + i));
    }
    ext(d, ty)
}

/// `lop3.b32`: arbitrary three-input logic from an 8-bit truth table.
pub fn lop3(a: u64, b: u64, c: u64, lut: u8) -> u64 {
    let mut r = 0u64;
    for i in 0..8u8 {
        if lut & (1 << i) != 0 {
            let ma = if i & 4 != 0 { a } else { !a };
            let mb = if i & 2 != 0 { b } else { !b };
            let mc = if i & 1 != 0 { c } else { !c };
            r |= ma & mb & mc;
        }
    }
    r & 0xffff_ffff
}

/// `shf.l/.r` funnel shift of {b:a} by c (`.clamp` or `.wrap`).
pub fn shf(left: bool, wrap: bool, a: u64, b: u64, c: u64) -> u64 {
    let n = if wrap { (c & 31) as u32 } else { (c as u32).min(32) };
    let v = ((b as u32 as u64) << 32) | (a as u32 as u64);
    if left {
        ((v << n) >> 32) & 0xffff_ffff
    } else {
        (v >> n) & 0xffff_ffff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_basics() {
        let mut c = 0;
        assert_eq!(int_bin(BinOp::Add, Ty::U32, false, 0xffff_ffff, 1, &mut c), 0);
        assert_eq!(int_bin(BinOp::Sub, Ty::S32, false, 0, 1, &mut c), u64::MAX);
        assert_eq!(int_bin(BinOp::MulHi, Ty::U32, false, 0x8000_0000, 4, &mut c), 2);
        assert_eq!(int_bin(BinOp::MulWide, Ty::S32, false, (-3i32) as u32 as u64, 4, &mut c), (-12i64) as u64);
        assert_eq!(int_bin(BinOp::Shr, Ty::S32, false, (-8i32) as u32 as u64, 1, &mut c), (-4i64) as u64);
        assert_eq!(int_bin(BinOp::Shr, Ty::U32, false, 0x8000_0000, 40, &mut c), 0);
        assert_eq!(int_bin(BinOp::Div, Ty::S32, false, (-7i32) as u32 as u64, 2, &mut c), (-3i64) as u64);
        assert_eq!(int_bin(BinOp::Rem, Ty::S32, false, (-7i32) as u32 as u64, 2, &mut c), (-1i64) as u64);
        assert_eq!(int_bin(BinOp::Min, Ty::S32, false, (-1i32) as u32 as u64, 1, &mut c), u64::MAX);
        assert_eq!(int_bin(BinOp::Min, Ty::U32, false, (-1i32) as u32 as u64, 1, &mut c), 1);
        let _ = int_bin(BinOp::AddCc, Ty::U32, false, 0xffff_ffff, 1, &mut c);
        assert_eq!(c, 1);
        assert_eq!(int_bin(BinOp::AddC, Ty::U32, false, 1, 1, &mut c), 3);
    }

    #[test]
    fn unary_bits() {
        assert_eq!(int_un(UnOp::Clz, Ty::U32, 1), 31);
        assert_eq!(int_un(UnOp::Popc, Ty::U64, u64::MAX), 64);
        assert_eq!(int_un(UnOp::Brev, Ty::U32, 1), 0x8000_0000);
        assert_eq!(int_un(UnOp::Bfind, Ty::U32, 0), 0xffff_ffff);
        assert_eq!(int_un(UnOp::Bfind, Ty::S32, (-1i32) as u32 as u64), 0xffff_ffff);
        assert_eq!(int_un(UnOp::Bfind, Ty::U32, 0x10), 4);
    }

    #[test]
    fn float_min_max_and_nan() {
        let f = FMods::default();
        let nan = f32::NAN.to_bits() as u64;
        assert_eq!(float_bin(BinOp::Min, Ty::F32, f, nan, 2f32.to_bits() as u64), 2f32.to_bits() as u64);
        assert_eq!(float_bin(BinOp::Max, Ty::F32, f, (-0.0f32).to_bits() as u64, 0), 0);
        assert_eq!(float_bin(BinOp::Add, Ty::F32, f, nan, 0), NAN32 as u64);
    }

    #[test]
    fn directed_rounding_of_products() {
        let one_third = (1.0f32 / 3.0).to_bits() as u64;
        let three = 3f32.to_bits() as u64;
        let rz = float_bin(BinOp::MulLo, Ty::F32, FMods { round: Round::Rz, ..Default::default() }, one_third, three);
        let rp = float_bin(BinOp::MulLo, Ty::F32, FMods { round: Round::Rp, ..Default::default() }, one_third, three);
        // f32(1/3) × 3 = 1.0000000298…: toward zero gives 1.0, upward the next float.
        assert_eq!(f32::from_bits(rz as u32), 1.0);
        assert_eq!(rp as u32, 1f32.to_bits() + 1);
    }

    #[test]
    fn directed_rounding_of_division_sqrt_and_sums() {
        let f = |r| FMods { round: r, ..Default::default() };
        let b = |v: f32| v.to_bits() as u64;
        let (one, three) = (b(1.0), b(3.0));
        assert_eq!(float_bin(BinOp::Div, Ty::F32, f(Round::Rz), one, three), 0x3eaa_aaaa);
        assert_eq!(float_bin(BinOp::Div, Ty::F32, f(Round::Rm), one, three), 0x3eaa_aaaa);
        assert_eq!(float_bin(BinOp::Div, Ty::F32, f(Round::Rp), one, three), 0x3eaa_aaab);
        assert_eq!(float_bin(BinOp::Div, Ty::F32, f(Round::Rm), b(-1.0), three), 0xbeaa_aaab);
        assert_eq!(float_un(UnOp::Sqrt, Ty::F32, f(Round::Rp), b(2.0)), 0x3fb5_04f4);
        assert_eq!(float_un(UnOp::Sqrt, Ty::F32, f(Round::Rn), b(2.0)), 0x3fb5_04f3);
        let tiny = b(2f32.powi(-40));
        assert_eq!(float_bin(BinOp::Add, Ty::F32, f(Round::Rz), one, tiny), one);
        assert_eq!(float_bin(BinOp::Add, Ty::F32, f(Round::Rp), one, tiny), one + 1);
        assert_eq!(float_bin(BinOp::Sub, Ty::F32, f(Round::Rz), one, tiny), b(1.0f32.next_down()));
        let d = |v: f64| v.to_bits();
        assert_eq!(float_bin(BinOp::Div, Ty::F64, f(Round::Rp), d(1.0), d(3.0)), d(1.0 / 3.0) + 1);
        assert_eq!(float_bin(BinOp::Div, Ty::F64, f(Round::Rz), d(1.0), d(3.0)), d(1.0 / 3.0));
        assert_eq!(float_bin(BinOp::Add, Ty::F64, f(Round::Rm), d(-1.0), d(-1e-30)), d(-1.0) + 1);
    }

    #[test]
    fn f64_directed_rounding_of_underflowing_products_and_quotients() {
        let f = |r| FMods { round: r, ..Default::default() };
        let tiny = 1e-200f64.to_bits();
        let min_sub = f64::from_bits(1).to_bits();
        assert_eq!(float_bin(BinOp::MulLo, Ty::F64, f(Round::Rp), tiny, tiny), min_sub);
        assert_eq!(float_bin(BinOp::MulLo, Ty::F64, f(Round::Rz), tiny, tiny), 0);
        assert_eq!(
            float_bin(BinOp::MulLo, Ty::F64, f(Round::Rm), tiny, (-1e-200f64).to_bits()),
            (-f64::from_bits(1)).to_bits()
        );
        assert_eq!(float_bin(BinOp::Div, Ty::F64, f(Round::Rp), tiny, 1e200f64.to_bits()), min_sub);
        assert_eq!(
            float_bin(BinOp::Div, Ty::F64, f(Round::Rz), 1f64.to_bits(), 3f64.to_bits()),
            (1.0f64 / 3.0).to_bits()
        );
        // sqrt(2) rounds up to nearest, so toward zero is one ulp below.
        assert_eq!(float_un(UnOp::Sqrt, Ty::F64, f(Round::Rz), 2f64.to_bits()), 2f64.sqrt().to_bits() - 1);
        assert_eq!(float_un(UnOp::Sqrt, Ty::F64, f(Round::Rp), 2f64.to_bits()), 2f64.sqrt().to_bits());
    }

    #[test]
    fn fns_and_prmt_modes() {
        assert_eq!(fns(0b1011_0000, 0, 1), 4);
        assert_eq!(fns(0b1011_0000, 0, 3), 7);
        assert_eq!(fns(0b1011_0000, 7, -2), 5);
        assert_eq!(fns(0b1011_0000, 5, 0), 5);
        assert_eq!(fns(0b1011_0000, 6, 0), u32::MAX);
        assert_eq!(fns(1, 0, 2), u32::MAX);
        let (a, b) = (0x4433_2211, 0x8877_6655);
        assert_eq!(prmt_mode(1, a, b, 1), 0x5544_3322, "f4e");
        assert_eq!(prmt_mode(2, a, b, 0), 0x6677_8811, "b4e");
        assert_eq!(prmt_mode(3, a, b, 2), 0x3333_3333, "rc8");
        assert_eq!(prmt_mode(6, a, b, 1), 0x4433_4433, "rc16");
    }

    #[test]
    fn bit_field_ops() {
        assert_eq!(bfe(Ty::U32, 0xabcd, 4, 8), 0xbc);
        assert_eq!(bfe(Ty::S32, 0x80, 4, 4), (-8i64) as u64);
        assert_eq!(bfi(Ty::U32, 0xf, 0, 4, 4), 0xf0);
        assert_eq!(prmt(0x44332211, 0x88776655, 0x3210), 0x44332211);
        assert_eq!(prmt(0x44332211, 0x88776655, 0x7654), 0x88776655);
        assert_eq!(lop3(0xf0, 0xcc, 0xaa, 0x80), 0x80);
        assert_eq!(shf(true, false, 0x8000_0000, 1, 1), 3);
    }
}
