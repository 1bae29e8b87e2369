use super::samples;
use super::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn parse(text: &str) -> Module {
    match parse_module(text) {
        Ok(m) => m,
        Err(e) => panic!("parse failed: {}\n--- input ---\n{}", e, text),
    }
}

fn parse_err(text: &str) -> ParseError {
    match parse_module(text) {
        Ok(m) => panic!("expected an error, got {:#?}", m),
        Err(e) => e,
    }
}

const HDR: &str = ".version 9.5\n.target sm_80\n.address_size 64\n";

/// Wraps statements into `.entry k() { … }` and returns the body.
fn body(stmts: &str) -> Vec<Statement> {
    let m = parse(&format!("{HDR}.visible .entry k()\n{{\n{stmts}\n}}\n"));
    m.functions[0].body.clone().unwrap()
}

/// All instructions of a body, blocks flattened, in order.
fn instrs(stmts: &[Statement]) -> Vec<Instruction> {
    let mut out = Vec::new();
    for s in stmts {
        match s {
            Statement::Instr(i) => out.push(i.clone()),
            Statement::Block(b) => out.extend(instrs(b)),
            _ => {}
        }
    }
    out
}

/// Parses one instruction.
fn ins(text: &str) -> Instruction {
    let b = body(text);
    let v = instrs(&b);
    assert_eq!(v.len(), 1, "{text}");
    v[0].clone()
}

fn op(text: &str) -> Operand {
    let i = ins(&format!("mov.u32 {text};"));
    assert_eq!(i.operands.len(), 1);
    i.operands[0].clone()
}

fn func<'m>(m: &'m Module, name: &str) -> &'m Function {
    m.functions.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no function {name}"))
}

fn reg(s: &str) -> Operand {
    Operand::Reg(s.to_string())
}
fn sym(s: &str, off: i64) -> Operand {
    Operand::Sym(s.to_string(), off)
}
fn int(v: i64) -> Operand {
    Operand::Imm(Immediate::Int(v))
}
fn addr(base: Operand, off: i64) -> Operand {
    Operand::Address(Box::new(base), off)
}
fn mods(i: &Instruction) -> Vec<&str> {
    i.modifiers.iter().map(|s| s.as_str()).collect()
}

// ---------------------------------------------------------------------------
// Module header
// ---------------------------------------------------------------------------

#[test]
fn header() {
    let m = parse(HDR);
    assert_eq!(m.version, (9, 5));
    assert_eq!(m.target, vec!["sm_80"]);
    assert_eq!(m.address_size, 64);
    assert!(m.functions.is_empty() && m.variables.is_empty());
}

#[test]
fn header_target_lists_and_defaults() {
    let m = parse(".version 7.8\n.target sm_90a, texmode_independent\n");
    assert_eq!(m.version, (7, 8));
    assert_eq!(m.target, vec!["sm_90a", "texmode_independent"]);
    assert_eq!(m.address_size, 64, "default address size");
    let m = parse(".version 9.5 .target sm_80 , debug .address_size 32");
    assert_eq!(m.target, vec!["sm_80", "debug"]);
    assert_eq!(m.address_size, 32);
    assert!(parse_module(".address_size 48").is_err());
}

#[test]
fn empty_and_comment_only() {
    assert_eq!(parse("").functions.len(), 0);
    parse("// just a comment\n/* block\n comment */  \n\t\n");
}

#[test]
fn trailing_nuls_and_bom_ignored() {
    let m = parse(&format!("\u{feff}{HDR}.global .u32 g;\n\0\0\0"));
    assert_eq!(m.variables.len(), 1);
}

#[test]
fn file_directive() {
    let m = parse(&format!("{HDR}.file 1 \"/tmp/a.cu\"\n\t.file\t2 \"/usr/include/x.h\", 1700000000, 1234\n"));
    assert_eq!(m.files, vec![(1, "/tmp/a.cu".to_string()), (2, "/usr/include/x.h".to_string())]);
}

#[test]
fn section_blocks_are_skipped() {
    let m = parse(&format!(
        "{HDR}.section .debug_info\n{{\n.b32 2292\n.b8 1,2,3 // }} in comment\n.b8 \"s}}\"\n.b64 $L__func_begin0\n{{ nested }}\n}}\n\
         .section .debug_str {{ /* }} */ }}\n.global .u32 after;\n"
    ));
    assert_eq!(m.variables.len(), 1);
    assert_eq!(m.variables[0].name, "after");
    let e = parse_err(&format!("{HDR}.section .debug_info {{ .b8 1\n"));
    assert!(e.message.contains("'}'"), "{}", e.message);
}

// ---------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------

#[test]
fn module_variables_all_spaces() {
    let m = parse(&format!(
        "{HDR}.global .u32 a;\n.const .align 8 .f64 b;\n.shared .align 16 .b8 c[1024];\n\
         .local .s32 d;\n.tex .u64 t;\n.global .texref tr;\n.visible .global .align 4 .v4 .f32 e;\n\
         .extern .shared .align 16 .b8 dyn[];\n.weak .global .u8 w;\n.common .global .u16 cm;\n\
         .global .align 4 .b8 md[2][3][4];\n.global .u32 x1, x2[2], x3 = 7;\n"
    ));
    let v = &m.variables;
    assert_eq!(v.len(), 14);
    assert_eq!((v[0].space, v[0].ty, v[0].name.as_str()), (StateSpace::Global, ScalarType::U32, "a"));
    assert_eq!((v[1].space, v[1].align, v[1].ty), (StateSpace::Const, Some(8), ScalarType::F64));
    assert_eq!((v[2].space, v[2].array.clone()), (StateSpace::Shared, vec![Some(1024)]));
    assert_eq!(v[3].space, StateSpace::Local);
    assert_eq!(v[4].space, StateSpace::Tex);
    assert_eq!(v[5].ty, ScalarType::B64);
    assert_eq!((v[6].linkage, v[6].vector, v[6].ty), (Linkage::Visible, Some(4), ScalarType::F32));
    assert_eq!((v[7].linkage, v[7].array.clone()), (Linkage::Extern, vec![None]));
    assert_eq!(v[8].linkage, Linkage::Weak);
    assert_eq!(v[9].linkage, Linkage::Common);
    assert_eq!(v[10].array, vec![Some(2), Some(3), Some(4)]);
    assert_eq!(v[11..].iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), vec!["x1", "x2", "x3"]);
    assert_eq!(v[12].array, vec![Some(2)]);
    assert_eq!(v[13].init, Some(Initializer::Value(Immediate::Int(7))));
    assert_eq!(v[0].span, Span { line: 4, col: 1 });
}

#[test]
fn initializers() {
    let m = parse(&format!(
        "{HDR}.global .s32 a = -5;\n.global .u32 b[3] = {{1, 0x10, 010}};\n\
         .global .f32 c = 0f3F800000;\n.global .f64 d = 0d3FF0000000000000;\n\
         .global .f32 e[2][2] = {{{{1.5, -2.0}}, {{1e3, 0}}}};\n\
         .global .align 8 .u64 f[2] = {{foo, generic(bar)+4}};\n\
         .global .align 8 .u64 gptr = generic(gtab)+4;\n.global .u64 h = sym - 8;\n"
    ));
    let init = |n: usize| m.variables[n].init.clone().unwrap();
    use Initializer::*;
    assert_eq!(init(0), Value(Immediate::Int(-5)));
    assert_eq!(init(1), List(vec![Value(Immediate::Int(1)), Value(Immediate::Int(16)), Value(Immediate::Int(8))]));
    assert_eq!(init(2), Value(Immediate::F32(0x3F80_0000)));
    assert_eq!(init(3), Value(Immediate::F64(0x3FF0_0000_0000_0000)));
    assert_eq!(
        init(4),
        List(vec![
            List(vec![Value(Immediate::F64(1.5f64.to_bits())), Value(Immediate::F64((-2.0f64).to_bits()))]),
            List(vec![Value(Immediate::F64(1e3f64.to_bits())), Value(Immediate::Int(0))]),
        ])
    );
    assert_eq!(
        init(5),
        List(vec![
            Symbol { name: "foo".into(), generic: false, offset: 0 },
            Symbol { name: "bar".into(), generic: true, offset: 4 },
        ])
    );
    assert_eq!(init(6), Symbol { name: "gtab".into(), generic: true, offset: 4 });
    assert_eq!(init(7), Symbol { name: "sym".into(), generic: false, offset: -8 });
}

#[test]
fn register_ranges_and_body_decls() {
    let b = body(
        ".reg .pred %p<3>;\n.reg .b64 %rd<13>;\n.reg .b64 %SP;\n.reg .f16 low,high;\n\
         .local .align 16 .b8 __local_depot5[16];\n.shared .align 4 .b8 sm[1024];\n\
         .param .b64 param0;\n.reg .v2 .f32 %v;",
    );
    let decls: Vec<&VarDecl> = b
        .iter()
        .map(|s| match s {
            Statement::Decl(d) => d,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!((decls[0].name.as_str(), decls[0].range, decls[0].ty), ("%p", Some(3), ScalarType::Pred));
    assert_eq!((decls[1].name.as_str(), decls[1].range), ("%rd", Some(13)));
    assert_eq!((decls[2].name.as_str(), decls[2].range), ("%SP", None));
    assert_eq!((decls[3].name.as_str(), decls[4].name.as_str()), ("low", "high"));
    assert_eq!((decls[5].space, decls[5].align, decls[5].array.clone()), (StateSpace::Local, Some(16), vec![Some(16)]));
    assert_eq!(decls[6].space, StateSpace::Shared);
    assert_eq!(decls[7].space, StateSpace::Param);
    assert_eq!(decls[8].vector, Some(2));
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

#[test]
fn entry_params() {
    let m = parse(&format!(
        "{HDR}.visible .entry _Z4kernPfS_(\n\t.param .u64 .ptr .global .align 8 a,\n\
         \t.param .align 8 .b8 s[24],\n\t.param .u32 n\n)\n{{\n\tret;\n}}\n"
    ));
    let f = &m.functions[0];
    assert!(f.is_entry);
    assert_eq!(f.linkage, Linkage::Visible);
    assert_eq!(f.name, "_Z4kernPfS_");
    assert_eq!(f.params.len(), 3);
    let p = &f.params;
    assert_eq!(
        (p[0].space, p[0].ty, p[0].ptr_space, p[0].align),
        (StateSpace::Param, ScalarType::U64, Some(StateSpace::Global), Some(8))
    );
    assert_eq!((p[1].name.as_str(), p[1].align, p[1].ty, p[1].array), ("s", Some(8), ScalarType::B8, Some(24)));
    assert_eq!((p[2].name.as_str(), p[2].array, p[2].ptr_space), ("n", None, None));
    assert_eq!(p[1].span, Span { line: 6, col: 2 });
    assert_eq!(f.span, Span { line: 4, col: 1 });
    assert_eq!(f.body.as_ref().unwrap().len(), 1);
}

#[test]
fn entry_without_params_and_empty_parens() {
    let m = parse(&format!("{HDR}.entry a {{ ret; }}\n.entry b() {{ }}\n"));
    assert_eq!(m.functions.len(), 2);
    assert!(m.functions[0].params.is_empty() && m.functions[1].params.is_empty());
    assert_eq!(m.functions[1].body, Some(vec![]));
}

#[test]
fn func_returns_reg_params_and_declarations() {
    let m = parse(&format!(
        "{HDR}.extern .func  (.param .b32 func_retval0) vprintf\n(\n\t.param .b64 vprintf_param_0,\n\t.param .b64 vprintf_param_1\n)\n;\n\
         .func (.reg .b32 %r) sq (.reg .b32 %a) {{ mul.lo.s32 %r, %a, %a; ret; }}\n\
         .weak .func nothing;\n.func (.param .b64 rv) noret (.param .b64 x) .noreturn {{ trap; }}\n"
    ));
    let v = &m.functions[0];
    assert!(!v.is_entry);
    assert_eq!((v.linkage, v.name.as_str(), v.body.is_none()), (Linkage::Extern, "vprintf", true));
    assert_eq!(v.returns.len(), 1);
    assert_eq!(v.returns[0].name, "func_retval0");
    assert_eq!(v.params.len(), 2);
    let s = &m.functions[1];
    assert_eq!((s.returns[0].space, s.returns[0].name.as_str()), (StateSpace::Reg, "%r"));
    assert_eq!((s.params[0].space, s.params[0].name.as_str()), (StateSpace::Reg, "%a"));
    let n = &m.functions[2];
    assert_eq!((n.linkage, n.params.len(), n.body.is_none()), (Linkage::Weak, 0, true));
    assert_eq!(m.functions[3].directives, vec![Directive::NoReturn]);
}

#[test]
fn performance_directives() {
    let m = parse(&format!(
        "{HDR}.entry k()\n.maxntid 256, 1, 1\n.reqntid 32\n.minnctapersm 2\n.maxnctapersm 4\n.maxnreg 64\n\
         .pragma \"nounroll\";\n.explicitcluster\n.reqnctapercluster 2, 1, 1\n{{ ret; }}\n"
    ));
    assert_eq!(
        m.functions[0].directives,
        vec![
            Directive::MaxNtid(vec![256, 1, 1]),
            Directive::ReqNtid(vec![32]),
            Directive::MinNctaPerSm(2),
            Directive::MaxNctaPerSm(4),
            Directive::MaxNreg(64),
            Directive::Other("pragma".into(), vec!["nounroll".into()]),
            Directive::Other("explicitcluster".into(), vec![]),
            Directive::Other("reqnctapercluster".into(), vec!["2".into(), "1".into(), "1".into()]),
        ]
    );
}

// ---------------------------------------------------------------------------
// Body statements
// ---------------------------------------------------------------------------

#[test]
fn labels_blocks_pragmas_locs() {
    let b = body(
        "$L__BB0_2:\n\t.pragma \"nounroll\";\n\t.loc\t1 23 5\n\t.loc 2 439 9, function_name $L__info_string0, inlined_at 1 8 30\n\
         { // callseq 0, 0\n\t.reg .b32 temp_param_reg;\n\t{ ret; }\n\t} // callseq 0\n__cudart_builtin_x:\n\tbra $L__BB0_2;",
    );
    assert_eq!(b[0], Statement::Label("$L__BB0_2".into(), Span { line: 6, col: 1 }));
    assert_eq!(b[1], Statement::Pragma("nounroll".into()));
    assert_eq!(b[2], Statement::Loc { file: 1, line: 23, col: 5 });
    assert_eq!(b[3], Statement::Loc { file: 2, line: 439, col: 9 });
    match &b[4] {
        Statement::Block(inner) => {
            assert!(matches!(inner[0], Statement::Decl(_)));
            assert!(matches!(&inner[1], Statement::Block(x) if x.len() == 1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(b[5], Statement::Label("__cudart_builtin_x".into(), Span { line: 14, col: 1 }));
    assert!(matches!(&b[6], Statement::Instr(i) if i.opcode == "bra"));
    assert_eq!(b.len(), 7);
}

#[test]
fn callprototype_and_branchtargets() {
    let b = body(
        "prototype_0 : .callprototype (.param .b32 _) _ (.param .b32 _);\n\
         ts: .branchtargets $L1, $L2,\n $L3;\n\
         call (retval0), %rd5, (param0), prototype_0;\n brx.idx %r1, ts;",
    );
    assert_eq!(b[0], Statement::CallPrototype("prototype_0".into(), Span { line: 6, col: 1 }));
    assert_eq!(
        b[1],
        Statement::BranchTargets("ts".into(), vec!["$L1".into(), "$L2".into(), "$L3".into()], Span { line: 7, col: 1 })
    );
    let i = instrs(&b);
    assert_eq!(
        i[0].operands,
        vec![
            Operand::List(vec![sym("retval0", 0)]),
            reg("%rd5"),
            Operand::List(vec![sym("param0", 0)]),
            sym("prototype_0", 0)
        ]
    );
    assert_eq!((i[1].opcode.as_str(), mods(&i[1])), ("brx", vec!["idx"]));
}

#[test]
fn calls() {
    let i = ins("call.uni (retval0), \n\tvprintf, \n\t(\n\tparam0, \n\tparam1\n\t);");
    assert_eq!((i.opcode.as_str(), mods(&i)), ("call", vec!["uni"]));
    assert_eq!(
        i.operands,
        vec![
            Operand::List(vec![sym("retval0", 0)]),
            sym("vprintf", 0),
            Operand::List(vec![sym("param0", 0), sym("param1", 0)])
        ]
    );
    let i = ins("call.uni _Z3fooi, (param0);");
    assert_eq!(i.operands, vec![sym("_Z3fooi", 0), Operand::List(vec![sym("param0", 0)])]);
    let i = ins("call.uni _Z3barv, ();");
    assert_eq!(i.operands[1], Operand::List(vec![]));
}

// ---------------------------------------------------------------------------
// Instructions
// ---------------------------------------------------------------------------

#[test]
fn opcode_and_modifier_split() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("ret;", "ret", &[]),
        ("ld.global.nc.v4.f32 {%f1,%f2,%f3,%f4}, [%rd1];", "ld", &["global", "nc", "v4", "f32"]),
        ("cp.async.ca.shared.global [%r1], [%rd1], 4;", "cp", &["async", "ca", "shared", "global"]),
        ("cp.async.commit_group;", "cp", &["async", "commit_group"]),
        ("cp.async.wait_group 0;", "cp", &["async", "wait_group"]),
        ("ld.shared::cta.u32 %r1, [%r2];", "ld", &["shared::cta", "u32"]),
        ("mbarrier.try_wait.parity.shared::cta.b64 %p1, [%r1], %r2;", "mbarrier", &["try_wait", "parity", "shared::cta", "b64"]),
        (
            "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%r1], [%rd1, {%r2, %r3}], [%r4];",
            "cp",
            &["async", "bulk", "tensor", "2d", "shared::cluster", "global", "mbarrier::complete_tx::bytes"],
        ),
        ("ld.global.L2::128B.u32 %r1, [%rd1];", "ld", &["global", "L2::128B", "u32"]),
        ("mul24.lo.s32 %r1, %r2, %r3;", "mul24", &["lo", "s32"]),
        ("st.async.shared::cluster.mbarrier::complete_tx::bytes.u32 [%r1], %r2, [%r3];", "st", &["async", "shared::cluster", "mbarrier::complete_tx::bytes", "u32"]),
        ("bar.sync 0;", "bar", &["sync"]),
        ("fma.rn.f16x2 %r2,%r1,%r1,%r1;", "fma", &["rn", "f16x2"]),
    ];
    for (text, opc, m) in cases {
        let i = ins(text);
        assert_eq!(i.opcode, *opc, "{text}");
        assert_eq!(mods(&i), m.to_vec(), "{text}");
    }
}

#[test]
fn guards() {
    let i = ins("@%p1 bra $L__BB1_2;");
    assert_eq!(i.guard, Some((false, "%p1".into())));
    assert_eq!(i.operands, vec![sym("$L__BB1_2", 0)]);
    let i = ins("@!%p2 bra.uni \t$L__BB0_1;");
    assert_eq!(i.guard, Some((true, "%p2".into())));
    assert_eq!(i.opcode, "bra");
    let i = ins("@ ! P_OUT ret;");
    assert_eq!(i.guard, Some((true, "P_OUT".into())));
}

#[test]
fn register_operands() {
    for r in [
        "%r1",
        "%rd12",
        "%f3",
        "%p1",
        "%fd2",
        "%rs1",
        "%h1",
        "%SP",
        "%SPL",
        "%laneid",
        "%warpid",
        "%clock64",
        "%lanemask_lt",
        "%envreg3",
        "%cluster_ctarank",
    ] {
        assert_eq!(op(r), reg(r));
    }
    for r in ["%tid.x", "%ntid.y", "%ctaid.z", "%nctaid.x", "%cluster_ctaid.w"] {
        assert_eq!(op(r), reg(r));
    }
}

#[test]
fn symbol_operands() {
    assert_eq!(op("_Z3foov"), sym("_Z3foov", 0));
    assert_eq!(op("$L__BB0_2"), sym("$L__BB0_2", 0));
    assert_eq!(op("__cudart_builtin_x"), sym("__cudart_builtin_x", 0));
    assert_eq!(op("shmem+8"), sym("shmem", 8));
    assert_eq!(op("shmem-4"), sym("shmem", -4));
    assert_eq!(op("shmem + 0x10"), sym("shmem", 16));
}

#[test]
fn immediate_operands() {
    use Immediate::*;
    let cases: &[(&str, Immediate)] = &[
        ("0", Int(0)),
        ("42", Int(42)),
        ("-1", Int(-1)),
        ("0x10", Int(16)),
        ("0XfF", Int(255)),
        ("0xFFFFFFFFFFFFFFFF", Int(-1)),
        ("18446744073709551615", Int(-1)),
        ("017", Int(15)),
        ("0b101", Int(5)),
        ("4294967295U", Int(4294967295)),
        ("-2147483648", Int(-2147483648)),
        ("0f3F800000", F32(0x3F80_0000)),
        ("0F3f000000", F32(0x3F00_0000)),
        ("-0f3F800000", F32(0xBF80_0000)),
        ("0d3FF0000000000000", F64(0x3FF0_0000_0000_0000)),
        ("1.5", F64(1.5f64.to_bits())),
        ("1e10", F64(1e10f64.to_bits())),
        ("-2.5e-3", F64((-2.5e-3f64).to_bits())),
    ];
    for (t, v) in cases {
        assert_eq!(op(t), Operand::Imm(*v), "{t}");
    }
}

#[test]
fn vector_address_and_misc_operands() {
    assert_eq!(op("{%f1, %f2, _, %f4}"), Operand::Vector(vec![reg("%f1"), reg("%f2"), Operand::Sink, reg("%f4")]));
    assert_eq!(op("[%rd1]"), addr(reg("%rd1"), 0));
    assert_eq!(op("[%rd1+16]"), addr(reg("%rd1"), 16));
    assert_eq!(op("[%rd1+-4]"), addr(reg("%rd1"), -4));
    assert_eq!(op("[%rd1-4]"), addr(reg("%rd1"), -4));
    assert_eq!(op("[ %r2 + 0x10 ]"), addr(reg("%r2"), 16));
    assert_eq!(op("[sym]"), addr(sym("sym", 0), 0));
    assert_eq!(op("[sym+8]"), addr(sym("sym", 0), 8));
    assert_eq!(op("[func_retval0+0]"), addr(sym("func_retval0", 0), 0));
    assert_eq!(op("[12345]"), addr(int(12345), 0));
    assert_eq!(op("%p1|%p2"), Operand::PredPair("%p1".into(), "%p2".into()));
    assert_eq!(op("!%p3"), Operand::Not(Box::new(reg("%p3"))));
    assert_eq!(op("_"), Operand::Sink);
    // Texture / surface form.
    assert_eq!(
        op("[%rd1, {%f2, %f3}]"),
        addr(Operand::Vector(vec![reg("%rd1"), Operand::Vector(vec![reg("%f2"), reg("%f3")])]), 0)
    );
    assert_eq!(
        op("[tex, smp, {%f1}]"),
        addr(Operand::Vector(vec![sym("tex", 0), sym("smp", 0), Operand::Vector(vec![reg("%f1")])]), 0)
    );
}

#[test]
fn full_instructions() {
    let i = ins("shfl.sync.down.b32 \t%r11|%p3, %r6, %r9, %r8, %r10;");
    assert_eq!(i.operands[0], Operand::PredPair("%r11".into(), "%p3".into()));
    assert_eq!(i.operands.len(), 5);
    let i = ins("st.local.v2.f32 [%rd4+16], {%f1, %f2};");
    assert_eq!(i.operands, vec![addr(reg("%rd4"), 16), Operand::Vector(vec![reg("%f1"), reg("%f2")])]);
    let i = ins("setp.ne.s32 %p2, %r45, 16;");
    assert_eq!(i.operands, vec![reg("%p2"), reg("%r45"), int(16)]);
    let i = ins("selp.b32 %r6, 1, 0, P_OUT;");
    assert_eq!(i.operands[3], sym("P_OUT", 0));
    let i = ins("and.pred %p1, %p2, !%p3;");
    assert_eq!(i.operands[2], Operand::Not(Box::new(reg("%p3"))));
    let i = ins("mov.b32 {low,high}, %r2;");
    assert_eq!(i.operands[0], Operand::Vector(vec![sym("low", 0), sym("high", 0)]));
}

#[test]
fn comments_anywhere() {
    let b =
        body("add.s32 /* dst */ %r1, // first\n %r2 /* src */,\n 1 // imm\n ; /* trailing */\n// end\n/**/ret/**/;");
    let i = instrs(&b);
    assert_eq!(i.len(), 2);
    assert_eq!(i[0].operands, vec![reg("%r1"), reg("%r2"), int(1)]);
    assert_eq!(i[1].opcode, "ret");
}

#[test]
fn statement_spans() {
    let b = body("  mov.u32 %r1, 0;\n\t@%p1 bra L;\nL: ret;");
    let i = instrs(&b);
    // HDR has 3 lines, then ".visible .entry k()", "{", so statements start on line 6.
    assert_eq!(i[0].span, Span { line: 6, col: 3 });
    assert_eq!(i[1].span, Span { line: 7, col: 2 });
    assert_eq!(b[2], Statement::Label("L".into(), Span { line: 8, col: 1 }));
    assert_eq!(i[2].span, Span { line: 8, col: 4 });
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

fn err_in_body(stmts: &str) -> ParseError {
    parse_err(&format!("{HDR}.entry k()\n{{\n{stmts}\n}}\n"))
}

#[test]
fn error_missing_semicolon() {
    let e = err_in_body("\tadd.s32 %r1, %r2, %r3\n\tret;");
    assert_eq!((e.line, e.col), (7, 2), "{e}");
    assert!(e.message.contains("expected ';'"), "{}", e.message);
    assert!(e.message.contains("'ret'"), "{}", e.message);
}

#[test]
fn error_unknown_directive() {
    let e = parse_err(&format!("{HDR}.foo 1;\n"));
    assert_eq!((e.line, e.col), (4, 1));
    assert_eq!(e.message, "unknown directive .foo");
    let e = err_in_body("  .bogus x;");
    assert_eq!((e.line, e.col, e.message.as_str()), (6, 3, "unknown directive .bogus"));
}

#[test]
fn error_unexpected_token() {
    let e = parse_err(&format!("{HDR}xyz\n"));
    assert_eq!((e.line, e.col), (4, 1));
    assert_eq!(e.message, "unexpected token 'xyz'");
    let e = err_in_body("mov.u32 %r1, #;");
    assert_eq!((e.line, e.col), (6, 14));
    assert!(e.message.contains("expected operand"), "{}", e.message);
}

#[test]
fn error_misc() {
    let e = parse_err(&format!("{HDR}/* never closed\n"));
    assert!(e.message.contains("unterminated"), "{e}");
    assert_eq!((e.line, e.col), (4, 1));
    let e = parse_err(&format!("{HDR}.entry k() {{ ret;\n"));
    assert!(e.message.contains("'}'"), "{e}");
    let e = err_in_body("mov.f32 %f1, 0f3F80;");
    assert!(e.message.contains("8 hex digits"), "{e}");
    let e = err_in_body("mov.u32 %r1, 0x;");
    assert!(e.message.contains("hex digits"), "{e}");
    assert_eq!((e.line, e.col), (6, 14));
    let e = err_in_body("mov.u32 %r1, 12abc;");
    assert!(e.message.contains("invalid numeric literal"), "{e}");
    let e = err_in_body("mov.u32 %r1, 99999999999999999999999;");
    assert!(e.message.contains("out-of-range"), "{e}");
    let e = err_in_body("ld.global.u32 %r1, [%rd1+;");
    assert!(e.message.contains("offset"), "{e}");
    let e = parse_err(&format!("{HDR}.global .u32 x = ;"));
    assert!(e.message.contains("initializer"), "{e}");
    let e = parse_err(&format!("{HDR}.entry k(.param n) {{ }}"));
    assert!(e.message.contains("type"), "{e}");
    let e = parse_err(&format!("{HDR}.global x;"));
    assert!(e.message.contains("type"), "{e}");
    let e = parse_err(&format!("{HDR}.version x"));
    assert!(e.message.contains("version"), "{e}");
    let e = parse_err(&format!("{HDR}.alias a, b;"));
    assert_eq!(e.message, "unknown directive .alias");
    assert!(parse_module("\"unterminated").is_err());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{HDR}.entry k() {}", "{".repeat(100_000));
    let e = parse_err(&deep);
    assert!(e.message.contains("nested too deeply"), "{e}");
    let ok = format!("{HDR}.entry k() {}{}", "{".repeat(20), "}".repeat(20));
    parse(&ok);
    let e = parse_err(&format!("{HDR}.global .u32 x[1] = {};", "{".repeat(100_000)));
    assert!(e.message.contains("nested too deeply"), "{e}");
    let e = err_in_body(&format!("mov.u32 {};", "{".repeat(100_000)));
    assert!(e.message.contains("nested too deeply"), "{e}");
    let e = err_in_body(&format!("mov.u32 {}%p;", "!".repeat(100_000)));
    assert!(e.message.contains("nested too deeply"), "{e}");
}

#[test]
fn never_panics_on_garbage() {
    // Deterministic xorshift; random bytes drawn mostly from PTX-ish characters.
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let alphabet: &[u8] = b".%@!{}[]()<>;:,+-_$|\"/* \n\t0123456789abcdefxXfFdU ";
    for n in 0..3000 {
        let len = (next() % 96) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if n % 3 == 0 {
                    r as u8
                } else {
                    alphabet[(r % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_module(&text);
        let _ = parse_module(&format!("{HDR}.entry k() {{ {text} }}"));
        let _ = parse_module(&format!("{HDR}.global .u32 x = {text};"));
    }
}

#[test]
fn truncations_of_real_modules_never_panic() {
    for sample in [samples::K1, samples::K3, samples::K1_DEBUG] {
        let bytes = sample.as_bytes();
        let step = (bytes.len() / 700).max(1);
        let mut cut = 0;
        while cut < bytes.len() {
            if let Ok(t) = std::str::from_utf8(&bytes[..cut]) {
                if let Err(e) = parse_module(t) {
                    assert!(e.line >= 1 && e.col >= 1);
                }
            }
            cut += step;
        }
        // Single-byte corruptions.
        let mut s: u64 = 12345;
        for _ in 0..300 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let pos = (s >> 33) as usize % bytes.len();
            let mut v = bytes.to_vec();
            v[pos] = b"{}[];.%@,x0\"/"[(s % 13) as usize];
            let _ = parse_module(&String::from_utf8_lossy(&v));
        }
    }
}

// ---------------------------------------------------------------------------
// Whole modules (real nvcc output)
// ---------------------------------------------------------------------------

#[test]
fn nvcc_module_k1() {
    let m = parse(samples::K1);
    assert_eq!((m.version, m.target.clone(), m.address_size), ((9, 5), vec!["sm_80".to_string()], 64));
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["vprintf", "_Z1fRK1Si", "_Z4vaddPKfS0_Pfi", "_Z6reducePKfPfi", "_Z5helloi", "_Z7structk1SPd", "_Z3cstPf"]
    );
    // Module variables: __constant__ table, __device__ array, pointer, printf string.
    let vars: Vec<&str> = m.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(vars, vec!["cc", "gtab", "gptr", "$str"]);
    assert_eq!(m.variables[0].space, StateSpace::Const);
    assert_eq!(m.variables[2].init, Some(Initializer::Symbol { name: "gtab".into(), generic: true, offset: 4 }));

    let vprintf = func(&m, "vprintf");
    assert!(vprintf.body.is_none() && vprintf.linkage == Linkage::Extern && vprintf.params.len() == 2);

    let f = func(&m, "_Z1fRK1Si");
    assert!(!f.is_entry && f.returns.len() == 1 && f.params.len() == 2);

    let vadd = func(&m, "_Z4vaddPKfS0_Pfi");
    assert!(vadd.is_entry);
    assert_eq!(vadd.linkage, Linkage::Visible);
    assert_eq!(vadd.params.len(), 4);
    assert_eq!(vadd.params[3].ty, ScalarType::U32);
    let body = vadd.body.as_ref().unwrap();
    let is = instrs(body);
    assert_eq!(is.len(), 22);
    assert_eq!(is[0].opcode, "ld");
    assert_eq!(mods(&is[0]), vec!["param", "u64"]);
    assert_eq!(is[0].operands, vec![reg("%rd1"), addr(sym("_Z4vaddPKfS0_Pfi_param_0", 0), 0)]);
    assert_eq!(is[4].operands, vec![reg("%r3"), reg("%ctaid.x")]);
    let bra = is.iter().find(|i| i.opcode == "bra").unwrap();
    assert_eq!(bra.guard, Some((false, "%p1".into())));
    assert!(body.iter().any(|s| matches!(s, Statement::Label(l, _) if l == "$L__BB1_2")));

    let reduce = func(&m, "_Z6reducePKfPfi");
    let is = instrs(reduce.body.as_ref().unwrap());
    let shfl = is.iter().find(|i| i.opcode == "shfl").unwrap();
    assert_eq!(mods(shfl), vec!["sync", "down", "b32"]);
    assert_eq!(shfl.operands[0], Operand::PredPair("%r11".into(), "%p3".into()));
    let atom = is.iter().find(|i| i.opcode == "atom").unwrap();
    assert_eq!(mods(atom), vec!["global", "add", "f32"]);

    let hello = func(&m, "_Z5helloi");
    let hb = hello.body.as_ref().unwrap();
    assert!(hb.iter().any(|s| matches!(s, Statement::Block(_))));
    let call = instrs(hb).into_iter().find(|i| i.opcode == "call").unwrap();
    assert_eq!(call.operands[1], sym("vprintf", 0));

    let st = func(&m, "_Z7structk1SPd");
    assert_eq!((st.params[0].align, st.params[0].array, st.params[0].ty), (Some(8), Some(32), ScalarType::B8));

    let cst = func(&m, "_Z3cstPf");
    assert_eq!(cst.directives, vec![Directive::MaxNtid(vec![256, 1, 1]), Directive::MinNctaPerSm(2)]);
}

#[test]
fn nvcc_module_k3_sm90() {
    let m = parse(samples::K3);
    assert_eq!(m.target, vec!["sm_90a"]);
    assert_eq!(m.functions.len(), 10);
    // cp.async.
    let pipe = func(&m, "_Z4pipePK6float4PS_");
    let is = instrs(pipe.body.as_ref().unwrap());
    let cp = is.iter().find(|i| i.opcode == "cp").unwrap();
    assert_eq!(mods(cp), vec!["async", "cg", "shared", "global"]);
    assert_eq!(cp.operands, vec![addr(reg("%r1"), 0), addr(reg("%rd1"), 0), int(16), int(16)]);
    // Inline asm blocks with declarations of several names.
    let half = func(&m, "_Z5halfkP6__halfP13__nv_bfloat16i");
    let hb = half.body.as_ref().unwrap();
    assert_eq!(hb.iter().filter(|s| matches!(s, Statement::Block(_))).count(), 6);
    let is = instrs(hb);
    assert!(is
        .iter()
        .any(|i| i.opcode == "mov" && i.operands[0] == Operand::Vector(vec![sym("low", 0), sym("high", 0)])));
    // Textures and surfaces.
    let tex = func(&m, "_Z4texkyPf");
    let t = instrs(tex.body.as_ref().unwrap()).into_iter().find(|i| i.opcode == "tex").unwrap();
    assert_eq!(mods(&t), vec!["2d", "v4", "f32", "f32"]);
    assert_eq!(
        t.operands[1],
        addr(Operand::Vector(vec![reg("%rd1"), Operand::Vector(vec![reg("%f2"), reg("%f3")])]), 0)
    );
    let surf = func(&m, "_Z5surfky");
    let s = instrs(surf.body.as_ref().unwrap()).into_iter().find(|i| i.opcode == "sust").unwrap();
    assert_eq!(s.operands[1], Operand::Vector(vec![reg("%r5")]));
    // Clusters.
    let clus = func(&m, "_Z4clusPi");
    assert_eq!(
        clus.directives,
        vec![
            Directive::Other("explicitcluster".into(), vec![]),
            Directive::Other("reqnctapercluster".into(), vec!["2".into(), "1".into(), "1".into()]),
        ]
    );
    let is = instrs(clus.body.as_ref().unwrap());
    assert!(is.iter().any(|i| i.opcode == "mapa" && mods(i) == vec!["shared::cluster", "u32"]));
    assert!(is.iter().any(|i| i.opcode == "ld" && mods(i) == vec!["shared::cluster", "u32"]));
    assert!(is
        .iter()
        .any(|i| i.operands.first() == Some(&reg("%r2")) && i.operands.get(1) == Some(&reg("%cluster_ctarank"))));
    // mbarrier via inline asm.
    let bark = func(&m, "_Z4barkPi");
    let is = instrs(bark.body.as_ref().unwrap());
    let tw = is.iter().find(|i| i.opcode == "mbarrier" && i.modifiers[0] == "try_wait").unwrap();
    assert_eq!(mods(tw), vec!["try_wait", "shared::cta", "b64"]);
    assert_eq!(tw.operands, vec![sym("P_OUT", 0), addr(reg("%r4"), 0), reg("%rd4")]);
    // Indirect call through a prototype.
    let ind = func(&m, "_Z8indirectPii");
    let ib = ind.body.as_ref().unwrap();
    let blk = ib
        .iter()
        .find_map(|s| match s {
            Statement::Block(b) => Some(b),
            _ => None,
        })
        .unwrap();
    assert!(blk.iter().any(|s| matches!(s, Statement::CallPrototype(n, _) if n == "prototype_0")));
    let call = instrs(blk).into_iter().find(|i| i.opcode == "call").unwrap();
    assert_eq!(call.operands[1], reg("%rd5"));
    assert_eq!(call.operands[3], sym("prototype_0", 0));
    let sq = func(&m, "_Z2sqi");
    assert_eq!(sq.returns.len(), 1);
}

#[test]
fn nvcc_module_debug() {
    let m = parse(samples::K1_DEBUG);
    assert_eq!(m.target, vec!["sm_80", "debug"]);
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["vprintf", "__uAtomicAdd", "__fAtomicAdd", "_Z4vaddPKfS0_Pfi", "__uAtomicAdd"]);
    assert!(m.functions[1].body.is_none() && m.functions[4].body.is_some());
    assert_eq!(m.files.len(), 4);
    assert_eq!(m.files[0], (1, "/tmp/ptxs/k1.cu".to_string()));
    let vadd = func(&m, "_Z4vaddPKfS0_Pfi");
    let b = vadd.body.as_ref().unwrap();
    assert!(b.contains(&Statement::Loc { file: 1, line: 2, col: 30 }));
    assert!(b.iter().any(|s| matches!(s, Statement::Label(l, _) if l == "$L__func_end4")));
    let is = instrs(b);
    let not = is.iter().find(|i| i.opcode == "not").unwrap();
    assert_eq!(mods(not), vec!["pred"]);
    assert_eq!(is.last().unwrap().opcode, "ret");
}

#[test]
fn parses_quickly() {
    // A ~2 MB synthetic module: must parse well under a second even in debug.
    let mut s = String::from(HDR);
    for f in 0..200 {
        s.push_str(&format!(".visible .entry k{f}(.param .u64 p)\n{{\n.reg .b32 %r<100>;\n"));
        for n in 0..400 {
            s.push_str(&format!("\tadd.s32 \t%r{}, %r{}, {};\n$L__BB{f}_{n}:\n\t@%p1 ld.global.nc.v4.f32 {{%f1, %f2, %f3, %f4}}, [%rd1+16];\n", n % 100, (n + 1) % 100, n));
        }
        s.push_str("}\n");
    }
    let t = std::time::Instant::now();
    let m = parse(&s);
    assert_eq!(m.functions.len(), 200);
    assert!(t.elapsed().as_secs_f64() < 5.0, "{:?} for {} bytes", t.elapsed(), s.len());
}
