//! Linking PTX modules (what `cuLinkComplete` does for PTX inputs): merges
//! several modules into one, resolving `.extern` functions and variables to
//! their definitions (PTX ISA §11.6 "Linking Directives").

use super::ast::{Function, Linkage, Module, VarDecl};

/// Why modules could not be linked (→ `CUDA_ERROR_INVALID_PTX`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ptx link: error: {}", self.0)
    }
}

/// Merges `modules` into one. A function or variable defined in one module
/// satisfies `.extern` declarations of it in the others; two non-`.weak`
/// definitions of one visible name are an error (a `.weak` one yields to the
/// other); declarations without any definition stay declarations.
pub fn link(modules: Vec<Module>) -> Result<Module, LinkError> {
    let mut out = Module { address_size: 64, ..Default::default() };
    let mut first = true;
    for m in modules {
        if first {
            out.target = m.target.clone();
            out.address_size = m.address_size;
            first = false;
        }
        out.version = out.version.max(m.version);
        let base = out.files.len() as u32;
        out.files.extend(m.files.into_iter().map(|(n, name)| (n + base, name)));
        for f in m.functions {
            merge_function(&mut out.functions, f)?;
        }
        for v in m.variables {
            merge_variable(&mut out.variables, v)?;
        }
    }
    Ok(out)
}

fn merge_function(fns: &mut Vec<Function>, f: Function) -> Result<(), LinkError> {
    let Some(i) = fns.iter().position(|g| g.name == f.name) else {
        fns.push(f);
        return Ok(());
    };
    match (fns[i].body.is_some(), f.body.is_some()) {
        // A declaration meets a definition: keep the definition.
        (false, true) => fns[i] = f,
        (true, true) => match (fns[i].linkage, f.linkage) {
            (_, Linkage::Weak) => {}
            (Linkage::Weak, _) => fns[i] = f,
            _ => return Err(LinkError(format!("function {} is defined in two modules", f.name))),
        },
        _ => {}
    }
    Ok(())
}

fn merge_variable(vars: &mut Vec<VarDecl>, v: VarDecl) -> Result<(), LinkError> {
    let Some(i) = vars.iter().position(|w| w.name == v.name) else {
        vars.push(v);
        return Ok(());
    };
    let defines = |d: &VarDecl| d.linkage != Linkage::Extern;
    match (defines(&vars[i]), defines(&v)) {
        (false, true) => vars[i] = v,
        (true, true) => match (vars[i].linkage, v.linkage) {
            (_, Linkage::Weak | Linkage::Common) => {}
            (Linkage::Weak | Linkage::Common, _) => vars[i] = v,
            _ => return Err(LinkError(format!("variable {} is defined in two modules", v.name))),
        },
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ptx::parse;

    const HDR: &str = ".version 9.0\n.target sm_80\n.address_size 64\n";

    #[test]
    fn externs_resolve_to_definitions() {
        let a = parse(&format!(
            "{HDR}.visible .global .align 4 .u32 counter = 7;\n.visible .func (.param .b32 r) add1(.param .b32 x)\n{{\n.reg .b32 %r<3>;\nld.param.b32 %r1, [x];\nadd.s32 %r2, %r1, 1;\nst.param.b32 [r], %r2;\nret;\n}}\n"
        ))
        .expect("a");
        let b = parse(&format!(
            "{HDR}.extern .global .align 4 .u32 counter;\n.extern .func (.param .b32 r) add1(.param .b32 x);\n.visible .entry k()\n{{\nret;\n}}\n"
        ))
        .expect("b");
        let m = link(vec![b, a]).expect("links");
        let add1 = m.functions.iter().find(|f| f.name == "add1").expect("add1");
        assert!(add1.body.is_some(), "the definition wins over the declaration");
        let counter = m.variables.iter().find(|v| v.name == "counter").expect("counter");
        assert_eq!(counter.linkage, Linkage::Visible);
        assert_eq!(m.functions.len(), 2);
    }

    #[test]
    fn two_definitions_are_an_error() {
        let src = format!("{HDR}.visible .func f()\n{{\nret;\n}}\n");
        let (a, b) = (parse(&src).expect("a"), parse(&src).expect("b"));
        assert!(link(vec![a, b]).is_err());
    }
}
