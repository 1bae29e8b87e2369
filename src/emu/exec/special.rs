//! Special-register reads (PTX ISA §10): `%tid`, `%ctaid`, lane masks,
//! clocks, reserved shared memory, `%envreg<n>`.

use super::Warp;
use crate::emu::ir::Special;

impl Warp {
    #[inline]
    pub(super) fn special(&self, sp: Special, lane: usize) -> u64 {
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
            Special::GlobalTimer | Special::GlobalTimerLo | Special::GlobalTimerHi => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0);
                return match sp {
                    Special::GlobalTimerLo => t & 0xffff_ffff,
                    Special::GlobalTimerHi => t >> 32,
                    _ => t,
                };
            }
            Special::Reserved(off) => e.total_smem.div_ceil(16) * 16 + off,
            Special::ReservedCap => crate::emu::launch::RESERVED_SMEM,
            Special::Zero => 0,
            Special::One => 1,
            Special::DynamicSmemSize => e.dyn_smem,
            Special::TotalSmemSize => e.total_smem,
            Special::EnvReg(1) => (e.grid_workspace >> 32) as u32,
            Special::EnvReg(2) => e.grid_workspace as u32,
            Special::EnvReg(_) => 0,
        }) as u64
    }
}
