//! PTX text → AST (`ast::Module`), written with `nom` 7 combinators.
//!
//! The grammar is parsed top-down without a separate lexer: every parser is a
//! `fn(&str) -> IResult<&str, T, PErr>` working on the remaining text, and a
//! hand-written [`ws`] skips blanks and `//` / `/* */` comments between
//! tokens. Dispatch is on the next character or dot-word, so there is almost
//! no backtracking and parsing is linear in the input size.
//!
//! Positions: the parser keeps slices of the original text, so the byte
//! offset of any item is `item.as_ptr() - text.as_ptr()`; [`Ctx::span`] turns
//! it into a 1-based line/column with a binary search over line starts.
//!
//! Errors: the first syntax error is reported with the line/column of the
//! offending token and a readable message (`expected ';', found 'foo'`,
//! `unknown directive .foo`, `unexpected token 'xyz'`). Nesting of `{ }`
//! blocks, initialiser lists and operands is capped so no input can blow the
//! stack.
//!
//! Choices worth knowing (see also the AST docs):
//! * `[sym+8]` is `Address(Sym(sym, 0), 8)`; `[%rd1+-4]` is
//!   `Address(Reg(%rd1), -4)`; `[12345]` is `Address(Imm(Int(12345)), 0)`.
//! * The texture/surface operand form `[tex, {%f1, %f2}]` (and
//!   `[tex, sampler, {..}]`) is `Address(Vector([Sym(tex), Vector(..)]), 0)`:
//!   an `Address` whose base is a `Vector` of the comma-separated parts.
//! * `%r1|%p2` is `PredPair`; special registers keep their component
//!   (`Reg("%tid.x")`).
//! * Decimal floating literals (`1.5`, `1e10`) become `Immediate::F64` bits.
//! * `.reg .b32 %a, %b;` (several names in one declaration) yields one
//!   `VarDecl` per name.
//! * `.texref` / `.samplerref` / `.surfref` variables are typed `B64` (an
//!   opaque 64-bit handle); the AST has no dedicated type.
//! * A `.pragma` between a function header and its body is kept as
//!   `Directive::Other("pragma", [text])`; module-level `.pragma`/`.loc` are
//!   skipped, as are `.section` blocks (DWARF data).
//! * `.callprototype` bodies are skipped up to their `;`.
//! * Not supported (clear error): `.alias`, vector `.param`s, constant
//!   expressions in operands (`(a+b)`), old `.const[bank]` syntax.

use nom::{
    bytes::complete::take_while1,
    character::complete::{char, digit1},
    combinator::cut,
    sequence::separated_pair,
};

use super::ast::*;
use super::ParseError;

mod instr;
mod lex;
use lex::*;

#[cfg(test)]
mod samples;
#[cfg(test)]
mod tests;

/// Maximum nesting of `{ }` blocks in a function body.
const MAX_BLOCK_DEPTH: u32 = 64;
/// Maximum nesting of `{ }` initialiser lists.
const MAX_INIT_DEPTH: u32 = 16;
/// Maximum nesting of operands (`{`, `[`, `(`, `!`).
const MAX_OPERAND_DEPTH: u32 = 4;

// ---------------------------------------------------------------------------
// Parser context (positions) and entry point
// ---------------------------------------------------------------------------

struct Ctx<'a> {
    src: &'a str,
    /// Byte offsets of the starts of lines.
    line_starts: Vec<usize>,
}

impl<'a> Ctx<'a> {
    fn new(src: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(src.len() / 24 + 1);
        line_starts.push(0);
        line_starts.extend(src.bytes().enumerate().filter(|&(_, c)| c == b'\n').map(|(p, _)| p + 1));
        Ctx { src, line_starts }
    }

    fn offset(&self, at: &str) -> usize {
        let base = self.src.as_ptr() as usize;
        let p = at.as_ptr() as usize;
        p.saturating_sub(base).min(self.src.len())
    }

    fn span(&self, at: &str) -> Span {
        let off = self.offset(at);
        let line = match self.line_starts.binary_search(&off) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let col = self.src.get(start..off).map(|s| s.chars().count()).unwrap_or(off - start);
        Span { line: line as u32 + 1, col: col as u32 + 1 }
    }

    fn error(&self, e: PErr<'a>) -> ParseError {
        let at = skip_ws_lenient(e.at);
        let span = self.span(at);
        let message = match e.msg {
            Msg::Kind => match peek(at) {
                None => "unexpected end of input".to_string(),
                Some(_) => format!("unexpected token {}", describe_token(at)),
            },
            Msg::Expected(what) => format!("expected {}, found {}", what, describe_token(at)),
            Msg::Text(t) => t,
        };
        ParseError { line: span.line, col: span.col, message }
    }
}

/// Parses a whole PTX module. Trailing NUL bytes are ignored.
pub(crate) fn parse_module(text: &str) -> Result<Module, ParseError> {
    let text = text.trim_end_matches('\0');
    let ctx = Ctx::new(text);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut module = Module { address_size: 64, ..Module::default() };
    match ctx.module(body, &mut module) {
        Ok(_) => Ok(module),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(ctx.error(e)),
        Err(nom::Err::Incomplete(_)) => {
            let span = ctx.span(&text[text.len()..]);
            Err(ParseError { line: span.line, col: span.col, message: "unexpected end of input".into() })
        }
    }
}

fn linkage_of(w: &str) -> Option<Linkage> {
    Some(match w {
        "visible" => Linkage::Visible,
        "extern" => Linkage::Extern,
        "weak" => Linkage::Weak,
        "common" => Linkage::Common,
        _ => return None,
    })
}

fn space_of(w: &str) -> Option<StateSpace> {
    Some(match w {
        "reg" => StateSpace::Reg,
        "sreg" => StateSpace::Sreg,
        "const" => StateSpace::Const,
        "global" => StateSpace::Global,
        "local" => StateSpace::Local,
        "param" => StateSpace::Param,
        "shared" | "shared::cta" | "shared::cluster" => StateSpace::Shared,
        "tex" => StateSpace::Tex,
        _ => return None,
    })
}

fn type_of(w: &str) -> Option<ScalarType> {
    ScalarType::from_name(w).or(match w {
        // Opaque handle types: represented as 64-bit values.
        "texref" | "samplerref" | "surfref" => Some(ScalarType::B64),
        _ => None,
    })
}

/// Skips a balanced `( … )` group starting at `i` (which must be at `(`).
fn skip_parens(i: &str) -> R<'_, ()> {
    let mut depth = 0usize;
    for (p, c) in i.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok((&i[p + 1..], ()));
                }
            }
            ';' | '{' | '}' => break,
            _ => {}
        }
    }
    expected(i, "')'")
}

impl<'a> Ctx<'a> {
    // -----------------------------------------------------------------------
    // Module level
    // -----------------------------------------------------------------------

    fn module(&self, mut i: &'a str, m: &mut Module) -> R<'a, ()> {
        loop {
            i = ws(i)?.0;
            if i.is_empty() {
                return Ok((i, ()));
            }
            i = self.top_item(i, m)?.0;
        }
    }

    fn top_item(&self, i: &'a str, m: &mut Module) -> R<'a, ()> {
        let start = i;
        let Some(w) = peek_dot_word(i) else {
            return fail(i, format!("unexpected token {}", describe_token(i)));
        };
        let after = &i[1 + w.len()..];
        match w {
            "version" => {
                let (j, _) = ws(after)?;
                let (j, (maj, min)) = separated_pair(digit1::<_, PErr>, char('.'), digit1)(j)
                    .or_else(|_| expected(j, "version number 'major.minor'"))?;
                m.version = (maj.parse().unwrap_or(0), min.parse().unwrap_or(0));
                Ok((j, ()))
            }
            "target" => {
                let mut j = after;
                loop {
                    let (k, _) = ws(j)?;
                    let (k, t) = word(k).or_else(|_| expected(k, "target name"))?;
                    m.target.push(t.to_string());
                    j = k;
                    let (k, _) = ws(j)?;
                    if let Some(k) = k.strip_prefix(',') {
                        j = k;
                    } else {
                        return Ok((j, ()));
                    }
                }
            }
            "address_size" => {
                let (j, _) = ws(after)?;
                let (j, n) = cut(u32_lit)(j)?;
                if n != 32 && n != 64 {
                    return fail(j, format!(".address_size must be 32 or 64, not {}", n));
                }
                m.address_size = n;
                Ok((j, ()))
            }
            "file" => {
                let (j, _) = ws(after)?;
                let (j, n) = cut(u32_lit)(j)?;
                let (j, _) = ws(j)?;
                let (j, s) = string(j).or_else(|_| expected(j, "file name string"))?;
                m.files.push((n, s.to_string()));
                // Optional `, timestamp, size`.
                let mut j = j;
                loop {
                    let (k, _) = ws(j)?;
                    match k.strip_prefix(',') {
                        Some(k) => {
                            let (k, _) = ws(k)?;
                            j = cut(uint_lit)(k)?.0;
                        }
                        None => return Ok((j, ())),
                    }
                }
            }
            "section" => {
                let (j, _) = ws(after)?;
                let (j, _) = match peek(j) {
                    Some('.') => dot_word(j),
                    _ => ident(j),
                }
                .or_else(|_| expected(j, "section name"))?;
                let (j, _) = expect_char(j, '{', "'{'")?;
                self.skip_braces(j)
            }
            "loc" => Ok((self.loc(after)?.0, ())),
            "pragma" => Ok((self.pragma(after)?.0, ())),
            _ => {
                // Linkage, then a function or a variable declaration.
                let mut linkage = Linkage::None;
                let mut j = i;
                while let Some(w) = peek_dot_word(j).filter(|w| linkage_of(w).is_some()) {
                    linkage = linkage_of(w).unwrap_or_default();
                    j = ws(&j[1 + w.len()..])?.0;
                }
                match peek_dot_word(j) {
                    Some("entry" | "func") => {
                        let (j, f) = self.function(j, start, linkage)?;
                        m.functions.push(f);
                        Ok((j, ()))
                    }
                    Some(w) if space_of(w).is_some() => {
                        let (j, vars) = self.var_decl(j, start, linkage)?;
                        m.variables.extend(vars);
                        Ok((j, ()))
                    }
                    Some(w) => fail(j, format!("unknown directive .{}", w)),
                    None => expected(j, "a declaration after linkage directive"),
                }
            }
        }
    }

    /// Skips a `.section` body; `i` is just after `{`.
    fn skip_braces(&self, i: &'a str) -> R<'a, ()> {
        let b = i.as_bytes();
        let mut depth = 1usize;
        let mut p = 0;
        while p < b.len() {
            match b[p] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok((&i[p + 1..], ()));
                    }
                }
                b'"' => {
                    let (r, _) = string(&i[p..])?;
                    p = i.len() - r.len();
                    continue;
                }
                b'/' if matches!(b.get(p + 1), Some(b'/' | b'*')) => {
                    let (r, _) = ws(&i[p..])?;
                    p = i.len() - r.len();
                    continue;
                }
                _ => {}
            }
            p += 1;
        }
        fail(&i[i.len()..], "expected '}' closing .section before end of input")
    }

    /// `.loc file line [col]` with any `, function_name …, inlined_at …` tail
    /// ignored up to the end of the line. `i` is after `.loc`.
    fn loc(&self, i: &'a str) -> R<'a, Statement> {
        let (j, _) = ws(i)?;
        let (j, file) = cut(u32_lit)(j)?;
        let (j, _) = ws(j)?;
        let (j, line) = cut(u32_lit)(j)?;
        let k = sp(j);
        let (j, col) = match u32_lit(k) {
            Ok((r, c)) => (r, c),
            Err(nom::Err::Error(_)) => (j, 0),
            Err(e) => return Err(e),
        };
        let k = sp(j);
        let j = if k.starts_with(',') {
            match k.find('\n') {
                Some(n) => &k[n..],
                None => &k[k.len()..],
            }
        } else {
            j
        };
        Ok((j, Statement::Loc { file, line, col }))
    }

    /// `.pragma "a", "b";` → the strings joined by `, `. `i` is after `.pragma`.
    fn pragma(&self, i: &'a str) -> R<'a, String> {
        let mut j = i;
        let mut out = String::new();
        loop {
            let (k, _) = ws(j)?;
            let (k, s) = string(k).or_else(|_| expected(k, "pragma string"))?;
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(s);
            let (k, _) = ws(k)?;
            match k.strip_prefix(',') {
                Some(k) => j = k,
                None => {
                    let (k, _) = expect_char(k, ';', "';'")?;
                    return Ok((k, out));
                }
            }
        }
    }

    // -----------------------------------------------------------------------
    // Declarations
    // -----------------------------------------------------------------------

    /// A variable declaration starting at the first dot-word after any
    /// linkage already consumed; `start` is where the statement began.
    /// Several comma-separated names give several `VarDecl`s.
    fn var_decl(&self, i: &'a str, start: &'a str, linkage: Linkage) -> R<'a, Vec<VarDecl>> {
        let span = self.span(start);
        let mut linkage = linkage;
        let mut space = None;
        let mut align = None;
        let mut vector = None;
        let mut ty = None;
        let mut j = i;
        loop {
            let (k, _) = ws(j)?;
            if !k.starts_with('.') {
                j = k;
                break;
            }
            let (after, w) = dot_word(k).or_else(|_| expected(k, "a directive name after '.'"))?;
            j = after;
            if let Some(l) = linkage_of(w) {
                linkage = l;
            } else if let Some(s) = space_of(w) {
                space = Some(s);
            } else if let Some(t) = type_of(w) {
                ty = Some(t);
            } else {
                match w {
                    "align" => {
                        let (k, _) = ws(j)?;
                        let (k, a) = cut(u32_lit)(k).or_else(|_| expected(k, "alignment value"))?;
                        align = Some(a);
                        j = k;
                    }
                    "v2" => vector = Some(2),
                    "v4" => vector = Some(4),
                    "v8" => vector = Some(8),
                    "ptr" => {}
                    "attribute" => {
                        let (k, _) = ws(j)?;
                        if !k.starts_with('(') {
                            return expected(k, "'(' after .attribute");
                        }
                        j = skip_parens(k)?.0;
                    }
                    _ => return fail(k, format!("unexpected .{} in variable declaration", w)),
                }
            }
        }
        let Some(space) = space else {
            return fail(start, "variable declaration without a state space");
        };
        let Some(ty) = ty else {
            return expected(j, "a type (e.g. .u32) in variable declaration");
        };
        let mut out = Vec::new();
        loop {
            let (k, _) = ws(j)?;
            let (k, nm) = name(k).or_else(|_| expected(k, "variable name"))?;
            let (mut k, _) = ws(k)?;
            let mut range = None;
            if let Some(r) = k.strip_prefix('<') {
                let (r, _) = ws(r)?;
                let (r, n) = cut(u32_lit)(r)?;
                let (r, _) = expect_char(r, '>', "'>'")?;
                range = Some(n);
                k = ws(r)?.0;
            }
            let mut array = Vec::new();
            while let Some(r) = k.strip_prefix('[') {
                let (r, _) = ws(r)?;
                if let Some(r) = r.strip_prefix(']') {
                    array.push(None);
                    k = ws(r)?.0;
                    continue;
                }
                let (r, n) = uint_lit(r).or_else(|_| expected(r, "array size"))?;
                let (r, _) = expect_char(r, ']', "']'")?;
                array.push(Some(n));
                k = ws(r)?.0;
            }
            let mut init = None;
            if let Some(r) = k.strip_prefix('=') {
                let (r, _) = ws(r)?;
                let (r, v) = self.initializer(r, 0)?;
                init = Some(v);
                k = ws(r)?.0;
            }
            out.push(VarDecl { span, linkage, space, align, vector, ty, name: nm.to_string(), array, range, init });
            match peek(k) {
                Some(',') => j = &k[1..],
                Some(';') => return Ok((&k[1..], out)),
                _ => return expected(k, "';'"),
            }
        }
    }

    /// An initialiser value: immediate, `{ list }`, `sym`, `sym+off`,
    /// `generic(sym)+off`.
    fn initializer(&self, i: &'a str, depth: u32) -> R<'a, Initializer> {
        match peek(i) {
            Some('{') => {
                if depth >= MAX_INIT_DEPTH {
                    return fail(i, "initializer lists nested too deeply");
                }
                let mut items = Vec::new();
                let (mut j, _) = ws(&i[1..])?;
                if let Some(r) = j.strip_prefix('}') {
                    return Ok((r, Initializer::List(items)));
                }
                loop {
                    let (k, v) = self.initializer(j, depth + 1)?;
                    items.push(v);
                    let (k, _) = ws(k)?;
                    match peek(k) {
                        Some(',') => j = ws(&k[1..])?.0,
                        Some('}') => return Ok((&k[1..], Initializer::List(items))),
                        _ => return expected(k, "',' or '}' in initializer"),
                    }
                }
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let (j, v) = cut(immediate)(i)?;
                Ok((j, Initializer::Value(v)))
            }
            Some(c) if is_id_start(c) => {
                let (j, nm) = ident(i)?;
                let (k, _) = ws(j)?;
                if nm == "generic" && k.starts_with('(') {
                    let (k, _) = ws(&k[1..])?;
                    let (k, inner) = ident(k).or_else(|_| expected(k, "symbol name"))?;
                    let (k, _) = expect_char(k, ')', "')'")?;
                    let (k, off) = offset_suffix(k)?;
                    return Ok((k, Initializer::Symbol { name: inner.to_string(), generic: true, offset: off }));
                }
                let (j, off) = offset_suffix(j)?;
                Ok((j, Initializer::Symbol { name: nm.to_string(), generic: false, offset: off }))
            }
            _ => expected(i, "initializer value"),
        }
    }

    /// One `.param` / `.reg` parameter.
    fn param(&self, i: &'a str) -> R<'a, Param> {
        let span = self.span(i);
        let mut space = None;
        let mut align = None;
        let mut ty = None;
        let mut ptr = false;
        let mut ptr_space = None;
        let mut j = i;
        loop {
            let (k, _) = ws(j)?;
            if !k.starts_with('.') {
                j = k;
                break;
            }
            let (after, w) = dot_word(k).or_else(|_| expected(k, "a directive name after '.'"))?;
            j = after;
            match w {
                "param" if space.is_none() => space = Some(StateSpace::Param),
                "reg" if space.is_none() => space = Some(StateSpace::Reg),
                "align" => {
                    let (k, _) = ws(j)?;
                    let (k, a) = cut(u32_lit)(k).or_else(|_| expected(k, "alignment value"))?;
                    align = Some(a);
                    j = k;
                }
                "ptr" => ptr = true,
                "v2" | "v4" | "v8" => return fail(k, "vector parameters are not supported"),
                _ => {
                    if let Some(t) = type_of(w) {
                        ty = Some(t);
                    } else if let (Some(s), true) = (space_of(w), ptr || space.is_some()) {
                        ptr_space = Some(s);
                    } else {
                        return fail(k, format!("unexpected .{} in parameter", w));
                    }
                }
            }
        }
        let Some(space) = space else {
            return expected(i, "'.param' or '.reg' parameter");
        };
        let Some(ty) = ty else {
            return expected(j, "a parameter type (e.g. .u64)");
        };
        let (j, nm) = name(j).or_else(|_| expected(j, "parameter name"))?;
        let (k, _) = ws(j)?;
        let (j, array) = if let Some(r) = k.strip_prefix('[') {
            let (r, _) = ws(r)?;
            let (r, n) = uint_lit(r).or_else(|_| expected(r, "array size"))?;
            let (r, _) = expect_char(r, ']', "']'")?;
            (r, Some(n))
        } else {
            (j, None)
        };
        Ok((j, Param { span, space, align, ty, name: nm.to_string(), array, ptr_space }))
    }

    /// `( param, param, … )`; `i` is at `(`.
    fn param_list(&self, i: &'a str) -> R<'a, Vec<Param>> {
        let mut out = Vec::new();
        let (mut j, _) = ws(&i[1..])?;
        if let Some(r) = j.strip_prefix(')') {
            return Ok((r, out));
        }
        loop {
            let (k, p) = self.param(j)?;
            out.push(p);
            let (k, _) = ws(k)?;
            match peek(k) {
                Some(',') => j = ws(&k[1..])?.0,
                Some(')') => return Ok((&k[1..], out)),
                _ => return expected(k, "',' or ')' in parameter list"),
            }
        }
    }

    // -----------------------------------------------------------------------
    // Functions
    // -----------------------------------------------------------------------

    /// `.entry` / `.func`; `i` is at the keyword, `start` at the statement
    /// start (linkage).
    fn function(&self, i: &'a str, start: &'a str, linkage: Linkage) -> R<'a, Function> {
        let span = self.span(start);
        let (j, kw) = dot_word(i)?;
        let is_entry = kw == "entry";
        let (mut j, _) = ws(j)?;
        let mut returns = Vec::new();
        if !is_entry && j.starts_with('(') {
            let (k, r) = self.param_list(j)?;
            returns = r;
            j = ws(k)?.0;
        }
        let (j, nm) = ident(j).or_else(|_| expected(j, "function name"))?;
        let (mut j, _) = ws(j)?;
        let mut params = Vec::new();
        if j.starts_with('(') {
            let (k, p) = self.param_list(j)?;
            params = p;
            j = ws(k)?.0;
        }
        let mut directives = Vec::new();
        while j.starts_with('.') {
            let (k, d) = self.perf_directive(j)?;
            directives.push(d);
            j = ws(k)?.0;
        }
        let (j, body) = match peek(j) {
            Some('{') => {
                let (k, b) = self.body(&j[1..], 0)?;
                (k, Some(b))
            }
            Some(';') => (&j[1..], None),
            _ => return expected(j, "'{' or ';' after function header"),
        };
        Ok((j, Function { span, linkage, is_entry, name: nm.to_string(), returns, params, directives, body }))
    }

    /// A directive between a function header and its body.
    fn perf_directive(&self, i: &'a str) -> R<'a, Directive> {
        let (j, w) = dot_word(i).or_else(|_| expected(i, "a directive name after '.'"))?;
        let nums = |j: &'a str, max: usize| -> R<'a, Vec<u32>> {
            let mut out = Vec::new();
            let mut j = j;
            loop {
                let (k, _) = ws(j)?;
                let (k, n) = cut(u32_lit)(k).or_else(|_| expected(k, "a number"))?;
                out.push(n);
                let (r, _) = ws(k)?;
                match r.strip_prefix(',') {
                    Some(r) if out.len() < max => j = r,
                    _ => return Ok((k, out)),
                }
            }
        };
        match w {
            "maxntid" => nums(j, 3).map(|(r, v)| (r, Directive::MaxNtid(v))),
            "reqntid" => nums(j, 3).map(|(r, v)| (r, Directive::ReqNtid(v))),
            "minnctapersm" => nums(j, 1).map(|(r, v)| (r, Directive::MinNctaPerSm(v[0]))),
            "maxnctapersm" => nums(j, 1).map(|(r, v)| (r, Directive::MaxNctaPerSm(v[0]))),
            "maxnreg" => nums(j, 1).map(|(r, v)| (r, Directive::MaxNreg(v[0]))),
            "noreturn" => Ok((j, Directive::NoReturn)),
            "pragma" => {
                let (r, s) = self.pragma(j)?;
                Ok((r, Directive::Other("pragma".into(), vec![s])))
            }
            _ => {
                // Raw arguments: comma-separated numbers, names or strings.
                let mut args = Vec::new();
                let mut j = j;
                loop {
                    let (k, _) = ws(j)?;
                    let tok = if k.starts_with('"') {
                        string(k)
                    } else {
                        take_while1(|c: char| is_id_char(c) || c == '%')(k)
                    };
                    match tok {
                        Ok((r, t)) => {
                            args.push(t.to_string());
                            let (r2, _) = ws(r)?;
                            match r2.strip_prefix(',') {
                                Some(r2) => j = r2,
                                None => return Ok((r, Directive::Other(w.to_string(), args))),
                            }
                        }
                        Err(nom::Err::Error(_)) if args.is_empty() => {
                            return Ok((j, Directive::Other(w.to_string(), args)))
                        }
                        Err(nom::Err::Error(_)) => return expected(k, "directive argument"),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------
    // Function bodies
    // -----------------------------------------------------------------------

    /// Statements up to the matching `}`; `i` is just after `{`.
    fn body(&self, i: &'a str, depth: u32) -> R<'a, Vec<Statement>> {
        let mut out = Vec::new();
        let mut i = i;
        loop {
            i = ws(i)?.0;
            let Some(c) = peek(i) else {
                return expected(i, "'}' to close the function body");
            };
            match c {
                '}' => return Ok((&i[1..], out)),
                '{' => {
                    if depth + 1 >= MAX_BLOCK_DEPTH {
                        return fail(i, "blocks nested too deeply");
                    }
                    let (r, b) = self.body(&i[1..], depth + 1)?;
                    out.push(Statement::Block(b));
                    i = r;
                }
                ';' => i = &i[1..],
                '.' => i = self.body_directive(i, &mut out)?.0,
                '@' => {
                    let (r, ins) = self.instruction(i)?;
                    out.push(Statement::Instr(ins));
                    i = r;
                }
                c if is_id_start(c) => {
                    // Label (`name:`) or instruction.
                    let (r, w) = ident(i)?;
                    let (r, _) = ws(r)?;
                    if r.starts_with(':') && !r.starts_with("::") {
                        let span = self.span(i);
                        let (r, _) = ws(&r[1..])?;
                        match peek_dot_word(r) {
                            Some("callprototype") => {
                                let Some(n) = r.find(';') else {
                                    return expected(&r[r.len()..], "';' after .callprototype");
                                };
                                out.push(Statement::CallPrototype(w.to_string(), span));
                                i = &r[n + 1..];
                            }
                            Some("branchtargets") => {
                                let mut targets = Vec::new();
                                let mut k = &r["branchtargets".len() + 1..];
                                loop {
                                    let (q, _) = ws(k)?;
                                    let (q, t) = ident(q).or_else(|_| expected(q, "label name"))?;
                                    targets.push(t.to_string());
                                    let (q, _) = ws(q)?;
                                    match peek(q) {
                                        Some(',') => k = &q[1..],
                                        Some(';') => {
                                            k = &q[1..];
                                            break;
                                        }
                                        _ => return expected(q, "',' or ';'"),
                                    }
                                }
                                out.push(Statement::BranchTargets(w.to_string(), targets, span));
                                i = k;
                            }
                            _ => {
                                out.push(Statement::Label(w.to_string(), span));
                                i = r;
                            }
                        }
                    } else {
                        let (r, ins) = self.instruction(i)?;
                        out.push(Statement::Instr(ins));
                        i = r;
                    }
                }
                _ => return fail(i, format!("unexpected token {}", describe_token(i))),
            }
        }
    }

    /// A directive inside a body (`.reg`, `.loc`, `.pragma`, …).
    fn body_directive(&self, i: &'a str, out: &mut Vec<Statement>) -> R<'a, ()> {
        let (after, w) = dot_word(i).or_else(|_| expected(i, "a directive name after '.'"))?;
        match w {
            "loc" => {
                let (r, s) = self.loc(after)?;
                out.push(s);
                Ok((r, ()))
            }
            "pragma" => {
                let (r, s) = self.pragma(after)?;
                out.push(Statement::Pragma(s));
                Ok((r, ()))
            }
            _ if space_of(w).is_some() || linkage_of(w).is_some() => {
                let (r, vars) = self.var_decl(i, i, Linkage::None)?;
                out.extend(vars.into_iter().map(Statement::Decl));
                Ok((r, ()))
            }
            _ => fail(i, format!("unknown directive .{}", w)),
        }
    }
}
