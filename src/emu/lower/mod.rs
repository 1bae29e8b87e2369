//! Lowering: PTX AST → executable IR, once per module. Resolves registers to
//! dense slots, symbols to addresses or offsets, labels to instruction
//! indices, and computes each branch's reconvergence point (`cfg`).
//! All functions of a module are lowered into one [`Program`]; each `.entry`
//! becomes a [`Kernel`] that starts at its function. Instructions the
//! emulator does not run become `Op::Unsupported`, and the loader refuses
//! modules containing them.

mod inst;
mod mods;

use super::cfg;
use super::ir::*;
use super::layout::ModuleLayout;
use crate::ptx::{self, StateSpace, Statement};
use inst::InstLowering;
use std::collections::HashMap;
use std::sync::Arc;

/// A lowering error (→ `CUDA_ERROR_INVALID_PTX` with the message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ptx input, line {}: error: {}", self.line, self.message)
    }
}

type LResult<T> = Result<T, LowerError>;

/// Most bytes of kernel parameters an `.entry` may declare (CUDA
/// Programming Guide, "Function Argument Processing": 32,764 bytes on Volta
/// and later with CUDA 12.1+). Every accepted kernel's parameters therefore
/// lie inside its `.param` buffer, with no offset near `u32::MAX`.
pub const MAX_KERNEL_PARAM_BYTES: u32 = 32764;

fn err<T>(line: u32, message: impl Into<String>) -> LResult<T> {
    Err(LowerError { line, message: message.into() })
}

/// Where a symbol lives, for resolving operands.
#[derive(Clone, Copy, Debug)]
enum SymVal {
    /// An absolute device address (module `.global`/`.const` variable).
    Global(u64),
    Shared(u32),
    /// Frame-relative `.local` offset.
    Local(u32),
    /// Offset in the kernel parameter buffer.
    Param(u32),
    /// (offset, size) in the current frame's per-thread `.param` area.
    Frame(u32, u32),
    /// A label's instruction index (relative to the function's start).
    Label(u32),
    /// A function with a body: its index in the program.
    Func(u32),
    /// A function the emulator provides.
    Builtin(Builtin),
}

struct FnCtx<'a> {
    regs: HashMap<String, Reg>,
    ranges: HashMap<String, (Reg, u32)>,
    syms: HashMap<String, SymVal>,
    module: &'a ModuleLayout,
    /// Module-wide symbols: functions and builtins.
    globals: &'a HashMap<String, SymVal>,
    /// Shared variables declared in `.func` bodies (per CTA, module-wide offsets).
    func_shared: &'a HashMap<String, u32>,
    /// `.branchtargets` lists by name.
    branch_tables: HashMap<String, Vec<String>>,
    /// Whether the function reads `%reserved_smem_offset_*`.
    uses_reserved_smem: bool,
    /// Whether this is a kernel (`.entry`): its `.param` space is the
    /// launch's parameter buffer.
    entry: bool,
    nregs: u32,
}

impl<'a> FnCtx<'a> {
    fn new_reg(&mut self) -> Reg {
        self.nregs += 1;
        self.nregs - 1
    }

    fn declare_regs(&mut self, d: &ptx::VarDecl) {
        match d.range {
            Some(n) => {
                let base = self.nregs;
                self.nregs = self.nregs.saturating_add(n);
                self.ranges.insert(d.name.clone(), (base, n));
            }
            None => {
                let r = self.new_reg();
                self.regs.insert(d.name.clone(), r);
            }
        }
    }

    /// Whether `name` is a declared register (PTX allows register names
    /// without `%`, as inline assembly blocks use).
    fn is_reg(&self, name: &str) -> bool {
        self.reg(name, 0).is_ok()
    }

    fn reg(&self, name: &str, line: u32) -> LResult<Reg> {
        if let Some(&r) = self.regs.get(name) {
            return Ok(r);
        }
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let (prefix, num) = name.split_at(name.len() - digits);
            if let (Some(&(base, n)), Ok(i)) = (self.ranges.get(prefix), num.parse::<u32>()) {
                if i < n {
                    return Ok(base + i);
                }
            }
        }
        err(line, format!("undeclared register {name}"))
    }

    fn sym(&self, name: &str, line: u32) -> LResult<SymVal> {
        if let Some(&v) = self.syms.get(name) {
            return Ok(v);
        }
        if let Some(&a) = self.module.globals.get(name) {
            return Ok(SymVal::Global(a.0));
        }
        if let Some(&o) = self.module.shared.get(name) {
            return Ok(SymVal::Shared(o));
        }
        if let Some(&o) = self.func_shared.get(name) {
            return Ok(SymVal::Shared(o));
        }
        if let Some(&v) = self.globals.get(name) {
            return Ok(v);
        }
        err(line, format!("undefined symbol {name}"))
    }
}

/// A register name's previous binding, restored when its block ends.
type RegBinding = (String, Option<Reg>, Option<(Reg, u32)>);

/// A function body in order, with block boundaries.
enum Item<'s> {
    Stmt(&'s Statement),
    Enter,
    Leave,
}

fn walk<'s>(stmts: &'s [Statement], out: &mut Vec<Item<'s>>) {
    for s in stmts {
        match s {
            Statement::Block(inner) => {
                out.push(Item::Enter);
                walk(inner, out);
                out.push(Item::Leave);
            }
            other => out.push(Item::Stmt(other)),
        }
    }
}

/// Flattens nested blocks into one list (register names in nvcc output are
/// unique per function, so scopes need not be kept).
fn flatten<'s>(stmts: &'s [Statement], out: &mut Vec<&'s Statement>) {
    for s in stmts {
        match s {
            Statement::Block(inner) => flatten(inner, out),
            other => out.push(other),
        }
    }
}

fn align_up(v: u32, a: u32) -> u32 {
    let a = a.max(1);
    v.div_ceil(a).saturating_mul(a)
}

/// Byte size of a variable declaration (element × vector × array dims).
pub(crate) fn var_size(d: &ptx::VarDecl) -> u64 {
    let mut n = d.ty.size() as u64 * d.vector.unwrap_or(1) as u64;
    for dim in &d.array {
        n = n.saturating_mul(dim.unwrap_or(0));
    }
    n
}

fn clamp32(v: u64) -> u32 {
    v.min(u32::MAX as u64) as u32
}

/// Per-thread call stack for programs with device functions (bytes of local
/// memory beyond the entry's own variables). The H100 defaults to 1 KiB
/// (`CU_LIMIT_STACK_SIZE`); this is more generous, so real overflows show
/// only with deeper recursion.
pub const CALL_STACK_BYTES: u32 = 8 * 1024;

/// A lowered module: the program and its kernels.
pub struct LoweredModule {
    pub program: Arc<Program>,
    pub kernels: Vec<Kernel>,
}

/// What one function lowers to before it is placed in the program.
struct LoweredFn {
    code: Vec<Inst>,
    info: FuncInfo,
    shared_size: u32,
    max_threads: Option<u32>,
    signature: Option<crate::ptx::KernelSignature>,
    entry: bool,
    reserved_smem: bool,
}

/// Lowers every function with a body; `.entry` functions become kernels.
pub fn lower_module(m: &ptx::Module, module: &ModuleLayout) -> LResult<LoweredModule> {
    // Module-wide symbols: function indices and builtins.
    let bodies: Vec<&ptx::Function> = m.functions.iter().filter(|f| f.body.is_some()).collect();
    let mut globals: HashMap<String, SymVal> = HashMap::new();
    for (i, f) in bodies.iter().enumerate() {
        globals.insert(f.name.clone(), SymVal::Func(i as u32));
    }
    for f in m.functions.iter().filter(|f| f.body.is_none()) {
        let b = match f.name.as_str() {
            "vprintf" => Some(Builtin::Vprintf),
            "__assertfail" => Some(Builtin::AssertFail),
            "malloc" => Some(Builtin::Malloc),
            "free" => Some(Builtin::Free),
            _ => None,
        };
        if let Some(b) = b {
            globals.entry(f.name.clone()).or_insert(SymVal::Builtin(b));
        }
    }
    // Shared variables declared inside `.func` bodies are per CTA: give them
    // module-wide offsets after the module-scope ones.
    let mut func_shared = HashMap::new();
    let mut shared_end = module.shared_size;
    for f in bodies.iter().filter(|f| !f.is_entry) {
        let mut flat = Vec::new();
        flatten(f.body.as_deref().unwrap_or(&[]), &mut flat);
        for s in flat {
            if let Statement::Decl(d) = s {
                if d.space == StateSpace::Shared && d.array.first() != Some(&None) {
                    let off = align_up(shared_end, d.align.unwrap_or(d.ty.size()));
                    shared_end = off.saturating_add(clamp32(var_size(d)));
                    func_shared.insert(d.name.clone(), off);
                }
            }
        }
    }
    let mut lowered = Vec::with_capacity(bodies.len());
    for f in &bodies {
        lowered.push(lower_function(f, module, &globals, &func_shared, shared_end)?);
    }
    // Place the functions one after another and relocate branch targets.
    let mut program = Program::default();
    for l in &mut lowered {
        let start = program.code.len() as u32;
        l.info.start = start;
        for inst in &mut l.code {
            match &mut inst.op {
                Op::Bra { target, reconv } => {
                    *target += start;
                    if *reconv != cfg::EXIT {
                        *reconv += start;
                    }
                }
                Op::Brx { targets, reconv, .. } => {
                    targets.iter_mut().for_each(|t| *t += start);
                    if *reconv != cfg::EXIT {
                        *reconv += start;
                    }
                }
                _ => {}
            }
        }
        program.code.append(&mut l.code);
        program.funcs.push(l.info.clone());
    }
    program.files = m.files.clone();
    for f in &bodies {
        let mut flat = Vec::new();
        flatten(f.body.as_deref().unwrap_or(&[]), &mut flat);
        let mut at = None;
        for s in flat {
            match s {
                Statement::Loc { file, line, .. } => at = Some((*file, *line)),
                Statement::Instr(i) => {
                    if let Some((file, line)) = at {
                        program.locs.push((i.span.line, file, line));
                    }
                }
                _ => {}
            }
        }
    }
    program.locs.sort_unstable();
    program.locs.dedup_by_key(|l| l.0);
    let has_calls = lowered.iter().any(|l| !l.entry);
    // Reserved shared memory is set aside when any function reads its registers.
    let reserved_smem = lowered.iter().any(|l| l.reserved_smem);
    let uses_malloc = program.code.iter().any(|i| matches!(i.op, Op::Builtin { f: Builtin::Malloc, .. }));
    (program.pre, program.pre_v3) = crate::emu::exec::predecode(&program.code);
    let program = Arc::new(program);
    let mut kernels = Vec::new();
    for (i, l) in lowered.into_iter().enumerate() {
        let Some(signature) = l.signature else { continue };
        let stack = if has_calls { CALL_STACK_BYTES } else { 0 };
        kernels.push(Kernel {
            name: l.info.name.clone(),
            program: program.clone(),
            func: i as u32,
            nregs: l.info.nregs,
            shared_size: l.shared_size,
            local_size: align_up(l.info.local_size, 16).saturating_add(stack),
            signature,
            const_range: module.const_range,
            reserved_smem,
            uses_malloc,
            max_threads: l.max_threads,
        });
    }
    Ok(LoweredModule { program, kernels })
}

/// Lowers one function with a body.
fn lower_function(
    f: &ptx::Function,
    module: &ModuleLayout,
    globals: &HashMap<String, SymVal>,
    func_shared: &HashMap<String, u32>,
    shared_base: u32,
) -> LResult<LoweredFn> {
    let body = f.body.as_deref().unwrap_or(&[]);
    let mut cx = FnCtx {
        regs: HashMap::new(),
        ranges: HashMap::new(),
        syms: HashMap::new(),
        module,
        globals,
        func_shared,
        branch_tables: HashMap::new(),
        uses_reserved_smem: false,
        entry: f.is_entry,
        nregs: 0,
    };
    // The per-thread `.param` frame: a `.func`'s parameters and return
    // values first, then the argument slots its body declares for calls.
    let mut psize = 0u32;
    let mut params = Vec::new();
    let mut rets = Vec::new();
    let signature = if f.is_entry {
        let sig = ptx::signature(f);
        if sig.total_size > MAX_KERNEL_PARAM_BYTES {
            // The driver would copy arguments into (and read them from) a
            // buffer this size; ptxas refuses it ("uses too much parameter space").
            return err(
                f.span.line,
                format!(
                    "entry function '{}' uses too much parameter space ({:#x} bytes, {MAX_KERNEL_PARAM_BYTES:#x} max)",
                    f.name, sig.total_size
                ),
            );
        }
        for p in &sig.params {
            cx.syms.insert(p.name.clone(), SymVal::Param(p.offset));
        }
        Some(sig)
    } else {
        for (list, out) in [(&f.params, &mut params), (&f.returns, &mut rets)] {
            for p in list {
                if p.space != StateSpace::Param {
                    return err(p.span.line, format!("register parameters ({}) are not supported", p.name));
                }
                // Sizes come from the text: a frame past u32::MAX is an error, not a wrap.
                let size = p.ty.size().checked_mul(clamp32(p.array.unwrap_or(1)));
                let off = align_up(psize, p.align.unwrap_or(p.ty.size()));
                let Some((size, end)) = size.and_then(|size| Some((size, off.checked_add(size)?))) else {
                    return err(p.span.line, format!("the parameters of function '{}' exceed 4 GiB", f.name));
                };
                psize = end;
                cx.syms.insert(p.name.clone(), SymVal::Frame(off, size));
                out.push((off, size));
            }
        }
        None
    };
    let mut flat = Vec::new();
    flatten(body, &mut flat);

    // Pass 1: declarations, labels, and the layout of shared and local memory.
    let mut shared_size = shared_base;
    let mut local_size = 0u32;
    let mut n_inst = 0u32;
    let mut dynamic: Vec<String> = module.dyn_shared.iter().cloned().collect();
    let mut param_slots: Vec<(u32, u32)> = Vec::new();
    for s in &flat {
        match s {
            Statement::Decl(d) => match d.space {
                // Registers are declared in pass 2, in scope order.
                StateSpace::Reg => {}
                StateSpace::Shared if d.array.first() == Some(&None) => dynamic.push(d.name.clone()),
                StateSpace::Shared if f.is_entry => {
                    let off = align_up(shared_size, d.align.unwrap_or(d.ty.size()));
                    shared_size = off.saturating_add(clamp32(var_size(d)));
                    cx.syms.insert(d.name.clone(), SymVal::Shared(off));
                }
                StateSpace::Local => {
                    let off = align_up(local_size, d.align.unwrap_or(d.ty.size()));
                    local_size = off.saturating_add(clamp32(var_size(d)));
                    cx.syms.insert(d.name.clone(), SymVal::Local(off));
                }
                // Call arguments: each declaration gets its own slot, bound
                // in pass 2 within its block (every call sequence reuses
                // names like `param0` with different sizes).
                StateSpace::Param => {
                    let size = clamp32(var_size(d)).max(d.ty.size());
                    let off = align_up(psize, d.align.unwrap_or(d.ty.size()));
                    psize = off.saturating_add(size);
                    param_slots.push((off, size));
                }
                _ => {}
            },
            Statement::Label(name, _) => {
                cx.syms.insert(name.clone(), SymVal::Label(n_inst));
            }
            Statement::BranchTargets(name, labels, _) => {
                cx.branch_tables.insert(name.clone(), labels.clone());
            }
            Statement::Instr(_) => n_inst += 1,
            _ => {}
        }
    }
    // Dynamic shared memory (`.extern .shared … []`) starts after all static
    // shared variables, 16-byte aligned.
    let shared_size = align_up(shared_size, 16);
    for name in dynamic {
        cx.syms.insert(name, SymVal::Shared(shared_size));
    }

    // Pass 2: register declarations (scoped by `{ }` blocks: inline
    // assembly reuses names like `p` in every block) and instructions.
    let mut code = Vec::with_capacity(n_inst as usize + 1);
    let mut scopes: Vec<Vec<RegBinding>> = vec![Vec::new()];
    let mut sym_scopes: Vec<Vec<(String, Option<SymVal>)>> = vec![Vec::new()];
    let mut next_param = param_slots.into_iter();
    let mut items = Vec::new();
    walk(body, &mut items);
    for item in items {
        let ins = match item {
            Item::Enter => {
                scopes.push(Vec::new());
                sym_scopes.push(Vec::new());
                continue;
            }
            Item::Leave => {
                for (name, prev) in sym_scopes.pop().unwrap_or_default().into_iter().rev() {
                    match prev {
                        Some(v) => cx.syms.insert(name, v),
                        None => cx.syms.remove(&name),
                    };
                }
                for (name, reg, range) in scopes.pop().unwrap_or_default().into_iter().rev() {
                    match reg {
                        Some(r) => cx.regs.insert(name.clone(), r),
                        None => cx.regs.remove(&name),
                    };
                    match range {
                        Some(r) => cx.ranges.insert(name, r),
                        None => cx.ranges.remove(&name),
                    };
                }
                continue;
            }
            Item::Stmt(Statement::Decl(d)) if d.space == StateSpace::Reg => {
                let saved = (d.name.clone(), cx.regs.get(&d.name).copied(), cx.ranges.get(&d.name).copied());
                if let Some(scope) = scopes.last_mut() {
                    scope.push(saved);
                }
                cx.regs.remove(&d.name);
                cx.ranges.remove(&d.name);
                cx.declare_regs(d);
                continue;
            }
            Item::Stmt(Statement::Decl(d)) if d.space == StateSpace::Param => {
                let Some((off, size)) = next_param.next() else { continue };
                let prev = cx.syms.insert(d.name.clone(), SymVal::Frame(off, size));
                if let Some(scope) = sym_scopes.last_mut() {
                    scope.push((d.name.clone(), prev));
                }
                continue;
            }
            Item::Stmt(Statement::Instr(ins)) => ins,
            Item::Stmt(_) => continue,
        };
        let line = ins.span.line;
        let guard = match &ins.guard {
            Some((neg, name)) => Some((cx.reg(name, line)?, *neg)),
            None => None,
        };
        let op = InstLowering { cx: &mut cx, line }.lower(ins)?;
        code.push(Inst { op, guard, line });
    }
    if code.last().is_none_or(|i| {
        !matches!(i.op, Op::Exit | Op::Ret | Op::Bra { .. } | Op::Brx { .. } | Op::Trap) || i.guard.is_some()
    }) {
        // Falling off the end of a function behaves as `ret`.
        code.push(Inst { op: Op::Ret, guard: None, line: f.span.line });
    }
    cfg::set_reconvergence(&mut code);
    let max_threads = f.directives.iter().find_map(|d| match d {
        ptx::Directive::MaxNtid(v) | ptx::Directive::ReqNtid(v) => Some(v.iter().product()),
        _ => None,
    });
    let info = FuncInfo {
        name: f.name.clone(),
        start: 0,
        nregs: cx.nregs,
        psize: align_up(psize, 16),
        params,
        rets,
        local_size: align_up(local_size, 16),
    };
    Ok(LoweredFn {
        code,
        info,
        shared_size,
        max_threads,
        signature,
        entry: f.is_entry,
        reserved_smem: cx.uses_reserved_smem,
    })
}
