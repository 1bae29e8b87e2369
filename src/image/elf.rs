//! ELF images: a cubin (`e_machine` = `EM_CUDA`, SASS only, which the
//! emulator cannot run) or a host executable or shared object whose
//! `.nv_fatbin` section holds the program's fatbinaries (concatenated, each
//! possibly padded to 8 bytes). Parsed with `goblin`; the extent of an image
//! given by pointer comes from its ELF header and section headers.

use super::fatbin::{self, HEADER_SIZE};
use super::{invalid, le16, le32, le64, ImageError, Ptx, FATBIN_MAGIC, MAX_IMAGE};
use goblin::elf::Elf;

/// `e_machine` of a cubin.
pub const EM_CUDA: u16 = 190;
const SHT_NOBITS: u32 = 8;
const EHDR_SIZE: usize = 64;
const SHDR_SIZE: usize = 64;

/// Length in bytes of the 64-bit little-endian ELF image at `p`, from its
/// headers: the furthest end of the ELF header, program headers, section
/// headers and every section with file contents.
///
/// # Safety
/// `p` must point to an ELF image as long as its headers say.
pub unsafe fn extent_at(p: *const u8) -> Result<usize, ImageError> {
    // SAFETY: an ELF image starts with its ELF header (64 bytes for ELF64;
    // class and encoding are in the first 16, checked before reading on).
    let ident = unsafe { std::slice::from_raw_parts(p, 16) };
    if ident[4] != 2 || ident[5] != 1 {
        return invalid("ELF image is not 64-bit little-endian");
    }
    // SAFETY: ELF64 header.
    let eh = unsafe { std::slice::from_raw_parts(p, EHDR_SIZE) };
    let phoff = le64(eh, 0x20).unwrap_or(0);
    let shoff = le64(eh, 0x28).unwrap_or(0);
    let phentsize = le16(eh, 0x36).unwrap_or(0) as u64;
    let phnum = le16(eh, 0x38).unwrap_or(0) as u64;
    let shentsize = le16(eh, 0x3a).unwrap_or(0) as u64;
    let shnum = le16(eh, 0x3c).unwrap_or(0) as u64;
    let too_big = || invalid(format!("ELF image headers promise more than {MAX_IMAGE} bytes"));
    let span = |off: u64, n: u64, size: u64| n.checked_mul(size).and_then(|b| off.checked_add(b));
    let mut end = EHDR_SIZE as u64;
    if phnum > 0 {
        end = end.max(span(phoff, phnum, phentsize).filter(|&e| e <= MAX_IMAGE).map_or_else(too_big, Ok)?);
    }
    if shnum > 0 {
        if shentsize != SHDR_SIZE as u64 {
            return invalid(format!("ELF section header size {shentsize}, expected {SHDR_SIZE}"));
        }
        let sh_end = span(shoff, shnum, shentsize).filter(|&e| e <= MAX_IMAGE).map_or_else(too_big, Ok)?;
        end = end.max(sh_end);
        super::checked_len(p, sh_end, "the ELF image")?;
        // SAFETY: the ELF header promises the section headers up to sh_end.
        let shdrs = unsafe { std::slice::from_raw_parts(p.add(shoff as usize), (sh_end - shoff) as usize) };
        for s in shdrs.chunks_exact(SHDR_SIZE) {
            if le32(s, 4) == Some(SHT_NOBITS) {
                continue;
            }
            let (off, size) = (le64(s, 0x18).unwrap_or(0), le64(s, 0x20).unwrap_or(0));
            end = end.max(off.checked_add(size).filter(|&e| e <= MAX_IMAGE).map_or_else(too_big, Ok)?);
        }
    }
    super::checked_len(p, end, "the ELF image")
}

/// The best PTX in an ELF image (`bytes` is the whole image).
pub fn ptx_from_elf(bytes: &[u8], device_sm: u32) -> Result<Ptx, ImageError> {
    if le16(bytes, 0x12) == Some(EM_CUDA) {
        return Err(ImageError::NoBinaryForGpu(format!(
            "the image is a cubin (SASS for sm_{}), and softcuda runs PTX: load the PTX instead \
             (nvcc -ptx), or embed it with -gencode arch=compute_{device_sm},code=compute_{device_sm}",
            cubin_sm(bytes)
        )));
    }
    // goblin is not promised panic-free on hostile input.
    let parsed = std::panic::catch_unwind(|| match Elf::parse(bytes) {
        Ok(elf) => {
            let sec = elf.section_headers.iter().find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".nv_fatbin"));
            Ok(sec.map(|s| (s.sh_offset, s.sh_size, s.sh_type)))
        }
        Err(e) => Err(e.to_string()),
    });
    let sec = match parsed {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return invalid(format!("malformed ELF image: {e}")),
        Err(_) => return invalid("malformed ELF image"),
    };
    let Some((off, size, ty)) = sec else {
        return invalid("the ELF image has no device code (no .nv_fatbin section)");
    };
    if ty == SHT_NOBITS {
        return invalid("the ELF image's .nv_fatbin section has no contents");
    }
    let section =
        off.checked_add(size).and_then(|end| bytes.get(usize::try_from(off).ok()?..usize::try_from(end).ok()?));
    let Some(section) = section else { return invalid(".nv_fatbin section lies outside the ELF image") };
    let fatbins = split_fatbins(section)?;
    // The first fatbinary with usable PTX (a whole-program build's first one
    // is the link stub, SASS only); errors from the last one otherwise.
    let mut err = None;
    for fb in fatbins {
        match fatbin::select_ptx(&[fb], device_sm) {
            Ok(p) => return Ok(Ptx { container: super::Container::Elf, ..p }),
            Err(e @ ImageError::Invalid(_)) => return Err(e),
            // A NOT_SUPPORTED reason says more than "no PTX" of a link stub.
            Err(e) => {
                if !matches!(err, Some(ImageError::NotSupported(_))) {
                    err = Some(e);
                }
            }
        }
    }
    Err(err.unwrap_or_else(|| ImageError::Invalid("the .nv_fatbin section holds no fatbinary".into())))
}

/// The concatenated fatbinaries of a `.nv_fatbin` section (zero padding
/// between them skipped).
pub fn split_fatbins(section: &[u8]) -> Result<Vec<&[u8]>, ImageError> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + HEADER_SIZE <= section.len() {
        if le32(section, at) != Some(FATBIN_MAGIC) {
            if section[at..].iter().take(8).all(|&b| b == 0) {
                at += 8 - at % 8;
                continue;
            }
            return invalid(format!("garbage in .nv_fatbin at offset {at}"));
        }
        let len = fatbin::extent(&section[at..])?;
        let Some(fb) = at.checked_add(len).and_then(|end| section.get(at..end)) else {
            return invalid(format!("fatbinary at offset {at} of .nv_fatbin runs past the section"));
        };
        out.push(fb);
        at += len;
    }
    Ok(out)
}

/// The SM of a cubin (`e_flags` bits 8..16 in CUDA ≥ 12 ELF ABI; low byte
/// in older ones), for messages.
fn cubin_sm(bytes: &[u8]) -> u32 {
    let flags = le32(bytes, 0x30).unwrap_or(0);
    let hi = (flags >> 8) & 0xff;
    if hi != 0 {
        hi
    } else {
        flags & 0xff
    }
}
