//! PTX front end: text → AST with source positions and diagnostics, and the
//! kernel signature (parameter layout) of each `.entry`. Knows nothing of
//! execution.

pub mod ast;
pub mod link;
mod parser;
mod signature;

pub use ast::*;
pub use signature::{KernelSignature, ParamLayout};

/// A syntax error with its 1-based position in the PTX text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ptx input, line {}, column {}: error: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a whole PTX module (`.version`, `.target`, `.address_size`,
/// variables, `.entry`/`.func`). NUL bytes at the end (as in fatbinary
/// payloads) are ignored. Errors name the line and column of the first
/// problem.
pub fn parse(text: &str) -> Result<Module, ParseError> {
    parser::parse_module(text)
}

/// The parameter layout of an entry's `.param` list (PTX ISA §5.1.6.1):
/// each parameter's offset is aligned to its `.align` (or natural alignment),
/// and the total size is the end of the last one.
pub fn signature(func: &Function) -> KernelSignature {
    signature::layout(func)
}
