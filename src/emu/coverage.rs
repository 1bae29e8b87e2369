//! The PTX instruction coverage table: every instruction family of the PTX
//! ISA 9.x (chapter 9) with a representative instruction. The status column
//! is not kept by hand: [`report`] loads each sample through the real
//! front end and lowering and records whether the emulator runs it or
//! refuses the module (and with which message). `docs/PTX_COVERAGE.md` is
//! this report; a test keeps it current (`softcuda coverage` prints it).

use super::{load_module, LoadError};
use crate::memory::AddressSpace;

/// (ISA section, family, sample instruction(s), architecture needed).
/// Families that need an architecture beyond the emulated sm_80..sm_90 range
/// (sm_100+ tensor-core generations) are reported as not applicable.
const FAMILIES: &[(&str, &str, &str, u32)] = &[
    ("9.7.1", "add / sub (integer)", "add.s32 %r1, %r2, %r3; sub.u64 %rd1, %rd2, %rd3; add.sat.s32 %r1, %r2, %r3;", 20),
    ("9.7.1", "mul / mad (.lo .hi .wide)", "mul.hi.u32 %r1, %r2, %r3; mad.wide.s32 %rd1, %r2, %r3, %rd2;", 20),
    ("9.7.1", "mul24 / mad24", "mul24.hi.s32 %r1, %r2, %r3; mad24.lo.u32 %r1, %r2, %r3, %r4;", 20),
    ("9.7.1", "sad", "sad.u32 %r1, %r2, %r3, %r4;", 20),
    ("9.7.1", "div / rem (integer)", "div.s32 %r1, %r2, %r3; rem.u64 %rd1, %rd2, %rd3;", 20),
    ("9.7.1", "abs / neg / min / max (integer)", "abs.s32 %r1, %r2; neg.s64 %rd1, %rd2; min.u32 %r1, %r2, %r3; max.s32 %r1, %r2, %r3;", 20),
    ("9.7.1", "popc / clz / brev", "popc.b64 %r1, %rd1; clz.b32 %r1, %r2; brev.b32 %r1, %r2;", 20),
    ("9.7.1", "bfind", "bfind.shiftamt.u32 %r1, %r2; bfind.s64 %r1, %rd1;", 20),
    ("9.7.1", "fns", "fns.b32 %r1, %r2, %r3, %r4;", 70),
    ("9.7.1", "bfe / bfi", "bfe.s32 %r1, %r2, %r3, %r4; bfi.b64 %rd1, %rd2, %rd3, %r1, %r2;", 20),
    ("9.7.1", "szext", "szext.clamp.s32 %r1, %r2, %r3;", 70),
    ("9.7.1", "bmsk", "bmsk.wrap.b32 %r1, %r2, %r3;", 70),
    ("9.7.1", "dp4a / dp2a", "dp4a.s32.u32 %r1, %r2, %r3, %r4; dp2a.hi.u32.s32 %r1, %r2, %r3, %r4;", 61),
    ("9.7.2", "add.cc / addc / sub.cc / subc", "add.cc.u32 %r1, %r2, %r3; addc.cc.u32 %r4, %r5, %r6; sub.cc.u32 %r1, %r2, %r3; subc.u32 %r4, %r5, %r6;", 20),
    ("9.7.2", "mad.cc / madc", "mad.lo.cc.u32 %r1, %r2, %r3, %r4; madc.hi.u32 %r5, %r2, %r3, %r4;", 20),
    ("9.7.3", "testp", "testp.subnormal.f32 %p1, %f1; testp.notanumber.f64 %p1, %fd1;", 20),
    ("9.7.3", "copysign", "copysign.f32 %f1, %f2, %f3;", 20),
    ("9.7.3", "add / sub / mul (float, all roundings)", "add.rz.ftz.f32 %f1, %f2, %f3; sub.rm.f64 %fd1, %fd2, %fd3; mul.rp.sat.f32 %f1, %f2, %f3;", 20),
    ("9.7.3", "fma / mad (float)", "fma.rn.f32 %f1, %f2, %f3, %f4; fma.rz.f64 %fd1, %fd2, %fd3, %fd4; mad.rn.f32 %f1, %f2, %f3, %f4;", 20),
    ("9.7.3", "div (float)", "div.rn.f32 %f1, %f2, %f3; div.approx.f32 %f1, %f2, %f3; div.full.f32 %f1, %f2, %f3; div.rp.f64 %fd1, %fd2, %fd3;", 20),
    ("9.7.3", "abs / neg / min / max (float)", "abs.ftz.f32 %f1, %f2; neg.f64 %fd1, %fd2; min.NaN.f32 %f1, %f2, %f3; max.f64 %fd1, %fd2, %fd3;", 80),
    ("9.7.3", "rcp / sqrt / rsqrt", "rcp.rn.f32 %f1, %f2; rcp.approx.ftz.f64 %fd1, %fd2; sqrt.rz.f32 %f1, %f2; rsqrt.approx.f32 %f1, %f2;", 20),
    ("9.7.3", "sin / cos / lg2 / ex2 / tanh (approx)", "sin.approx.f32 %f1, %f2; cos.approx.ftz.f32 %f1, %f2; lg2.approx.f32 %f1, %f2; ex2.approx.f32 %f1, %f2; tanh.approx.f32 %f1, %f2;", 75),
    ("9.7.4", "half add / sub / mul / fma", "add.rn.f16 %h1, %h2, %h3; mul.f16x2 %r1, %r2, %r3; fma.rn.relu.f16x2 %r1, %r2, %r3, %r4; sub.bf16 %h1, %h2, %h3;", 90),
    ("9.7.4", "half neg / abs / min / max", "neg.f16 %h1, %h2; abs.bf16x2 %r1, %r2; min.NaN.f16x2 %r1, %r2, %r3; max.bf16 %h1, %h2, %h3;", 80),
    ("9.7.4", "half tanh / ex2 (approx)", "tanh.approx.f16 %h1, %h2; ex2.approx.f16x2 %r1, %r2;", 75),
    ("9.7.5", "mixed precision add / sub / fma", "add.f32.f16 %f1, %h1, %f2;", 100),
    ("9.7.6", "setp / set", "setp.ltu.and.f32 %p1|%p2, %f1, %f2, !%p3; set.gt.u32.s32 %r1, %r2, %r3; setp.lt.f16x2 %p1|%p2, %r1, %r2;", 53),
    ("9.7.6", "selp / slct", "selp.b32 %r1, %r2, %r3, %p1; slct.f32.s32 %f1, %f2, %f3, %r1;", 20),
    ("9.7.7", "and / or / xor / not / cnot", "and.b32 %r1, %r2, %r3; or.pred %p1, %p2, %p3; not.b64 %rd1, %rd2; cnot.b32 %r1, %r2;", 20),
    ("9.7.7", "lop3", "lop3.b32 %r1, %r2, %r3, %r4, 0x96;", 50),
    ("9.7.7", "shf / shl / shr", "shf.l.wrap.b32 %r1, %r2, %r3, %r4; shl.b64 %rd1, %rd2, %r1; shr.s32 %r1, %r2, %r3;", 32),
    ("9.7.9", "mov (incl. pack / unpack)", "mov.u32 %r1, %tid.x; mov.b64 %rd1, {%r1, %r2}; mov.b32 {%h1, %h2}, %r3;", 20),
    ("9.7.9", "shfl.sync", "shfl.sync.bfly.b32 %r1|%p1, %r2, %r3, 0x1f, -1;", 30),
    ("9.7.9", "prmt (all modes)", "prmt.b32 %r1, %r2, %r3, %r4; prmt.b32.ecl %r1, %r2, %r3, %r4;", 20),
    ("9.7.9", "ld / st (all spaces, vectors, qualifiers)", "ld.global.nc.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1]; st.shared.u32 [%r1+4], %r2; ld.relaxed.gpu.global.u32 %r1, [%rd1]; st.volatile.global.u8 [%rd1], %h1;", 20),
    ("9.7.9", "ldu", "ldu.global.f32 %f1, [%rd1];", 20),
    ("9.7.9", "st.async / st.bulk / red.async", "st.async.shared::cluster.mbarrier::complete_tx::bytes.u32 [%rd1], %r1, [%rd2];", 90),
    ("9.7.9", "multimem", "multimem.ld_reduce.relaxed.sys.global.add.u32 %r1, [%rd1];", 90),
    ("9.7.9", "prefetch / prefetchu / applypriority / discard / createpolicy", "prefetch.global.L2 [%rd1]; createpolicy.fractional.L2::evict_last.b64 %rd1, 1.0;", 80),
    ("9.7.9", "isspacep / cvta", "isspacep.shared %p1, %rd1; cvta.to.global.u64 %rd1, %rd2; cvta.local.u64 %rd1, %rd2;", 20),
    ("9.7.9", "cvt (all type pairs and roundings)", "cvt.rzi.s32.f32 %r1, %f1; cvt.rn.f16.f32 %h1, %f1; cvt.rm.f32.f64 %f1, %fd1; cvt.sat.u8.s32 %h1, %r1; cvt.rn.bf16x2.f32 %r1, %f1, %f2;", 80),
    ("9.7.9", "cvt to fp8 / fp6 / fp4 and tf32", "cvt.rna.tf32.f32 %r1, %f1;", 80),
    ("9.7.9", "mapa / getctarank (clusters)", "mapa.u64 %rd1, %rd2, %r1;", 90),
    ("9.7.9", "cp.async (+ commit_group / wait_group)", "cp.async.ca.shared.global [%r1], [%rd1], 16; cp.async.commit_group; cp.async.wait_group 0;", 80),
    ("9.7.9", "cp.async.bulk / cp.reduce.async.bulk / .tensor", "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%rd1], [%rd2], %r1, [%rd3];", 90),
    ("9.7.9", "tensormap.replace", "tensormap.replace.tile.global_address.global.b1024.b64 [%rd1], %rd2;", 90),
    ("9.7.10", "tex / tld4 / txq / istypep (textures)", "tex.1d.v4.s32.s32 {%r1, %r2, %r3, %r4}, [%rd1, {%r5}];", 20),
    ("9.7.11", "suld / sust / sured / suq (surfaces)", "suld.b.1d.v4.b32.trap {%r1, %r2, %r3, %r4}, [%rd1, {%r5}];", 20),
    ("9.7.12", "bra / brx.idx", "bra.uni L; L:", 20),
    ("9.7.12", "call / ret (direct, indirect, recursion)", "call.uni f, ();", 20),
    ("9.7.12", "exit / trap", "exit; trap;", 20),
    ("9.7.13", "bar / barrier (sync, arrive, red)", "bar.sync 0; barrier.sync.aligned 1, 64; bar.arrive 2, 64; bar.red.popc.u32 %r1, 0, %p1;", 20),
    ("9.7.13", "bar.warp.sync", "bar.warp.sync -1;", 70),
    ("9.7.13", "barrier.cluster", "barrier.cluster.arrive;", 90),
    ("9.7.13", "membar / fence", "membar.gl; fence.acq_rel.gpu; fence.proxy.async;", 20),
    ("9.7.13", "atom / red (all ops and types)", "atom.global.cas.b32 %r1, [%rd1], %r2, %r3; atom.shared.add.f32 %f1, [%r1], %f2; red.global.add.noftz.f16x2 [%rd1], %r1; atom.inc.u32 %r1, [%rd1], %r2;", 60),
    ("9.7.13", "vote.sync", "vote.sync.ballot.b32 %r1, %p1, -1; vote.sync.uni.pred %p1, %p2, -1;", 70),
    ("9.7.13", "match.sync", "match.any.sync.b32 %r1, %r2, -1; match.all.sync.b64 %r1|%p1, %rd1, -1;", 70),
    ("9.7.13", "activemask", "activemask.b32 %r1;", 62),
    ("9.7.13", "redux.sync", "redux.sync.min.s32 %r1, %r2, -1;", 80),
    ("9.7.13", "griddepcontrol", "griddepcontrol.wait;", 90),
    ("9.7.13", "elect.sync", "elect.sync %r1|%p1, -1;", 90),
    ("9.7.13", "mbarrier", "mbarrier.init.shared.b64 [%r1], %r2;", 80),
    ("9.7.14", "wmma / mma / ldmatrix / stmatrix / movmatrix", "ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%r1}, [%r2];", 75),
    ("9.7.15", "wgmma", "wgmma.fence.sync.aligned;", 90),
    ("9.7.16", "tcgen05", "tcgen05.fence::before_thread_sync;", 100),
    ("9.7.17", "stacksave / stackrestore / alloca", "stacksave.u64 %rd1;", 73),
    ("9.7.18", "video instructions (vadd … vset, SIMD)", "vadd.s32.s32.s32 %r1, %r2, %r3;", 20),
    ("9.7.19", "nanosleep / pmevent / brkpt", "nanosleep.u32 100; pmevent 1;", 70),
    ("9.7.19", "setmaxnreg", "setmaxnreg.inc.sync.aligned.u32 64;", 90),
];

fn sample_module(body: &str) -> String {
    let (pre, inner) =
        if body.starts_with("call") { (".func f()\n{\nret;\n}\n", body.to_string()) } else { ("", body.to_string()) };
    format!(
        ".version 9.0\n.target sm_90\n.address_size 64\n{pre}.global .align 4 .b8 gv[64];\n\
         .visible .entry k()\n{{\n.reg .b32 %r<10>;\n.reg .b64 %rd<10>;\n.reg .f32 %f<10>;\n\
         .reg .f64 %fd<10>;\n.reg .pred %p<10>;\n.reg .b16 %h<10>;\n.shared .align 16 .b8 sh[256];\n{inner}\nret;\n}}\n"
    )
}

/// Status of one family: `Ok` when its sample loads, else the refusal.
fn status(sample: &str) -> Result<(), String> {
    let mut space = AddressSpace::default();
    match load_module(&sample_module(sample), &mut space, 0) {
        Ok(_) => Ok(()),
        Err(LoadError::Lower(e)) => Err(e.message),
        Err(e) => Err(e.to_string()),
    }
}

/// The coverage table as Markdown.
pub fn report() -> String {
    let mut rows = String::new();
    let (mut yes, mut no, mut na) = (0, 0, 0);
    for &(sec, family, sample, arch) in FAMILIES {
        let st = if arch > 90 {
            na += 1;
            format!("not applicable (needs sm_{arch}; the emulated device is sm_80, PTX up to sm_90 accepted)")
        } else {
            match status(sample) {
                Ok(()) => {
                    yes += 1;
                    "supported".to_string()
                }
                Err(m) => {
                    no += 1;
                    format!("refused at load: {}", m.replace('|', "\\|"))
                }
            }
        };
        rows.push_str(&format!("| {sec} | {family} | `{}` | {st} |\n", sample.replace('|', "\\|")));
    }
    format!(
        "# PTX instruction coverage\n\n\
         Generated by `softcuda coverage` (and checked by `cargo test`): each family's\n\
         sample is loaded through softcuda's PTX front end and lowering. \"supported\"\n\
         means the emulator runs it; \"refused at load\" means a module using it fails\n\
         `cuModuleLoadData` with `CUDA_ERROR_INVALID_PTX` and this message.\n\n\
         Totals: {yes} supported, {no} refused, {na} not applicable, of {} families.\n\n\
         | ISA § | family | sample | status |\n|---|---|---|---|\n{rows}",
        FAMILIES.len()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/PTX_COVERAGE.md");
        let now = super::report();
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == now,
            "docs/PTX_COVERAGE.md is out of date: regenerate it with `cargo run --bin softcuda -- coverage > docs/PTX_COVERAGE.md`"
        );
    }

    #[test]
    fn core_families_are_supported() {
        let r = super::report();
        for f in
            ["| call / ret (direct, indirect, recursion) |", "| cvt (all type pairs and roundings) |", "| shfl.sync |"]
        {
            let line = r.lines().find(|l| l.contains(f)).unwrap_or_default();
            assert!(line.ends_with("| supported |"), "{line}");
        }
    }
}
