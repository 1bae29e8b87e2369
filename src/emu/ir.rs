//! The executable IR: typed operations over dense register slots, with
//! labels resolved to instruction indices and a reconvergence point on every
//! conditional branch. Produced once per module by `lower`, run by `exec`.

/// A register slot index within a function's register file. Each slot holds
/// 32 lanes of 64-bit values; narrower types use the low bits, predicates are
/// 0 or 1.
pub type Reg = u32;

/// Value types the IR distinguishes (PTX ISA §5.2.1). `.bN` maps to `UN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F16,
    BF16,
    F32,
    F64,
    /// Packed pairs (`.f16x2`, `.bf16x2`) and 128-bit values are not yet run.
    F16x2,
    BF16x2,
    Pred,
}

impl Ty {
    pub fn size(self) -> u32 {
        match self {
            Ty::U8 | Ty::S8 | Ty::Pred => 1,
            Ty::U16 | Ty::S16 | Ty::F16 | Ty::BF16 => 2,
            Ty::U32 | Ty::S32 | Ty::F32 | Ty::F16x2 | Ty::BF16x2 => 4,
            Ty::U64 | Ty::S64 | Ty::F64 => 8,
        }
    }
    pub fn is_signed(self) -> bool {
        matches!(self, Ty::S8 | Ty::S16 | Ty::S32 | Ty::S64)
    }
    pub fn is_float(self) -> bool {
        matches!(self, Ty::F16 | Ty::BF16 | Ty::F32 | Ty::F64 | Ty::F16x2 | Ty::BF16x2)
    }
    pub fn bits(self) -> u32 {
        self.size() * 8
    }
}

/// Special registers (PTX ISA §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    Tid(u8),
    Ntid(u8),
    Ctaid(u8),
    Nctaid(u8),
    LaneId,
    WarpId,
    NWarpId,
    SmId,
    NSmId,
    GridId,
    LanemaskEq,
    LanemaskLe,
    LanemaskLt,
    LanemaskGe,
    LanemaskGt,
    Clock,
    Clock64,
    GlobalTimer,
    GlobalTimerLo,
    GlobalTimerHi,
    /// `%reserved_smem_offset_*`: the shared-memory region reserved for the
    /// system (cooperative groups), placed after the kernel's own shared
    /// memory; the value is the region's start plus this offset.
    Reserved(u32),
    /// `%reserved_smem_offset_cap`: the reserved region's size.
    ReservedCap,
    /// Constant 0 and 1 (cluster registers of a cluster of one CTA).
    Zero,
    One,
    DynamicSmemSize,
    TotalSmemSize,
    /// `%envreg<n>` (PTX ISA §10.37): driver-defined launch values. On a
    /// cooperative launch `%envreg1:%envreg2` hold the grid-barrier
    /// workspace address that cooperative groups' `grid.sync()` reads;
    /// every other one is 0.
    EnvReg(u8),
}

/// A source operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Src {
    Reg(Reg),
    /// Immediate bits (already converted to the instruction's type).
    Imm(u64),
    Special(Special),
    /// The `.local` address of a frame-local variable: the current frame's
    /// local base plus this offset (functions' stack frames, PTX ISA §5.1.5).
    Local(u32),
}

/// State spaces as the IR addresses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    /// Absolute device addresses (`.global`, `.const`: module variables are device allocations).
    Global,
    /// Offsets into the CTA's shared memory.
    Shared,
    /// Offsets into the thread's local memory.
    Local,
    /// Constant memory: absolute addresses, like global (only `isspacep`
    /// and `cvta` tell them apart).
    Const,
    /// Offsets into the kernel parameter buffer (read-only, shared by all threads).
    Param,
    /// Offsets into the current call frame's per-thread `.param` area
    /// (function parameters, return values, call arguments).
    Frame,
    /// Generic addresses: shared and local windows, otherwise global.
    Generic,
}

/// A memory address: optional base register plus a byte offset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Addr {
    pub base: Option<Reg>,
    pub offset: i64,
    /// Add the current frame's local base (the address names a frame-local variable).
    pub local_frame: bool,
}

/// Comparison operators of `setp`/`set` (PTX ISA §9.7.9.3), the `u`-prefixed
/// ones true also when either operand is NaN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Equ,
    Neu,
    Ltu,
    Leu,
    Gtu,
    Geu,
    Num,
    Nan,
}

/// Boolean combiners of `setp.<cmp>.<bop>` and predicate logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
    Xor,
}

/// Two-operand arithmetic and logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    MulLo,
    MulHi,
    /// `mul.wide`: the result has twice the width of `Ty`.
    MulWide,
    Mul24Lo,
    Mul24Hi,
    Div,
    Rem,
    Min,
    Max,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Copysign,
    /// `add.cc` / `sub.cc` write CC.CF; `addc`/`subc` read it.
    AddCc,
    SubCc,
    AddC,
    SubC,
    AddCCc,
    SubCCc,
    /// `fns`-style and others are lowered elsewhere.
    Bmsk,
}

/// One-operand operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Cnot,
    Neg,
    Abs,
    Popc,
    Clz,
    Brev,
    Bfind,
    BfindShift,
    Sqrt,
    Rcp,
    Rsqrt,
    Sin,
    Cos,
    Lg2,
    Ex2,
    Tanh,
}

/// Floating-point rounding (PTX ISA §9.7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Round {
    #[default]
    Rn,
    Rz,
    Rm,
    Rp,
    /// `.rna`: to nearest, ties away from zero (cvt to tf32).
    Rna,
}

/// Float modifiers of an arithmetic instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FMods {
    pub round: Round,
    pub ftz: bool,
    pub sat: bool,
    /// `.approx` (for div/rcp/sqrt/...), `.full` counts as approx too.
    pub approx: bool,
    /// `min/max.NaN`
    pub nan: bool,
    /// `.relu`: negative results become +0.
    pub relu: bool,
    /// `min/max.xorsign.abs`: compare magnitudes; the sign is the XOR of the inputs' signs.
    pub xorsign: bool,
    /// `.satfinite`: out-of-range results become the largest finite value.
    pub satfinite: bool,
}

/// Atomic operations (PTX ISA §9.7.13.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomOp {
    Add,
    Min,
    Max,
    And,
    Or,
    Xor,
    Exch,
    Cas,
    Inc,
    Dec,
}

/// Shuffle modes (PTX ISA §9.7.8.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShflMode {
    Up,
    Down,
    Bfly,
    Idx,
}

/// Vote modes (PTX ISA §9.7.8.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteMode {
    All,
    Any,
    Uni,
    Ballot,
}

/// One IR operation. Every op may carry a guard predicate (in [`Inst`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Mov {
        d: Reg,
        a: Src,
    },
    /// `mov.b64 d, {a, b}` and friends: pack `parts` (low first), each `part_bits` wide.
    Pack {
        d: Reg,
        parts: Vec<Src>,
        part_bits: u32,
    },
    /// `mov.b64 {a, b}, d`: unpack into `parts` (low first, `None` for `_`).
    Unpack {
        ds: Vec<Option<Reg>>,
        a: Src,
        part_bits: u32,
    },
    Bin {
        op: BinOp,
        ty: Ty,
        f: FMods,
        d: Reg,
        a: Src,
        b: Src,
    },
    Un {
        op: UnOp,
        ty: Ty,
        f: FMods,
        d: Reg,
        a: Src,
    },
    /// `mad.lo/hi/wide` (int) — `fma`/`mad` on floats use `Fma`.
    Mad {
        hi: bool,
        wide: bool,
        cc: u8,
        ty: Ty,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Mad24 {
        hi: bool,
        ty: Ty,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `mad.hi.sat.s32` / `mad24.hi.sat.s32`: the high part of a×b plus c,
    /// saturated to the s32 range.
    MadSat {
        hi24: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `sad`: c + |a − b|.
    Sad {
        ty: Ty,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Fma {
        ty: Ty,
        f: FMods,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Setp {
        cmp: Cmp,
        ty: Ty,
        ftz: bool,
        d: Reg,
        dn: Option<Reg>,
        a: Src,
        b: Src,
        comb: Option<(BoolOp, Src, bool)>,
    },
    /// `set.<cmp>.<dty>.<sty>`: 0xffffffff / 1.0 or 0.
    Set {
        cmp: Cmp,
        ty: Ty,
        dty: Ty,
        ftz: bool,
        d: Reg,
        a: Src,
        b: Src,
        comb: Option<(BoolOp, Src, bool)>,
    },
    Selp {
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Slct {
        ty: Ty,
        cty: Ty,
        ftz: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// Predicate logic: `and/or/xor.pred`, with negation of operands.
    /// `and/or/xor.pred d, a, b` with `!` on either source (`na`, `nb`).
    PredLogic {
        na: bool,
        nb: bool,
        op: BoolOp,
        d: Reg,
        a: Src,
        b: Src,
    },
    PredNot {
        d: Reg,
        a: Src,
    },
    Cvt {
        dty: Ty,
        sty: Ty,
        round: Round,
        int_round: bool,
        ftz: bool,
        sat: bool,
        d: Reg,
        a: Src,
    },
    /// `cvt.pack.sat.{s16,u16,s8,u8,s4,u4}.s32.b32 d, a, b{, c}`: saturate
    /// `a` and `b` to the type, pack `a` above `b`, and `c` above both.
    CvtPackInt {
        bits: u32,
        signed: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Option<Src>,
    },
    /// `cvt.rn.relu.{f16,bf16}.f32`: rounding, with negatives (and -0) made +0.
    CvtRelu {
        dty: Ty,
        sty: Ty,
        round: Round,
        d: Reg,
        a: Src,
    },
    /// fp8 pairs (`e4m3x2` if `e4m3`, else `e5m2x2`): `to_fp8` packs two f32
    /// (`a` high, `b` low) or one f16x2 (`b` = None) with `.satfinite`;
    /// otherwise unpacks to f16x2.
    CvtFp8 {
        e4m3: bool,
        to_fp8: bool,
        relu: bool,
        d: Reg,
        a: Src,
        b: Option<Src>,
    },
    /// `cvt.rna.tf32.f32`: round to tf32 (10-bit mantissa), kept in f32 format.
    CvtTf32 {
        round: Round,
        /// `.satfinite`: infinities become the largest finite tf32.
        satfinite: bool,
        d: Reg,
        a: Src,
    },
    /// `cvt.rn{.relu}{.satfinite}.{f16x2,bf16x2}.f32 d, a, b`: `a` → high half, `b` → low half.
    CvtPack {
        dty: Ty,
        f: FMods,
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `cvta` to generic (`to_generic`) or from generic.
    Cvta {
        space: Space,
        to_generic: bool,
        d: Reg,
        a: Src,
    },
    /// `isspacep.<space>`
    IsSpace {
        space: Space,
        d: Reg,
        a: Src,
    },
    Bfe {
        ty: Ty,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Bfi {
        ty: Ty,
        d: Reg,
        f: Src,
        b: Src,
        c: Src,
        e: Src,
    },
    /// `prmt.b32{.mode}`: mode 0 = default, 1 f4e, 2 b4e, 3 rc8, 4 ecl, 5 ecr, 6 rc16.
    Prmt {
        mode: u8,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `brx.idx`: branch to `targets[idx]`; `reconv` is the immediate post-dominator.
    Brx {
        idx: Src,
        targets: Vec<u32>,
        reconv: u32,
    },
    /// `match.any/all.sync.b32/b64 d{|p}, a, membermask`.
    Match {
        all: bool,
        d: Reg,
        dp: Option<Reg>,
        a: Src,
        mask: Src,
    },
    /// `redux.sync.op.type d, a, membermask`: op 0 add, 1 min, 2 max, 3 and, 4 or, 5 xor.
    Redux {
        op: u8,
        ty: Ty,
        d: Reg,
        a: Src,
        mask: Src,
    },
    /// `elect.sync d|p, membermask`.
    Elect {
        d: Option<Reg>,
        p: Option<Reg>,
        mask: Src,
    },
    /// `dp4a.atype.btype d, a, b, c` (signedness of a and b).
    Dp4a {
        sa: bool,
        sb: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `dp2a.lo/hi.atype.btype d, a, b, c`.
    Dp2a {
        hi: bool,
        sa: bool,
        sb: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `szext.mode.type d, a, b`: sign- or zero-extend `a` from bit position `b`.
    Szext {
        signed: bool,
        clamp: bool,
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `fns.b32 d, mask, base, offset`: the position of the n-th set bit.
    Fns {
        d: Reg,
        mask: Src,
        base: Src,
        offset: Src,
    },
    /// `mbarrier.*` on a 64-bit barrier object in shared memory (PTX ISA
    /// §9.7.13.15), and `cp.async.mbarrier.arrive`.
    Mbarrier {
        kind: MbarKind,
        d: Option<Reg>,
        addr: Addr,
        space: Space,
        a: Option<Src>,
    },
    /// `cp.async.bulk.shared.global.mbarrier::complete_tx::bytes [dst], [src], size, [mbar]`.
    BulkCopy {
        dst: Addr,
        src: Addr,
        size: Src,
        mbar: Addr,
    },
    /// `atom.add.v2/.v4.f32` (and other vector atomic adds): one atomic per element.
    AtomAddVec {
        space: Space,
        ty: Ty,
        ds: Vec<Reg>,
        addr: Addr,
        bs: Vec<Src>,
    },
    /// `cp.async` (copied at once; the commit/wait instructions are no-ops):
    /// `size` bytes from global `src` to shared `dst`, zero-filling beyond `src_size`.
    CpAsync {
        dst: Addr,
        src: Addr,
        size: u32,
        src_size: Option<Src>,
    },
    Lop3 {
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
        lut: u8,
    },
    Shf {
        left: bool,
        wrap: bool,
        d: Reg,
        a: Src,
        b: Src,
        c: Src,
    },
    Testp {
        class: u8,
        ty: Ty,
        d: Reg,
        a: Src,
    },
    Ld {
        space: Space,
        ty: Ty,
        ds: Vec<Reg>,
        addr: Addr,
    },
    St {
        space: Space,
        ty: Ty,
        srcs: Vec<Src>,
        addr: Addr,
    },
    Atom {
        space: Space,
        op: AtomOp,
        ty: Ty,
        d: Option<Reg>,
        addr: Addr,
        b: Src,
        c: Src,
    },
    /// Unconditional or guarded branch; `reconv` is the immediate post-dominator.
    Bra {
        target: u32,
        reconv: u32,
    },
    /// `bar.sync`/`barrier.sync`/`bar.arrive`: barrier `id`, optional thread count.
    Bar {
        id: Src,
        count: Option<Src>,
        arrive: bool,
    },
    /// `bar.red.popc/and/or`.
    BarRed {
        id: Src,
        op: u8,
        d: Reg,
        p: Src,
        negate: bool,
    },
    Shfl {
        mode: ShflMode,
        d: Reg,
        dp: Option<Reg>,
        a: Src,
        b: Src,
        c: Src,
    },
    /// `vote.sync.mode d, {!}a, membermask`: over the active lanes in membermask.
    Vote {
        mode: VoteMode,
        d: Reg,
        a: Src,
        negate: bool,
        members: Src,
    },
    Activemask {
        d: Reg,
    },
    /// No effect in the emulator (membar, fence, prefetch, nanosleep, …).
    Nop,
    Exit,
    Ret,
    Trap,
    /// `call`: run a function; `args`/`rets` are the caller's frame `.param`
    /// slots (offset, size) passed by position.
    Call {
        target: CallTarget,
        args: Vec<(u32, u32)>,
        rets: Vec<(u32, u32)>,
    },
    /// A call of a function the emulator provides (`vprintf`, `__assertfail`).
    Builtin {
        f: Builtin,
        args: Vec<(u32, u32)>,
        ret: Option<(u32, u32)>,
    },
    /// An instruction this emulator does not run; modules containing one are
    /// refused at load, so this is never executed.
    Unsupported(String),
}

/// `mbarrier` operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MbarKind {
    /// `init [a], count`
    Init,
    /// `arrive{.expect_tx} state, [a]{, count or tx}`; `drop` also lowers the expected count.
    Arrive { drop: bool, expect_tx: bool },
    /// `expect_tx [a], tx`
    ExpectTx,
    /// `complete_tx [a], tx`
    CompleteTx,
    /// `test_wait/try_wait{.parity} p, [a], state-or-parity`
    Wait { parity: bool },
    /// `inval [a]`
    Inval,
    /// `pending_count d, state`
    PendingCount,
    /// `cp.async.mbarrier.arrive{.noinc} [a]`: cp.async completes at once, so
    /// this arrives only with `.noinc` (otherwise its pending increment and
    /// the arrival cancel out).
    CpAsyncArrive { noinc: bool },
}

/// The callee of a `call`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CallTarget {
    /// Index into [`Program::funcs`].
    Direct(u32),
    /// A function address ([`FUNC_BASE`] + 16 × index) in a register.
    Indirect(Src),
}

/// Functions the emulator implements itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `vprintf(const char *fmt, const void *args)`: device `printf`.
    Vprintf,
    /// `__assertfail(msg, file, line, function, charSize)`: device `assert`.
    AssertFail,
    /// `malloc(size)` from the device heap.
    Malloc,
    /// `free(ptr)`.
    Free,
}

/// Function addresses (for indirect calls) are `FUNC_BASE + 16 × index`.
pub const FUNC_BASE: u64 = 0x6000_0000_0000_0000;

/// One function of a program (`.entry` or `.func`).
#[derive(Clone, Debug, PartialEq)]
pub struct FuncInfo {
    pub name: String,
    /// First instruction.
    pub start: u32,
    /// Register slots of one activation.
    pub nregs: u32,
    /// Bytes of per-thread `.param` frame (incoming parameters, return
    /// values, outgoing call arguments).
    pub psize: u32,
    /// Incoming parameters: (offset, size) in the frame.
    pub params: Vec<(u32, u32)>,
    /// Return values: (offset, size) in the frame.
    pub rets: Vec<(u32, u32)>,
    /// Bytes of `.local` variables of one activation.
    pub local_size: u32,
}

/// All functions of a module, lowered into one instruction array.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub code: Vec<Inst>,
    pub funcs: Vec<FuncInfo>,
    /// `.loc` debug lines: (PTX line of an instruction, `.file` number,
    /// source line), sorted by PTX line; empty without debug information.
    pub locs: Vec<(u32, u32, u32)>,
    /// `.file` directives: (number, name).
    pub files: Vec<(u32, String)>,
    /// `code` pre-decoded for the interpreter's fast loop, index for index
    /// (`exec::predecode`; empty: every instruction through `Warp::step`).
    pub pre: Vec<crate::emu::exec::Pre>,
    /// Whether `pre` holds the x86-64-v3 handler set (set only after the
    /// CPU's features were detected; the fast loop then runs compiled for
    /// them too).
    pub pre_v3: bool,
}

impl Program {
    /// The source file and line that `.loc` gives for the instruction on PTX
    /// line `line` (PTX ISA §11.5.2, debugging directives).
    pub fn source_of(&self, line: u32) -> Option<(&str, u32)> {
        let i = self.locs.partition_point(|l| l.0 < line);
        let &(_, file, src_line) = self.locs.get(i).filter(|l| l.0 == line)?;
        let name = self.files.iter().find(|f| f.0 == file)?.1.as_str();
        Some((name, src_line))
    }
}

/// An instruction: operation, optional guard `(predicate register, negated)`,
/// and the PTX source line for diagnostics.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    pub op: Op,
    pub guard: Option<(Reg, bool)>,
    pub line: u32,
}

/// A lowered kernel (`.entry`).
#[derive(Clone, Debug)]
pub struct Kernel {
    pub name: String,
    pub program: std::sync::Arc<Program>,
    /// Index of the entry in `program.funcs`.
    pub func: u32,
    /// Number of register slots of the entry frame.
    pub nregs: u32,
    /// Bytes of static shared memory (dynamic shared memory follows, aligned to 16).
    pub shared_size: u32,
    /// Bytes of local memory per thread (the entry's variables, plus a call
    /// stack when the program has device functions).
    pub local_size: u32,
    pub signature: crate::ptx::KernelSignature,
    /// `[start, end)` of the module's `.const` variables (for `isspacep.const`).
    pub const_range: (u64, u64),
    /// Whether CTAs get a reserved shared-memory region (`%reserved_smem_offset_*`).
    pub reserved_smem: bool,
    /// Whether the program calls `malloc` (the launch makes the device heap).
    pub uses_malloc: bool,
    /// `.maxntid` / `.reqntid` product if given (threads per block limit).
    pub max_threads: Option<u32>,
}
