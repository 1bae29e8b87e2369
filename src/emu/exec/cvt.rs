//! Conversions that pack or unpack several values per register (PTX ISA
//! §9.7.9.21): `cvt.pack.sat` integer packing and fp8 pairs.

use super::{lanes, Warp};
use crate::emu::half;
use crate::emu::ir::*;

impl Warp {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cvt_pack_int(&mut self, bits: u32, signed: bool, d: Reg, a: Src, b: Src, c: Option<Src>, mask: u32) {
        let (lo, hi): (i64, i64) =
            if signed { (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) } else { (0, (1 << bits) - 1) };
        let m = (1u64 << bits) - 1;
        for l in lanes(mask) {
            let sat = |v: u64| ((v as u32 as i32 as i64).clamp(lo, hi) as u64) & m;
            let (ta, tb) = (sat(self.v(a, l)), sat(self.v(b, l)));
            let mut v = (ta << bits) | tb;
            if let Some(c) = c {
                v |= self.v(c, l) << (2 * bits);
            }
            self.set(d, l, v & 0xffff_ffff);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn cvt_fp8(&mut self, e4m3: bool, to_fp8: bool, relu: bool, d: Reg, a: Src, b: Option<Src>, mask: u32) {
        for l in lanes(mask) {
            let x = self.v(a, l);
            let v = if to_fp8 {
                let (hi, lo) = match b {
                    Some(b) => (f32::from_bits(x as u32) as f64, f32::from_bits(self.v(b, l) as u32) as f64),
                    None => (half::to_f64(x >> 16 & 0xffff, half::F16), half::to_f64(x & 0xffff, half::F16)),
                };
                (half::to_fp8(hi, e4m3, relu) << 8) | half::to_fp8(lo, e4m3, relu)
            } else {
                let one = |byte: u64| half::round_fmt(half::fp8_value(byte as u8, e4m3), half::F16, Round::Rn);
                (one(x >> 8 & 0xff) << 16) | one(x & 0xff)
            };
            self.set(d, l, v);
        }
    }
}
