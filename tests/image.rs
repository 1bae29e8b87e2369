//! Image recognition (`src/image`): PTX selection by SM, compressed entries,
//! wrappers, and malformed images, which must be `Invalid` errors and never
//! panics or reads out of bounds. The last test builds a real fatbinary with
//! the pinned nvcc (skipped without the toolkit, unless `CI=true`).

use cuda::image::{fatbin, ptx_from_bytes, ptx_from_ptr, Container, ImageError, FATBIN_MAGIC, WRAPPER_MAGIC};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn ptx(sm: u32) -> Vec<u8> {
    format!(".version 8.0\n.target sm_{sm}\n.address_size 64\n// for {sm}\n\0").into_bytes()
}

const ELF_STUB: &[u8] = b"\x7fELF not really a cubin";

#[test]
fn picks_the_highest_ptx_not_above_the_device() {
    let (p75, p80, p90) = (ptx(75), ptx(80), ptx(90));
    let fb = fatbin::build(&[
        (fatbin::KIND_ELF, 75, 0, ELF_STUB, 0),
        (fatbin::KIND_PTX, 75, 0, &p75, 0),
        (fatbin::KIND_PTX, 90, 0, &p90, 0),
        (fatbin::KIND_PTX, 80, 0, &p80, 0),
    ]);
    let p = ptx_from_bytes(&fb, 80).unwrap();
    assert_eq!((p.sm, p.container), (80, Container::Fatbin));
    assert!(p.text.contains("// for 80") && !p.text.ends_with('\0'));
    assert_eq!(ptx_from_bytes(&fb, 75).unwrap().sm, 75);
    assert_eq!(ptx_from_bytes(&fb, 120).unwrap().sm, 90);
    // SAFETY: the buffer holds the whole fatbinary.
    assert_eq!(unsafe { ptx_from_ptr(fb.as_ptr(), 80) }.unwrap().sm, 80);
}

#[test]
fn decompresses_zstd_and_lz4() {
    let text = ptx(80);
    let z = zstd::bulk::compress(&text, 3).unwrap();
    let l = lz4_flex::block::compress(&text);
    for (flag, data) in [(fatbin::FLAG_ZSTD, &z), (fatbin::FLAG_LZ4, &l)] {
        let fb = fatbin::build(&[(fatbin::KIND_PTX, 80, flag, data, text.len() as u64)]);
        let p = ptx_from_bytes(&fb, 80).unwrap();
        assert!(p.text.contains("// for 80"), "flag {flag:#x}");
        // A wrong uncompressed size or corrupt data is an invalid image.
        let fb = fatbin::build(&[(fatbin::KIND_PTX, 80, flag, data, text.len() as u64 - 1)]);
        assert!(matches!(ptx_from_bytes(&fb, 80), Err(ImageError::Invalid(_))), "flag {flag:#x}");
        let fb = fatbin::build(&[(fatbin::KIND_PTX, 80, flag, &data[..data.len() / 2], text.len() as u64)]);
        assert!(matches!(ptx_from_bytes(&fb, 80), Err(ImageError::Invalid(_))), "flag {flag:#x}");
    }
}

#[test]
fn sass_only_or_too_new_ptx_is_no_binary_for_gpu() {
    let fb = fatbin::build(&[(fatbin::KIND_ELF, 75, 0, ELF_STUB, 0)]);
    match ptx_from_bytes(&fb, 80) {
        Err(ImageError::NoBinaryForGpu(m)) => {
            assert!(m.contains("only SASS") && m.contains("-gencode arch=compute_80,code=compute_80"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let p90 = ptx(90);
    let fb = fatbin::build(&[(fatbin::KIND_PTX, 90, 0, &p90, 0)]);
    assert!(matches!(ptx_from_bytes(&fb, 80), Err(ImageError::NoBinaryForGpu(m)) if m.contains("compute_90")));
}

#[test]
fn wrappers_v1_and_v2() {
    let p80 = ptx(80);
    let fb = fatbin::build(&[(fatbin::KIND_PTX, 80, 0, &p80, 0)]);
    let stub = fatbin::build(&[(fatbin::KIND_ELF, 80, 0, ELF_STUB, 0)]);
    let wrapper = |version: u32, data: *const u8, extra: *const u8| -> Vec<u8> {
        let mut w = Vec::new();
        w.extend_from_slice(&WRAPPER_MAGIC.to_le_bytes());
        w.extend_from_slice(&version.to_le_bytes());
        w.extend_from_slice(&(data as u64).to_le_bytes());
        w.extend_from_slice(&(extra as u64).to_le_bytes());
        w
    };
    let w1 = wrapper(1, fb.as_ptr(), std::ptr::null());
    // SAFETY: the wrapper and the fatbinary it points to are alive.
    let p = unsafe { ptx_from_ptr(w1.as_ptr(), 80) }.unwrap();
    assert_eq!((p.sm, p.container), (80, Container::Wrapper));
    // v2 (-rdc=true): the PTX is in the listed relocatable fatbinaries.
    let list: [*const u8; 2] = [fb.as_ptr(), std::ptr::null()];
    let w2 = wrapper(2, stub.as_ptr(), list.as_ptr().cast());
    // SAFETY: as above; the list is NULL-terminated.
    assert_eq!(unsafe { ptx_from_ptr(w2.as_ptr(), 80) }.unwrap().sm, 80);
    let two: [*const u8; 3] = [fb.as_ptr(), fb.as_ptr(), std::ptr::null()];
    let w2 = wrapper(2, stub.as_ptr(), two.as_ptr().cast());
    // Two relocatable units: the first unit's PTX plus the other in `more`,
    // for the module loader to link.
    // SAFETY: as above.
    let both = unsafe { ptx_from_ptr(w2.as_ptr(), 80) }.unwrap();
    assert_eq!(both.more.len(), 1);
    assert_eq!(both.more[0], both.text);
    let w9 = wrapper(9, fb.as_ptr(), std::ptr::null());
    // SAFETY: as above.
    assert!(matches!(unsafe { ptx_from_ptr(w9.as_ptr(), 80) }, Err(ImageError::Invalid(_))));
    let w0 = wrapper(1, std::ptr::null(), std::ptr::null());
    // SAFETY: a NULL data pointer is refused before any read.
    assert!(matches!(unsafe { ptx_from_ptr(w0.as_ptr(), 80) }, Err(ImageError::Invalid(_))));
}

#[test]
fn malformed_fatbins_are_invalid() {
    let p80 = ptx(80);
    let good = fatbin::build(&[(fatbin::KIND_ELF, 75, 0, ELF_STUB, 0), (fatbin::KIND_PTX, 80, 0, &p80, 0)]);
    let invalid = |b: &[u8]| matches!(ptx_from_bytes(b, 80), Err(ImageError::Invalid(_)));
    // Truncated anywhere.
    for n in 0..good.len() {
        let r = ptx_from_bytes(&good[..n], 80);
        assert!(r.is_err(), "a truncation to {n} bytes loaded");
    }
    // Entries claiming more than the fatbinary, or more than the limit.
    let mut b = good.clone();
    b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(invalid(&b));
    let mut b = good.clone();
    b[16 + 8..16 + 16].copy_from_slice(&(1u64 << 40).to_le_bytes());
    assert!(invalid(&b));
    // Entry header size below 64.
    let mut b = good.clone();
    b[16 + 4..16 + 8].copy_from_slice(&8u32.to_le_bytes());
    assert!(invalid(&b));
    // Every single-byte corruption of the headers: an error or a load, never a panic.
    let mut state = 0x2545F4914F6CDD1Du64;
    for _ in 0..20000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut b = good.clone();
        let at = (state % 200) as usize % b.len();
        b[at] = (state >> 32) as u8;
        let _ = ptx_from_bytes(&b, 80);
    }
    // Garbage and non-PTX text.
    assert!(invalid(b"\x50\xed\x55\xba"));
    assert!(invalid(b"just some text\0"));
    assert!(invalid(b"\x7fELF\x02\x01\x01\0garbage"));
    assert_eq!(u32::from_le_bytes(good[..4].try_into().unwrap()), FATBIN_MAGIC);
}

/// The toolkit root, or None (skip) outside CI.
fn toolkit() -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join("install-toolkit.sh");
    let out = Command::new(&script).stderr(Stdio::inherit()).output();
    let root = match out {
        Ok(o) if o.status.success() => {
            Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).lines().last().unwrap_or("").trim()))
        }
        _ => None,
    };
    match root {
        Some(r) if r.join("bin").join("nvcc").is_file() => Some(r),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true and the NVIDIA toolkit is unavailable"),
        _ => {
            eprintln!("skipping: no NVIDIA toolkit");
            None
        }
    }
}

#[test]
fn nvcc_fatbins_and_executables() {
    let Some(tk) = toolkit() else { return };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("image");
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("cudart").join("vector_add.cu");
    let nvcc = |out: &str, flags: &[&str]| -> Vec<u8> {
        let path = dir.join(out);
        let st = Command::new(tk.join("bin").join("nvcc"))
            .arg("-I")
            .arg(src.parent().unwrap())
            .args(flags)
            .arg("-o")
            .arg(&path)
            .arg(&src)
            .status()
            .expect("run nvcc");
        assert!(st.success(), "nvcc {flags:?} failed");
        std::fs::read(&path).unwrap()
    };
    let multi = [
        "-gencode",
        "arch=compute_75,code=[sm_75,compute_75]",
        "-gencode",
        "arch=compute_80,code=compute_80",
        "-gencode",
        "arch=compute_90,code=compute_90",
    ];
    // A fatbinary file (`nvcc -fatbin`) and an executable's .nv_fatbin.
    let fb = nvcc("multi.fatbin", &[&["-fatbin"][..], &multi[..]].concat());
    let p = ptx_from_bytes(&fb, 80).unwrap();
    assert_eq!((p.sm, p.container), (80, Container::Fatbin));
    assert!(p.text.contains(".target sm_80"));
    let exe = nvcc("multi", &multi);
    let p = ptx_from_bytes(&exe, 80).unwrap();
    assert_eq!((p.sm, p.container), (80, Container::Elf));
    // Default flags, LZ4: compute_75 PTX.
    let exe = nvcc("lz4", &["--compress-mode=speed"]);
    assert_eq!(ptx_from_bytes(&exe, 80).unwrap().sm, 75);
    // A cubin and a SASS-only executable.
    let cubin = nvcc("k.cubin", &["-cubin", "-arch=sm_80"]);
    assert!(matches!(ptx_from_bytes(&cubin, 80), Err(ImageError::NoBinaryForGpu(m)) if m.contains("cubin")));
    // SAFETY: the ELF headers describe the whole (in-memory) file.
    assert!(matches!(unsafe { ptx_from_ptr(cubin.as_ptr(), 80) }, Err(ImageError::NoBinaryForGpu(_))));
    let exe = nvcc("sass", &["-gencode", "arch=compute_75,code=sm_75"]);
    assert!(matches!(ptx_from_bytes(&exe, 80), Err(ImageError::NoBinaryForGpu(_))));
}
