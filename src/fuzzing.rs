//! Entry points for coverage-guided fuzzing: one function per target of
//! `fuzz/` (`cargo +nightly fuzz run <target>`), each taking arbitrary bytes
//! and running the same code the driver runs on untrusted input. The
//! regression test (`tests/fuzz_regressions.rs`) calls the same functions on
//! every saved finding and seed, on stable Rust.
//!
//! Each function returns an error for input the driver refuses and must
//! never panic, hang or read outside the bytes it was given. Pointers handed
//! to the library always point into memory this module owns and is as long
//! as the driver API contract requires: the fuzzing exercises the library's
//! checks, not a caller that passes wild pointers (which crashes the real
//! driver too).

use crate::driver::module::{image_ptx_all, Image};
use crate::emu;
use crate::image::{elf, fatbin, ELF_MAGIC, FATBIN_MAGIC, WRAPPER_MAGIC};
use crate::memory::AddressSpace;
use std::ffi::c_void;

/// Owner id of the module variables the fuzz loads allocate (any non-zero
/// value: the address space is private to one call).
const OWNER: usize = 1;
/// Most PTX texts the `ptx` target links together.
const MAX_TEXTS: usize = 4;
/// Most fatbinaries the `image` target lists in a v2 wrapper.
const MAX_RELFATBINS: usize = 8;
/// Largest buffer the `params` target allocates to stand for a caller's
/// argument memory.
const MAX_ARG_BYTES: usize = 1 << 20;

/// Loads PTX texts as the driver's module load does (`emu::load_module` for
/// one translation unit, `emu::load_linked` for several), in an address
/// space of their own that is dropped afterwards.
fn load(texts: &[String]) -> Result<emu::LoadedModule, String> {
    let mut space = AddressSpace::default();
    match texts {
        [one] => emu::load_module(one, &mut space, OWNER),
        _ => emu::load_linked(texts, &mut space, OWNER),
    }
    .map_err(|e| e.to_string())
}

/// PTX text (decoded lossily from UTF-8) through the parser and the
/// lowering, as `cuModuleLoadData` loads PTX. A NUL byte separates
/// translation units: several are linked (`cuLinkComplete`), at most
/// [`MAX_TEXTS`].
///
/// # Errors
/// The load error's message (parse, lowering, version or layout error).
pub fn ptx(data: &[u8]) -> Result<(), String> {
    let texts: Vec<String> =
        data.split(|&b| b == 0).take(MAX_TEXTS).map(|t| String::from_utf8_lossy(t).into_owned()).collect();
    load(&texts).map(|_| ())
}

/// An image through the driver's image loader (`cuModuleLoad`'s byte path
/// and, where the image's headers keep it inside `data`,
/// `cuModuleLoadData`'s pointer path; fatbinary wrappers v1 and v2 built
/// around the fatbinaries found in `data`), then every PTX found through
/// the parser and the lowering.
///
/// # Errors
/// The message of the byte path's image or load error.
pub fn image(data: &[u8]) -> Result<(), String> {
    let by_bytes = image_load(Image::Bytes(data));

    // The pointer path reads as far as the image's headers say, so give it
    // only images whose headers stay inside the buffer. A NUL after the data
    // ends PTX text.
    let mut owned = data.to_vec();
    owned.push(0);
    if ptr_image_fits(&owned) {
        let _ = image_load(Image::Ptr(owned.as_ptr().cast()));
    }

    // Wrappers (what libcudart registers) around the fatbinaries that lie
    // back to back (8-byte aligned) at the start of `data`.
    let fatbins = fatbins_in(data);
    if let Some(first) = fatbins.first() {
        let v1 = wrapper(1, first.as_ptr(), std::ptr::null());
        let _ = image_load(Image::Ptr(v1.as_ptr().cast()));
        let mut list: Vec<*const u8> = fatbins.iter().map(|f| f.as_ptr()).collect();
        list.push(std::ptr::null());
        let v2 = wrapper(2, first.as_ptr(), list.as_ptr());
        let _ = image_load(Image::Ptr(v2.as_ptr().cast()));
    }
    by_bytes
}

/// The driver's image-to-PTX step and the load of what it finds.
fn image_load(image: Image<'_>) -> Result<(), String> {
    // SAFETY: callers pass byte slices, or pointers to images (and wrappers
    // pointing to fatbinaries) that this module owns and has checked lie
    // within their buffers as far as their headers say.
    let texts = unsafe { image_ptx_all(image) }.map_err(|(code, msg)| format!("CUresult {code}: {msg}"))?;
    load(&texts).map(|_| ())
}

/// Whether `image_ptx_all(Image::Ptr)` reads only inside `buf` (which ends
/// with a NUL): text stops at a NUL; a fatbinary and an ELF image must lie
/// within `buf` as far as their headers say; a wrapper's pointers are not
/// ours to follow.
fn ptr_image_fits(buf: &[u8]) -> bool {
    let magic = buf.get(..4).map(|m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]));
    match magic {
        Some(FATBIN_MAGIC) => fatbin::extent(buf).is_ok_and(|n| n <= buf.len()),
        Some(WRAPPER_MAGIC) => false,
        Some(ELF_MAGIC) => elf_fits(buf),
        _ => true,
    }
}

/// Whether the ELF image at the start of `buf` lies within it as far as its
/// headers say (`elf::extent_at` reads the ELF header and the section
/// headers, then every section with contents is read).
fn elf_fits(buf: &[u8]) -> bool {
    if buf.len() < 64 {
        return false;
    }
    if buf[4] != 2 || buf[5] != 1 {
        // Refused after reading the 16-byte identification.
        return true;
    }
    let u64_at = |at: usize| u64::from_le_bytes(buf[at..at + 8].try_into().unwrap_or([0; 8]));
    let u16_at = |at: usize| u64::from(u16::from_le_bytes([buf[at], buf[at + 1]]));
    let (shoff, shentsize, shnum) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c));
    if shnum > 0 && shentsize == 64 {
        let fits = shnum.checked_mul(64).and_then(|b| b.checked_add(shoff)).is_some_and(|e| e <= buf.len() as u64);
        if !fits {
            return false;
        }
    }
    // SAFETY: the ELF header (64 bytes) and the section headers it names lie
    // within `buf`; that is all `extent_at` reads.
    match unsafe { elf::extent_at(buf.as_ptr()) } {
        Ok(n) => n <= buf.len(),
        // Refused from the headers alone.
        Err(_) => true,
    }
}

/// The fatbinaries lying back to back at the start of `data`, each starting
/// 8-byte aligned relative to the first, at most [`MAX_RELFATBINS`].
fn fatbins_in(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while out.len() < MAX_RELFATBINS {
        let Some(rest) = data.get(at..) else { break };
        let Ok(n) = fatbin::extent(rest) else { break };
        let Some(fb) = rest.get(..n) else { break };
        out.push(fb);
        at = at.saturating_add(n.next_multiple_of(8));
    }
    out
}

/// A fatbinary wrapper record (`u32 magic, u32 version, u64 fatbin, u64
/// relocatable fatbinary list`).
fn wrapper(version: u32, fatbin: *const u8, list: *const *const u8) -> [u64; 3] {
    [u64::from(WRAPPER_MAGIC) | (u64::from(version) << 32), fatbin as u64, list as u64]
}

/// Reads fuzz bytes front to back; zeros once they run out.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u64(&mut self, bytes: usize) -> u64 {
        (0..bytes).fold(0u64, |v, i| v | (u64::from(self.u8()) << (8 * i)))
    }
}

/// Kernel-parameter marshalling (`cuLaunchKernel`'s `kernelParams` and
/// `extra`): the fuzz bytes choose a kernel signature (parameter types,
/// `.align`, array lengths), which is loaded as a PTX `.entry` like any
/// module, then a `kernelParams` array and/or an `extra` array
/// (`CU_LAUNCH_PARAM_BUFFER_POINTER` / `_SIZE` / `_END` and invalid keys)
/// are handed to the driver's parameter-buffer builder. Panics if the
/// loaded signature places a parameter outside its total size (what the
/// builder's copies rely on).
///
/// # Errors
/// The load error, or the `CUresult` the builder returned.
pub fn params(data: &[u8]) -> Result<(), String> {
    const TYPES: [&str; 16] = [
        ".u8", ".s8", ".b8", ".u16", ".s16", ".b16", ".f16", ".u32", ".s32", ".b32", ".f32", ".u64", ".s64", ".b64",
        ".f64", ".b128",
    ];
    let mut r = Reader(data);
    let mode = r.u8();
    let n = r.u8() % 10;
    let mut decls = Vec::new();
    for i in 0..n {
        let ty = TYPES[usize::from(r.u8() % 16)];
        let align = match r.u8() % 4 {
            0 => format!(".align {} ", 1u64 << (r.u8() % 10)),
            1 => format!(".align {} ", r.u64(4)),
            _ => String::new(),
        };
        let array = match r.u8() % 5 {
            0 => format!("[{}]", r.u8()),
            1 => format!("[{}]", r.u64(2)),
            2 => format!("[{}]", r.u64(8)),
            _ => String::new(),
        };
        decls.push(format!(".param {align}{ty} p{i}{array}"));
    }
    let text = format!(
        ".version 8.0\n.target sm_80\n.address_size 64\n.visible .entry k({})\n{{\nret;\n}}\n",
        decls.join(", ")
    );
    let module = load(&[text])?;
    let Some(kernel) = module.kernels.get("k") else { return Err("no kernel".into()) };
    let sig = &kernel.signature;
    for p in &sig.params {
        let end = u64::from(p.offset) + u64::from(p.size);
        assert!(
            end <= u64::from(sig.total_size),
            "parameter {} at {}+{} lies outside the {}-byte parameter buffer",
            p.name,
            p.offset,
            p.size,
            sig.total_size
        );
    }

    // kernelParams: one pointer per parameter, each to a value of the
    // parameter's size (some NULL, as the fuzz bytes say).
    let null_mask = r.u64(2);
    let values: Vec<Vec<u8>> = sig.params.iter().map(|p| vec![0xA5; (p.size as usize).min(MAX_ARG_BYTES)]).collect();
    let fits = sig.params.iter().all(|p| p.size as usize <= MAX_ARG_BYTES);
    let mut kernel_params: Vec<*mut c_void> = values
        .iter()
        .enumerate()
        .map(|(i, v)| if null_mask >> (i % 64) & 1 == 1 { std::ptr::null_mut() } else { v.as_ptr() as *mut c_void })
        .collect();
    // A kernel without parameters may still get a (non-NULL) array.
    kernel_params.push(std::ptr::null_mut());

    // extra: key/value pairs from the fuzz bytes, always END-terminated.
    let mut sizes: Vec<Box<usize>> = Vec::new();
    let mut pairs: Vec<(usize, u8)> = Vec::new();
    let pair_count = usize::from(r.u8() % 72);
    for _ in 0..pair_count {
        let key = match r.u8() % 8 {
            0 => 0,
            1..=3 => 1,
            4..=6 => 2,
            _ => 3 + usize::from(r.u8()),
        };
        let value = r.u8();
        if key == 2 && value % 8 != 0 {
            let size = match value % 4 {
                0 => usize::from(r.u8()),
                1 => r.u64(2) as usize,
                2 => sig.total_size as usize,
                _ => r.u64(8) as usize,
            };
            sizes.push(Box::new(size));
        }
        pairs.push((key, value));
    }
    // The caller's buffer holds as many bytes as the largest size it gives.
    let largest = sizes.iter().map(|s| **s).max().unwrap_or(0);
    let buffer = vec![0x5Au8; largest.clamp(1, MAX_ARG_BYTES)];
    let buffer_fits = sizes.iter().all(|s| **s <= MAX_ARG_BYTES || **s > sig.total_size as usize);
    let mut extra: Vec<*mut c_void> = Vec::new();
    let mut next_size = sizes.iter();
    for &(key, value) in &pairs {
        extra.push(key as *mut c_void);
        let v: *mut c_void = match key {
            1 if value % 8 != 0 => buffer.as_ptr() as *mut c_void,
            2 if value % 8 != 0 => {
                next_size.next().map_or(std::ptr::null_mut(), |s| &**s as *const usize as *mut c_void)
            }
            _ => std::ptr::null_mut(),
        };
        extra.push(v);
    }
    extra.push(std::ptr::null_mut());
    extra.push(std::ptr::null_mut());

    let params_ptr = if mode & 1 == 1 && fits { kernel_params.as_mut_ptr() } else { std::ptr::null_mut() };
    let extra_ptr = if mode & 2 == 2 && buffer_fits { extra.as_mut_ptr() } else { std::ptr::null_mut() };
    // `params_ptr` is NULL or holds one pointer per parameter, each NULL or
    // to `size` bytes; `extra_ptr` is NULL or an END-terminated key/value
    // array whose buffer pointers hold as many bytes as any size it gives,
    // or more than the signature's total (refused before copying), and whose
    // size pointers point to `usize`s. All outlive the call.
    // SAFETY: the pointer contract of `param_buffer`, as just described.
    let built = unsafe { crate::driver::launch::param_buffer(sig, params_ptr, extra_ptr) };
    match built {
        Ok(buf) if buf.len() == sig.total_size as usize => Ok(()),
        Ok(buf) => panic!("parameter buffer of {} bytes for a {}-byte signature", buf.len(), sig.total_size),
        Err(e) => Err(format!("CUresult {}", e.0)),
    }
}
