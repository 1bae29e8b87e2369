//! Fatbinaries: a 16-byte header (`u32 magic 0xBA55ED50, u16 version,
//! u16 header size, u64 size of the entries`) followed by entries, each with
//! its own header (kind 1 = PTX, 2 = ELF/SASS), payload possibly compressed
//! with zstd (flag `0x8000`, nvcc 13's default for PTX) or LZ4 block format
//! (flag `0x2000`, `--compress-mode=speed`). Field layout: the notes
//! (`cuda-binary-interfaces.md` §1).

use super::{invalid, le16, le32, le64, ImageError, Ptx, FATBIN_MAGIC, MAX_IMAGE};

/// Bytes of the fatbinary header.
pub const HEADER_SIZE: usize = 16;
/// Bytes of an entry header without options or file name.
const ENTRY_HEADER_MIN: usize = 0x40;

pub const KIND_PTX: u16 = 1;
pub const KIND_ELF: u16 = 2;

pub const FLAG_DEBUG: u64 = 0x2;
/// The CUDA ≤ 12.3 fatbinary compression (`-Xfatbin -compress-all`).
pub const FLAG_COMPRESSED_OLD: u64 = 0x1000;
pub const FLAG_LZ4: u64 = 0x2000;
pub const FLAG_ZSTD: u64 = 0x8000;
/// The most an LZ4 block expands (a 255-length run per byte, bounded).
const LZ4_MAX_RATIO: usize = 256;

/// One entry of a fatbinary, its payload as stored.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// [`KIND_PTX`], [`KIND_ELF`], or another (ignored) kind.
    pub kind: u16,
    /// The SM the entry was built for (75, 80, 90, …).
    pub sm: u32,
    /// PTX ISA version (major, minor) for PTX entries.
    pub version: (u16, u16),
    pub flags: u64,
    /// The stored bytes (compressed when a compression flag is set).
    pub payload: &'a [u8],
    /// Size after decompression (0 when not compressed).
    pub uncompressed: u64,
}

/// Length in bytes of the fatbinary whose header starts `bytes` (header plus
/// entries), from the header alone.
pub fn extent(bytes: &[u8]) -> Result<usize, ImageError> {
    if le32(bytes, 0) != Some(FATBIN_MAGIC) {
        return invalid("not a fatbinary (bad magic)");
    }
    let hs = le16(bytes, 6).unwrap_or(0) as u64;
    let size = le64(bytes, 8).unwrap_or(u64::MAX);
    if hs < HEADER_SIZE as u64 {
        return invalid(format!("fatbinary header size {hs} is smaller than {HEADER_SIZE}"));
    }
    match hs.checked_add(size) {
        Some(n) if n <= MAX_IMAGE => Ok(n as usize),
        _ => invalid(format!("fatbinary claims {size} bytes of entries, more than the {MAX_IMAGE}-byte limit")),
    }
}

/// The entries of one fatbinary (`fb` as long as [`extent`] says).
pub fn entries(fb: &[u8]) -> Result<Vec<Entry<'_>>, ImageError> {
    let len = extent(fb)?;
    let Some(fb) = fb.get(..len) else {
        return invalid(format!("fatbinary truncated: {} of {len} bytes", fb.len()));
    };
    let mut at = le16(fb, 6).unwrap_or(HEADER_SIZE as u16) as usize;
    let mut out = Vec::new();
    while at < fb.len() {
        let trunc = || invalid(format!("fatbinary entry at offset {at} runs past the fatbinary's end"));
        let Some(h) = fb.get(at..at + ENTRY_HEADER_MIN) else { return trunc() };
        let kind = le16(h, 0).unwrap_or(0);
        let hs = le32(h, 4).unwrap_or(0) as usize;
        let size = le64(h, 8).unwrap_or(u64::MAX);
        let compressed = le32(h, 0x10).unwrap_or(0) as u64;
        let version = (le16(h, 0x1a).unwrap_or(0), le16(h, 0x18).unwrap_or(0));
        let sm = le32(h, 0x1c).unwrap_or(0);
        let flags = le64(h, 0x28).unwrap_or(0);
        let uncompressed = le64(h, 0x38).unwrap_or(0);
        if hs < ENTRY_HEADER_MIN {
            return invalid(format!("fatbinary entry at offset {at} has header size {hs} < {ENTRY_HEADER_MIN}"));
        }
        let start = at.checked_add(hs);
        let end = start.and_then(|s| usize::try_from(size).ok().and_then(|n| s.checked_add(n)));
        let (Some(start), Some(end)) = (start, end) else { return trunc() };
        if end > fb.len() {
            return trunc();
        }
        let mut payload = &fb[start..end];
        if flags & (FLAG_LZ4 | FLAG_ZSTD | FLAG_COMPRESSED_OLD) != 0 && compressed != 0 {
            if compressed > payload.len() as u64 {
                return invalid(format!(
                    "fatbinary entry at offset {at}: compressed size {compressed} exceeds its payload of {} bytes",
                    payload.len()
                ));
            }
            payload = &payload[..compressed as usize];
        }
        out.push(Entry { kind, sm, version, flags, payload, uncompressed });
        at = end;
    }
    Ok(out)
}

impl Entry<'_> {
    /// The payload, decompressed.
    pub fn decode(&self) -> Result<Vec<u8>, ImageError> {
        let what = if self.kind == KIND_PTX { "PTX" } else { "ELF" };
        if self.flags & (FLAG_LZ4 | FLAG_ZSTD) != 0 {
            if self.uncompressed == 0 || self.uncompressed > MAX_IMAGE {
                return invalid(format!(
                    "compressed {what} entry for sm_{} with bad uncompressed size {}",
                    self.sm, self.uncompressed
                ));
            }
            let n = self.uncompressed as usize;
            // Memory grows with the output actually produced (zstd, streamed)
            // or is bounded by LZ4's maximum ratio, never by the header alone.
            let r = if self.flags & FLAG_ZSTD != 0 {
                use std::io::Read;
                let mut v = Vec::new();
                zstd::stream::read::Decoder::new(self.payload)
                    .and_then(|d| d.take(n as u64 + 1).read_to_end(&mut v))
                    .map(|_| v)
                    .map_err(|e| format!("zstd: {e}"))
            } else if n > self.payload.len().saturating_mul(LZ4_MAX_RATIO) + 64 {
                Err(format!("LZ4: {n} bytes cannot come from {} compressed bytes", self.payload.len()))
            } else {
                lz4_flex::block::decompress(self.payload, n).map_err(|e| format!("LZ4: {e}"))
            };
            return match r {
                Ok(v) if v.len() == n => Ok(v),
                Ok(v) => invalid(format!(
                    "{what} entry for sm_{}: decompressed to {} bytes, header says {n}",
                    self.sm,
                    v.len()
                )),
                Err(e) => invalid(format!("{what} entry for sm_{} does not decompress ({e})", self.sm)),
            };
        }
        if self.flags & FLAG_COMPRESSED_OLD != 0 {
            return Err(ImageError::NotSupported(format!(
                "{what} entry for sm_{} uses the CUDA 11/12 fatbinary compression, which is not supported; \
                 rebuild with nvcc 12.4 or later, or with -Xfatbin -compress=false",
                self.sm
            )));
        }
        Ok(self.payload.to_vec())
    }
}

/// The best PTX of the given fatbinaries for a device of SM `device_sm`:
/// the PTX entry with the highest SM not above it (the first such entry on a
/// tie). Without a usable PTX entry: [`ImageError::NoBinaryForGpu`] saying
/// what the image holds and how to add PTX.
pub fn select_ptx(fatbins: &[&[u8]], device_sm: u32) -> Result<Ptx, ImageError> {
    let mut all = Vec::new();
    for fb in fatbins {
        all.extend(entries(fb)?);
    }
    let best = all.iter().filter(|e| e.kind == KIND_PTX && e.sm <= device_sm).fold(None::<&Entry>, |b, e| match b {
        Some(b) if b.sm >= e.sm => Some(b),
        _ => Some(e),
    });
    let Some(e) = best else { return Err(no_binary(&all, device_sm)) };
    let mut bytes = e.decode()?;
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return invalid(format!("PTX entry is not UTF-8 text ({e})")),
    };
    Ok(Ptx { text, sm: e.sm, container: super::Container::Fatbin, more: Vec::new() })
}

fn no_binary(all: &[Entry], device_sm: u32) -> ImageError {
    let list = |kind: u16, prefix: &str| {
        let mut v: Vec<String> = all.iter().filter(|e| e.kind == kind).map(|e| format!("{prefix}{}", e.sm)).collect();
        v.dedup();
        v.join(", ")
    };
    let (sass, ptx) = (list(KIND_ELF, "sm_"), list(KIND_PTX, "compute_"));
    let holds = match (sass.is_empty(), ptx.is_empty()) {
        (true, true) => "no device code".to_string(),
        (false, true) => format!("only SASS (cubins for {sass})"),
        (_, false) if sass.is_empty() => format!("PTX for {ptx} only"),
        _ => format!("SASS for {sass} and PTX for {ptx}"),
    };
    let why = if ptx.is_empty() {
        "softcuda runs PTX".to_string()
    } else {
        format!("the emulated device is sm_{device_sm} and runs PTX for compute_{device_sm} or older")
    };
    ImageError::NoBinaryForGpu(format!(
        "the image holds {holds}; {why}: rebuild with PTX embedded, e.g. nvcc -gencode arch=compute_{device_sm},code=compute_{device_sm} \
         (or add -gencode arch=compute_75,code=compute_75)"
    ))
}

/// Builds a fatbinary from `(kind, sm, flags, payload, uncompressed size)`
/// entries, laid out as nvcc lays them out (for tests).
pub fn build(entries: &[(u16, u32, u64, &[u8], u64)]) -> Vec<u8> {
    let mut body = Vec::new();
    for &(kind, sm, flags, payload, uncompressed) in entries {
        let padded = payload.len().div_ceil(8) * 8;
        let mut h = [0u8; ENTRY_HEADER_MIN];
        h[0..2].copy_from_slice(&kind.to_le_bytes());
        h[2..4].copy_from_slice(&0x0101u16.to_le_bytes());
        h[4..8].copy_from_slice(&(ENTRY_HEADER_MIN as u32).to_le_bytes());
        h[8..16].copy_from_slice(&(padded as u64).to_le_bytes());
        if flags & (FLAG_LZ4 | FLAG_ZSTD) != 0 {
            h[0x10..0x14].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        }
        h[0x18..0x1a].copy_from_slice(&0u16.to_le_bytes());
        h[0x1a..0x1c].copy_from_slice(&8u16.to_le_bytes());
        h[0x1c..0x20].copy_from_slice(&sm.to_le_bytes());
        h[0x28..0x30].copy_from_slice(&(flags | 0x11).to_le_bytes());
        h[0x38..0x40].copy_from_slice(&uncompressed.to_le_bytes());
        body.extend_from_slice(&h);
        body.extend_from_slice(payload);
        body.resize(body.len() + padded - payload.len(), 0);
    }
    let mut fb = Vec::with_capacity(HEADER_SIZE + body.len());
    fb.extend_from_slice(&FATBIN_MAGIC.to_le_bytes());
    fb.extend_from_slice(&1u16.to_le_bytes());
    fb.extend_from_slice(&(HEADER_SIZE as u16).to_le_bytes());
    fb.extend_from_slice(&(body.len() as u64).to_le_bytes());
    fb.extend_from_slice(&body);
    fb
}
