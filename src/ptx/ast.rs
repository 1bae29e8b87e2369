//! The PTX abstract syntax tree: what the parser produces and the lowering
//! consumes. It keeps the text's structure (directives, statements, operands)
//! with a source position on every item, and leaves instruction semantics to
//! `emu::lower`: an instruction is its opcode, its dot-modifiers in source
//! order, and its operands (PTX ISA 9.x, chapter 4 "Syntax" and chapter 5
//! "State Spaces, Types, and Variables").

/// 1-based line and column of an item in the PTX text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

/// A whole PTX module (one translation unit as nvcc or NVRTC writes it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// `.version major.minor`
    pub version: (u32, u32),
    /// `.target` entries in order, e.g. `["sm_80"]` or `["sm_90a", "texmode_independent"]`.
    pub target: Vec<String>,
    /// `.address_size` (32 or 64); 64 when absent.
    pub address_size: u32,
    /// Module-scope variables (`.global`, `.const`, `.shared`, `.local`) in order.
    pub variables: Vec<VarDecl>,
    /// `.entry` and `.func` definitions and declarations in order.
    pub functions: Vec<Function>,
    /// `.file N "name"` directives: (N, name).
    pub files: Vec<(u32, String)>,
}

/// State spaces (PTX ISA §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateSpace {
    Reg,
    Sreg,
    Const,
    Global,
    Local,
    Param,
    Shared,
    /// `.shared::cluster` / `.shared::cta` are folded into `Shared`; `Generic`
    /// is used only by instructions without an explicit space.
    Generic,
    Tex,
}

/// Linking directives (PTX ISA §11.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Linkage {
    #[default]
    None,
    Visible,
    Extern,
    Weak,
    Common,
}

/// Fundamental and packed types (PTX ISA §5.2). `Pred` is `.pred`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    B8,
    B16,
    B32,
    B64,
    B128,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F16,
    F16x2,
    BF16,
    BF16x2,
    TF32,
    F32,
    F64,
    Pred,
}

impl ScalarType {
    /// Size in bytes (`.pred` counts as 1 for layout purposes).
    pub fn size(self) -> u32 {
        use ScalarType::*;
        match self {
            B8 | U8 | S8 | Pred => 1,
            B16 | U16 | S16 | F16 | BF16 => 2,
            B32 | U32 | S32 | F32 | F16x2 | BF16x2 | TF32 => 4,
            B64 | U64 | S64 | F64 => 8,
            B128 => 16,
        }
    }

    /// Parses a type name without its leading dot (`"u32"`, `"f16x2"`, `"pred"`).
    pub fn from_name(name: &str) -> Option<ScalarType> {
        use ScalarType::*;
        Some(match name {
            "b8" => B8,
            "b16" => B16,
            "b32" => B32,
            "b64" => B64,
            "b128" => B128,
            "u8" => U8,
            "u16" => U16,
            "u32" => U32,
            "u64" => U64,
            "s8" => S8,
            "s16" => S16,
            "s32" => S32,
            "s64" => S64,
            "f16" => F16,
            "f16x2" => F16x2,
            "bf16" => BF16,
            "bf16x2" => BF16x2,
            "tf32" => TF32,
            "f32" => F32,
            "f64" => F64,
            "pred" => Pred,
            _ => return None,
        })
    }
}

/// A variable declaration in any state space, at module or function scope
/// (PTX ISA §5.4), e.g. `.shared .align 4 .b8 tile[1024];` or `.reg .f32 %f<12>;`.
#[derive(Clone, Debug, PartialEq)]
pub struct VarDecl {
    pub span: Span,
    pub linkage: Linkage,
    pub space: StateSpace,
    /// `.align N` in bytes.
    pub align: Option<u32>,
    /// `.v2`/`.v4` element count, if a vector variable.
    pub vector: Option<u32>,
    pub ty: ScalarType,
    pub name: String,
    /// Array dimensions in order; `None` for an unsized `[]`.
    pub array: Vec<Option<u64>>,
    /// `%r<N>`: declares N registers `%r0 … %r(N-1)`; `name` is then the prefix `%r`.
    pub range: Option<u32>,
    pub init: Option<Initializer>,
}

/// Variable initialisers (PTX ISA §5.4.4).
#[derive(Clone, Debug, PartialEq)]
pub enum Initializer {
    Value(Immediate),
    /// `{ a, b, … }`, possibly nested for multi-dimensional arrays.
    List(Vec<Initializer>),
    /// A symbol's address, optionally `generic(sym)` and `+ offset`.
    Symbol {
        name: String,
        generic: bool,
        offset: i64,
    },
}

/// Literal constants (PTX ISA §4.5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Immediate {
    /// Integer literal as its 64-bit two's complement bits (`-1` is `u64::MAX`).
    Int(i64),
    /// `0fXXXXXXXX`: the bits of an f32.
    F32(u32),
    /// `0dXXXXXXXXXXXXXXXX` or a decimal floating literal: the bits of an f64.
    F64(u64),
}

/// A `.param` or `.reg` parameter of an entry or function.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub span: Span,
    /// `Param` for `.param`, `Reg` for `.reg` function parameters.
    pub space: StateSpace,
    pub align: Option<u32>,
    pub ty: ScalarType,
    pub name: String,
    /// `[N]` element count for array parameters (e.g. `.param .align 8 .b8 p[24]`).
    pub array: Option<u64>,
    /// `.ptr` attribute's state space, if given (`.ptr .global .align 8`).
    pub ptr_space: Option<StateSpace>,
}

/// Performance-tuning directives on a function (PTX ISA §11.4).
#[derive(Clone, Debug, PartialEq)]
pub enum Directive {
    MaxNtid(Vec<u32>),
    ReqNtid(Vec<u32>),
    MinNctaPerSm(u32),
    MaxNctaPerSm(u32),
    MaxNreg(u32),
    NoReturn,
    /// Any other directive, by name without the dot, with its raw arguments.
    Other(String, Vec<String>),
}

/// An `.entry` (kernel) or `.func` (device function).
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub span: Span,
    pub linkage: Linkage,
    /// true for `.entry`.
    pub is_entry: bool,
    pub name: String,
    /// Return parameters `( .param .b32 retval )` of a `.func`.
    pub returns: Vec<Param>,
    pub params: Vec<Param>,
    pub directives: Vec<Directive>,
    /// `None` for a declaration without a body (`.extern .func … ;`).
    pub body: Option<Vec<Statement>>,
}

/// A statement in a function body.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Decl(VarDecl),
    Label(String, Span),
    Instr(Instruction),
    /// A `{ … }` nested scope.
    Block(Vec<Statement>),
    /// `.loc file line col` (debug line information).
    Loc {
        file: u32,
        line: u32,
        col: u32,
    },
    /// `.pragma "…";`
    Pragma(String),
    /// `name: .callprototype …;` kept by name; the lowering needs only its existence.
    CallPrototype(String, Span),
    /// `name: .branchtargets L1, L2, …;`
    BranchTargets(String, Vec<String>, Span),
}

/// One instruction: `@p opcode.mod1.mod2 operands;`.
#[derive(Clone, Debug, PartialEq)]
pub struct Instruction {
    pub span: Span,
    /// Guard predicate `@%p` / `@!%p`: (negated, register name).
    pub guard: Option<(bool, String)>,
    /// Base opcode without modifiers, e.g. `"add"`, `"ld"`, `"bar"`, `"cp"`.
    pub opcode: String,
    /// Dot-separated modifiers in source order without dots, e.g. for
    /// `ld.global.nc.v4.f32` → `["global", "nc", "v4", "f32"]`; `::` parts stay
    /// joined, e.g. `shared::cta`, `L2::128B`.
    pub modifiers: Vec<String>,
    pub operands: Vec<Operand>,
}

/// Instruction operands (PTX ISA §6).
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A register or special register, with its name as written,
    /// e.g. `%r1`, `%rd4`, `%p2`, `%tid.x`, `%ctaid.y`, `%laneid`.
    Reg(String),
    /// An identifier (variable, label or function name) with an optional
    /// `+offset`, e.g. `_Z3addPfS_S__param_0`, `$L__BB0_2`, `shmem+16`.
    Sym(String, i64),
    Imm(Immediate),
    /// `{a, b, c, d}` vector operand; elements may be `Sink`.
    Vector(Vec<Operand>),
    /// `[base+offset]` memory address; `base` is `Reg`, `Sym` or `Imm`.
    Address(Box<Operand>, i64),
    /// `( a, b, … )` list, used by `call` for return and argument lists.
    List(Vec<Operand>),
    /// `%p|%q`, the two destinations of `setp`.
    PredPair(String, String),
    /// `!%p`, a negated predicate source.
    Not(Box<Operand>),
    /// `_`, the sink.
    Sink,
}
