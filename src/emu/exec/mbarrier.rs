//! mbarrier objects in shared memory (PTX ISA §9.7.13.15): arrivals,
//! transaction counts, phases, and the waits that poll them.

use super::{lanes, Warp};
use crate::emu::ir::*;
use crate::emu::mem::{Cta, Fault};

/// The 64-bit mbarrier object as this emulator lays it out in shared memory:
/// pending arrivals (bits 0–19), expected arrivals (20–39), transaction
/// bytes (40–61, signed), and the current phase's parity (bit 63).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct MbarState {
    pending: u32,
    expected: u32,
    tx: i64,
    phase: bool,
}

impl MbarState {
    fn decode(v: u64) -> MbarState {
        let tx = ((v >> 40) & 0x3f_ffff) as i64;
        MbarState {
            pending: (v & 0xf_ffff) as u32,
            expected: ((v >> 20) & 0xf_ffff) as u32,
            tx: if tx & 0x20_0000 != 0 { tx - 0x40_0000 } else { tx },
            phase: v >> 63 != 0,
        }
    }
    fn encode(self) -> u64 {
        (self.pending as u64 & 0xf_ffff)
            | ((self.expected as u64 & 0xf_ffff) << 20)
            | (((self.tx & 0x3f_ffff) as u64) << 40)
            | ((self.phase as u64) << 63)
    }
    /// Completes the phase when nothing is pending.
    fn settle(&mut self) {
        if self.pending == 0 && self.tx <= 0 {
            self.phase = !self.phase;
            self.pending = self.expected;
            self.tx = 0;
        }
    }
    fn arrive(&mut self, count: u32) {
        self.pending = self.pending.saturating_sub(count);
        self.settle();
    }
    pub(super) fn complete_tx(&mut self, bytes: i64) {
        self.tx -= bytes;
        self.settle();
    }
}

/// Reads, updates and writes back an mbarrier; returns its state before.
pub(super) fn mbar_update(
    cta: &mut Cta,
    space: Space,
    a: u64,
    thread: u32,
    f: impl FnOnce(&mut MbarState),
) -> Result<u64, Fault> {
    let old = cta.load(space, a, 8, thread)?;
    let mut st = MbarState::decode(old);
    f(&mut st);
    cta.store(space, a, 8, st.encode(), thread)?;
    Ok(old)
}

impl Warp {
    /// Runs an mbarrier operation lane by lane; returns true when a wait
    /// found its phase incomplete (the warp should yield).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn mbarrier(
        &mut self,
        kind: MbarKind,
        d: Option<Reg>,
        addr: Addr,
        space: Space,
        a: Option<Src>,
        mask: u32,
        _pc: u32,
        cta: &mut Cta,
    ) -> Result<bool, Fault> {
        let mut incomplete = false;
        let mut completed_wait = false;
        cta.sync_op = true;
        let mut lanes_op = || -> Result<(), Fault> {
            for l in lanes(mask) {
                let thread = self.first_thread + l as u32;
                let at = self.addr(addr, l);
                let arg = a.map(|s| self.v(s, l));
                match kind {
                    MbarKind::Init => {
                        let n = arg.unwrap_or(1) as u32;
                        cta.store(
                            space,
                            at,
                            8,
                            MbarState { pending: n, expected: n, tx: 0, phase: false }.encode(),
                            thread,
                        )?;
                    }
                    MbarKind::Arrive { drop, expect_tx } => {
                        let old = mbar_update(cta, space, at, thread, |st| {
                            if expect_tx {
                                st.tx += arg.unwrap_or(0) as i64;
                                st.arrive(1);
                            } else {
                                let n = arg.unwrap_or(1) as u32;
                                if drop {
                                    st.expected = st.expected.saturating_sub(n);
                                }
                                st.arrive(n);
                            }
                        })?;
                        if let Some(d) = d {
                            self.set(d, l, old);
                        }
                    }
                    MbarKind::ExpectTx => {
                        mbar_update(cta, space, at, thread, |st| st.tx += arg.unwrap_or(0) as i64)?;
                    }
                    MbarKind::CompleteTx => {
                        mbar_update(cta, space, at, thread, |st| st.complete_tx(arg.unwrap_or(0) as i64))?;
                    }
                    MbarKind::CpAsyncArrive { noinc } => {
                        if noinc {
                            mbar_update(cta, space, at, thread, |st| st.arrive(1))?;
                        }
                    }
                    MbarKind::Wait { parity } => {
                        let st = MbarState::decode(cta.load(space, at, 8, thread)?);
                        let v = arg.unwrap_or(0);
                        // A token holds the phase at arrival; a parity names a phase.
                        let done = if parity { st.phase != (v & 1 != 0) } else { st.phase != (v >> 63 != 0) };
                        incomplete |= !done;
                        completed_wait |= done;
                        if let Some(d) = d {
                            self.set(d, l, done as u64);
                        }
                    }
                    MbarKind::Inval => cta.store(space, at, 8, 0, thread)?,
                    MbarKind::PendingCount => {
                        if let Some(d) = d {
                            self.set(d, l, MbarState::decode(arg.unwrap_or(0)).pending as u64);
                        }
                    }
                }
            }
            Ok(())
        };
        let result = lanes_op();
        cta.sync_op = false;
        if completed_wait {
            // Memory written before the phase completed is visible to the
            // waiting threads: a new interval for race detection.
            cta.epoch += 1;
        }
        result.map(|()| incomplete)
    }
}
