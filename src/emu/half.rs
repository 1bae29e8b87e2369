//! Half-precision arithmetic: `.f16`, `.bf16` and their packed `x2` forms
//! (PTX ISA §9.7.4 "Half Precision Floating-Point Instructions"), plus
//! correctly rounded conversion from f64 to any binary format in every
//! rounding mode. Results are computed exactly in f64 (exact for add, sub
//! and mul of half operands) and rounded once.

use super::ir::{BinOp, Cmp, FMods, Round, Ty, UnOp};

/// A binary floating-point format: mantissa bits and exponent bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    pub man: u32,
    pub exp: u32,
}

pub const F16: Fmt = Fmt { man: 10, exp: 5 };
pub const BF16: Fmt = Fmt { man: 7, exp: 8 };
pub const F32: Fmt = Fmt { man: 23, exp: 8 };

impl Fmt {
    fn bias(self) -> i32 {
        (1 << (self.exp - 1)) - 1
    }
    fn sign_bit(self) -> u64 {
        1 << (self.man + self.exp)
    }
    fn inf(self) -> u64 {
        ((1u64 << self.exp) - 1) << self.man
    }
    /// The canonical NaN the GPU produces (all exponent and mantissa bits set).
    pub fn nan(self) -> u64 {
        (1u64 << (self.man + self.exp)) - 1
    }
    fn max_finite(self) -> u64 {
        self.inf() - 1
    }
}

/// The value of `bits` in format `fmt`.
pub fn to_f64(bits: u64, fmt: Fmt) -> f64 {
    let man = bits & ((1 << fmt.man) - 1);
    let e = ((bits >> fmt.man) & ((1 << fmt.exp) - 1)) as i32;
    let neg = bits & fmt.sign_bit() != 0;
    let mag = if e == (1 << fmt.exp) - 1 {
        if man == 0 {
            f64::INFINITY
        } else {
            f64::NAN
        }
    } else if e == 0 {
        man as f64 * 2f64.powi(1 - fmt.bias() - fmt.man as i32)
    } else {
        (man | (1 << fmt.man)) as f64 * 2f64.powi(e - fmt.bias() - fmt.man as i32)
    };
    if neg {
        -mag
    } else {
        mag
    }
}

/// Rounds `x` to format `fmt` with rounding mode `mode` (correctly rounded
/// when `x` is the exact value; NaN → the canonical NaN).
pub fn round_fmt(x: f64, fmt: Fmt, mode: Round) -> u64 {
    if x.is_nan() {
        return fmt.nan();
    }
    let neg = x.is_sign_negative();
    let sign = if neg { fmt.sign_bit() } else { 0 };
    let a = x.abs();
    if a == 0.0 {
        return sign;
    }
    let overflow = || match (mode, neg) {
        (Round::Rz, _) | (Round::Rm, false) | (Round::Rp, true) => sign | fmt.max_finite(),
        _ => sign | fmt.inf(),
    };
    if a.is_infinite() {
        return sign | fmt.inf();
    }
    let emin = 1 - fmt.bias();
    let raw_e = ((a.to_bits() >> 52) & 0x7ff) as i32;
    let mut e = if raw_e == 0 { -1074 } else { raw_e - 1023 }.max(emin);
    if e > fmt.bias() + 1 {
        return overflow();
    }
    // Scale so the integer part holds the kept mantissa bits (exact: a power of two).
    let scaled = a * 2f64.powi(fmt.man as i32 - e);
    let mut q = scaled.trunc();
    let frac = scaled - q;
    let up = match mode {
        Round::Rn => frac > 0.5 || (frac == 0.5 && q % 2.0 == 1.0),
        Round::Rna => frac >= 0.5,
        Round::Rz => false,
        Round::Rm => neg && frac > 0.0,
        Round::Rp => !neg && frac > 0.0,
    };
    if up {
        q += 1.0;
    }
    let mut q = q as u64;
    if q >= 1 << (fmt.man + 1) {
        q >>= 1;
        e += 1;
    }
    if q < 1 << fmt.man {
        // Subnormal (or rounded to zero).
        return sign | q;
    }
    let field = (e + fmt.bias()) as u64;
    if field >= (1 << fmt.exp) - 1 {
        return overflow();
    }
    sign | (field << fmt.man) | (q & ((1 << fmt.man) - 1))
}

/// The value of an fp8 code: e4m3 (bias 7, no infinities, 0x7f/0xff NaN,
/// largest 448) or e5m2 (bias 15, IEEE-like with infinities).
pub fn fp8_value(code: u8, e4m3: bool) -> f64 {
    let neg = code & 0x80 != 0;
    let (man_bits, bias) = if e4m3 { (3, 7) } else { (2, 15) };
    let e = ((code & 0x7f) >> man_bits) as i32;
    let m = (code & ((1 << man_bits) - 1)) as f64;
    let mag = if e4m3 && code & 0x7f == 0x7f {
        f64::NAN
    } else if !e4m3 && e == 31 {
        if m == 0.0 {
            f64::INFINITY
        } else {
            f64::NAN
        }
    } else if e == 0 {
        m * 2f64.powi(1 - bias - man_bits)
    } else {
        (m + (1 << man_bits) as f64) * 2f64.powi(e - bias - man_bits)
    };
    if neg {
        -mag
    } else {
        mag
    }
}

/// Rounds to an fp8 code with `.rn.satfinite`: to nearest (ties to an even
/// code), out-of-range values to the largest finite magnitude, NaN to 0x7f;
/// `.relu` makes negatives +0.
pub fn to_fp8(v: f64, e4m3: bool, relu: bool) -> u64 {
    if v.is_nan() {
        return 0x7f;
    }
    let v = if relu && v <= 0.0 { 0.0 } else { v };
    let neg = v.is_sign_negative();
    let a = v.abs();
    let max_code: u8 = if e4m3 { 0x7e } else { 0x7b };
    // Positive codes in increasing value: 0 ..= max_code.
    let mut best = 0u8;
    for code in 0..=max_code {
        if fp8_value(code, e4m3) <= a {
            best = code;
        }
    }
    let lo = fp8_value(best, e4m3);
    let code = if best < max_code {
        let hi = fp8_value(best + 1, e4m3);
        if a - lo > hi - a || (a - lo == hi - a && best & 1 == 1) {
            best + 1
        } else {
            best
        }
    } else {
        best
    };
    (if neg { 0x80 } else { 0 }) | code as u64
}

fn fmt_of(ty: Ty) -> Fmt {
    match ty {
        Ty::BF16 | Ty::BF16x2 => BF16,
        _ => F16,
    }
}

fn lanes_of(ty: Ty) -> u32 {
    if matches!(ty, Ty::F16x2 | Ty::BF16x2) {
        2
    } else {
        1
    }
}

fn is_subnormal(bits: u64, fmt: Fmt) -> bool {
    (bits >> fmt.man) & ((1 << fmt.exp) - 1) == 0 && bits & ((1 << fmt.man) - 1) != 0
}

/// Input flush (`.ftz`): subnormals become zero of the same sign.
fn flush_in(bits: u64, fmt: Fmt, ftz: bool) -> u64 {
    if ftz && is_subnormal(bits, fmt) {
        bits & fmt.sign_bit()
    } else {
        bits
    }
}

/// Output handling: `.sat` clamps to [0, 1] (NaN → +0), `.relu` clamps
/// negatives to +0 (NaN stays NaN), `.ftz` flushes subnormal results.
fn finish(x: f64, fmt: Fmt, f: FMods) -> u64 {
    let x = if f.sat {
        if x.is_nan() {
            0.0
        } else {
            x.clamp(0.0, 1.0) + 0.0
        }
    } else {
        x
    };
    let bits = if f.relu && !x.is_nan() && (x < 0.0 || (x == 0.0 && x.is_sign_negative())) {
        0
    } else {
        round_fmt(x, fmt, f.round)
    };
    if f.ftz && is_subnormal(bits, fmt) {
        bits & fmt.sign_bit()
    } else {
        bits
    }
}

fn minmax(a: u64, b: u64, fmt: Fmt, max: bool, nan: bool) -> u64 {
    let (x, y) = (to_f64(a, fmt), to_f64(b, fmt));
    if x.is_nan() || y.is_nan() {
        if nan || (x.is_nan() && y.is_nan()) {
            return fmt.nan();
        }
        return if x.is_nan() { b } else { a };
    }
    if x == y {
        let a_neg = a & fmt.sign_bit() != 0;
        return if a_neg != max { a } else { b };
    }
    if (x < y) != max {
        a
    } else {
        b
    }
}

/// Applies `op` to each 16-bit half of a packed value (or the one half of a scalar).
fn per_half(ty: Ty, a: u64, b: u64, c: u64, op: impl Fn(u64, u64, u64) -> u64) -> u64 {
    let mut out = 0;
    for i in 0..lanes_of(ty) {
        let s = 16 * i;
        let h = op((a >> s) & 0xffff, (b >> s) & 0xffff, (c >> s) & 0xffff) & 0xffff;
        out |= h << s;
    }
    out
}

/// Binary arithmetic on half types: add, sub, mul, min, max.
pub fn bin(op: BinOp, ty: Ty, f: FMods, a: u64, b: u64) -> u64 {
    let fmt = fmt_of(ty);
    per_half(ty, a, b, 0, |x, y, _| {
        let (x, y) = (flush_in(x, fmt, f.ftz), flush_in(y, fmt, f.ftz));
        let (fx, fy) = (to_f64(x, fmt), to_f64(y, fmt));
        match op {
            BinOp::Add => finish(fx + fy, fmt, f),
            BinOp::Sub => finish(fx - fy, fmt, f),
            BinOp::MulLo => finish(fx * fy, fmt, f),
            BinOp::Min | BinOp::Max if f.xorsign => {
                // min/max.xorsign.abs: compare magnitudes; sign = XOR of the signs.
                let sign = (x ^ y) & fmt.sign_bit();
                let r = minmax(x & !fmt.sign_bit(), y & !fmt.sign_bit(), fmt, op == BinOp::Max, f.nan);
                if to_f64(r, fmt).is_nan() {
                    fmt.nan()
                } else {
                    r | sign
                }
            }
            BinOp::Min => minmax(x, y, fmt, false, f.nan),
            BinOp::Max => minmax(x, y, fmt, true, f.nan),
            _ => fmt.nan(),
        }
    })
}

/// `fma.rn{.ftz}{.sat}{.relu}` on half types (one rounding; the product of
/// two halves is exact in f64).
pub fn fma(ty: Ty, f: FMods, a: u64, b: u64, c: u64) -> u64 {
    let fmt = fmt_of(ty);
    per_half(ty, a, b, c, |x, y, z| {
        let v = to_f64(flush_in(x, fmt, f.ftz), fmt)
            .mul_add(to_f64(flush_in(y, fmt, f.ftz), fmt), to_f64(flush_in(z, fmt, f.ftz), fmt));
        finish(v, fmt, f)
    })
}

/// Unary operations on half types: neg, abs (bit operations), and the
/// approximate `ex2`/`tanh` (computed in f32, rounded to nearest).
pub fn un(op: UnOp, ty: Ty, f: FMods, a: u64) -> u64 {
    let fmt = fmt_of(ty);
    per_half(ty, a, 0, 0, |x, _, _| {
        let x = flush_in(x, fmt, f.ftz);
        match op {
            // NaN inputs give the canonical NaN (measured on the H100).
            UnOp::Neg | UnOp::Abs if to_f64(x, fmt).is_nan() => fmt.nan(),
            UnOp::Neg => x ^ fmt.sign_bit(),
            UnOp::Abs => x & !fmt.sign_bit(),
            UnOp::Ex2 => finish((to_f64(x, fmt) as f32).exp2() as f64, fmt, FMods { round: Round::Rn, ..f }),
            UnOp::Tanh => finish((to_f64(x, fmt) as f32).tanh() as f64, fmt, FMods { round: Round::Rn, ..f }),
            _ => fmt.nan(),
        }
    })
}

/// `setp` on half types: the comparison of the low half (and of the high
/// half for packed types).
pub fn compare(cmp: Cmp, ty: Ty, ftz: bool, a: u64, b: u64) -> (bool, bool) {
    let fmt = fmt_of(ty);
    let one = |s: u32| {
        let x = to_f64(flush_in((a >> s) & 0xffff, fmt, ftz), fmt);
        let y = to_f64(flush_in((b >> s) & 0xffff, fmt, ftz), fmt);
        super::alu::compare(cmp, Ty::F64, false, x.to_bits(), y.to_bits())
    };
    (one(0), if lanes_of(ty) == 2 { one(16) } else { false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_half_in_every_mode() {
        assert_eq!(round_fmt(1.0, F16, Round::Rn), 0x3c00);
        assert_eq!(round_fmt(65504.0, F16, Round::Rn), 0x7bff);
        assert_eq!(round_fmt(65520.0, F16, Round::Rn), 0x7c00);
        assert_eq!(round_fmt(65520.0, F16, Round::Rz), 0x7bff);
        assert_eq!(round_fmt(-1e9, F16, Round::Rp), 0xfbff);
        assert_eq!(round_fmt(2f64.powi(-24), F16, Round::Rn), 1);
        assert_eq!(round_fmt(2f64.powi(-25), F16, Round::Rn), 0, "tie to even gives zero");
        assert_eq!(round_fmt(2f64.powi(-25), F16, Round::Rp), 1);
        assert_eq!(round_fmt(1.0 + 2f64.powi(-11), F16, Round::Rn), 0x3c00);
        assert_eq!(round_fmt(1.0 + 3.0 * 2f64.powi(-11), F16, Round::Rn), 0x3c02);
        assert_eq!(round_fmt(f64::NAN, BF16, Round::Rn), 0x7fff);
        assert_eq!(round_fmt(1.0 + 2f64.powi(-8), BF16, Round::Rn), 0x3f80);
        assert_eq!(round_fmt(1.0 + 2f64.powi(-8), BF16, Round::Rp), 0x3f81);
        assert_eq!(round_fmt(1.0 / 3.0, F32, Round::Rn), (1.0f32 / 3.0).to_bits() as u64);
        for bits in [0x0001u64, 0x03ff, 0x0400, 0x3555, 0x7bff, 0x8001, 0xc000] {
            assert_eq!(round_fmt(to_f64(bits, F16), F16, Round::Rn), bits, "{bits:#x} round-trips");
        }
    }

    #[test]
    fn packed_arithmetic_works_per_half() {
        let one_two = 0x4000_3c00; // {hi: 2.0, lo: 1.0}
        let f = FMods::default();
        assert_eq!(bin(BinOp::Add, Ty::F16x2, f, one_two, one_two), 0x4400_4000);
        assert_eq!(fma(Ty::F16x2, f, one_two, one_two, 0x3c00_3c00), 0x4500_4000);
        assert_eq!(un(UnOp::Neg, Ty::F16x2, f, one_two), 0xc000_bc00);
        assert_eq!(compare(Cmp::Lt, Ty::F16x2, false, 0x3c00_4000, 0x4000_3c00), (false, true));
        assert_eq!(bin(BinOp::MulLo, Ty::BF16, f, 0x4040, 0x4040), 0x4110, "3 × 3 = 9 in bf16");
    }
}
