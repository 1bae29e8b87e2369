//! Warp-wide operations (PTX ISA §9.7.8 and §9.7.13): shuffles, votes,
//! match, redux and elect, over the warp's active lanes.

use super::{lanes, Warp};
use crate::emu::alu;
use crate::emu::ir::*;

impl Warp {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn shfl(&mut self, mode: ShflMode, d: Reg, dp: Option<Reg>, a: Src, b: Src, c: Src, mask: u32) {
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

    pub(super) fn vote(&mut self, mode: VoteMode, d: Reg, a: Src, negate: bool, members: Src, mask: u32) {
        let mut pred = 0u32;
        for l in lanes(mask) {
            if (self.v(a, l) & 1 != 0) ^ negate {
                pred |= 1 << l;
            }
        }
        for l in lanes(mask) {
            let group = mask & self.v(members, l) as u32;
            let ballot = pred & group;
            let v = match mode {
                VoteMode::Ballot => ballot as u64,
                VoteMode::All => (ballot == group) as u64,
                VoteMode::Any => (ballot != 0) as u64,
                VoteMode::Uni => (ballot == group || ballot == 0) as u64,
            };
            self.set(d, l, v);
        }
    }

    pub(super) fn match_sync(&mut self, all: bool, d: Reg, dp: Option<Reg>, a: Src, mm: Src, mask: u32) {
        let mut vals = [0u64; 32];
        for l in lanes(mask) {
            vals[l] = self.v(a, l);
        }
        for l in lanes(mask) {
            let members = self.v(mm, l) as u32 & mask;
            let same = lanes(members).filter(|&k| vals[k] == vals[l]).fold(0u32, |m, k| m | 1 << k);
            let (v, p) = if all {
                if same == members {
                    (members, true)
                } else {
                    (0, false)
                }
            } else {
                (same, true)
            };
            self.set(d, l, v as u64);
            if let Some(dp) = dp {
                self.set(dp, l, p as u64);
            }
        }
    }

    pub(super) fn redux(&mut self, rop: u8, ty: Ty, d: Reg, a: Src, mm: Src, mask: u32) {
        for l in lanes(mask) {
            let members = self.v(mm, l) as u32 & mask;
            let mut it = lanes(members).map(|k| alu::ext(self.v(a, k), ty));
            let first_v = it.next().unwrap_or(0);
            let v = it.fold(first_v, |acc, x| match rop {
                0 => acc.wrapping_add(x),
                1 if ty.is_signed() => (acc as i64).min(x as i64) as u64,
                1 => acc.min(x),
                2 if ty.is_signed() => (acc as i64).max(x as i64) as u64,
                2 => acc.max(x),
                3 => acc & x,
                4 => acc | x,
                _ => acc ^ x,
            });
            self.set(d, l, alu::ext(v, ty));
        }
    }

    pub(super) fn elect(&mut self, d: Option<Reg>, p: Option<Reg>, mm: Src, mask: u32) {
        for l in lanes(mask) {
            let members = self.v(mm, l) as u32 & mask;
            let leader = members.trailing_zeros();
            if let Some(d) = d {
                self.set(d, l, if members == 0 { 0 } else { leader as u64 });
            }
            if let Some(p) = p {
                self.set(p, l, (leader == l as u32) as u64);
            }
        }
    }
}
