//! Lexical layer of the PTX parser: the error type, blank/comment skipping,
//! identifiers, dotted words, strings and numeric literals (PTX ISA §4).

use nom::{
    bytes::complete::{take_while, take_while1, take_while_m_n},
    character::complete::{char, digit1},
    combinator::{opt, recognize},
    error::{ErrorKind, FromExternalError},
    sequence::pair,
    IResult,
};

use super::super::ast::Immediate;

// ---------------------------------------------------------------------------
// Error type
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub(super) enum Msg {
    /// A nom combinator failed; the message is derived from the token found.
    Kind,
    /// `expected X`; the token found is appended.
    Expected(&'static str),
    /// A complete message.
    Text(String),
}

/// The parser's error: where it happened (the remaining input) and why.
#[derive(Clone, Debug)]
pub(super) struct PErr<'a> {
    pub(super) at: &'a str,
    pub(super) msg: Msg,
}

impl<'a> nom::error::ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PErr { at: input, msg: Msg::Kind }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a, E> FromExternalError<&'a str, E> for PErr<'a> {
    fn from_external_error(input: &'a str, _kind: ErrorKind, _e: E) -> Self {
        PErr { at: input, msg: Msg::Kind }
    }
}

pub(super) type R<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// An unrecoverable error (`nom::Err::Failure`) with a full message.
pub(super) fn fail<'a, T>(at: &'a str, msg: impl Into<String>) -> R<'a, T> {
    Err(nom::Err::Failure(PErr { at, msg: Msg::Text(msg.into()) }))
}

/// An unrecoverable `expected …, found …` error.
pub(super) fn expected<'a, T>(at: &'a str, what: &'static str) -> R<'a, T> {
    Err(nom::Err::Failure(PErr { at, msg: Msg::Expected(what) }))
}

/// A recoverable error (`nom::Err::Error`), for alternatives.
pub(super) fn soft<'a, T>(at: &'a str) -> R<'a, T> {
    Err(nom::Err::Error(PErr { at, msg: Msg::Kind }))
}

/// Describes the token at `at` for messages: `'foo'`, `'.reg'`, `';'`, `end of input`.
pub(super) fn describe_token(at: &str) -> String {
    let mut chars = at.char_indices();
    let Some((_, c)) = chars.next() else {
        return "end of input".to_string();
    };
    let end = if is_id_char(c) || c == '%' || c == '.' {
        let rest = at.char_indices().skip(1).find(|&(_, ch)| !(is_id_char(ch) || ch == ':'));
        rest.map(|(p, _)| p).unwrap_or(at.len())
    } else {
        c.len_utf8()
    };
    let mut tok: String = at[..end].chars().take(40).collect();
    if tok.len() < end {
        tok.push('…');
    }
    if c.is_control() {
        return format!("character {:?}", c);
    }
    format!("'{}'", tok)
}

// ---------------------------------------------------------------------------
// Lexical helpers
// ---------------------------------------------------------------------------

pub(super) fn is_id_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

pub(super) fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Skips blanks, `// …` and `/* … */` comments.
pub(super) fn ws(i: &str) -> R<'_, ()> {
    let b = i.as_bytes();
    let mut p = 0;
    loop {
        match b.get(p) {
            Some(b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) => p += 1,
            Some(b'/') if b.get(p + 1) == Some(&b'/') => match b[p..].iter().position(|&c| c == b'\n') {
                Some(n) => p += n + 1,
                None => p = b.len(),
            },
            Some(b'/') if b.get(p + 1) == Some(&b'*') => match b[p + 2..].windows(2).position(|w| w == b"*/") {
                Some(n) => p += 2 + n + 2,
                None => return fail(&i[p..], "unterminated /* comment"),
            },
            _ => break,
        }
    }
    Ok((&i[p..], ()))
}

/// Skips blanks and comments, ignoring an unterminated comment (used only
/// to position error messages).
pub(super) fn skip_ws_lenient(i: &str) -> &str {
    match ws(i) {
        Ok((r, _)) => r,
        Err(_) => i,
    }
}

/// Skips spaces and tabs only (not newlines).
pub(super) fn sp(i: &str) -> &str {
    i.trim_start_matches([' ', '\t', '\r'])
}

pub(super) fn peek(i: &str) -> Option<char> {
    i.chars().next()
}

/// Expects the character `c` (after blanks) and consumes it, or fails with
/// `expected 'c'`.
pub(super) fn expect_char<'a>(i: &'a str, c: char, what: &'static str) -> R<'a, ()> {
    let (i, _) = ws(i)?;
    match char::<_, PErr>(c)(i) {
        Ok((r, _)) => Ok((r, ())),
        Err(_) => expected(i, what),
    }
}

/// An identifier `[a-zA-Z_$][a-zA-Z0-9_$]*` (no `%`).
pub(super) fn ident(i: &str) -> R<'_, &str> {
    recognize(pair(take_while_m_n(1, 1, is_id_start), take_while(is_id_char)))(i)
}

/// A name that may start with `%` (variables and parameters may be named
/// like registers).
pub(super) fn name(i: &str) -> R<'_, &str> {
    if i.starts_with('%') {
        recognize(pair(char('%'), take_while1(is_id_char)))(i)
    } else {
        ident(i)
    }
}

/// A register `%name`, with a `.x/.y/.z/.w` component kept for special
/// registers (`%tid.x`).
pub(super) fn register(i: &str) -> R<'_, &str> {
    let (rest, _) = recognize(pair(char('%'), take_while1(is_id_char)))(i)?;
    let b = rest.as_bytes();
    if b.len() >= 2
        && b[0] == b'.'
        && matches!(b[1], b'x' | b'y' | b'z' | b'w')
        && !b.get(2).is_some_and(|&c| is_id_char(c as char))
    {
        let len = i.len() - rest.len() + 2;
        return Ok((&i[len..], &i[..len]));
    }
    let len = i.len() - rest.len();
    Ok((rest, &i[..len]))
}

/// A word of a dotted name: `[a-zA-Z0-9_]+` with `::` joins (`shared::cta`).
pub(super) fn word(i: &str) -> R<'_, &str> {
    let (mut rest, _) = take_while1(is_word_char)(i)?;
    while rest.starts_with("::") {
        match take_while1::<_, _, PErr>(is_word_char)(&rest[2..]) {
            Ok((r, _)) => rest = r,
            Err(_) => break,
        }
    }
    let len = i.len() - rest.len();
    Ok((rest, &i[..len]))
}

/// `.word`, returning `word`.
pub(super) fn dot_word(i: &str) -> R<'_, &str> {
    let (i, _) = char('.')(i)?;
    word(i)
}

/// The dot-word at `i` without consuming it.
pub(super) fn peek_dot_word(i: &str) -> Option<&str> {
    dot_word(i).ok().map(|(_, w)| w)
}

/// A double-quoted string; returns the contents (escapes kept as written).
pub(super) fn string(i: &str) -> R<'_, &str> {
    let (body, _) = char('"')(i)?;
    let b = body.as_bytes();
    let mut p = 0;
    while p < b.len() {
        match b[p] {
            b'\\' => p += 2,
            b'"' => return Ok((&body[p + 1..], &body[..p])),
            b'\n' => break,
            _ => p += 1,
        }
    }
    fail(i, "unterminated string literal")
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

pub(super) fn digits_value(s: &str, radix: u32) -> Option<u64> {
    let mut v: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(radix)? as u64;
        v = v.checked_mul(radix as u64)?.checked_add(d)?;
    }
    Some(v)
}

/// Ensures a literal is not directly followed by identifier characters.
pub(super) fn literal_end<'a>(start: &'a str, rest: &'a str) -> R<'a, ()> {
    match peek(rest) {
        Some(c) if is_id_char(c) || c == '.' => {
            fail(start, format!("invalid numeric literal {}", describe_token(start)))
        }
        _ => Ok((rest, ())),
    }
}

/// An unsigned integer literal: decimal, `0x` hex, `0b` binary, octal
/// (leading `0`), with an optional `U` suffix. Soft error if `i` does not
/// start with a digit.
pub(super) fn uint_lit(i: &str) -> R<'_, u64> {
    let b = i.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return soft(i);
    }
    let (rest, radix, digits) = if b[0] == b'0' && matches!(b.get(1), Some(b'x' | b'X')) {
        let (r, d) = take_while1(|c: char| c.is_ascii_hexdigit())(&i[2..])
            .or_else(|_: nom::Err<PErr>| fail(i, "expected hex digits after '0x'"))?;
        (r, 16, d)
    } else if b[0] == b'0' && matches!(b.get(1), Some(b'b' | b'B')) {
        let (r, d) = take_while1(|c: char| c == '0' || c == '1')(&i[2..])
            .or_else(|_: nom::Err<PErr>| fail(i, "expected binary digits after '0b'"))?;
        (r, 2, d)
    } else {
        let (r, d) = digit1(i)?;
        if d.len() > 1 && d.starts_with('0') {
            (r, 8, &d[1..])
        } else {
            (r, 10, d)
        }
    };
    let value = match digits_value(digits, radix) {
        Some(v) => v,
        None => return fail(i, format!("invalid or out-of-range integer literal {}", describe_token(i))),
    };
    let rest = rest.strip_prefix(['U', 'u']).unwrap_or(rest);
    let (rest, _) = literal_end(i, rest)?;
    Ok((rest, value))
}

/// A u32 literal (alignment, counts, directive arguments).
pub(super) fn u32_lit(i: &str) -> R<'_, u32> {
    let (r, v) = uint_lit(i)?;
    match u32::try_from(v) {
        Ok(v) => Ok((r, v)),
        Err(_) => fail(i, format!("value {} is too large", v)),
    }
}

/// An immediate operand or initialiser value (PTX ISA §4.5): integers in
/// any radix (optionally negative), `0f`/`0d` float bits, decimal floats.
/// Soft error if `i` does not start with `-` or a digit.
pub(super) fn immediate(i: &str) -> R<'_, Immediate> {
    let (j, neg) = opt(char('-'))(i)?;
    let b = j.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return soft(i);
    }
    // 0fXXXXXXXX and 0dXXXXXXXXXXXXXXXX.
    if b[0] == b'0' && matches!(b.get(1), Some(b'f' | b'F' | b'd' | b'D')) {
        let f32_form = matches!(b[1], b'f' | b'F');
        let n = if f32_form { 8 } else { 16 };
        let (rest, hex) = take_while(|c: char| c.is_ascii_hexdigit())(&j[2..])?;
        if hex.len() != n {
            return fail(i, format!("{} literal needs exactly {} hex digits", if f32_form { "0f" } else { "0d" }, n));
        }
        let (rest, _) = literal_end(i, rest)?;
        let bits = u64::from_str_radix(hex, 16).unwrap_or(0);
        return Ok((
            rest,
            if f32_form {
                let bits = bits as u32;
                Immediate::F32(if neg.is_some() { bits ^ 0x8000_0000 } else { bits })
            } else {
                Immediate::F64(if neg.is_some() { bits ^ (1 << 63) } else { bits })
            },
        ));
    }
    // Decimal floating literal: digits followed by `.digit` or an exponent.
    if !(b[0] == b'0' && matches!(b.get(1), Some(b'x' | b'X' | b'b' | b'B'))) {
        let (after, _) = digit1(j)?;
        let ab = after.as_bytes();
        let is_frac = ab.first() == Some(&b'.') && ab.get(1).is_some_and(u8::is_ascii_digit);
        let is_exp = matches!(ab.first(), Some(b'e' | b'E'))
            && (ab.get(1).is_some_and(u8::is_ascii_digit)
                || (matches!(ab.get(1), Some(b'+' | b'-')) && ab.get(2).is_some_and(u8::is_ascii_digit)));
        if is_frac || is_exp {
            let mut rest = after;
            if is_frac {
                rest = digit1(&rest[1..])?.0;
            }
            if matches!(rest.as_bytes().first(), Some(b'e' | b'E')) {
                let e = &rest[1..];
                let e = e.strip_prefix(['+', '-']).unwrap_or(e);
                if let Ok((r, _)) = digit1::<_, PErr>(e) {
                    rest = r;
                }
            }
            let text = &j[..j.len() - rest.len()];
            let (rest, _) = literal_end(i, rest)?;
            let v: f64 = match text.parse() {
                Ok(v) => v,
                Err(_) => return fail(i, "invalid floating-point literal"),
            };
            let v = if neg.is_some() { -v } else { v };
            return Ok((rest, Immediate::F64(v.to_bits())));
        }
    }
    let (rest, v) = uint_lit(j)?;
    let v = if neg.is_some() { (v as i64).wrapping_neg() } else { v as i64 };
    Ok((rest, Immediate::Int(v)))
}

/// A signed integer (for `+off`, `-off`).
pub(super) fn int_lit(i: &str) -> R<'_, i64> {
    match immediate(i)? {
        (r, Immediate::Int(v)) => Ok((r, v)),
        _ => fail(i, "expected an integer offset"),
    }
}

/// Optional `+ N` / `- N` / `+ -N` suffix (symbol offsets).
pub(super) fn offset_suffix(i: &str) -> R<'_, i64> {
    let (j, _) = ws(i)?;
    let sign = match peek(j) {
        Some('+') => 1i64,
        Some('-') => -1i64,
        _ => return Ok((i, 0)),
    };
    let (j, _) = ws(&j[1..])?;
    let (j, v) = match int_lit(j) {
        Ok(x) => x,
        Err(nom::Err::Error(_)) => return expected(j, "an integer offset"),
        Err(e) => return Err(e),
    };
    Ok((j, v.wrapping_mul(sign)))
}
