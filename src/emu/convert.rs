//! `cvt` between every integer and floating-point type (PTX ISA
//! §9.7.9.21): integer rounding modes, saturation, and the H100's answers
//! for NaN sources.

use super::alu::{ext, f32_of, ftz32, out32, out64};
use super::ir::{FMods, Round, Ty};

/// IEEE binary16 → f32 (exact).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal: normalise.
            let shift = m.leading_zeros() - 21;
            let m = (m << shift) & 0x3ff;
            sign | ((113 - shift) << 23) | (m << 13)
        }
        (31, 0) => sign | 0x7f80_0000,
        (31, m) => sign | 0x7fc0_0000 | (m << 13),
        (e, m) => sign | ((e + 112) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// Rounds a float to an integral value in float format with `r`.
fn round_int(x: f64, r: Round) -> f64 {
    match r {
        Round::Rn => x.round_ties_even(),
        Round::Rz => x.trunc(),
        Round::Rm => x.floor(),
        Round::Rp => x.ceil(),
        Round::Rna => x.round(),
    }
}

/// An integer rounded to `sig` significant bits with mode `r` (exact
/// integer arithmetic), as an f64 that holds the result exactly.
fn int_round_sig(v: i128, sig: u32, r: Round) -> f64 {
    let neg = v < 0;
    let m = v.unsigned_abs();
    let bits = 128 - m.leading_zeros();
    if bits <= sig {
        return v as f64;
    }
    let mut shift = bits - sig;
    let mut q = m >> shift;
    let rem = m & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let up = match r {
        Round::Rn => rem > half || (rem == half && q & 1 == 1),
        Round::Rna => rem >= half,
        Round::Rz => false,
        Round::Rm => neg && rem != 0,
        Round::Rp => !neg && rem != 0,
    };
    if up {
        q += 1;
        if q >> sig != 0 {
            q >>= 1;
            shift += 1;
        }
    }
    let mag = q as f64 * 2f64.powi(shift as i32);
    if neg {
        -mag
    } else {
        mag
    }
}

/// `cvt` (PTX ISA §9.7.9.21).
pub fn convert(dty: Ty, sty: Ty, round: Round, int_round: bool, ftz: bool, sat: bool, a: u64) -> u64 {
    // bf16 → f32 is a pure widening of the bits, NaN payloads included
    // (measured on the H100).
    if sty == Ty::BF16 && dty == Ty::F32 && !ftz && !sat {
        return (a & 0xffff) << 16;
    }
    // Source value as either an integer or a float.
    let src_f: Option<f64> = match sty {
        Ty::F32 => Some(ftz32(f32_of(a), ftz) as f64),
        Ty::F64 => Some(f64::from_bits(a)),
        Ty::F16 => Some(f16_to_f32(a as u16) as f64),
        Ty::BF16 => Some(f32::from_bits(((a as u16) as u32) << 16) as f64),
        _ => None,
    };
    let src_i: i128 = if sty.is_signed() { ext(a, sty) as i64 as i128 } else { ext(a, sty) as i128 };
    match dty {
        Ty::F32 | Ty::F64 | Ty::F16 | Ty::BF16 => {
            let v: f64 = match src_f {
                Some(x) if int_round => round_int(x, round),
                Some(x) => x,
                None => {
                    // Round the integer to the destination's precision first
                    // (exact); the format rounding below then only handles range.
                    let sig = match dty {
                        Ty::F64 => 53,
                        Ty::F32 => 24,
                        Ty::F16 => 11,
                        _ => 8,
                    };
                    int_round_sig(src_i, sig, round)
                }
            };
            let v = if sat && dty != Ty::F64 {
                if v.is_nan() {
                    0.0
                } else {
                    v.clamp(0.0, 1.0) + 0.0
                }
            } else {
                v
            };
            // Integer rounding (`.rni` …) already produced an exact value.
            let mode = if int_round { Round::Rn } else { round };
            match dty {
                // An f64 NaN keeps its sign and top payload bits, made quiet.
                Ty::F32 if v.is_nan() && sty == Ty::F64 => {
                    let b = v.to_bits();
                    ((b >> 32) & 0x8000_0000) | 0x7fc0_0000 | ((b >> 29) & 0x7f_ffff)
                }
                Ty::F32 => {
                    let r = f32::from_bits(super::half::round_fmt(v, super::half::F32, mode) as u32);
                    out32(r, FMods { ftz, ..Default::default() })
                }
                // cvt.ftz.f64.f32 of a NaN widens the canonical f32 NaN
                // (without .ftz the payload is kept; both measured on the H100).
                Ty::F64 if v.is_nan() && sty == Ty::F32 && ftz => 0x7fff_ffff_e000_0000,
                Ty::F64 => out64(v, FMods { sat, ..Default::default() }),
                // NaN keeps its sign and top payload bits, made quiet
                // (measured on the H100: 0x7fa00000 → 0x7f00).
                // From f32 or f16 sources the H100 gives the canonical NaN.
                Ty::F16 | Ty::BF16 if v.is_nan() && sty != Ty::F64 => 0x7fff,
                Ty::F16 if v.is_nan() => {
                    let b = v.to_bits();
                    ((b >> 48) & 0x8000) | 0x7e00 | ((b >> 42) & 0x3ff)
                }
                Ty::BF16 if v.is_nan() => {
                    let b = v.to_bits();
                    ((b >> 48) & 0x8000) | 0x7fc0 | ((b >> 45) & 0x7f)
                }
                Ty::F16 => super::half::round_fmt(v, super::half::F16, mode),
                _ => super::half::round_fmt(v, super::half::BF16, mode),
            }
        }
        _ => {
            let bits = dty.bits();
            let (lo, hi): (i128, i128) = if dty.is_signed() {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            };
            match src_f {
                Some(x) => {
                    // Float → integer always saturates; NaN → 0 (PTX ISA §9.7.9.21).
                    if x.is_nan() {
                        // Measured on the H100: a NaN gives 0x8000000000000000 in
                        // any 64-bit integer, 0x80000000 in a 32-bit one from an
                        // f64 source, and 0 otherwise.
                        return match (dty.bits(), sty) {
                            (64, _) => 1 << 63,
                            (bits, Ty::F64) => ext(1 << (bits - 1), dty),
                            _ => 0,
                        };
                    }
                    let r = round_int(x, if int_round { round } else { Round::Rz });
                    let v = if r >= hi as f64 {
                        hi
                    } else if r <= lo as f64 {
                        lo
                    } else {
                        r as i128
                    };
                    ext(v as u64, dty)
                }
                None => {
                    let v = if sat { src_i.clamp(lo, hi) } else { src_i };
                    ext(v as u64, dty)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let c = |d, s, r, ir, a| convert(d, s, r, ir, false, false, a);
        assert_eq!(c(Ty::S32, Ty::F32, Round::Rz, true, f32::NAN.to_bits() as u64), 0);
        assert_eq!(c(Ty::S32, Ty::F32, Round::Rz, true, 3e10f32.to_bits() as u64), i32::MAX as u64);
        assert_eq!(c(Ty::S32, Ty::F32, Round::Rn, true, 2.5f32.to_bits() as u64), 2);
        assert_eq!(c(Ty::U32, Ty::F32, Round::Rz, true, (-5f32).to_bits() as u64), 0);
        assert_eq!(c(Ty::F32, Ty::S32, Round::Rn, false, (-3i32) as u32 as u64), (-3f32).to_bits() as u64);
        assert_eq!(c(Ty::S64, Ty::S8, Round::Rn, false, 0x80), (-128i64) as u64);
        assert_eq!(c(Ty::U8, Ty::U32, Round::Rn, false, 0x1ff), 0xff);
        assert_eq!(c(Ty::F16, Ty::F32, Round::Rn, false, 1f32.to_bits() as u64), 0x3c00);
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(c(Ty::F32, Ty::U32, Round::Rz, false, 0xffff_ffff), 4294967040f32.to_bits() as u64);
    }
}
