//! Device `printf` (`vprintf(fmt, args)`, CUDA C Programming Guide
//! "Formatted Output"): the format string is read from device memory, the
//! arguments from the packed buffer the kernel built (each argument aligned
//! to its size; `float` arrives promoted to `double`, strings as 64-bit
//! pointers), and each conversion is formatted by the host C library, as the
//! real driver does when it prints the device's printf buffer.

use std::ffi::{c_char, c_int, CString};

/// Longest string read for `%s` or the format, in bytes.
const MAX_STR: usize = 1 << 16;

/// Reads device memory for the formatter: `byte(addr)` → the byte, or
/// `None` for an invalid address.
pub trait DeviceReader {
    fn byte(&mut self, addr: u64) -> Option<u8>;
    fn word(&mut self, addr: u64, size: u32) -> Option<u64>;
}

/// Reads a NUL-terminated string (at most [`MAX_STR`] bytes).
pub fn read_cstr(r: &mut impl DeviceReader, addr: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..MAX_STR as u64 {
        let b = r.byte(addr.wrapping_add(i))?;
        if b == 0 {
            return Some(out);
        }
        out.push(b);
    }
    Some(out)
}

/// Formats one `printf` call. Returns the text and the number of arguments
/// it consumed (what device `printf` returns on the H100), or `None` if the
/// format or an argument could not be read. As on the H100, a conversion
/// with a `.*` precision is printed literally and consumes nothing.
pub fn format(r: &mut impl DeviceReader, fmt_addr: u64, args_addr: u64) -> Option<(Vec<u8>, u32)> {
    let fmt = read_cstr(r, fmt_addr)?;
    let mut out = Vec::new();
    let mut argp = args_addr;
    let mut consumed = 0u32;
    let mut next_arg = |r: &mut dyn FnMut(u64, u32) -> Option<u64>, size: u32| -> Option<u64> {
        argp = argp.div_ceil(size as u64) * size as u64;
        let v = r(argp, size)?;
        argp += size as u64;
        consumed += 1;
        Some(v)
    };
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        // Parse %[flags][width][.precision][length]conversion.
        let start = i;
        i += 1;
        if literal_star_precision(&fmt[i..]) {
            // Print the whole conversion as written.
            let mut j = i;
            while j < fmt.len() && !fmt[j].is_ascii_alphabetic() && fmt[j] != b'%' {
                j += 1;
            }
            while j < fmt.len() && b"hlLqjzt".contains(&fmt[j]) {
                j += 1;
            }
            let end = (j + 1).min(fmt.len());
            out.extend_from_slice(&fmt[start..end]);
            i = end;
            continue;
        }
        while i < fmt.len() && b"-+ #0'".contains(&fmt[i]) {
            i += 1;
        }
        let mut star_args = Vec::new();
        let mut spec_tail = |i: &mut usize, star_args: &mut Vec<i32>, r: &mut dyn DeviceReader| -> Option<()> {
            if *i < fmt.len() && fmt[*i] == b'*' {
                *i += 1;
                let v = next_arg(&mut |a, s| r.word(a, s), 4)? as u32 as i32;
                star_args.push(v);
            } else {
                while *i < fmt.len() && fmt[*i].is_ascii_digit() {
                    *i += 1;
                }
            }
            Some(())
        };
        spec_tail(&mut i, &mut star_args, r)?;
        if i < fmt.len() && fmt[i] == b'.' {
            i += 1;
            spec_tail(&mut i, &mut star_args, r)?;
        }
        let len_start = i;
        while i < fmt.len() && b"hlLqjzt".contains(&fmt[i]) {
            i += 1;
        }
        let length = &fmt[len_start..i];
        let Some(&conv) = fmt.get(i) else {
            out.extend_from_slice(&fmt[start..]);
            break;
        };
        i += 1;
        let spec = &fmt[start..i];
        let wide = length.iter().filter(|&&c| c == b'l').count() >= 1 || matches!(length, b"j" | b"z" | b"t" | b"q");
        let piece = match conv {
            b'%' => Some(b"%".to_vec()),
            b'd' | b'i' | b'u' | b'x' | b'X' | b'o' | b'c' => {
                let size = if wide { 8 } else { 4 };
                let v = next_arg(&mut |a, s| r.word(a, s), size)?;
                // Always pass a 64-bit value with an `ll` spec so the host
                // call's variadic ABI matches; narrow it as C would.
                let narrowed: i64 = match (length, conv) {
                    (b"hh", b'd' | b'i') => v as i8 as i64,
                    (b"hh", _) => v as u8 as i64,
                    (b"h", b'd' | b'i') => v as i16 as i64,
                    (b"h", _) => v as u16 as i64,
                    (_, b'd' | b'i') if !wide => v as i32 as i64,
                    (_, _) if !wide => v as u32 as i64,
                    _ => v as i64,
                };
                if conv == b'c' {
                    Some(c_format_int(
                        &[spec_base(spec, length), b"c".to_vec()].concat(),
                        &star_args,
                        narrowed as c_int as i64,
                        false,
                    ))
                } else {
                    Some(c_format_int(
                        &[spec_base(spec, length), b"ll".to_vec(), vec![conv]].concat(),
                        &star_args,
                        narrowed,
                        true,
                    ))
                }
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
                let v = f64::from_bits(next_arg(&mut |a, s| r.word(a, s), 8)?);
                Some(c_format_f64(&[spec_base(spec, length), vec![conv]].concat(), &star_args, v))
            }
            b's' => {
                let p = next_arg(&mut |a, s| r.word(a, s), 8)?;
                let s = if p == 0 { b"(null)".to_vec() } else { read_cstr(r, p)? };
                Some(c_format_str(&[spec_base(spec, length), b"s".to_vec()].concat(), &star_args, &s))
            }
            b'p' => {
                let p = next_arg(&mut |a, s| r.word(a, s), 8)?;
                Some(c_format_int(&[spec_base(spec, length), b"llx".to_vec()].concat(), &star_args, p as i64, true))
                    .map(|x| [b"0x".to_vec(), x].concat())
            }
            _ => Some(spec.to_vec()),
        };
        out.extend(piece?);
    }
    Some((out, consumed))
}

/// Whether the conversion starting after a `%` has a `.*` precision.
fn literal_star_precision(rest: &[u8]) -> bool {
    let mut i = 0;
    while i < rest.len() && (b"-+ #0'*".contains(&rest[i]) || rest[i].is_ascii_digit()) {
        i += 1;
    }
    rest.get(i) == Some(&b'.') && rest.get(i + 1) == Some(&b'*')
}

/// The spec without its length modifier and conversion.
fn spec_base(spec: &[u8], length: &[u8]) -> Vec<u8> {
    spec[..spec.len() - 1 - length.len()].to_vec()
}

fn with_stars(
    fmt: &[u8],
    stars: &[i32],
    call: impl Fn(*mut c_char, usize, *const c_char, i32, i32) -> c_int,
) -> Vec<u8> {
    let Ok(cfmt) = CString::new(fmt.to_vec()) else { return Vec::new() };
    let (a, b) = (stars.first().copied().unwrap_or(0), stars.get(1).copied().unwrap_or(0));
    let n = call(std::ptr::null_mut(), 0, cfmt.as_ptr(), a, b);
    if n < 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; n as usize + 1];
    call(buf.as_mut_ptr() as *mut c_char, buf.len(), cfmt.as_ptr(), a, b);
    buf.truncate(n as usize);
    buf
}

/// Formats one integer conversion; `ll` says the spec has the `ll` length
/// (a 64-bit argument), otherwise it takes an `int` (`%c`).
fn c_format_int(fmt: &[u8], stars: &[i32], v: i64, ll: bool) -> Vec<u8> {
    if !ll {
        let c = v as c_int;
        return with_stars(fmt, stars, |buf, len, f, a, b| match stars.len() {
            // SAFETY: one `int` conversion (`%…c`) after `stars.len()` `*`
            // fields; the arguments match; buf/len describe a writable buffer
            // (or NULL/0 to measure).
            0 => unsafe { libc::snprintf(buf, len, f, c) },
            // SAFETY: as above, with one `*` argument.
            1 => unsafe { libc::snprintf(buf, len, f, a, c) },
            // SAFETY: as above, with two `*` arguments.
            _ => unsafe { libc::snprintf(buf, len, f, a, b, c) },
        });
    }
    with_stars(fmt, stars, |buf, len, f, a, b| match stars.len() {
        // One `long long` conversion (`%…lld` and friends) after
        // `stars.len()` `*` fields; buf/len describe a writable buffer.
        // SAFETY: `f` is NUL-terminated and the arguments match it.
        0 => unsafe { libc::snprintf(buf, len, f, v) },
        // SAFETY: as above, with one `*` argument.
        1 => unsafe { libc::snprintf(buf, len, f, a, v) },
        // SAFETY: as above, with two `*` arguments.
        _ => unsafe { libc::snprintf(buf, len, f, a, b, v) },
    })
}

fn c_format_f64(fmt: &[u8], stars: &[i32], v: f64) -> Vec<u8> {
    with_stars(fmt, stars, |buf, len, f, a, b| match stars.len() {
        // SAFETY: one floating conversion, argument a double; buffer as above.
        0 => unsafe { libc::snprintf(buf, len, f, v) },
        // SAFETY: as above, with one `*` argument.
        1 => unsafe { libc::snprintf(buf, len, f, a, v) },
        // SAFETY: as above, with two `*` arguments.
        _ => unsafe { libc::snprintf(buf, len, f, a, b, v) },
    })
}

fn c_format_str(fmt: &[u8], stars: &[i32], s: &[u8]) -> Vec<u8> {
    let Ok(cs) = CString::new(s.iter().copied().filter(|&c| c != 0).collect::<Vec<u8>>()) else { return Vec::new() };
    with_stars(fmt, stars, |buf, len, f, a, b| match stars.len() {
        // SAFETY: one `%s` conversion, argument a NUL-terminated string that
        // outlives the call; buffer as above.
        0 => unsafe { libc::snprintf(buf, len, f, cs.as_ptr()) },
        // SAFETY: as above, with one `*` argument.
        1 => unsafe { libc::snprintf(buf, len, f, a, cs.as_ptr()) },
        // SAFETY: as above, with two `*` arguments.
        _ => unsafe { libc::snprintf(buf, len, f, a, b, cs.as_ptr()) },
    })
}

/// Writes device output to the process's C `stdout` stream (so it stays in
/// order with the program's own `printf` output) and flushes it.
pub fn emit(text: &[u8]) {
    if text.is_empty() {
        return;
    }
    extern "C" {
        static mut stdout: *mut libc::FILE;
    }
    // SAFETY: glibc's `stdout` is a valid FILE* for the life of the process;
    // fwrite/fflush lock the stream; `text` is a live byte slice.
    unsafe {
        let out = stdout;
        libc::fwrite(text.as_ptr() as *const libc::c_void, 1, text.len(), out);
        libc::fflush(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flat memory: address = index.
    struct Mem(Vec<u8>);
    impl DeviceReader for Mem {
        fn byte(&mut self, a: u64) -> Option<u8> {
            self.0.get(a as usize).copied()
        }
        fn word(&mut self, a: u64, size: u32) -> Option<u64> {
            let s = self.0.get(a as usize..a as usize + size as usize)?;
            let mut b = [0u8; 8];
            b[..size as usize].copy_from_slice(s);
            Some(u64::from_le_bytes(b))
        }
    }

    fn run(fmt: &str, args: &[(u32, u64)], strings: &[&str]) -> String {
        let mut mem = vec![0u8; 4096];
        mem[..fmt.len()].copy_from_slice(fmt.as_bytes());
        let mut sp = 2048;
        let mut string_addrs = Vec::new();
        for s in strings {
            mem[sp..sp + s.len()].copy_from_slice(s.as_bytes());
            string_addrs.push(sp as u64);
            sp += s.len() + 1;
        }
        let mut p = 1024usize;
        for &(size, v) in args {
            let v = if size == 0 { string_addrs[v as usize] } else { v };
            let size = if size == 0 { 8 } else { size } as usize;
            p = p.div_ceil(size) * size;
            mem[p..p + size].copy_from_slice(&v.to_le_bytes()[..size]);
            p += size;
        }
        String::from_utf8(format(&mut Mem(mem), 0, 1024).expect("formats").0).expect("utf8")
    }

    #[test]
    fn conversions_match_c() {
        assert_eq!(run("x=%d y=%u %%\n", &[(4, (-5i32) as u32 as u64), (4, 7)], &[]), "x=-5 y=7 %\n");
        assert_eq!(
            run("%5.2f|%-4x|%08.3e", &[(8, 12.3456f64.to_bits()), (4, 255), (8, 1234.5f64.to_bits())], &[]),
            "12.35|ff  |1.234e+03"
        );
        assert_eq!(run("%lld %llx", &[(8, (-2i64) as u64), (8, 0xdead_beef_cafe)], &[]), "-2 deadbeefcafe");
        assert_eq!(run("[%s] [%10s]", &[(0, 0), (0, 1)], &["hi", "there"]), "[hi] [     there]");
        assert_eq!(run("%c%c %*d", &[(4, 65), (4, 66), (4, 6), (4, 42)], &[]), "AB     42");
        assert_eq!(run("%hhd %hu", &[(4, 0x1ff), (4, 0x1_0001)], &[]), "-1 1");
        // As on the H100: a `.*` precision is printed literally, consuming nothing.
        assert_eq!(run("[%*d][%.*f][%*.*f][%d]", &[(4, 4), (4, 7), (4, 9)], &[]), "[   7][%.*f][%*.*f][9]");
    }
}
