//! Initialisation, version and device management (driver API
//! "Initialization", "Version Management", "Device Management", and the
//! device half of "Peer Context Memory Access").
//!
//! The device model: `SOFTCUDA_DEVICES=N` (default 1, at most
//! [`MAX_DEVICES`]) identical emulated devices, each with its own UUID, PCI
//! bus number and primary context, all sharing one device address space
//! (unified addressing), so peer access between any two is supported.
//! `CUDA_VISIBLE_DEVICES` selects and orders them as NVIDIA's driver does
//! (behaviour measured on the H100 with driver 580): a comma list of
//! ordinals or `GPU-<uuid prefix>` entries, read up to the first entry that
//! names no device; a repeated device makes `cuInit` fail with
//! `CUDA_ERROR_INVALID_DEVICE`; no device (empty list) makes it fail with
//! `CUDA_ERROR_NO_DEVICE`. Both variables are read once per process.

use super::attributes::{attr, device_attribute};
use super::codes::*;
use super::state::{require_init, DRIVER};
use super::{fail, log, out, CuResult};
use once_cell::sync::Lazy;
use std::ffi::{c_char, CStr};
use std::sync::atomic::Ordering;
use std::sync::Once;

/// The version `cuDriverGetVersion` reports (13.5: cudart 13.x needs ≥ 13000).
pub const DRIVER_VERSION: i32 = 13050;
/// The emulated device's name.
pub const DEVICE_NAME: &str = "softcuda emulated GPU";

/// Device memory we report as total (bytes): `SOFTCUDA_DEVICE_MEMORY`, else
/// 16 GiB (`memory::device_memory`); allocations come from host memory.
pub fn total_mem() -> usize {
    crate::memory::device_memory() as usize
}

/// The most devices `SOFTCUDA_DEVICES` may ask for.
pub const MAX_DEVICES: u32 = 64;

/// The UUID of emulated device number `physical` (its index before
/// `CUDA_VISIBLE_DEVICES` picks): device 0 is "softcuda-emu-gpu"; device
/// i > 0 differs in the first byte, so short `GPU-` prefixes tell them apart.
pub fn device_uuid(physical: u32) -> [u8; 16] {
    let mut u = *b"softcuda-emu-gpu";
    u[0] = u[0].wrapping_add(physical as u8);
    u
}

/// `GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, as nvidia-smi prints a UUID.
pub fn uuid_string(u: &[u8; 16]) -> String {
    let mut s = String::from("GPU-");
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Number of emulated devices from `SOFTCUDA_DEVICES` (None: unset → 1).
pub fn physical_count(spec: Option<&str>) -> u32 {
    let Some(s) = spec else { return 1 };
    match s.trim().parse::<u32>() {
        Ok(n) if n <= MAX_DEVICES => n,
        _ => {
            log(format_args!("SOFTCUDA_DEVICES={s:?} is not a number from 0 to {MAX_DEVICES}; using 1 device"));
            1
        }
    }
}

/// The devices a `CUDA_VISIBLE_DEVICES` value makes visible, as indices of
/// the `total` emulated devices in ordinal order; None (unset) shows all.
/// Reading stops at the first entry that names no device; a device named
/// twice is `CUDA_ERROR_INVALID_DEVICE`.
pub fn visible_devices(spec: Option<&str>, total: u32) -> Result<Vec<u32>, CUresult> {
    let Some(spec) = spec else { return Ok((0..total).collect()) };
    let mut list = Vec::new();
    for entry in spec.split(',') {
        let e = entry.trim();
        let found = if let Some(prefix) = e.strip_prefix("GPU-") {
            let prefix = prefix.to_ascii_lowercase();
            let hits: Vec<u32> = (0..total)
                .filter(|&i| !prefix.is_empty() && uuid_string(&device_uuid(i))[4..].starts_with(&prefix))
                .collect();
            if hits.len() == 1 {
                Some(hits[0])
            } else {
                None
            }
        } else if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) {
            e.parse::<u32>().ok().filter(|&i| i < total)
        } else {
            None
        };
        let Some(i) = found else { break };
        if list.contains(&i) {
            return Err(CUDA_ERROR_INVALID_DEVICE);
        }
        list.push(i);
    }
    Ok(list)
}

/// The visible devices (ordinal → emulated device index), from the
/// environment, once per process.
static DEVICES: Lazy<Result<Vec<u32>, CUresult>> = Lazy::new(|| {
    let total = physical_count(std::env::var("SOFTCUDA_DEVICES").ok().as_deref());
    visible_devices(std::env::var("CUDA_VISIBLE_DEVICES").ok().as_deref(), total)
});

/// Number of visible devices (0 when `CUDA_VISIBLE_DEVICES` hides them all).
pub fn device_count() -> i32 {
    DEVICES.as_ref().map_or(0, |d| d.len() as i32)
}

/// The emulated device index behind ordinal `dev`, if `dev` is a device.
pub fn physical_index(dev: i32) -> Option<u32> {
    let d = DEVICES.as_ref().ok()?;
    usize::try_from(dev).ok().and_then(|i| d.get(i)).copied()
}

/// Fails with `CUDA_ERROR_INVALID_DEVICE` unless `dev` is a visible device
/// (and, first, with `CUDA_ERROR_NOT_INITIALIZED` before `cuInit`).
pub(crate) fn check_device(dev: i32) -> CuResult {
    require_init()?;
    if physical_index(dev).is_none() {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    Ok(())
}

/// Runs when process exit begins (registered with `atexit` by the first
/// successful `cuInit`, so handlers the program registered before that run
/// after it): from then on every call fails with `CUDA_ERROR_DEINITIALIZED`.
extern "C" fn process_exit_began() {
    DRIVER.deinitialized.store(true, Ordering::Release);
}

pub(crate) fn init(flags: u32) -> CuResult {
    if DRIVER.deinitialized.load(Ordering::Acquire) {
        return fail(CUDA_ERROR_DEINITIALIZED);
    }
    if flags != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    match &*DEVICES {
        Err(code) => return fail(*code),
        Ok(d) if d.is_empty() => return fail(CUDA_ERROR_NO_DEVICE),
        Ok(_) => {}
    }
    static AT_EXIT: Once = Once::new();
    AT_EXIT.call_once(|| {
        // SAFETY: registers a plain function with no captured state; it only
        // stores to an atomic, which is valid at any point of process exit.
        unsafe { libc::atexit(process_exit_began) };
    });
    DRIVER.initialized.store(true, Ordering::Release);
    Ok(())
}

pub(crate) unsafe fn driver_get_version(v: *mut i32) -> CuResult {
    if DRIVER.deinitialized.load(Ordering::Acquire) {
        return fail(CUDA_ERROR_DEINITIALIZED);
    }
    // SAFETY: out() checks NULL; the caller's pointer is writable by contract.
    unsafe { out(v, DRIVER_VERSION) }
}

pub(crate) unsafe fn device_get(d: *mut i32, ordinal: i32) -> CuResult {
    require_init()?;
    if d.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    check_device(ordinal)?;
    // SAFETY: checked non-null above.
    unsafe { out(d, ordinal) }
}

pub(crate) unsafe fn device_get_count(n: *mut i32) -> CuResult {
    require_init()?;
    // SAFETY: out() checks NULL.
    unsafe { out(n, device_count()) }
}

pub(crate) unsafe fn device_get_name(name: *mut c_char, len: i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if name.is_null() || len <= 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let bytes = DEVICE_NAME.as_bytes();
    let n = bytes.len().min(len as usize - 1);
    // SAFETY: the caller provides `len` writable bytes at `name`; we write n + 1 ≤ len.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), name as *mut u8, n);
        *name.add(n) = 0;
    }
    Ok(())
}

pub(crate) unsafe fn device_total_mem(bytes: *mut usize, dev: i32) -> CuResult {
    check_device(dev)?;
    // SAFETY: out() checks NULL.
    unsafe { out(bytes, total_mem()) }
}

/// Attribute `attrib` of device `dev`: the common table, with the PCI bus
/// number telling devices apart.
pub fn attribute_of(attrib: i32, dev: i32) -> Option<i32> {
    match attrib {
        attr::PCI_BUS_ID => physical_index(dev).map(|p| p as i32),
        _ => device_attribute(attrib),
    }
}

pub(crate) unsafe fn device_get_attribute(v: *mut i32, attrib: i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if v.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    match attribute_of(attrib, dev) {
        // SAFETY: checked non-null.
        Some(x) => unsafe { out(v, x) },
        None => fail(CUDA_ERROR_INVALID_VALUE),
    }
}

pub(crate) unsafe fn device_compute_capability(major: *mut i32, minor: *mut i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if major.is_null() || minor.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let (ma, mi) = super::attributes::COMPUTE_CAPABILITY;
    // SAFETY: both checked non-null.
    unsafe {
        out(major, ma)?;
        out(minor, mi)
    }
}

pub(crate) unsafe fn device_get_uuid(uuid: *mut [u8; 16], dev: i32) -> CuResult {
    check_device(dev)?;
    let p = physical_index(dev).unwrap_or(0);
    // SAFETY: out() checks NULL; CUuuid is 16 bytes.
    unsafe { out(uuid, device_uuid(p)) }
}

/// `cuDeviceGetLuid`: LUIDs exist on Windows only; NVIDIA's Linux driver
/// answers `CUDA_ERROR_NOT_SUPPORTED` (measured), and so do we, quietly.
pub(crate) fn device_get_luid(luid: *mut c_char, mask: *mut u32, dev: i32) -> CuResult {
    check_device(dev)?;
    if luid.is_null() || mask.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    fail(CUDA_ERROR_NOT_SUPPORTED)
}

/// The PCI bus id string of emulated device `physical`: domain 0, bus =
/// device index, device 0, function 0, in the driver's
/// `domain:bus:device.function` hex format ("0000:00:00.0").
pub fn pci_bus_id(physical: u32) -> String {
    format!("{:04x}:{:02x}:{:02x}.0", 0, physical, 0)
}

/// `cuDeviceGetPCIBusId(buf, len, dev)`: writes the id, NUL-terminated,
/// truncated to `len` bytes; a truncated id also returns
/// `CUDA_ERROR_INVALID_VALUE` (measured: len 5 gives "0000" and 1).
pub(crate) unsafe fn device_get_pci_bus_id(buf: *mut c_char, len: i32, dev: i32) -> CuResult {
    check_device(dev)?;
    if buf.is_null() || len <= 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let id = pci_bus_id(physical_index(dev).unwrap_or(0));
    let n = id.len().min(len as usize - 1);
    // SAFETY: the caller provides `len` writable bytes; we write n + 1 ≤ len.
    unsafe {
        std::ptr::copy_nonoverlapping(id.as_ptr(), buf as *mut u8, n);
        *buf.add(n) = 0;
    }
    if n < id.len() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    Ok(())
}

/// Parses `[domain:]bus:device[.function]` (hex fields, either case) into
/// (domain, bus, device, function); None when malformed.
pub fn parse_pci_bus_id(s: &str) -> Option<(u32, u32, u32, u32)> {
    let hex = |t: &str| {
        if t.is_empty() || t.len() > 8 {
            None
        } else {
            u32::from_str_radix(t, 16).ok()
        }
    };
    let parts: Vec<&str> = s.trim().split(':').collect();
    let (domain, bus, rest) = match parts.as_slice() {
        [d, b, r] => (hex(d)?, hex(b)?, *r),
        [b, r] => (0, hex(b)?, *r),
        _ => return None,
    };
    let (dev, func) = match rest.split_once('.') {
        Some((d, f)) => (hex(d)?, hex(f)?),
        None => (hex(rest)?, 0),
    };
    Some((domain, bus, dev, func))
}

pub(crate) unsafe fn device_get_by_pci_bus_id(dev: *mut i32, id: *const c_char) -> CuResult {
    require_init()?;
    if dev.is_null() || id.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: the caller passes a NUL-terminated string.
    let id = unsafe { CStr::from_ptr(id) }.to_string_lossy();
    let Some((domain, bus, device, func)) = parse_pci_bus_id(&id) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    let found =
        (0..device_count()).find(|&d| domain == 0 && device == 0 && func == 0 && physical_index(d) == Some(bus));
    match found {
        // SAFETY: checked non-null.
        Some(d) => unsafe { out(dev, d) },
        None => fail(CUDA_ERROR_INVALID_DEVICE),
    }
}

/// `cuDeviceCanAccessPeer`: every pair of distinct devices can (one address
/// space); a device and itself answer 0, as NVIDIA's driver does.
pub(crate) unsafe fn device_can_access_peer(can: *mut i32, dev: i32, peer: i32) -> CuResult {
    check_device(dev)?;
    check_device(peer)?;
    // SAFETY: out() checks NULL.
    unsafe { out(can, (dev != peer) as i32) }
}

/// `cuDeviceGetP2PAttribute(value, attrib, src, dst)`: access and native
/// atomics supported (kernels of every device touch the same host memory
/// with real atomics), performance rank 0, no CUDA array access (arrays are
/// not offered). The same device twice is `CUDA_ERROR_INVALID_DEVICE`
/// (measured).
pub(crate) unsafe fn device_get_p2p_attribute(value: *mut i32, attrib: u32, src: i32, dst: i32) -> CuResult {
    check_device(src)?;
    check_device(dst)?;
    if value.is_null() {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    if src == dst {
        return fail(CUDA_ERROR_INVALID_DEVICE);
    }
    let v = match attrib {
        1 => 0, // PERFORMANCE_RANK
        2 => 1, // ACCESS_SUPPORTED
        3 => 1, // NATIVE_ATOMIC_SUPPORTED
        4 => 0, // CUDA_ARRAY_ACCESS_SUPPORTED
        5 => 0, // ONLY_PARTIAL_NATIVE_ATOMIC_SUPPORTED
        _ => return fail(CUDA_ERROR_INVALID_VALUE),
    };
    // SAFETY: checked non-null.
    unsafe { out(value, v) }
}

/// Bytes per channel of a `CUarray_format` this driver knows (the plain
/// integer and float formats), or None.
fn format_bytes(format: u32) -> Option<u64> {
    match format {
        0x01 | 0x08 => Some(1),        // (UN)SIGNED_INT8
        0x02 | 0x09 | 0x10 => Some(2), // (UN)SIGNED_INT16, HALF
        0x03 | 0x0a | 0x20 => Some(4), // (UN)SIGNED_INT32, FLOAT
        _ => None,
    }
}

/// `cuDeviceGetTexture1DLinearMaxWidth`: elements of a 1D linear texture,
/// min(2^30, 2^32 bytes / element size), as measured on the H100 (FLOAT×1
/// 2^30, FLOAT×4 2^28, UINT8×1 2^30); channels must be 1, 2 or 4.
pub(crate) unsafe fn device_get_texture_1d_linear_max_width(
    width: *mut usize,
    format: u32,
    channels: u32,
    dev: i32,
) -> CuResult {
    check_device(dev)?;
    let Some(bytes) = format_bytes(format) else { return fail(CUDA_ERROR_INVALID_VALUE) };
    if width.is_null() || !matches!(channels, 1 | 2 | 4) {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    let w = (1u64 << 30).min((1u64 << 32) / (bytes * channels as u64));
    // SAFETY: checked non-null.
    unsafe { out(width, w as usize) }
}

/// `cuDeviceGetExecAffinitySupport`: no execution affinity (answer 0).
pub(crate) unsafe fn device_get_exec_affinity_support(pi: *mut i32, kind: u32, dev: i32) -> CuResult {
    check_device(dev)?;
    if kind != 0 {
        return fail(CUDA_ERROR_INVALID_VALUE);
    }
    // SAFETY: out() checks NULL.
    unsafe { out(pi, 0) }
}

/// `cuDeviceGetProperties` (deprecated): the `CUdevprop` struct, 14 ints.
pub(crate) unsafe fn device_get_properties(prop: *mut [i32; 14], dev: i32) -> CuResult {
    check_device(dev)?;
    let a = |id| device_attribute(id).unwrap_or(0);
    let p = [
        a(attr::MAX_THREADS_PER_BLOCK),
        a(attr::MAX_BLOCK_DIM_X),
        a(attr::MAX_BLOCK_DIM_Y),
        a(attr::MAX_BLOCK_DIM_Z),
        a(attr::MAX_GRID_DIM_X),
        a(attr::MAX_GRID_DIM_Y),
        a(attr::MAX_GRID_DIM_Z),
        a(attr::MAX_SHARED_MEMORY_PER_BLOCK),
        a(attr::TOTAL_CONSTANT_MEMORY),
        a(attr::WARP_SIZE),
        a(attr::MAX_PITCH),
        a(attr::MAX_REGISTERS_PER_BLOCK),
        a(attr::CLOCK_RATE),
        a(attr::TEXTURE_ALIGNMENT),
    ];
    // SAFETY: out() checks NULL; CUdevprop is 14 ints.
    unsafe { out(prop, p) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_count_from_env_value() {
        assert_eq!(physical_count(None), 1);
        assert_eq!(physical_count(Some("3")), 3);
        assert_eq!(physical_count(Some(" 2 ")), 2);
        assert_eq!(physical_count(Some("0")), 0);
        assert_eq!(physical_count(Some("x")), 1);
        assert_eq!(physical_count(Some("1000")), 1);
    }

    #[test]
    fn visible_devices_like_nvidia() {
        let v = |s: Option<&str>, n| visible_devices(s, n);
        assert_eq!(v(None, 3), Ok(vec![0, 1, 2]));
        assert_eq!(v(Some(""), 3), Ok(vec![]));
        assert_eq!(v(Some("2,0"), 3), Ok(vec![2, 0]));
        assert_eq!(v(Some(" 1 "), 3), Ok(vec![1]));
        // Reading stops at the first entry that names no device.
        assert_eq!(v(Some("0,7,1"), 3), Ok(vec![0]));
        assert_eq!(v(Some("1,0"), 1), Ok(vec![]));
        assert_eq!(v(Some("0,abc"), 1), Ok(vec![0]));
        assert_eq!(v(Some("-1"), 3), Ok(vec![]));
        assert_eq!(v(Some("GPU-"), 3), Ok(vec![]));
        // A repeated device fails cuInit with INVALID_DEVICE.
        assert_eq!(v(Some("0,0"), 1), Err(CUDA_ERROR_INVALID_DEVICE));
        // UUIDs, whole or by unambiguous prefix, either case.
        let u2 = uuid_string(&device_uuid(2));
        assert_eq!(v(Some(&u2), 3), Ok(vec![2]));
        assert_eq!(v(Some(&u2.to_ascii_uppercase()), 3), Ok(vec![2]), "hex digits in either case");
        assert_eq!(v(Some(&u2[..6]), 3), Ok(vec![2]));
        assert_eq!(v(Some(&format!("1,{}", &u2[..6])), 3), Ok(vec![1, 2]));
        assert_eq!(v(Some(&u2[4..]), 3), Ok(vec![]), "a UUID needs its GPU- prefix");
        assert_eq!(v(Some("GPU-ffff"), 3), Ok(vec![]));
    }

    #[test]
    fn uuids_differ_and_format() {
        assert_eq!(&device_uuid(0), b"softcuda-emu-gpu");
        assert_ne!(device_uuid(0), device_uuid(1));
        assert_eq!(uuid_string(&device_uuid(0)), "GPU-736f6674-6375-6461-2d65-6d752d677075");
    }

    #[test]
    fn pci_bus_ids_round_trip() {
        assert_eq!(pci_bus_id(0), "0000:00:00.0");
        assert_eq!(pci_bus_id(10), "0000:0a:00.0");
        assert_eq!(parse_pci_bus_id("0000:0a:00.0"), Some((0, 10, 0, 0)));
        assert_eq!(parse_pci_bus_id("0000:0A:00.0"), Some((0, 10, 0, 0)));
        assert_eq!(parse_pci_bus_id("0a:00.0"), Some((0, 10, 0, 0)));
        assert_eq!(parse_pci_bus_id("0000:0a:00"), Some((0, 10, 0, 0)));
        assert_eq!(parse_pci_bus_id("00000000:01:06.1"), Some((0, 1, 6, 1)));
        assert_eq!(parse_pci_bus_id("zz:00.0"), None);
        assert_eq!(parse_pci_bus_id("0"), None);
        assert_eq!(parse_pci_bus_id(""), None);
    }
}
