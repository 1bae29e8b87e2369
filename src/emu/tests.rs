//! Emulator tests on hand-written PTX: SIMT divergence and reconvergence,
//! warp shuffles and votes, barriers, state spaces, and faults.

use super::*;
use crate::memory::{AddressSpace, AllocKind};

const HEADER: &str = ".version 9.0\n.target sm_80\n.address_size 64\n";

struct Rig {
    space: AddressSpace,
    module: LoadedModule,
}

impl Rig {
    fn new(body: &str) -> Rig {
        let mut space = AddressSpace::default();
        let text = format!("{HEADER}{body}");
        let module = load_module(&text, &mut space, 0).unwrap_or_else(|e| panic!("load failed: {e}"));
        Rig { space, module }
    }

    fn buffer(&mut self, words: usize) -> u64 {
        self.space.alloc(words * 4, AllocKind::Device).expect("alloc")
    }

    fn read(&self, addr: u64, words: usize) -> Vec<u32> {
        let p = self.space.host_ptr(addr, words * 4).expect("range") as *const u32;
        // SAFETY: the range is inside a live allocation of this rig.
        unsafe { std::slice::from_raw_parts(p, words) }.to_vec()
    }

    fn write(&self, addr: u64, data: &[u32]) {
        let p = self.space.host_ptr(addr, data.len() * 4).expect("range") as *mut u32;
        // SAFETY: the range is inside a live allocation of this rig.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len()) };
    }

    fn launch(&self, name: &str, grid: u32, block: u32, dyn_shared: u32, params: &[u64]) -> Result<LaunchStats, Fault> {
        let k = self.module.kernels.get(name).expect("kernel");
        let mut buf = vec![0u8; k.signature.total_size as usize];
        for (p, v) in k.signature.params.iter().zip(params) {
            let o = p.offset as usize;
            buf[o..o + p.size as usize].copy_from_slice(&v.to_le_bytes()[..p.size as usize]);
        }
        let cfg =
            LaunchConfig { grid: [grid, 1, 1], block: [block, 1, 1], dyn_shared, grid_workspace: 0, watchdog: None };
        run_grid(k, &cfg, &buf, &self.space.ranges())
    }
}

/// out[tid] = tid, computed through nested divergent branches and a loop
/// whose trip count depends on the lane.
const DIVERGE: &str = r#"
.visible .entry diverge(.param .u64 out)
{
    .reg .pred %p<4>;
    .reg .b32 %r<10>;
    .reg .b64 %rd<4>;
    ld.param.u64 %rd1, [out];
    mov.u32 %r1, %tid.x;
    mov.u32 %r2, 0;
    and.b32 %r3, %r1, 1;
    setp.eq.s32 %p1, %r3, 0;
    @%p1 bra EVEN;
    // odd lanes: count up to tid in steps of 1
    mov.u32 %r4, 0;
LOOP:
    setp.ge.u32 %p2, %r4, %r1;
    @%p2 bra DONE_ODD;
    add.s32 %r4, %r4, 1;
    bra.uni LOOP;
DONE_ODD:
    mov.u32 %r2, %r4;
    bra.uni JOIN;
EVEN:
    and.b32 %r5, %r1, 2;
    setp.ne.s32 %p3, %r5, 0;
    @%p3 bra TWO;
    mov.u32 %r2, %r1;
    bra.uni JOIN;
TWO:
    add.s32 %r2, %r1, 0;
JOIN:
    // all lanes reconverged: ballot must see every lane
    vote.sync.ballot.b32 %r6, 1, -1;
    setp.ne.s32 %p1, %r6, -1;
    @%p1 mov.u32 %r2, 999;
    mul.wide.u32 %rd2, %r1, 4;
    add.s64 %rd3, %rd1, %rd2;
    st.global.u32 [%rd3], %r2;
    ret;
}
"#;

#[test]
fn divergent_paths_reconverge_before_the_vote() {
    let mut rig = Rig::new(DIVERGE);
    let out = rig.buffer(64);
    rig.launch("diverge", 1, 64, 0, &[out]).expect("launch");
    let expect: Vec<u32> = (0..64).collect();
    assert_eq!(rig.read(out, 64), expect);
}

const SHUFFLE: &str = r#"
.visible .entry shuffles(.param .u64 out, .param .u32 stride)
{
    .reg .pred %p<2>;
    .reg .b32 %r<12>;
    .reg .b64 %rd<6>;
    ld.param.u64 %rd1, [out];
    ld.param.u32 %r11, [stride];
    mov.u32 %r1, %laneid;
    mul.lo.u32 %r2, %r1, 10;
    shfl.sync.up.b32 %r3|%p1, %r2, 1, 0, -1;
    shfl.sync.down.b32 %r4, %r2, 3, 31, -1;
    shfl.sync.bfly.b32 %r5, %r2, 5, 31, -1;
    shfl.sync.idx.b32 %r6, %r2, 7, 0x1c1f, -1;
    selp.u32 %r7, 1, 0, %p1;
    mul.wide.u32 %rd2, %r1, %r11;
    add.s64 %rd3, %rd1, %rd2;
    st.global.v4.u32 [%rd3], {%r3, %r4, %r5, %r6};
    st.global.u32 [%rd3+16], %r7;
    ret;
}
"#;

#[test]
fn misaligned_vector_store_faults() {
    let mut rig = Rig::new(SHUFFLE);
    let out = rig.buffer(32 * 5 + 4);
    // A 20-byte lane stride leaves lane 1's 16-byte vector store misaligned.
    let res = rig.launch("shuffles", 1, 32, 0, &[out, 20]);
    assert_eq!(res.unwrap_err().kind, FaultKind::MisalignedAddress, "20-byte stride breaks v4 alignment on lane 1");
}

#[test]
fn shuffle_up_down_bfly_idx_with_clamp_and_segments() {
    let mut rig = Rig::new(SHUFFLE);
    let out = rig.buffer(32 * 8);
    rig.launch("shuffles", 1, 32, 0, &[out, 32]).expect("launch");
    let v = rig.read(out, 32 * 8);
    for l in 0..32u32 {
        let row = &v[l as usize * 8..l as usize * 8 + 5];
        let up = if l >= 1 { (l - 1) * 10 } else { l * 10 };
        let down = if l + 3 <= 31 { (l + 3) * 10 } else { l * 10 };
        let bfly = (l ^ 5) * 10;
        // c = 0x1c1f: segment mask 0x1c → segments of 4 lanes; idx 7 → lane 3 of the segment.
        let idx = ((l & 0x1c) | (7 & !0x1c & 0x1f)) * 10;
        assert_eq!(row, &[up, down, bfly, idx, (l >= 1) as u32], "lane {l}");
    }
}

const BARRIER: &str = r#"
.visible .entry reverse(.param .u64 data)
{
    .reg .b32 %r<8>;
    .reg .b64 %rd<6>;
    .shared .align 4 .b8 tile[1024];
    ld.param.u64 %rd1, [data];
    mov.u32 %r1, %tid.x;
    mov.u32 %r2, %ntid.x;
    mul.wide.u32 %rd2, %r1, 4;
    add.s64 %rd3, %rd1, %rd2;
    ld.global.u32 %r3, [%rd3];
    mov.u32 %r4, tile;
    shl.b32 %r5, %r1, 2;
    add.s32 %r6, %r4, %r5;
    st.shared.u32 [%r6], %r3;
    bar.sync 0;
    sub.s32 %r7, %r2, %r1;
    sub.s32 %r7, %r7, 1;
    shl.b32 %r7, %r7, 2;
    add.s32 %r7, %r4, %r7;
    ld.shared.u32 %r3, [%r7];
    st.global.u32 [%rd3], %r3;
    ret;
}
"#;

#[test]
fn barrier_orders_shared_memory_across_warps() {
    let mut rig = Rig::new(BARRIER);
    let data = rig.buffer(256);
    let input: Vec<u32> = (0..256).map(|i| i * 3 + 1).collect();
    rig.write(data, &input);
    rig.launch("reverse", 1, 256, 0, &[data]).expect("launch");
    let expect: Vec<u32> = input.iter().rev().copied().collect();
    assert_eq!(rig.read(data, 256), expect);
}

const DYNAMIC_SHARED_AND_LOCAL: &str = r#"
.extern .shared .align 16 .b8 dyn[];
.global .align 4 .u32 bias = 100;
.visible .entry dyn_local(.param .u64 out, .param .u32 n)
{
    .local .align 4 .b8 arr[64];
    .reg .pred %p<2>;
    .reg .b32 %r<10>;
    .reg .b64 %rd<8>;
    ld.param.u64 %rd1, [out];
    ld.param.u32 %r9, [n];
    mov.u32 %r1, %tid.x;
    mov.u64 %rd2, arr;
    cvta.local.u64 %rd3, %rd2;
    st.u32 [%rd3+8], %r1;
    ld.local.u32 %r2, [arr+8];
    mov.u32 %r3, dyn;
    shl.b32 %r4, %r1, 2;
    add.s32 %r5, %r3, %r4;
    st.shared.u32 [%r5], %r2;
    bar.sync 0;
    ld.shared.u32 %r6, [dyn];
    ld.global.u32 %r7, [bias];
    add.s32 %r6, %r6, %r7;
    add.s32 %r6, %r6, %r2;
    add.s32 %r6, %r6, %r9;
    mov.u32 %r8, %dynamic_smem_size;
    add.s32 %r6, %r6, %r8;
    mul.wide.u32 %rd4, %r1, 4;
    add.s64 %rd5, %rd1, %rd4;
    st.global.u32 [%rd5], %r6;
    ret;
}
"#;

#[test]
fn dynamic_shared_local_and_global_variables() {
    let mut rig = Rig::new(DYNAMIC_SHARED_AND_LOCAL);
    let out = rig.buffer(40);
    rig.launch("dyn_local", 1, 40, 160, &[out, 7]).expect("launch");
    let expect: Vec<u32> = (0..40).map(|t| 100 + t + 7 + 160).collect();
    assert_eq!(rig.read(out, 40), expect);
    // Too little dynamic shared memory: thread 39 stores past its end.
    assert_eq!(rig.launch("dyn_local", 1, 40, 64, &[out, 7]).unwrap_err().kind, FaultKind::IllegalAddress);
}

const FAULTS: &str = r#"
.visible .entry store_at(.param .u64 p)
{
    .reg .b32 %r<2>;
    .reg .b64 %rd<2>;
    ld.param.u64 %rd1, [p];
    mov.u32 %r1, 5;
    st.global.u32 [%rd1], %r1;
    ret;
}
.visible .entry traps()
{
    trap;
    ret;
}
"#;

#[test]
fn faults_name_the_kind_address_and_thread() {
    let mut rig = Rig::new(FAULTS);
    let buf = rig.buffer(1);
    rig.launch("store_at", 2, 32, 0, &[buf]).expect("in bounds");
    assert_eq!(rig.read(buf, 1), vec![5]);
    let f = rig.launch("store_at", 1, 32, 0, &[buf + 4]).unwrap_err();
    assert_eq!((f.kind, f.addr), (FaultKind::IllegalAddress, buf + 4));
    assert!(f.message.contains("out-of-bounds global store"), "{}", f.message);
    assert!(f.line > 0);
    let f = rig.launch("store_at", 1, 1, 0, &[buf + 2]).unwrap_err();
    assert_eq!(f.kind, FaultKind::MisalignedAddress);
    let f = rig.launch("store_at", 1, 1, 0, &[0x10]).unwrap_err();
    assert_eq!(f.kind, FaultKind::IllegalAddress);
    assert_eq!(rig.launch("traps", 3, 1, 0, &[]).unwrap_err().kind, FaultKind::Trap);
}

#[test]
fn unknown_instructions_and_registers_are_ptx_errors() {
    let mut space = AddressSpace::default();
    let bad = format!("{HEADER}.visible .entry k()\n{{\n.reg .b32 %r<2>;\nfrobnicate.u32 %r1, %r1;\nret;\n}}\n");
    match load_module(&bad, &mut space, 0) {
        Err(LoadError::Lower(e)) => {
            assert_eq!(e.line, 7);
            assert!(e.message.contains("frobnicate"));
        }
        other => panic!("expected a lowering error, got {other:?}"),
    }
    let bad = format!("{HEADER}.visible .entry k()\n{{\nmov.u32 %r9, 1;\nret;\n}}\n");
    assert!(matches!(load_module(&bad, &mut space, 0), Err(LoadError::Lower(_))));
    let bad = format!("{HEADER}.visible .entry k(\n{{\n");
    match load_module(&bad, &mut space, 0) {
        Err(LoadError::Parse(e)) => assert!(e.line >= 4, "{e}"),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn unsupported_instructions_are_refused_at_load_naming_them() {
    let mut space = AddressSpace::default();
    let text = format!("{HEADER}.visible .entry k()\n{{\n.reg .b32 %r<3>;\ntex.1d.v4.s32.s32 {{%r1, %r1, %r1, %r1}}, [t, {{%r2}}];\nret;\n}}\n");
    match load_module(&text, &mut space, 0) {
        Err(LoadError::Lower(e)) => {
            assert_eq!(e.line, 7);
            assert!(e.message.contains("tex"), "{}", e.message);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let newer = ".version 9.9\n.target sm_80\n.address_size 64\n.visible .entry k()\n{\nret;\n}\n";
    assert!(matches!(load_module(newer, &mut space, 0), Err(LoadError::Version(9, 9))));
}

const CALLS: &str = r#"
.func (.param .b32 ret) fact(.param .b32 n)
{
    .reg .pred %p<2>;
    .reg .b32 %r<6>;
    ld.param.b32 %r1, [n];
    setp.lt.u32 %p1, %r1, 2;
    @%p1 bra BASE;
    sub.s32 %r2, %r1, 1;
    {
    .param .b32 a0;
    st.param.b32 [a0], %r2;
    .param .b32 r0;
    call.uni (r0), fact, (a0);
    ld.param.b32 %r3, [r0];
    }
    mul.lo.s32 %r4, %r3, %r1;
    st.param.b32 [ret], %r4;
    ret;
BASE:
    mov.u32 %r5, 1;
    st.param.b32 [ret], %r5;
    ret;
}
.func (.param .b32 ret) twice(.param .b32 x)
{
    .reg .b32 %r<3>;
    ld.param.b32 %r1, [x];
    shl.b32 %r2, %r1, 1;
    st.param.b32 [ret], %r2;
    ret;
}
.visible .entry calls(.param .u64 out)
{
    .reg .pred %p<2>;
    .reg .b32 %r<8>;
    .reg .b64 %rd<8>;
    ld.param.u64 %rd1, [out];
    mov.u32 %r1, %tid.x;
    and.b32 %r2, %r1, 7;
    {
    .param .b32 a0;
    st.param.b32 [a0], %r2;
    .param .b32 r0;
    call.uni (r0), fact, (a0);
    ld.param.b32 %r3, [r0];
    }
    // Divergent indirect call: odd lanes call twice, even lanes fact.
    and.b32 %r4, %r1, 1;
    setp.eq.s32 %p1, %r4, 1;
    mov.u64 %rd2, fact;
    mov.u64 %rd3, twice;
    selp.b64 %rd4, %rd3, %rd2, %p1;
    and.b32 %r6, %r1, 3;
    {
    .param .b32 a1;
    st.param.b32 [a1], %r6;
    .param .b32 r1;
    call (r1), %rd4, (a1), proto;
    ld.param.b32 %r5, [r1];
    }
    mul.wide.u32 %rd5, %r1, 8;
    add.s64 %rd6, %rd1, %rd5;
    st.global.v2.u32 [%rd6], {%r3, %r5};
    ret;
}
"#;

#[test]
fn recursive_and_divergent_indirect_calls() {
    let text = CALLS.replace(
        "call (r1), %rd4, (a1), proto;",
        "proto: .callprototype (.param .b32 _) _ (.param .b32 _);\n    call (r1), %rd4, (a1), proto;",
    );
    let mut rig = Rig::new(&text);
    let out = rig.buffer(64);
    rig.launch("calls", 1, 32, 0, &[out]).expect("launch");
    let v = rig.read(out, 64);
    let fact = |n: u32| (1..=n.max(1)).product::<u32>();
    for t in 0..32u32 {
        let second = if t & 1 == 1 { 2 * (t & 3) } else { fact(t & 3) };
        assert_eq!((v[2 * t as usize], v[2 * t as usize + 1]), (fact(t & 7), second), "thread {t}");
    }
}

#[test]
fn runaway_recursion_overflows_the_stack_as_an_illegal_address() {
    let text = r#"
.func (.param .b32 ret) down(.param .b32 n)
{
    .local .align 8 .b8 depot[256];
    .reg .b32 %r<4>;
    ld.param.b32 %r1, [n];
    st.local.u32 [depot], %r1;
    add.s32 %r2, %r1, 1;
    {
    .param .b32 a0;
    st.param.b32 [a0], %r2;
    .param .b32 r0;
    call.uni (r0), down, (a0);
    ld.param.b32 %r3, [r0];
    }
    st.param.b32 [ret], %r3;
    ret;
}
.visible .entry deep()
{
    .reg .b32 %r<2>;
    mov.u32 %r1, 0;
    {
    .param .b32 a0;
    st.param.b32 [a0], %r1;
    .param .b32 r0;
    call.uni (r0), down, (a0);
    }
    ret;
}
"#;
    let rig = Rig::new(text);
    let f = rig.launch("deep", 1, 1, 0, &[]).unwrap_err();
    assert_eq!(f.kind, FaultKind::IllegalAddress);
    assert!(f.message.contains("stack overflow"), "{}", f.message);
}

#[test]
fn many_ctas_on_several_threads_with_global_atomics() {
    let text = r#"
.visible .entry count(.param .u64 c)
{
    .reg .b32 %r<2>;
    .reg .b64 %rd<2>;
    ld.param.u64 %rd1, [c];
    atom.global.add.u32 %r1, [%rd1], 1;
    red.global.add.u32 [%rd1+4], 2;
    ret;
}
"#;
    let mut rig = Rig::new(text);
    let c = rig.buffer(2);
    let stats = rig.launch("count", 500, 96, 0, &[c]).expect("launch");
    assert_eq!(rig.read(c, 2), vec![500 * 96, 2 * 500 * 96]);
    assert!(stats.thread_instructions >= 500 * 96 * 3);
}

/// Warp 0 produces into shared memory and arrives at barrier 1; warp 1 waits
/// on it, consumes, and arrives at barrier 2 on which warp 0 waits before
/// producing the next round (named barriers with thread counts).
const PRODUCER_CONSUMER: &str = r#"
.visible .entry pc(.param .u64 out)
{
    .reg .pred %p<4>;
    .reg .b32 %r<12>;
    .reg .b64 %rd<4>;
    .shared .align 4 .b8 slot[128];
    ld.param.u64 %rd1, [out];
    mov.u32 %r1, %tid.x;
    shr.u32 %r2, %r1, 5;
    and.b32 %r3, %r1, 31;
    shl.b32 %r4, %r3, 2;
    mov.u32 %r5, slot;
    add.s32 %r5, %r5, %r4;
    mov.u32 %r6, 0;
    mov.u32 %r9, 0;
LOOP:
    setp.eq.s32 %p1, %r2, 0;
    @!%p1 bra CONSUME;
    mad.lo.s32 %r7, %r6, 100, %r3;
    st.shared.u32 [%r5], %r7;
    bar.arrive 1, 64;
    bar.sync 2, 64;
    bra.uni NEXT;
CONSUME:
    bar.sync 1, 64;
    ld.shared.u32 %r8, [%r5];
    add.s32 %r9, %r9, %r8;
    bar.arrive 2, 64;
NEXT:
    add.s32 %r6, %r6, 1;
    setp.lt.s32 %p2, %r6, 4;
    @%p2 bra LOOP;
    setp.eq.s32 %p3, %r2, 1;
    @!%p3 bra DONE;
    mul.wide.u32 %rd2, %r3, 4;
    add.s64 %rd3, %rd1, %rd2;
    st.global.u32 [%rd3], %r9;
DONE:
    ret;
}
"#;

#[test]
fn named_barriers_order_a_producer_and_a_consumer() {
    let mut rig = Rig::new(PRODUCER_CONSUMER);
    let out = rig.buffer(32);
    rig.launch("pc", 1, 64, 0, &[out]).expect("launch");
    let expect: Vec<u32> = (0..32).map(|l| (0..4).map(|r| r * 100 + l).sum()).collect();
    assert_eq!(rig.read(out, 32), expect);
}

#[test]
fn a_barrier_that_cannot_complete_is_reported_not_hung() {
    let text = r#"
.visible .entry stuck()
{
    .reg .pred %p<2>;
    .reg .b32 %r<3>;
    mov.u32 %r1, %tid.x;
    setp.lt.u32 %p1, %r1, 32;
    @%p1 bra WAIT;
    bar.sync 2, 128;
    ret;
WAIT:
    bar.sync 1, 128;
    ret;
}
"#;
    let rig = Rig::new(text);
    let f = rig.launch("stuck", 1, 64, 0, &[]).unwrap_err();
    assert_eq!(f.kind, FaultKind::BarrierDeadlock);
    assert!(f.message.contains("can never complete"), "{}", f.message);
}

/// `k` with every instruction through `Warp::step` (no pre-decoded entries).
fn step_only(k: &Kernel) -> Kernel {
    let mut program = (*k.program).clone();
    program.pre = vec![exec::Pre::Slow; program.code.len()];
    program.pre_v3 = false;
    Kernel { program: std::sync::Arc::new(program), ..k.clone() }
}

impl Rig {
    /// Runs `kernel` on one warp after filling `words` words at `buf` with
    /// `init`; returns the thread-instructions or the fault, and the words.
    fn run_warp(&self, kernel: &Kernel, buf: u64, init: &[u32], params: &[u64]) -> (Result<u64, Fault>, Vec<u32>) {
        self.write(buf, init);
        let mut pbuf = vec![0u8; kernel.signature.total_size as usize];
        for (p, v) in kernel.signature.params.iter().zip(params) {
            let o = p.offset as usize;
            pbuf[o..o + p.size as usize].copy_from_slice(&v.to_le_bytes()[..p.size as usize]);
        }
        let cfg = LaunchConfig { grid: [1, 1, 1], block: [32, 1, 1], dyn_shared: 0, grid_workspace: 0, watchdog: None };
        let r = run_grid(kernel, &cfg, &pbuf, &self.space.ranges()).map(|s| s.thread_instructions);
        (r, self.read(buf, init.len()))
    }

    /// Runs kernel `name` pre-decoded and through `step` only with the same
    /// memory and parameters; asserts the same fault (or none) and memory,
    /// and returns the fault kind.
    fn same_both_ways(&self, name: &str, buf: u64, init: &[u32], params: &[u64]) -> Option<FaultKind> {
        let k = self.module.kernels.get(name).expect("kernel");
        let fast = self.run_warp(k, buf, init, params);
        let reference = self.run_warp(&step_only(k), buf, init, params);
        assert_eq!(fast.0, reference.0, "{name} {params:?}");
        let differ: Vec<(usize, u32, u32)> =
            (0..init.len()).filter(|&i| fast.1[i] != reference.1[i]).map(|i| (i, fast.1[i], reference.1[i])).collect();
        assert!(differ.is_empty(), "{name} {params:?}: (word, fast, step) differ: {differ:?}");
        fast.0.err().map(|f| f.kind)
    }
}

/// Kernels whose memory accesses the pre-decoded fast path must hand back
/// to `Warp::step` part-way (one lane out of bounds, a misaligned vector,
/// a destination that is the address register) or that run with partial
/// masks: run once as loaded and once with every instruction through
/// `step`, the memory and the faults must be the same.
const FAST_PATH_EDGES: &str = r#"
.visible .entry edges(.param .u64 buf, .param .u32 bad_lane, .param .u64 bad_off, .param .u32 vec_skew, .param .u64 store_off)
{
    .reg .pred %p<4>;
    .reg .b32 %r<12>;
    .reg .b64 %rd<12>;
    .reg .f32 %f<8>;
    ld.param.u64 %rd1, [buf];
    ld.param.u32 %r1, [bad_lane];
    ld.param.u64 %rd2, [bad_off];
    ld.param.u32 %r9, [vec_skew];
    mov.u32 %r2, %tid.x;
    // addr = buf + 8*tid, or buf + bad_off on the bad lane
    mul.wide.u32 %rd3, %r2, 8;
    add.s64 %rd4, %rd1, %rd3;
    setp.eq.u32 %p1, %r2, %r1;
    add.s64 %rd5, %rd1, %rd2;
    selp.b64 %rd6, %rd5, %rd4, %p1;
    // partial masks: odd lanes do extra arithmetic
    and.b32 %r3, %r2, 1;
    setp.eq.u32 %p2, %r3, 1;
    mov.u32 %r4, %r2;
    @%p2 mad.lo.s32 %r4, %r2, 7, 3;
    @%p2 bra ODD;
    shl.b32 %r4, %r4, 2;
ODD:
    cvt.rn.f32.u32 %f1, %r4;
    mul.f32 %f2, %f1, 0f3FC00000;
    fma.rn.f32 %f3, %f2, %f1, %f1;
    // a store every lane makes first (4 bytes at its own word)
    st.global.f32 [%rd4+512], %f3;
    // load through the maybe-bad address; the destination is the address register
    ld.global.u64 %rd6, [%rd6];
    // an 8-byte-aligned pair read as v4 when vec_skew = 8: misaligned
    cvt.u64.u32 %rd7, %r9;
    mul.wide.u32 %rd8, %r2, 16;
    add.s64 %rd9, %rd1, %rd8;
    add.s64 %rd9, %rd9, %rd7;
    ld.global.v4.u32 {%r5, %r6, %r7, %r8}, [%rd9+1024];
    add.s32 %r5, %r5, %r8;
    // the store that may fault on the bad lane, after earlier lanes stored
    cvt.u32.u64 %r10, %rd6;
    add.s32 %r10, %r10, %r5;
    st.global.u32 [%rd4+2048], %r10;
    ld.param.u64 %rd10, [buf];
    ld.param.u64 %rd11, [store_off];
    setp.eq.u32 %p3, %r2, %r1;
    @%p3 add.s64 %rd4, %rd10, %rd11;
    st.global.u32 [%rd4+2048], %r2;
    ret;
}
"#;

#[test]
fn the_fast_path_and_step_agree_on_results_and_faults() {
    let mut rig = Rig::new(FAST_PATH_EDGES);
    let words = 2048 / 4 + 64 + 8;
    let buf = rig.buffer(words);
    let k = rig.module.kernels.get("edges").expect("kernel");
    assert!(k.program.pre.iter().any(|p| !matches!(p, exec::Pre::Slow)), "instructions were pre-decoded");
    let init: Vec<u32> = (0..words as u32).map(|i| i.wrapping_mul(2654435761)).collect();
    let cases = [
        (99, 8, 0, 0, None),                                                     // in bounds everywhere
        (17, 1 << 40, 0, 0, Some(FaultKind::IllegalAddress)),                    // lane 17's load far out of bounds
        (5, 4 * words as u64, 0, 0, Some(FaultKind::IllegalAddress)),            // just past the end
        (3, 2, 0, 0, Some(FaultKind::MisalignedAddress)),                        // lane 3's 8-byte load misaligned
        (99, 8, 8, 0, Some(FaultKind::MisalignedAddress)),                       // every v4 load 8-byte aligned only
        (17, 8 * 17, 0, 1 << 40, Some(FaultKind::IllegalAddress)),               // only lane 17's last store faults
        (6, 8 * 6, 0, 4 * words as u64 - 2048, Some(FaultKind::IllegalAddress)), // its store just past the end
        (9, 8 * 9, 0, 8, None), // lane 9's last store hits lane 1's word
    ];
    for (bad_lane, bad_off, skew, store_off, want) in cases {
        let params = [buf, bad_lane, bad_off, skew, store_off];
        assert_eq!(rig.same_both_ways("edges", buf, &init, &params), want, "{params:?}");
    }
}

/// Generic and `.local` accesses through the pre-decoded path: a generic
/// pointer to global memory, a generic pointer into shared memory, and a
/// per-thread local array, each with one lane (`bad_lane`) sent `bad_off`
/// bytes away; results and faults must be what `step` gives.
const FAST_PATH_SPACES: &str = r#"
.visible .entry spaces(.param .u64 buf, .param .u32 bad_lane, .param .u64 bad_off, .param .u32 which)
{
    .local .align 8 .b8 arr[64];
    .shared .align 8 .b8 sh[512];
    .reg .pred %p<6>;
    .reg .b16 %rs<2>;
    .reg .b32 %r<12>;
    .reg .b64 %rd<16>;
    ld.param.u64 %rd1, [buf];
    ld.param.u32 %r1, [bad_lane];
    ld.param.u64 %rd2, [bad_off];
    ld.param.u32 %r9, [which];
    mov.u32 %r2, %tid.x;
    setp.eq.u32 %p1, %r2, %r1;
    mul.wide.u32 %rd3, %r2, 4;
    // local: arr[tid % 16] = tid * 3, then read back arr[(tid + 1) % 16] (own thread's array)
    and.b32 %r3, %r2, 15;
    mul.wide.u32 %rd4, %r3, 4;
    mov.u64 %rd5, arr;
    add.s64 %rd6, %rd5, %rd4;
    @%p1 add.s64 %rd6, %rd6, %rd2;
    setp.eq.u32 %p2, %r9, 0;
    mul.lo.s32 %r4, %r2, 3;
    @%p2 st.local.u32 [%rd6], %r4;
    @!%p2 st.local.u32 [%rd5+8], %r4;
    // a byte store (not pre-decoded: `step` places it) read back by the
    // pre-decoded word load: both must pick this thread's local memory
    cvt.u16.u32 %rs1, %r2;
    st.local.u8 [%rd5+9], %rs1;
    ld.local.u32 %r5, [%rd5+8];
    // shared through a generic pointer
    mov.u64 %rd7, sh;
    cvta.shared.u64 %rd8, %rd7;
    add.s64 %rd9, %rd8, %rd3;
    setp.eq.u32 %p3, %r9, 1;
    and.pred %p4, %p1, %p3;
    @%p4 add.s64 %rd9, %rd9, %rd2;
    st.u32 [%rd9], %r5;
    bar.sync 0;
    xor.b32 %r6, %r2, 1;
    mul.wide.u32 %rd10, %r6, 4;
    add.s64 %rd11, %rd8, %rd10;
    ld.u32 %r7, [%rd11];
    // global through a generic pointer (no cvta.to.global)
    add.s64 %rd12, %rd1, %rd3;
    setp.eq.u32 %p5, %r9, 2;
    and.pred %p4, %p1, %p5;
    @%p4 add.s64 %rd12, %rd12, %rd2;
    ld.u32 %r8, [%rd12];
    add.s32 %r8, %r8, %r7;
    st.u32 [%rd12+256], %r8;
    ret;
}
"#;

#[test]
fn the_fast_path_and_step_agree_on_generic_and_local_accesses() {
    let mut rig = Rig::new(FAST_PATH_SPACES);
    let words = 128;
    let buf = rig.buffer(words);
    let k = rig.module.kernels.get("spaces").expect("kernel");
    let mem_ops = k.program.code.iter().zip(&k.program.pre).filter(|(i, _)| match &i.op {
        ir::Op::Ld { ty, .. } | ir::Op::St { ty, .. } => ty.size() >= 4,
        _ => false,
    });
    for (i, p) in mem_ops {
        assert!(matches!(p, exec::Pre::Run { .. }), "line {}: not pre-decoded", i.line);
    }
    let init: Vec<u32> = (0..words as u32).map(|i| i.wrapping_mul(0x9e37_79b9)).collect();
    let cases = [
        (99, 0, 0, None),                                 // in bounds everywhere
        (7, 64, 0, Some(FaultKind::IllegalAddress)),      // lane 7's local store past its array
        (7, 2, 0, Some(FaultKind::MisalignedAddress)),    // lane 7's local store misaligned
        (20, 4096, 1, Some(FaultKind::IllegalAddress)),   // lane 20's generic shared store past the shared memory
        (3, 1 << 40, 2, Some(FaultKind::IllegalAddress)), // lane 3's generic global load far away
        (3, 4 * 128, 2, Some(FaultKind::IllegalAddress)), // lane 3's generic global load just past the end
        (31, 6, 2, Some(FaultKind::MisalignedAddress)),   // lane 31's generic global load misaligned
    ];
    for (bad_lane, bad_off, which, want) in cases {
        let params = [buf, bad_lane, bad_off, which];
        assert_eq!(rig.same_both_ways("spaces", buf, &init, &params), want, "{params:?}");
    }
}
