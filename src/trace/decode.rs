//! Formatting a traced call's arguments from their C types (the type names
//! of the one driver function list), and learning kernel signatures from
//! the calls that load modules and hand out functions.

use super::Tracer;
use crate::driver::CUresult;
use crate::ptx::{KernelSignature, ScalarType};
use std::ffi::{c_char, c_void, CStr};
use std::fmt::Write;

/// One argument of a traced call: its name and C type as the function list
/// spells them, and a copy of its bytes (the first 64 of a by-value struct).
pub struct Arg {
    pub name: &'static str,
    pub ty: &'static str,
    bytes: [u8; 64],
    len: usize,
}

impl Arg {
    /// Captures argument `name` of type `ty` (e.g. `*mut CUdeviceptr`).
    pub fn new<T: Copy>(name: &'static str, ty: &'static str, v: &T) -> Arg {
        let len = std::mem::size_of::<T>().min(64);
        let mut bytes = [0u8; 64];
        // SAFETY: `v` is a valid T of at least `len` bytes; `bytes` holds 64.
        unsafe { std::ptr::copy_nonoverlapping(v as *const T as *const u8, bytes.as_mut_ptr(), len) };
        Arg { name, ty, bytes, len }
    }

    /// The argument's first (up to) 8 bytes as a little-endian integer.
    fn u64(&self) -> u64 {
        let mut b = [0u8; 8];
        let n = self.len.min(8);
        b[..n].copy_from_slice(&self.bytes[..n]);
        u64::from_le_bytes(b)
    }

    fn ptr<T>(&self) -> *const T {
        self.u64() as usize as *const T
    }

    /// The type without spaces, e.g. `*mutCUdeviceptr`.
    fn ty(&self) -> String {
        self.ty.split_whitespace().collect()
    }
}

/// Handle types: printed as addresses (NULL for 0).
const HANDLES: &[&str] = &[
    "CUcontext",
    "CUmodule",
    "CUfunction",
    "CUkernel",
    "CUlibrary",
    "CUstream",
    "CUevent",
    "CUarray",
    "CUmipmappedArray",
    "CUgraph",
    "CUgraphNode",
    "CUgraphExec",
    "CUmemoryPool",
    "CUlinkState",
    "CUgreenCtx",
    "CUexternalMemory",
    "CUexternalSemaphore",
    "CUgraphicsResource",
    "CUtexref",
    "CUsurfref",
    "CUuserObject",
];

enum Scalar {
    Hex(usize),
    Unsigned(usize),
    Signed(usize),
    Float(usize),
    Result,
}

/// How a scalar type is printed, by its name.
fn scalar(ty: &str) -> Option<Scalar> {
    Some(match ty {
        "CUdeviceptr" | "CUdeviceptr_v2" | "CUtexObject" | "CUsurfObject" | "CUmemGenericAllocationHandle" => {
            Scalar::Hex(8)
        }
        "CUdeviceptr_v1" => Scalar::Hex(4),
        "usize" | "u64" | "cuuint64_t" | "c_ulonglong" => Scalar::Unsigned(8),
        "i64" | "isize" | "c_longlong" => Scalar::Signed(8),
        "u32" | "c_uint" | "cuuint32_t" => Scalar::Unsigned(4),
        "i32" | "c_int" | "CUdevice" | "CUdevice_v1" => Scalar::Signed(4),
        "u16" => Scalar::Unsigned(2),
        "u8" | "c_uchar" => Scalar::Unsigned(1),
        "f32" => Scalar::Float(4),
        "f64" => Scalar::Float(8),
        "CUresult" => Scalar::Result,
        t if HANDLES.contains(&t) => Scalar::Hex(8),
        _ => return None,
    })
}

fn format_scalar(s: &Scalar, bits: u64) -> String {
    match *s {
        Scalar::Hex(_) if bits == 0 => "NULL".into(),
        Scalar::Hex(_) => format!("{bits:#x}"),
        Scalar::Unsigned(_) => bits.to_string(),
        Scalar::Signed(8) => (bits as i64).to_string(),
        Scalar::Signed(_) => (bits as u32 as i32).to_string(),
        Scalar::Float(4) => f32::from_bits(bits as u32).to_string(),
        Scalar::Float(_) => f64::from_bits(bits).to_string(),
        Scalar::Result => super::result_name(bits as u32),
    }
}

/// The enumerator of C enum type `ty` with value `v` (e.g.
/// `CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT`), or the number.
fn enum_name(ty: &str, v: i64) -> String {
    use crate::driver::generated::functions::ENUM_NAMES;
    let find = |v: i64| {
        let i = ENUM_NAMES.partition_point(|e| (e.0, e.1) < (ty, v));
        ENUM_NAMES.get(i).filter(|e| e.0 == ty && e.1 == v).map(|e| e.2)
    };
    // The argument arrives as a signed 32-bit value; enumerators may also be
    // read as unsigned (e.g. 0x80000000).
    find(v).or_else(|| find(v as u32 as i64)).map_or_else(|| v.to_string(), str::to_string)
}

/// Reads a NUL-terminated string of at most `max` bytes.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string.
unsafe fn c_string(p: *const c_char, max: usize) -> String {
    if p.is_null() {
        return "NULL".into();
    }
    // SAFETY: caller contract: a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(p) }.to_string_lossy();
    if s.len() > max {
        format!("{:?}…", &s[..s.floor_char_boundary(max)])
    } else {
        format!("{s:?}")
    }
}

/// One argument as it goes in.
///
/// # Safety
/// An input string argument must be NULL or NUL-terminated.
unsafe fn format_in(a: &Arg) -> String {
    let ty = a.ty();
    if ty == "*constc_char" {
        // SAFETY: input strings are NUL-terminated (driver API).
        return unsafe { c_string(a.ptr(), 200) };
    }
    if ty.starts_with('*') {
        return if a.u64() == 0 { "NULL".into() } else { format!("{:#x}", a.u64()) };
    }
    match scalar(&ty) {
        Some(s) => format_scalar(&s, a.u64()),
        None if a.len <= 4 => enum_name(&ty, a.u64() as u32 as i32 as i64), // an enum
        None => {
            let mut s = String::from("{");
            for b in &a.bytes[..a.len] {
                let _ = write!(s, "{b:02x}");
            }
            s + "}"
        }
    }
}

/// The arguments as they go in, plus the decoded kernel parameters of a launch.
///
/// # Safety
/// The arguments are the caller's real ones (see [`Tracer::call`]).
pub(super) unsafe fn before(t: &Tracer, name: &str, args: &[Arg]) -> (String, String) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut s = String::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                s += ", ";
            }
            // SAFETY: forwarded caller contract.
            let _ = write!(s, "{}={}", a.name, unsafe { format_in(a) });
        }
        // SAFETY: forwarded caller contract.
        (s, unsafe { launch(t, name, args) }.unwrap_or_default())
    }));
    r.unwrap_or_else(|_| ("<arguments could not be decoded>".into(), String::new()))
}

/// `CUlaunchConfig` (cuda.h).
#[repr(C)]
struct LaunchConfig {
    grid: [u32; 3],
    block: [u32; 3],
    shared: u32,
    stream: *mut c_void,
    attrs: *const c_void,
    num_attrs: u32,
}

/// Grid, block, stream and decoded parameters of a kernel launch.
///
/// # Safety
/// As [`before`]: `kernelParams` holds one pointer per parameter.
unsafe fn launch(t: &Tracer, name: &str, args: &[Arg]) -> Option<String> {
    let (f, grid, block, shared, stream, params, extra) = if name.starts_with("cuLaunchKernelEx") {
        let config: *const LaunchConfig = args.first()?.ptr();
        if config.is_null() {
            return None;
        }
        // SAFETY: the caller passes a CUlaunchConfig.
        let c = unsafe { config.read_unaligned() };
        let extra = args.get(3).map_or(0, Arg::u64);
        (args.get(1)?.u64() as usize, c.grid, c.block, c.shared, c.stream as u64, args.get(2)?.u64(), extra)
    } else if name.starts_with("cuLaunchKernel") || name.starts_with("cuLaunchCooperativeKernel") {
        let v = |i: usize| args.get(i).map(|a| a.u64() as u32);
        (
            args.first()?.u64() as usize,
            [v(1)?, v(2)?, v(3)?],
            [v(4)?, v(5)?, v(6)?],
            v(7)?,
            args.get(8)?.u64(),
            args.get(9)?.u64(),
            args.get(10).map_or(0, Arg::u64),
        )
    } else {
        return None;
    };
    let sig = t.signature(f);
    let kernel = sig.as_ref().map_or_else(|| format!("{f:#x}"), |s| s.name.clone());
    t.launched(&kernel);
    let mut s = format!(
        " launch {kernel}<<<({},{},{}), ({},{},{}), {shared}, {}>>>",
        grid[0],
        grid[1],
        grid[2],
        block[0],
        block[1],
        block[2],
        if stream == 0 { "NULL".to_string() } else { format!("{stream:#x}") }
    );
    if let Some(sig) = sig {
        if params != 0 {
            // SAFETY: kernelParams holds one pointer per parameter (caller contract).
            s += &unsafe { kernel_params(&sig, |i| *(params as usize as *const *const u8).add(i)) };
        } else if let Some(buf) =
            // SAFETY: `extra` is NULL or an END-terminated array (caller contract).
            unsafe { extra_buffer(extra as usize as *const *const c_void) }
        {
            // SAFETY: the packed buffer holds the parameters at their offsets;
            // only parameters inside its size are read.
            s += &unsafe {
                kernel_params(&sig, |i| match sig.params.get(i) {
                    Some(p) if (p.offset + p.size) as usize <= buf.1 => buf.0.add(p.offset as usize),
                    _ => std::ptr::null(),
                })
            };
        }
    }
    Some(s)
}

/// The packed parameter buffer and its size from an `extra` array
/// (`CU_LAUNCH_PARAM_BUFFER_POINTER`, `_SIZE`, `_END`).
///
/// # Safety
/// `extra` is NULL or an END-terminated key/value array.
unsafe fn extra_buffer(extra: *const *const c_void) -> Option<(*const u8, usize)> {
    if extra.is_null() {
        return None;
    }
    let (mut ptr, mut size) = (std::ptr::null::<u8>(), None);
    for i in (0..64).step_by(2) {
        // SAFETY: an END-terminated key/value array; we stop at END.
        unsafe {
            match *extra.add(i) as usize {
                0 => break,
                1 => ptr = *extra.add(i + 1) as *const u8,
                2 => {
                    let sp = *extra.add(i + 1) as *const usize;
                    size = (!sp.is_null()).then(|| sp.read_unaligned());
                }
                _ => return None,
            }
        }
    }
    (!ptr.is_null()).then_some((ptr, size?))
}

/// `(name=value, …)` for each kernel parameter; `param(i)` is where the
/// value of parameter `i` is (NULL: not available).
///
/// # Safety
/// Each non-NULL `param(i)` is readable for the parameter's size.
unsafe fn kernel_params(sig: &KernelSignature, param: impl Fn(usize) -> *const u8) -> String {
    let mut s = String::from("(");
    for (i, p) in sig.params.iter().enumerate() {
        if i > 0 {
            s += ", ";
        }
        let src = param(i);
        if src.is_null() {
            let _ = write!(s, "{}=<NULL>", p.name);
            continue;
        }
        let n = p.size as usize;
        let mut bytes = vec![0u8; n];
        // SAFETY: the parameter's value has the size the PTX signature gives.
        unsafe { std::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), n) };
        let _ = write!(s, "{}={}", p.name, param_value(p.ty, &bytes));
    }
    s + ")"
}

/// A parameter's value by its PTX type: integers in decimal, 64-bit
/// untyped values (pointers, as nvcc declares them `.u64`/`.b64`) in hex,
/// floats as floats, arrays (structs by value) as bytes.
fn param_value(ty: ScalarType, b: &[u8]) -> String {
    use ScalarType::*;
    let le = |n: usize| {
        let mut x = [0u8; 8];
        x[..n].copy_from_slice(&b[..n]);
        u64::from_le_bytes(x)
    };
    let elem = ty.size() as usize;
    if b.len() != elem || elem > 8 {
        let mut s = String::from("{");
        for x in b.iter().take(32) {
            let _ = write!(s, "{x:02x}");
        }
        return s + if b.len() > 32 { "…}" } else { "}" };
    }
    match ty {
        U8 | U16 | U32 => le(elem).to_string(),
        U64 | B64 => format!("{:#x}", le(8)),
        S8 => (le(1) as u8 as i8).to_string(),
        S16 => (le(2) as u16 as i16).to_string(),
        S32 => (le(4) as u32 as i32).to_string(),
        S64 => (le(8) as i64).to_string(),
        F32 => f32::from_bits(le(4) as u32).to_string(),
        F64 => f64::from_bits(le(8)).to_string(),
        _ => format!("{:#x}", le(elem)),
    }
}

/// What the call wrote through its out-pointers (on success), and what the
/// tracer learns from loads and lookups.
///
/// # Safety
/// As [`before`]; after a successful call, out-pointers hold values.
pub(super) unsafe fn after(t: &Tracer, name: &str, args: &[Arg], result: CUresult) -> String {
    if result != 0 {
        return String::new();
    }
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: forwarded caller contract.
        unsafe { learn(t, name, args) };
        let mut s = String::new();
        for a in args {
            let ty = a.ty();
            let Some(inner) = ty.strip_prefix("*mut") else { continue };
            let p: *const u8 = a.ptr();
            if p.is_null() {
                continue;
            }
            let value = if inner == "c_char" {
                // SAFETY: on success the driver wrote a NUL-terminated string.
                unsafe { c_string(p as *const c_char, 200) }
            } else if let Some(sc) = scalar(inner) {
                let n = match sc {
                    Scalar::Hex(n) | Scalar::Unsigned(n) | Scalar::Signed(n) | Scalar::Float(n) => n,
                    Scalar::Result => 4,
                };
                let mut b = [0u8; 8];
                // SAFETY: on success the driver wrote a value of this type there.
                unsafe { std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), n) };
                format_scalar(&sc, u64::from_le_bytes(b))
            } else {
                continue;
            };
            let _ = write!(s, "{}{}={}", if s.is_empty() { " → " } else { ", " }, a.name, value);
        }
        s
    }));
    r.unwrap_or_default()
}

/// The handle a successful call wrote through argument `i` (an out-pointer).
///
/// # Safety
/// Argument `i` is a valid out-pointer the call wrote a handle through.
unsafe fn out_handle(args: &[Arg], i: usize) -> Option<usize> {
    let p: *const usize = args.get(i)?.ptr();
    // SAFETY: caller contract.
    (!p.is_null()).then(|| unsafe { p.read_unaligned() })
}

/// Kernel signatures from module loads and function lookups.
///
/// # Safety
/// As [`after`], for a call that succeeded.
unsafe fn learn(t: &Tracer, name: &str, args: &[Arg]) {
    // The device the PTX is chosen for: any will do to read signatures.
    const SM: u32 = 90;
    let texts = |p: crate::image::Ptx| std::iter::once(p.text).chain(p.more).collect::<Vec<_>>();
    // SAFETY (whole body): arguments are the caller's, per the driver API.
    unsafe {
        match name {
            "cuModuleLoadData" | "cuModuleLoadDataEx" | "cuModuleLoadFatBinary" | "cuLibraryLoadData" => {
                let (Some(h), Some(image)) = (out_handle(args, 0), args.get(1)) else { return };
                let bytes = crate::image::image_bytes(image.ptr());
                if let Ok(p) = crate::image::ptx_from_ptr(image.ptr(), SM) {
                    t.learn_module(h, bytes, &texts(p));
                }
            }
            "cuModuleLoad" | "cuLibraryLoadFromFile" => {
                let (Some(h), Some(path)) = (out_handle(args, 0), args.get(1)) else { return };
                let path: *const c_char = path.ptr();
                if path.is_null() {
                    return;
                }
                let path = CStr::from_ptr(path).to_string_lossy().into_owned();
                if let Ok(bytes) = std::fs::read(path) {
                    if let Ok(p) = crate::image::ptx_from_bytes(&bytes, SM) {
                        t.learn_module(h, Some(&bytes), &texts(p));
                    }
                }
            }
            "cuModuleGetFunction" | "cuLibraryGetKernel" => {
                let (Some(f), Some(m), Some(n)) = (out_handle(args, 0), args.get(1), args.get(2)) else { return };
                let n: *const c_char = n.ptr();
                if !n.is_null() {
                    t.learn_function(f, m.u64() as usize, &CStr::from_ptr(n).to_string_lossy());
                }
            }
            "cuKernelGetFunction" => {
                let (Some(f), Some(k)) = (out_handle(args, 0), args.get(1)) else { return };
                t.alias_function(f, k.u64() as usize);
            }
            "cuLibraryGetModule" => {
                let (Some(m), Some(l)) = (out_handle(args, 0), args.get(1)) else { return };
                t.alias_module(m, l.u64() as usize);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_are_sorted_and_found() {
        use crate::driver::generated::functions::ENUM_NAMES;
        assert!(ENUM_NAMES.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert_eq!(enum_name("CUdevice_attribute", 16), "CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT");
        assert_eq!(enum_name("CUfunction_attribute", 0), "CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK");
        assert_eq!(enum_name("CUdevice_attribute", 100000), "100000");
    }

    #[test]
    fn arguments_are_formatted_by_type() {
        let d: u64 = 0x7f00_1000;
        let n: usize = 4096;
        let h: *mut c_void = std::ptr::null_mut();
        let attr: u32 = 16;
        let s = c"kern";
        let p = s.as_ptr();
        // SAFETY: the string argument is a NUL-terminated literal.
        unsafe {
            assert_eq!(format_in(&Arg::new("dptr", "CUdeviceptr", &d)), "0x7f001000");
            assert_eq!(format_in(&Arg::new("bytes", "usize", &n)), "4096");
            assert_eq!(format_in(&Arg::new("hStream", "CUstream", &h)), "NULL");
            assert_eq!(
                format_in(&Arg::new("attrib", "CUdevice_attribute", &attr)),
                "CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT"
            );
            assert_eq!(format_in(&Arg::new("name", "*const c_char", &p)), "\"kern\"");
        }
    }

    #[test]
    fn kernel_parameters_follow_their_ptx_types() {
        assert_eq!(param_value(ScalarType::U32, &1000u32.to_le_bytes()), "1000");
        assert_eq!(param_value(ScalarType::S32, &(-5i32).to_le_bytes()), "-5");
        assert_eq!(param_value(ScalarType::F32, &0.5f32.to_le_bytes()), "0.5");
        assert_eq!(param_value(ScalarType::U64, &0x1000u64.to_le_bytes()), "0x1000");
        assert_eq!(param_value(ScalarType::B8, &[1, 2, 3]), "{010203}");
    }
}
