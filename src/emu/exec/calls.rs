//! Calls: frames for `call`/`ret` (registers, per-thread `.param` area,
//! local-memory stack frame) and the built-in functions `vprintf` and
//! `__assertfail` (PTX ISA §9.7.12.4, CUDA C Programming Guide "Formatted
//! Output" and "Assertion").

use super::{first, lanes, CallFrame, Entry, Warp, MAX_CALL_DEPTH};
use crate::emu::cfg::EXIT;
use crate::emu::ir::*;
use crate::emu::mem::{Cta, Fault, FaultKind, ThreadView, LOCAL_WINDOW};
use crate::emu::printf;

impl Warp {
    /// The byte range of lane `l`'s `.param` frame slot at `off`, checked.
    pub(super) fn frame_range(&self, off: u64, size: u32, lane: usize) -> Option<std::ops::Range<usize>> {
        let end = off.checked_add(size as u64)?;
        if end > self.psize as u64 {
            return None;
        }
        let start = self.pstart + lane * self.psize as usize + off as usize;
        Some(start..start + size as usize)
    }

    /// Starts a call of `callee` for the lanes in `mask` (the caller's entry
    /// has already moved past the `call`).
    pub(super) fn start_call(
        &mut self,
        program: &Program,
        callee: u32,
        mask: u32,
        args: &[(u32, u32)],
        rets: &[(u32, u32)],
        cta: &mut Cta,
    ) -> Result<(), Fault> {
        let Some(f) = program.funcs.get(callee as usize) else {
            return Err(cta.fault(
                FaultKind::IllegalInstruction,
                0,
                self.first_thread + first(mask),
                0,
                format!("call of unknown function #{callee}"),
            ));
        };
        let caller = &program.funcs[self.func as usize];
        let new_local = self.local_base as u64 + caller.local_size as u64;
        if self.frames.len() >= MAX_CALL_DEPTH || new_local + f.local_size as u64 > cta.local_size as u64 {
            return Err(cta.fault(
                FaultKind::IllegalAddress,
                LOCAL_WINDOW + new_local,
                self.first_thread + first(mask),
                0,
                format!("call stack overflow calling {} (depth {})", f.name, self.frames.len()),
            ));
        }
        let new_pstart = self.pstart + self.psize as usize * 32;
        let need = new_pstart + f.psize as usize * 32;
        if self.pmem.len() < need {
            self.pmem.resize(need, 0);
        }
        for l in lanes(mask) {
            for (i, &(aoff, asize)) in args.iter().enumerate() {
                let Some(&(poff, psize)) = f.params.get(i) else { break };
                let n = asize.min(psize) as usize;
                let src = self.pstart + l * self.psize as usize + aoff as usize;
                let dst = new_pstart + l * f.psize as usize + poff as usize;
                self.pmem.copy_within(src..src + n, dst);
            }
        }
        let new_reg_base = self.reg_base + caller.nregs as usize * 32;
        let need = new_reg_base + f.nregs as usize * 32;
        if self.regs.len() < need {
            self.regs.resize(need, 0);
        }
        self.frames.push(CallFrame {
            reg_base: self.reg_base,
            local_base: self.local_base,
            pstart: self.pstart,
            psize: self.psize,
            func: self.func,
            rets: rets.to_vec(),
            callee_rets: f.rets.clone(),
            returned: 0,
        });
        self.reg_base = new_reg_base;
        self.local_base = new_local as u32;
        self.pstart = new_pstart;
        self.psize = f.psize;
        self.func = callee;
        self.stack.push(Entry { pc: f.start, rpc: EXIT, mask, frame: true });
        Ok(())
    }

    /// All lanes of the innermost call have returned or exited: copy the
    /// return values back and restore the caller's frame.
    pub(super) fn finish_call(&mut self) {
        let Some(fr) = self.frames.pop() else { return };
        for l in lanes(fr.returned) {
            for (i, &(coff, csize)) in fr.rets.iter().enumerate() {
                let Some(&(roff, rsize)) = fr.callee_rets.get(i) else { break };
                let n = csize.min(rsize) as usize;
                let src = self.pstart + l * self.psize as usize + roff as usize;
                let dst = fr.pstart + l * fr.psize as usize + coff as usize;
                self.pmem.copy_within(src..src + n, dst);
            }
        }
        self.reg_base = fr.reg_base;
        self.local_base = fr.local_base;
        self.pstart = fr.pstart;
        self.psize = fr.psize;
        self.func = fr.func;
    }

    /// Reads a frame `.param` slot of lane `l` as a little-endian integer.
    pub(super) fn frame_word(&self, slot: Option<&(u32, u32)>, l: usize) -> Option<u64> {
        let &(off, size) = slot?;
        let r = self.frame_range(off as u64, size.min(8), l)?;
        let mut b = [0u8; 8];
        b[..r.len()].copy_from_slice(&self.pmem[r]);
        Some(u64::from_le_bytes(b))
    }

    /// `vprintf` and `__assertfail`, run lane by lane in lane order.
    pub(super) fn builtin(
        &mut self,
        f: Builtin,
        mask: u32,
        args: &[(u32, u32)],
        ret: Option<(u32, u32)>,
        pc: u32,
        cta: &mut Cta,
    ) -> Result<(), Fault> {
        for l in lanes(mask) {
            let thread = self.first_thread + l as u32;
            let bad_args = |cta: &Cta| {
                cta.fault(FaultKind::IllegalInstruction, 0, thread, pc, format!("{f:?} called with too few arguments"))
            };
            match f {
                Builtin::Vprintf => {
                    let (Some(fmt), Some(argp)) = (self.frame_word(args.first(), l), self.frame_word(args.get(1), l))
                    else {
                        return Err(bad_args(cta));
                    };
                    let text = printf::format(&mut ThreadView { cta, thread }, fmt, argp);
                    let n = match text {
                        Some((t, consumed)) => {
                            cta.printf.extend_from_slice(&t);
                            consumed as u64
                        }
                        None => u64::MAX,
                    };
                    if let Some((off, size)) = ret {
                        if let Some(r) = self.frame_range(off as u64, size.min(8), l) {
                            let len = r.len();
                            self.pmem[r].copy_from_slice(&n.to_le_bytes()[..len]);
                        }
                    }
                }
                Builtin::Malloc => {
                    let Some(size) = self.frame_word(args.first(), l) else { return Err(bad_args(cta)) };
                    let p = crate::emu::heap::malloc(size);
                    if let Some((off, rsize)) = ret {
                        if let Some(r) = self.frame_range(off as u64, rsize.min(8), l) {
                            let len = r.len();
                            self.pmem[r].copy_from_slice(&p.to_le_bytes()[..len]);
                        }
                    }
                }
                Builtin::Free => {
                    let Some(p) = self.frame_word(args.first(), l) else { return Err(bad_args(cta)) };
                    crate::emu::heap::free(p);
                }
                Builtin::AssertFail => {
                    let words: Vec<Option<u64>> = (0..4).map(|i| self.frame_word(args.get(i), l)).collect();
                    let [Some(msg), Some(file), Some(line_no), Some(func)] = words[..] else {
                        return Err(bad_args(cta));
                    };
                    let mut view = ThreadView { cta, thread };
                    let mut text = |a: u64| {
                        printf::read_cstr(&mut view, a)
                            .map(|v| String::from_utf8_lossy(&v).into_owned())
                            .unwrap_or_default()
                    };
                    let (msg, file, func) = (text(msg), text(file), text(func));
                    let t = cta.fault(FaultKind::Assert, 0, thread, pc, String::new()).tid;
                    let c = cta.ctaid;
                    let report = format!(
                        "{file}:{}: {func}: block: [{},{},{}], thread: [{},{},{}] Assertion `{msg}` failed.\n",
                        line_no as u32, c[0], c[1], c[2], t[0], t[1], t[2]
                    );
                    cta.printf.extend_from_slice(report.as_bytes());
                    return Err(cta.fault(
                        FaultKind::Assert,
                        0,
                        thread,
                        pc,
                        format!("device assertion failed: {msg} ({file}:{})", line_no as u32),
                    ));
                }
            }
        }
        Ok(())
    }
}
