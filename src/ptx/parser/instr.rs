//! Instructions and their operands (PTX ISA §4, §6): guards, opcode and
//! modifiers, registers, symbols, immediates, vectors, addresses, call lists.

use nom::{
    bytes::complete::{take_while, take_while_m_n},
    character::complete::char,
    combinator::{cut, opt, recognize},
    sequence::pair,
};

use super::lex::*;
use super::*;

impl<'a> Ctx<'a> {
    /// `[@[!]pred] opcode[.mod]* [operand {, operand}] ;`
    pub(super) fn instruction(&self, i: &'a str) -> R<'a, Instruction> {
        let span = self.span(i);
        let mut j = i;
        let mut guard = None;
        if let Some(r) = j.strip_prefix('@') {
            let (r, _) = ws(r)?;
            let (r, neg) = opt(char('!'))(r)?;
            let (r, _) = ws(r)?;
            let (r, p) = name(r).or_else(|_| expected(r, "guard predicate after '@'"))?;
            guard = Some((neg.is_some(), p.to_string()));
            j = ws(r)?.0;
        }
        let (mut j, opcode) = recognize(pair(
            take_while_m_n(1, 1, |c: char| c.is_ascii_alphabetic() || c == '_'),
            take_while(is_word_char),
        ))(j)
        .or_else(|_: nom::Err<PErr>| expected(j, "instruction opcode"))?;
        let mut modifiers = Vec::new();
        while j.starts_with('.') {
            let (k, m) = word(&j[1..]).or_else(|_| expected(&j[1..], "modifier after '.'"))?;
            modifiers.push(m.to_string());
            j = k;
        }
        let (mut j, _) = ws(j)?;
        let mut operands = Vec::new();
        if let Some(r) = j.strip_prefix(';') {
            j = r;
        } else {
            loop {
                let (k, op) = match self.operand(j, 0) {
                    Err(nom::Err::Error(_)) => return expected(j, "operand"),
                    other => other?,
                };
                operands.push(op);
                let (k, _) = ws(k)?;
                match peek(k) {
                    Some(',') => j = ws(&k[1..])?.0,
                    Some(';') => {
                        j = &k[1..];
                        break;
                    }
                    _ => return expected(k, "';'"),
                }
            }
        }
        Ok((j, Instruction { span, guard, opcode: opcode.to_string(), modifiers, operands }))
    }

    /// Comma-separated operands up to `close`; `i` is just after the opener.
    fn operand_seq(&self, i: &'a str, close: char, depth: u32) -> R<'a, Vec<Operand>> {
        let mut out = Vec::new();
        let (mut j, _) = ws(i)?;
        if let Some(r) = j.strip_prefix(close) {
            return Ok((r, out));
        }
        loop {
            let (k, op) = match self.operand(j, depth) {
                Err(nom::Err::Error(_)) => return expected(j, "operand"),
                other => other?,
            };
            out.push(op);
            let (k, _) = ws(k)?;
            match peek(k) {
                Some(',') => j = ws(&k[1..])?.0,
                Some(c) if c == close => return Ok((&k[1..], out)),
                _ => {
                    return expected(
                        k,
                        match close {
                            '}' => "',' or '}'",
                            ')' => "',' or ')'",
                            _ => "',' or ']'",
                        },
                    )
                }
            }
        }
    }

    /// One operand. Soft error if nothing operand-like is at `i`.
    fn operand(&self, i: &'a str, depth: u32) -> R<'a, Operand> {
        let Some(c) = peek(i) else {
            return soft(i);
        };
        if depth > MAX_OPERAND_DEPTH && matches!(c, '{' | '[' | '(' | '!') {
            return fail(i, "operands nested too deeply");
        }
        match c {
            '%' => {
                let (j, r) = cut(register)(i)?;
                self.pred_pair(j, r, Operand::Reg(r.to_string()))
            }
            '!' => {
                let (j, _) = ws(&i[1..])?;
                let (j, op) = match self.operand(j, depth + 1) {
                    Err(nom::Err::Error(_)) => return expected(j, "operand after '!'"),
                    other => other?,
                };
                Ok((j, Operand::Not(Box::new(op))))
            }
            '{' => {
                let (j, v) = self.operand_seq(&i[1..], '}', depth + 1)?;
                Ok((j, Operand::Vector(v)))
            }
            '(' => {
                let (j, v) = self.operand_seq(&i[1..], ')', depth + 1)?;
                Ok((j, Operand::List(v)))
            }
            '[' => self.address(i, depth),
            '_' if !i[1..].starts_with(is_id_char) => self.pred_pair(&i[1..], "_", Operand::Sink),
            '-' | '0'..='9' => {
                let (j, v) = cut(immediate)(i)?;
                Ok((j, Operand::Imm(v)))
            }
            c if is_id_start(c) => {
                let (j, nm) = ident(i)?;
                if j.starts_with('|') {
                    return self.pred_pair(j, nm, Operand::Sym(nm.to_string(), 0));
                }
                let (j, off) = offset_suffix(j)?;
                Ok((j, Operand::Sym(nm.to_string(), off)))
            }
            _ => soft(i),
        }
    }

    /// `a|b` after the first half `first` has been read (rest at `i`).
    fn pred_pair(&self, i: &'a str, first: &'a str, single: Operand) -> R<'a, Operand> {
        let (j, _) = ws(i)?;
        if let Some(r) = j.strip_prefix('|') {
            let (r, _) = ws(r)?;
            let (r, second) = if r.starts_with('%') {
                register(r)
            } else if r.starts_with('_') && !r[1..].starts_with(is_id_char) {
                Ok((&r[1..], "_"))
            } else {
                ident(r)
            }
            .or_else(|_| expected(r, "predicate after '|'"))?;
            return Ok((r, Operand::PredPair(first.to_string(), second.to_string())));
        }
        Ok((i, single))
    }

    /// `[base]`, `[base+off]`, `[base+-off]`, `[imm]`, or the texture form
    /// `[a, b, …]` (→ `Address(Vector([a, b, …]), 0)`). `i` is at `[`.
    fn address(&self, i: &'a str, depth: u32) -> R<'a, Operand> {
        let (j, _) = ws(&i[1..])?;
        let (j, base) = match peek(j) {
            Some('%') => {
                let (k, r) = cut(register)(j)?;
                (k, Operand::Reg(r.to_string()))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let (k, v) = cut(immediate)(j)?;
                (k, Operand::Imm(v))
            }
            Some(c) if is_id_start(c) => {
                let (k, nm) = ident(j)?;
                (k, Operand::Sym(nm.to_string(), 0))
            }
            _ => return expected(j, "address base (register, symbol or integer)"),
        };
        let mut off: i64 = 0;
        let mut j = j;
        loop {
            let (k, _) = ws(j)?;
            let sign = match peek(k) {
                Some('+') => 1i64,
                Some('-') => -1,
                _ => {
                    j = k;
                    break;
                }
            };
            let (k, _) = ws(&k[1..])?;
            let (k, v) = match int_lit(k) {
                Err(nom::Err::Error(_)) => return expected(k, "integer offset in address"),
                other => other?,
            };
            off = off.wrapping_add(v.wrapping_mul(sign));
            j = k;
        }
        if let Some(r) = j.strip_prefix(',') {
            let mut parts = vec![if off != 0 { base_with_offset(base, off) } else { base }];
            let (r, rest) = self.operand_seq(r, ']', depth + 1)?;
            parts.extend(rest);
            return Ok((r, Operand::Address(Box::new(Operand::Vector(parts)), 0)));
        }
        match j.strip_prefix(']') {
            Some(r) => Ok((r, Operand::Address(Box::new(base), off))),
            None => expected(j, "']'"),
        }
    }
}

/// Folds an offset into a texture-form address base (rare; keeps the info).
fn base_with_offset(base: Operand, off: i64) -> Operand {
    match base {
        Operand::Sym(n, o) => Operand::Sym(n, o.wrapping_add(off)),
        other => Operand::Address(Box::new(other), off),
    }
}
