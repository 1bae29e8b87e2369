//! Device-code containers: finds the PTX to run in whatever image a program
//! hands to `cuModuleLoadData(Ex)`, `cuModuleLoadFatBinary` or
//! `cuLibraryLoadData` — PTX text, a fatbinary (magic `0xBA55ED50`), a
//! fatbinary wrapper (`0x466243B1`, v1 and v2; what libcudart passes), an
//! ELF host executable carrying a `.nv_fatbin` section, or a cubin — and
//! picks the best PTX for the device (the highest PTX SM not above it).
//!
//! Layouts: `../shared/notes/cuda-binary-interfaces.md` §1 (observed on nvcc
//! 13.5). An image given by pointer has no length: its extent is taken from
//! its headers (each bounds-checked and capped at [`MAX_IMAGE`]), and nothing
//! past what they promise is read. A malformed image is
//! [`ImageError::Invalid`], never a panic or an out-of-bounds read.
//!
//! This module knows nothing of the driver: the driver maps [`ImageError`]
//! to `CUresult`s (`CUDA_ERROR_INVALID_IMAGE`, `CUDA_ERROR_NO_BINARY_FOR_GPU`,
//! `CUDA_ERROR_NOT_SUPPORTED`).

pub mod elf;
pub mod fatbin;

use std::ffi::CStr;
use std::fmt;

/// First word of a fatbinary.
pub const FATBIN_MAGIC: u32 = 0xBA55_ED50;
/// First word of a fatbinary wrapper (`.nvFatBinSegment` record).
pub const WRAPPER_MAGIC: u32 = 0x4662_43B1;
/// First word of an ELF file (`\x7fELF`, little-endian).
pub const ELF_MAGIC: u32 = 0x464C_457F;
/// Largest image (or decompressed entry) accepted, in bytes: a header
/// promising more is taken as garbage.
pub const MAX_IMAGE: u64 = 1 << 31;
/// Most relocatable fatbinaries a v2 wrapper may list.
const MAX_RELFATBINS: usize = 4096;

/// Why no PTX came out of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not a recognised container, or a malformed one (`CUDA_ERROR_INVALID_IMAGE`).
    Invalid(String),
    /// A valid container without PTX the device can run (`CUDA_ERROR_NO_BINARY_FOR_GPU`).
    NoBinaryForGpu(String),
    /// A container this version cannot load yet (`CUDA_ERROR_NOT_SUPPORTED`).
    NotSupported(String),
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Invalid(m) | ImageError::NoBinaryForGpu(m) | ImageError::NotSupported(m) => f.write_str(m),
        }
    }
}

pub(crate) fn invalid<T>(msg: impl Into<String>) -> Result<T, ImageError> {
    Err(ImageError::Invalid(msg.into()))
}

/// What kind of container the PTX came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Text,
    Fatbin,
    Wrapper,
    Elf,
}

/// The PTX chosen from an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ptx {
    /// The PTX text (decompressed, without trailing NULs).
    pub text: String,
    /// The SM the PTX was built for (0 for plain text: not known).
    pub sm: u32,
    pub container: Container,
    /// The PTX of further translation units to link with `text`
    /// (`-rdc=true` wrappers listing several relocatable fatbinaries).
    pub more: Vec<String>,
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

/// Checks that `len` bytes from `p` stay within the limits and the address
/// space, as a `usize`.
fn checked_len(p: *const u8, len: u64, what: &str) -> Result<usize, ImageError> {
    if len > MAX_IMAGE {
        return invalid(format!("{what} claims {len} bytes, more than the {MAX_IMAGE}-byte limit"));
    }
    let len = len as usize;
    if (p as usize).checked_add(len).is_none() {
        return invalid(format!("{what} extends past the end of the address space"));
    }
    Ok(len)
}

/// `len` bytes at `p`.
///
/// # Safety
/// `p` must be valid for reads of `len` bytes for `'a`.
unsafe fn bytes_at<'a>(p: *const u8, len: usize) -> &'a [u8] {
    // SAFETY: by the caller's contract.
    unsafe { std::slice::from_raw_parts(p, len) }
}

/// The bytes of an image given by pointer, as far as its own headers say:
/// a fatbinary, an ELF image, or PTX text (up to its NUL); None for a
/// fatbinary wrapper (it holds pointers, not the image) or a malformed one.
///
/// # Safety
/// As [`ptx_from_ptr`].
pub unsafe fn image_bytes<'a>(image: *const u8) -> Option<&'a [u8]> {
    if image.is_null() {
        return None;
    }
    // SAFETY: as in ptx_from_ptr: read the first bytes one at a time until a NUL.
    let short_text = (0..4).any(|i| unsafe { *image.add(i) } == 0);
    if !short_text {
        // SAFETY: the first 4 bytes are part of the image.
        let magic = u32::from_le_bytes(unsafe { bytes_at(image, 4) }.try_into().unwrap_or([0; 4]));
        match magic {
            // SAFETY: forwarded caller contract.
            FATBIN_MAGIC => return unsafe { fatbin_at(image, "fatbinary") }.ok(),
            WRAPPER_MAGIC => return None,
            ELF_MAGIC => {
                // SAFETY: forwarded caller contract.
                let len = unsafe { elf::extent_at(image) }.ok()?;
                // SAFETY: the ELF headers promise `len` bytes.
                return Some(unsafe { bytes_at(image, len) });
            }
            _ => {}
        }
    }
    // SAFETY: anything else must be NUL-terminated text.
    Some(unsafe { CStr::from_ptr(image as *const std::ffi::c_char) }.to_bytes())
}

/// The PTX to run from an image given by pointer, for a device of SM
/// `device_sm` (e.g. 80).
///
/// # Safety
/// `image` must point to a container as the driver API accepts it: PTX text
/// (NUL-terminated), a fatbinary, a fatbinary wrapper or an ELF image, each
/// as long as its headers say (the pointers in a wrapper likewise).
pub unsafe fn ptx_from_ptr(image: *const u8, device_sm: u32) -> Result<Ptx, ImageError> {
    if image.is_null() {
        return invalid("the image pointer is NULL");
    }
    // SAFETY: every image is at least 4 bytes long (PTX text: a NUL within
    // them means the text is shorter, so read byte by byte first).
    let head = unsafe { bytes_at(image, 1) };
    if head[0] == 0 {
        return invalid("the image is empty");
    }
    // Text shorter than 4 bytes ends with a NUL in the first 4.
    // SAFETY: reading stops at the first NUL (the caller's contract for text).
    let short_text = (1..4).any(|i| unsafe { *image.add(i) } == 0);
    if !short_text {
        // SAFETY: the first 4 bytes are not NUL, so they are part of the image.
        let magic = u32::from_le_bytes(unsafe { bytes_at(image, 4) }.try_into().unwrap_or([0; 4]));
        match magic {
            FATBIN_MAGIC => {
                // SAFETY: forwarded caller contract.
                let fb = unsafe { fatbin_at(image, "fatbinary")? };
                return fatbin::select_ptx(&[fb], device_sm).map(|p| Ptx { container: Container::Fatbin, ..p });
            }
            WRAPPER_MAGIC => {
                // SAFETY: forwarded caller contract.
                return unsafe { from_wrapper(image, device_sm) };
            }
            ELF_MAGIC => {
                // SAFETY: forwarded caller contract.
                let len = unsafe { elf::extent_at(image)? };
                // SAFETY: the ELF headers promise `len` bytes.
                return elf::ptx_from_elf(unsafe { bytes_at(image, len) }, device_sm);
            }
            _ => {}
        }
    }
    // SAFETY: anything else must be NUL-terminated text.
    let text = unsafe { CStr::from_ptr(image as *const std::ffi::c_char) }.to_bytes();
    ptx_text(text)
}

/// The PTX to run from an image held in memory (a file's contents), for a
/// device of SM `device_sm`: as [`ptx_from_ptr`], never reading past `image`.
pub fn ptx_from_bytes(image: &[u8], device_sm: u32) -> Result<Ptx, ImageError> {
    match le32(image, 0) {
        Some(FATBIN_MAGIC) => {
            let len = fatbin::extent(image)?;
            let Some(fb) = image.get(..len) else {
                return invalid(format!("the fatbinary claims {len} bytes but the image holds {}", image.len()));
            };
            fatbin::select_ptx(&[fb], device_sm).map(|p| Ptx { container: Container::Fatbin, ..p })
        }
        Some(WRAPPER_MAGIC) => invalid("a fatbinary wrapper holds pointers and cannot be loaded from a file"),
        Some(ELF_MAGIC) => elf::ptx_from_elf(image, device_sm),
        _ => {
            let end = image.iter().position(|&b| b == 0).unwrap_or(image.len());
            ptx_text(&image[..end])
        }
    }
}

/// PTX text, checked to look like PTX.
fn ptx_text(bytes: &[u8]) -> Result<Ptx, ImageError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return invalid("the image is neither PTX text (not UTF-8) nor a fatbinary, fatbinary wrapper or ELF file");
    };
    if !text.contains(".version") && !text.contains(".entry") && !text.contains(".target") {
        return invalid("the image is neither PTX text nor a fatbinary, fatbinary wrapper or ELF file");
    }
    Ok(Ptx { text: text.to_string(), sm: 0, container: Container::Text, more: Vec::new() })
}

/// The fatbinary at `p` (header and entries), `what` naming it in errors.
///
/// # Safety
/// `p` must point to a fatbinary as long as its header says.
unsafe fn fatbin_at<'a>(p: *const u8, what: &str) -> Result<&'a [u8], ImageError> {
    // SAFETY: a fatbinary starts with its 16-byte header.
    let header = unsafe { bytes_at(p, fatbin::HEADER_SIZE) };
    if le32(header, 0) != Some(FATBIN_MAGIC) {
        return invalid(format!("{what} does not start with the fatbinary magic 0x{FATBIN_MAGIC:08X}"));
    }
    let len = fatbin::extent(header)?;
    let len = checked_len(p, len as u64, what)?;
    // SAFETY: the header promises `len` bytes.
    Ok(unsafe { bytes_at(p, len) })
}

/// A fatbinary wrapper: `u32 magic, u32 version, u64 fatbin, u64 filename or
/// relocatable fatbinaries`.
///
/// # Safety
/// `p` must point to a 24-byte wrapper whose pointers are valid.
unsafe fn from_wrapper(p: *const u8, device_sm: u32) -> Result<Ptx, ImageError> {
    checked_len(p, 24, "the fatbinary wrapper")?;
    // SAFETY: a wrapper is 24 bytes.
    let w = unsafe { bytes_at(p, 24) };
    let version = le32(w, 4).unwrap_or(0);
    let data = le64(w, 8).unwrap_or(0) as usize as *const u8;
    let extra = le64(w, 16).unwrap_or(0) as usize as *const *const u8;
    if data.is_null() {
        return invalid("the fatbinary wrapper's fatbinary pointer is NULL");
    }
    let mk = |p: Ptx| Ptx { container: Container::Wrapper, ..p };
    match version {
        1 => {
            // SAFETY: the wrapper's data pointer, by the caller's contract.
            let fb = unsafe { fatbin_at(data, "the wrapper's fatbinary")? };
            fatbin::select_ptx(&[fb], device_sm).map(mk)
        }
        2 => {
            // -rdc=true: `data` is the device-linked fatbinary (SASS only);
            // the PTX is in the NULL-terminated list of relocatable ones.
            let mut rel = Vec::new();
            if !extra.is_null() {
                for i in 0..=MAX_RELFATBINS {
                    if i == MAX_RELFATBINS {
                        return invalid("the fatbinary wrapper lists too many relocatable fatbinaries");
                    }
                    // SAFETY: the list is NULL-terminated, by the caller's contract.
                    let fp = unsafe { extra.add(i).read_unaligned() };
                    if fp.is_null() {
                        break;
                    }
                    // SAFETY: each listed pointer is a fatbinary.
                    rel.push(unsafe { fatbin_at(fp, "a relocatable fatbinary")? });
                }
            }
            match rel.len() {
                // SAFETY: the wrapper's data pointer, by the caller's contract.
                0 => fatbin::select_ptx(&[unsafe { fatbin_at(data, "the wrapper's fatbinary")? }], device_sm).map(mk),
                1 => fatbin::select_ptx(&rel, device_sm).map(mk),
                // Several translation units: the PTX of each, linked at load.
                _ => {
                    let mut parts = rel.iter().map(|fb| fatbin::select_ptx(std::slice::from_ref(fb), device_sm));
                    let Some(first) = parts.next() else { return invalid("no relocatable fatbinary") };
                    let mut p = mk(first?);
                    for q in parts {
                        p.more.push(q?.text);
                    }
                    Ok(p)
                }
            }
        }
        v => invalid(format!("unknown fatbinary wrapper version {v}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_garbage() {
        let ptx = b".version 8.0\n.target sm_80\n.address_size 64\n\0";
        let p = ptx_from_bytes(ptx, 80).unwrap();
        assert_eq!(p.container, Container::Text);
        assert!(p.text.ends_with("64\n"));
        // SAFETY: NUL-terminated.
        let q = unsafe { ptx_from_ptr(ptx.as_ptr(), 80) }.unwrap();
        assert_eq!(p, q);
        assert!(matches!(ptx_from_bytes(b"hello\0", 80), Err(ImageError::Invalid(_))));
        // SAFETY: NUL-terminated.
        assert!(matches!(unsafe { ptx_from_ptr(c"ab".as_ptr().cast(), 80) }, Err(ImageError::Invalid(_))));
        // SAFETY: NUL-terminated.
        assert!(matches!(unsafe { ptx_from_ptr(c"".as_ptr().cast(), 80) }, Err(ImageError::Invalid(_))));
    }
}
