//! Drives the PTX corpus in `tests/corpus/` through the CUDA driver API that
//! this crate exports, exactly as a C program would: the functions are
//! declared here with C linkage and resolved against the crate's
//! `#[no_mangle]` symbols (no Rust API of the crate is used).
//!
//! Every kernel runs from both the compute_75 and the compute_80 PTX (one
//! `#[test]` per pair). Inputs come from a small LCG; expected results are
//! computed on the host in the same operation order as the kernel, so integer
//! and IEEE float results are compared bit for bit (NaN payloads excepted).
//! `tests/corpus/README.md` says how the PTX is generated.

#![allow(clippy::too_many_arguments)]

use cuda as _; // links the driver's exported C symbols

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;

mod common;
use common::driver::*;

// ---------------------------------------------------------------------------
// Driver helpers
// ---------------------------------------------------------------------------

fn error_name(code: CUresult) -> String {
    let mut name: *const c_char = ptr::null();
    // SAFETY: cuGetErrorName writes a pointer to a static string or fails.
    let r = unsafe { cuGetErrorName(code, &mut name) };
    if r != 0 || name.is_null() {
        return "?".to_string();
    }
    // SAFETY: the driver returned a NUL-terminated static string.
    unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
}

#[track_caller]
fn check(code: CUresult, what: &str) {
    if code != 0 {
        panic!("{what} failed: CUDA error {code} ({})", error_name(code));
    }
}

/// Makes the primary context of device 0 current on the calling thread (each
/// #[test] runs on its own thread, and the current context is per thread).
fn init() {
    unsafe {
        check(cuInit(0), "cuInit");
        let mut dev = -1;
        check(cuDeviceGet(&mut dev, 0), "cuDeviceGet(0)");
        let mut ctx = ptr::null_mut();
        check(cuDevicePrimaryCtxRetain(&mut ctx, dev), "cuDevicePrimaryCtxRetain");
        assert!(!ctx.is_null(), "cuDevicePrimaryCtxRetain returned a null context");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    }
}

struct Module(*mut c_void);

impl Module {
    #[track_caller]
    fn load(ptx: &str) -> Module {
        let image = CString::new(ptx).expect("PTX contains a NUL byte");
        let mut m = ptr::null_mut();
        check(unsafe { cuModuleLoadData(&mut m, image.as_ptr().cast()) }, "cuModuleLoadData");
        assert!(!m.is_null(), "cuModuleLoadData returned a null module");
        Module(m)
    }

    #[track_caller]
    fn function(&self, name: &str) -> Kernel {
        let cname = CString::new(name).unwrap();
        let mut f = ptr::null_mut();
        check(unsafe { cuModuleGetFunction(&mut f, self.0, cname.as_ptr()) }, &format!("cuModuleGetFunction({name})"));
        assert!(!f.is_null(), "cuModuleGetFunction({name}) returned a null function");
        Kernel { f, name: name.to_string() }
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        let r = unsafe { cuModuleUnload(self.0) };
        if r != 0 && !std::thread::panicking() {
            panic!("cuModuleUnload failed: CUDA error {r} ({})", error_name(r));
        }
    }
}

struct Kernel {
    f: *mut c_void,
    name: String,
}

/// Address of one kernel argument, for the `kernelParams` array.
fn arg<T>(v: &mut T) -> *mut c_void {
    (v as *mut T).cast()
}

impl Kernel {
    /// Launches on the default stream and waits for completion.
    #[track_caller]
    fn launch(&self, grid: (u32, u32, u32), block: (u32, u32, u32), params: &mut [*mut c_void]) {
        let r = unsafe {
            cuLaunchKernel(
                self.f,
                grid.0,
                grid.1,
                grid.2,
                block.0,
                block.1,
                block.2,
                0,
                ptr::null_mut(),
                params.as_mut_ptr(),
                ptr::null_mut(),
            )
        };
        check(r, &format!("cuLaunchKernel({}, grid {grid:?}, block {block:?})", self.name));
        check(unsafe { cuCtxSynchronize() }, &format!("cuCtxSynchronize after {}", self.name));
    }
}

/// Device buffer of `len` elements of T.
struct DevBuf<T> {
    ptr: CUdeviceptr,
    len: usize,
    _t: std::marker::PhantomData<T>,
}

impl<T: Copy + Default> DevBuf<T> {
    #[track_caller]
    fn alloc(len: usize) -> DevBuf<T> {
        assert!(len > 0);
        let bytes = len * std::mem::size_of::<T>();
        let mut p: CUdeviceptr = 0;
        check(unsafe { cuMemAlloc_v2(&mut p, bytes) }, &format!("cuMemAlloc({bytes})"));
        assert!(p != 0, "cuMemAlloc returned a null device pointer");
        DevBuf { ptr: p, len, _t: std::marker::PhantomData }
    }

    #[track_caller]
    fn from_slice(data: &[T]) -> DevBuf<T> {
        let b = DevBuf::alloc(data.len());
        b.write(data);
        b
    }

    #[track_caller]
    fn write(&self, data: &[T]) {
        assert_eq!(data.len(), self.len);
        let bytes = std::mem::size_of_val(data);
        check(unsafe { cuMemcpyHtoD_v2(self.ptr, data.as_ptr().cast(), bytes) }, &format!("cuMemcpyHtoD({bytes})"));
    }

    /// Fills the buffer with a 32-bit pattern (T must be a multiple of 4 bytes).
    #[track_caller]
    fn fill32(&self, value: u32) {
        let bytes = self.len * std::mem::size_of::<T>();
        assert_eq!(bytes % 4, 0);
        check(unsafe { cuMemsetD32_v2(self.ptr, value, bytes / 4) }, "cuMemsetD32");
    }

    #[track_caller]
    fn read(&self) -> Vec<T> {
        let mut v = vec![T::default(); self.len];
        let bytes = self.len * std::mem::size_of::<T>();
        check(unsafe { cuMemcpyDtoH_v2(v.as_mut_ptr().cast(), self.ptr, bytes) }, &format!("cuMemcpyDtoH({bytes})"));
        v
    }
}

impl<T> Drop for DevBuf<T> {
    fn drop(&mut self) {
        let r = unsafe { cuMemFree_v2(self.ptr) };
        if r != 0 && !std::thread::panicking() {
            panic!("cuMemFree failed: CUDA error {r} ({})", error_name(r));
        }
    }
}

// ---------------------------------------------------------------------------
// Inputs and comparisons
// ---------------------------------------------------------------------------

/// 64-bit LCG (Knuth's MMIX constants); the high half is the output.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        Lcg(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1))
    }
    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 32) as u32
    }
    fn next_u64(&mut self) -> u64 {
        ((self.next_u32() as u64) << 32) | self.next_u32() as u64
    }
    /// Uniform in [lo, hi) with 24 random bits.
    fn f32_in(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (self.next_u32() >> 8) as f32 * (1.0 / 16777216.0) * (hi - lo)
    }
    fn below(&mut self, n: u32) -> u32 {
        ((self.next_u32() as u64 * n as u64) >> 32) as u32
    }
}

fn ceil_div(a: usize, b: usize) -> u32 {
    a.div_ceil(b) as u32
}

fn same_f32(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[track_caller]
fn assert_f32_exact(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let bad: Vec<usize> = (0..got.len()).filter(|&i| !same_f32(got[i], want[i])).collect();
    if let Some(&i) = bad.first() {
        panic!(
            "{what}: {} of {} elements differ; first at [{i}]: got {:e} ({:#010x}), want {:e} ({:#010x})",
            bad.len(),
            got.len(),
            got[i],
            got[i].to_bits(),
            want[i],
            want[i].to_bits()
        );
    }
}

#[track_caller]
fn assert_u32_exact(what: &str, got: &[u32], want: &[u32]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let bad: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
    if let Some(&i) = bad.first() {
        panic!(
            "{what}: {} of {} elements differ; first at [{i}]: got {:#010x} ({}), want {:#010x} ({})",
            bad.len(),
            got.len(),
            got[i],
            got[i] as i32,
            want[i],
            want[i] as i32
        );
    }
}

/// Panics listing (up to 40 of) the mismatches, if any.
#[track_caller]
fn report_mismatches(what: &str, bad: &[String]) {
    if !bad.is_empty() {
        let shown: Vec<&str> = bad.iter().take(40).map(|s| s.as_str()).collect();
        panic!("{what}: {} mismatches:\n  {}", bad.len(), shown.join("\n  "));
    }
}

/// 32-bit pattern written past the end of output buffers; a kernel whose
/// bounds check fails overwrites it.
const SENTINEL: u32 = 0xdead_beef;

macro_rules! corpus_ptx {
    ($file:literal, $arch:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/", $file, ".", $arch, ".ptx"))
    };
}

/// One #[test] per (kernel, arch): `name_75, name_80 => runner("file");`
macro_rules! corpus_tests {
    ($($t75:ident, $t80:ident => $runner:ident($file:literal);)*) => {
        $(
            #[test]
            fn $t75() {
                $runner(corpus_ptx!($file, "sm75"));
            }
            #[test]
            fn $t80() {
                $runner(corpus_ptx!($file, "sm80"));
            }
        )*
    };
}

corpus_tests! {
    vector_add_sm75, vector_add_sm80 => run_vector_add("vector_add");
    saxpy_sm75, saxpy_sm80 => run_saxpy("saxpy");
    sgemm_tiled_sm75, sgemm_tiled_sm80 => run_sgemm_tiled("sgemm_tiled");
    reduce_sum_f32_sm75, reduce_sum_f32_sm80 => run_reduce_sum_f32("reduce_shfl");
    reduce_sum_i32_sm75, reduce_sum_i32_sm80 => run_reduce_sum_i32("reduce_shfl");
    histogram_sm75, histogram_sm80 => run_histogram("histogram");
    transpose_sm75, transpose_sm80 => run_transpose("transpose");
    divergent_sm75, divergent_sm80 => run_divergent("divergent");
    int_ops_sm75, int_ops_sm80 => run_int_ops("int_ops");
    float_ops_sm75, float_ops_sm80 => run_float_ops("float_ops");
}

// ---------------------------------------------------------------------------
// vector_add(const float* a, const float* b, float* c, int n)
// ---------------------------------------------------------------------------

fn run_vector_add(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("vector_add");
    const PAD: usize = 37;
    for (case, &(n, block)) in [(1usize, 32u32), (1000, 256), (100_003, 256), (4099, 96)].iter().enumerate() {
        let mut rng = Lcg::new(100 + case as u64);
        let a: Vec<f32> = (0..n).map(|_| rng.f32_in(-1000.0, 1000.0)).collect();
        let b: Vec<f32> = (0..n).map(|_| rng.f32_in(-1.0, 1.0)).collect();
        let da = DevBuf::from_slice(&a);
        let db = DevBuf::from_slice(&b);
        let dc = DevBuf::<f32>::alloc(n + PAD);
        dc.fill32(SENTINEL);
        let (mut pa, mut pb, mut pc, mut pn) = (da.ptr, db.ptr, dc.ptr, n as i32);
        k.launch(
            (ceil_div(n, block as usize), 1, 1),
            (block, 1, 1),
            &mut [arg(&mut pa), arg(&mut pb), arg(&mut pc), arg(&mut pn)],
        );
        let got = dc.read();
        let want: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        assert_f32_exact(&format!("vector_add n={n}"), &got[..n], &want);
        assert!(got[n..].iter().all(|v| v.to_bits() == SENTINEL), "vector_add n={n}: wrote past c[n-1] (bounds check)");
    }
}

// ---------------------------------------------------------------------------
// saxpy(int n, float a, const float* x, float* y): y = fma(a, x, y), grid-stride
// ---------------------------------------------------------------------------

fn run_saxpy(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("saxpy");
    // (n, grid, block): fewer threads than n exercises the grid-stride loop.
    for (case, &(n, grid, block)) in
        [(1usize, 1u32, 32u32), (10_007, 7, 128), (10_007, 80, 128), (333, 2, 100)].iter().enumerate()
    {
        let mut rng = Lcg::new(200 + case as u64);
        let alpha = rng.f32_in(-3.0, 3.0);
        let x: Vec<f32> = (0..n).map(|_| rng.f32_in(-100.0, 100.0)).collect();
        let y: Vec<f32> = (0..n).map(|_| rng.f32_in(-100.0, 100.0)).collect();
        let dx = DevBuf::from_slice(&x);
        let mut yy = y.clone();
        yy.extend(std::iter::repeat_n(f32::from_bits(SENTINEL), 5));
        let dy = DevBuf::from_slice(&yy);
        let (mut pn, mut pa, mut px, mut py) = (n as i32, alpha, dx.ptr, dy.ptr);
        k.launch((grid, 1, 1), (block, 1, 1), &mut [arg(&mut pn), arg(&mut pa), arg(&mut px), arg(&mut py)]);
        let got = dy.read();
        let want: Vec<f32> = x.iter().zip(&y).map(|(&xi, &yi)| alpha.mul_add(xi, yi)).collect();
        assert_f32_exact(&format!("saxpy n={n} grid={grid} block={block}"), &got[..n], &want);
        assert!(got[n..].iter().all(|v| v.to_bits() == SENTINEL), "saxpy n={n}: wrote past y[n-1]");
    }
}

// ---------------------------------------------------------------------------
// sgemm_tiled(A, B, C, M, N, K): C = A*B, row-major, 16x16 tiles
// ---------------------------------------------------------------------------

/// Same order as the kernel: acc = fma(A[r][k], B[k][c], acc) for k = 0..K
/// (nvcc contracts `acc += a * b`; the zero padding of the last tile adds
/// fma(0, 0, acc) = acc, as acc is never -0).
fn sgemm_host(a: &[f32], b: &[f32], m: usize, n: usize, k: usize) -> Vec<f32> {
    let mut c = vec![0.0f32; m * n];
    for r in 0..m {
        for col in 0..n {
            let mut acc = 0.0f32;
            for l in 0..k {
                acc = a[r * k + l].mul_add(b[l * n + col], acc);
            }
            c[r * n + col] = acc;
        }
    }
    c
}

fn run_sgemm_tiled(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let kern = module.function("sgemm_tiled");
    for (case, &(m, n, k)) in
        [(33usize, 47usize, 29usize), (128, 128, 128), (1, 1, 1), (16, 16, 16), (17, 5, 40)].iter().enumerate()
    {
        let mut rng = Lcg::new(300 + case as u64);
        let a: Vec<f32> = (0..m * k).map(|_| rng.f32_in(-1.0, 1.0)).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.f32_in(-1.0, 1.0)).collect();
        let da = DevBuf::from_slice(&a);
        let db = DevBuf::from_slice(&b);
        let dc = DevBuf::<f32>::alloc(m * n + 16);
        dc.fill32(SENTINEL);
        let (mut pa, mut pb, mut pc) = (da.ptr, db.ptr, dc.ptr);
        let (mut pm, mut pn, mut pk) = (m as i32, n as i32, k as i32);
        kern.launch(
            (ceil_div(n, 16), ceil_div(m, 16), 1),
            (16, 16, 1),
            &mut [arg(&mut pa), arg(&mut pb), arg(&mut pc), arg(&mut pm), arg(&mut pn), arg(&mut pk)],
        );
        let got = dc.read();
        let want = sgemm_host(&a, &b, m, n, k);
        let what = format!("sgemm_tiled {m}x{n}x{k}");
        // Bit-exact (same fma order) ...
        assert_f32_exact(&what, &got[..m * n], &want);
        // ... which implies the tolerance check against a double-precision
        // reference; kept to give a clearer message if the order assumption
        // were ever wrong: |err| <= K * 2^-23 * sum|a||b|.
        for r in 0..m {
            for c in 0..n {
                let (mut exact, mut mag) = (0.0f64, 0.0f64);
                for l in 0..k {
                    let p = a[r * k + l] as f64 * b[l * n + c] as f64;
                    exact += p;
                    mag += p.abs();
                }
                let err = (got[r * n + c] as f64 - exact).abs();
                assert!(err <= k as f64 * f32::EPSILON as f64 * mag + 1e-30, "{what}: C[{r}][{c}] error {err}");
            }
        }
        assert!(got[m * n..].iter().all(|v| v.to_bits() == SENTINEL), "{what}: wrote past C[M*N-1]");
    }
}

// ---------------------------------------------------------------------------
// reduce_sum / reduce_sum_i32(in, out_per_block, n)
// ---------------------------------------------------------------------------

/// Host model of `block_reduce` in reduce_shfl.cu (see the order described
/// there), generic over the element type and its addition.
fn reduce_host<T: Copy>(input: &[T], grid: usize, block: usize, zero: T, add: impl Fn(T, T) -> T) -> Vec<T> {
    let warp_reduce = |vals: &mut Vec<T>, width: usize| {
        for offset in [16usize, 8, 4, 2, 1] {
            let prev = vals.clone();
            for l in 0..width {
                if l + offset < width {
                    vals[l] = add(prev[l], prev[l + offset]);
                }
            }
        }
        vals[0]
    };
    let n = input.len();
    let nwarps = block.div_ceil(32);
    (0..grid)
        .map(|b| {
            let mut partial = Vec::with_capacity(nwarps);
            for w in 0..nwarps {
                let width = 32.min(block - w * 32);
                let mut vals: Vec<T> = (0..width)
                    .map(|l| {
                        let mut acc = zero;
                        let mut i = b * block + w * 32 + l;
                        while i < n {
                            acc = add(acc, input[i]);
                            i += block * grid;
                        }
                        acc
                    })
                    .collect();
                partial.push(warp_reduce(&mut vals, width));
            }
            let width0 = 32.min(block);
            let mut vals: Vec<T> = (0..width0).map(|l| if l < nwarps { partial[l] } else { zero }).collect();
            warp_reduce(&mut vals, width0)
        })
        .collect()
}

/// (n, grid, block): full warps (256, 96, 32, 1024), partial last warps (80,
/// 1000, 7, 33), n not a multiple of anything, grid-stride with several
/// elements per thread, and threads with no element at all.
const REDUCE_CASES: &[(usize, usize, usize)] = &[
    (100_003, 13, 256),
    (4099, 3, 80),
    (5000, 2, 1000),
    (1, 1, 32),
    (31, 1, 7),
    (777, 4, 96),
    (65_536, 64, 1024),
    (10, 3, 33),
];

fn run_reduce_sum_f32(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("reduce_sum");
    for (case, &(n, grid, block)) in REDUCE_CASES.iter().enumerate() {
        let mut rng = Lcg::new(400 + case as u64);
        let input: Vec<f32> = (0..n).map(|_| rng.f32_in(-1.0, 1.0)).collect();
        let din = DevBuf::from_slice(&input);
        let dout = DevBuf::<f32>::alloc(grid + 3);
        dout.fill32(SENTINEL);
        let (mut pi, mut po, mut pn) = (din.ptr, dout.ptr, n as i32);
        k.launch((grid as u32, 1, 1), (block as u32, 1, 1), &mut [arg(&mut pi), arg(&mut po), arg(&mut pn)]);
        let got = dout.read();
        let want = reduce_host(&input, grid, block, 0.0f32, |a, b| a + b);
        let what = format!("reduce_sum n={n} grid={grid} block={block}");
        assert_f32_exact(&what, &got[..grid], &want);
        assert!(got[grid..].iter().all(|v| v.to_bits() == SENTINEL), "{what}: wrote past out[grid-1]");
        // Sanity against a double-precision total.
        let total: f64 = got[..grid].iter().map(|&v| v as f64).sum();
        let exact: f64 = input.iter().map(|&v| v as f64).sum();
        assert!((total - exact).abs() <= 1e-6 * n as f64 + 1e-6, "{what}: total {total} vs {exact}");
    }
}

fn run_reduce_sum_i32(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("reduce_sum_i32");
    for (case, &(n, grid, block)) in REDUCE_CASES.iter().enumerate() {
        let mut rng = Lcg::new(500 + case as u64);
        // |sum| < 100_003 * 10_000 < 2^31: no overflow in any order.
        let input: Vec<i32> = (0..n).map(|_| rng.below(20_000) as i32 - 10_000).collect();
        let din = DevBuf::from_slice(&input);
        let dout = DevBuf::<i32>::alloc(grid + 3);
        dout.fill32(SENTINEL);
        let (mut pi, mut po, mut pn) = (din.ptr, dout.ptr, n as i32);
        k.launch((grid as u32, 1, 1), (block as u32, 1, 1), &mut [arg(&mut pi), arg(&mut po), arg(&mut pn)]);
        let got: Vec<u32> = dout.read().iter().map(|&v| v as u32).collect();
        let want: Vec<u32> =
            reduce_host(&input, grid, block, 0i32, |a, b| a.wrapping_add(b)).iter().map(|&v| v as u32).collect();
        let what = format!("reduce_sum_i32 n={n} grid={grid} block={block}");
        assert_u32_exact(&what, &got[..grid], &want);
        assert!(got[grid..].iter().all(|&v| v == SENTINEL), "{what}: wrote past out[grid-1]");
        let total: i64 = got[..grid].iter().map(|&v| v as i32 as i64).sum();
        assert_eq!(total, input.iter().map(|&v| v as i64).sum::<i64>(), "{what}: total");
    }
}

// ---------------------------------------------------------------------------
// histogram(const unsigned char* data, int n, unsigned int* bins)
// ---------------------------------------------------------------------------

fn run_histogram(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("histogram");
    for (case, &(n, grid, block)) in
        [(100_003usize, 20u32, 256u32), (100_003, 1, 100), (1, 1, 64), (4097, 50, 32)].iter().enumerate()
    {
        let mut rng = Lcg::new(600 + case as u64);
        // Skewed: half the bytes are 7, so many atomics hit one bin.
        let data: Vec<u8> =
            (0..n).map(|_| if rng.next_u32() & 1 == 0 { 7 } else { (rng.next_u32() >> 24) as u8 }).collect();
        let dd = DevBuf::from_slice(&data);
        let dbins = DevBuf::<u32>::alloc(256 + 8);
        dbins.fill32(0);
        let (mut pd, mut pn, mut pb) = (dd.ptr, n as i32, dbins.ptr);
        k.launch((grid, 1, 1), (block, 1, 1), &mut [arg(&mut pd), arg(&mut pn), arg(&mut pb)]);
        let got = dbins.read();
        let mut want = vec![0u32; 256];
        for &b in &data {
            want[b as usize] += 1;
        }
        let what = format!("histogram n={n} grid={grid} block={block}");
        assert_u32_exact(&what, &got[..256], &want);
        assert!(got[256..].iter().all(|&v| v == 0), "{what}: wrote past bins[255]");
        assert_eq!(got[..256].iter().map(|&v| v as usize).sum::<usize>(), n, "{what}: total count");
    }
}

// ---------------------------------------------------------------------------
// transpose(const float* in, float* out, int rows, int cols)
// ---------------------------------------------------------------------------

fn run_transpose(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("transpose");
    for (case, &(rows, cols)) in [(33usize, 47usize), (32, 32), (1, 1), (100, 257), (64, 3)].iter().enumerate() {
        let mut rng = Lcg::new(700 + case as u64);
        let input: Vec<f32> = (0..rows * cols).map(|_| rng.f32_in(-1e6, 1e6)).collect();
        let din = DevBuf::from_slice(&input);
        let dout = DevBuf::<f32>::alloc(rows * cols + 9);
        dout.fill32(SENTINEL);
        let (mut pi, mut po, mut pr, mut pc) = (din.ptr, dout.ptr, rows as i32, cols as i32);
        k.launch(
            (ceil_div(cols, 32), ceil_div(rows, 32), 1),
            (32, 8, 1),
            &mut [arg(&mut pi), arg(&mut po), arg(&mut pr), arg(&mut pc)],
        );
        let got = dout.read();
        let mut want = vec![0.0f32; rows * cols];
        for r in 0..rows {
            for c in 0..cols {
                want[c * rows + r] = input[r * cols + c];
            }
        }
        let what = format!("transpose {rows}x{cols}");
        assert_f32_exact(&what, &got[..rows * cols], &want);
        assert!(got[rows * cols..].iter().all(|v| v.to_bits() == SENTINEL), "{what}: wrote past the end");
    }
}

// ---------------------------------------------------------------------------
// divergent(const unsigned int* in, unsigned int* out, int n)
// ---------------------------------------------------------------------------

fn divergent_host(x: u32, tid: u32) -> u32 {
    if tid & 1 == 0 {
        let mut steps = 0u32;
        let mut v = x as u64;
        while v > 1 && steps < 1000 {
            v = if v & 1 != 0 { v.wrapping_mul(3).wrapping_add(1) } else { v >> 1 };
            steps += 1;
        }
        steps
    } else {
        let len = x & 63;
        let mut acc = 0x9e37_79b9u32;
        for k in 0..len {
            acc =
                if (acc ^ k) & 4 != 0 { acc.wrapping_mul(33).wrapping_add(k) } else { (acc >> 3) ^ x.wrapping_add(k) };
        }
        acc
    }
}

fn run_divergent(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("divergent");
    for (case, &(n, block)) in [(1000usize, 128u32), (4099, 96), (77, 77), (1, 32)].iter().enumerate() {
        let mut rng = Lcg::new(800 + case as u64);
        let special = [0u32, 1, 2, 3, 27, 97, 871, 77_031, 837_799, 0xffff_ffff, 0x8000_0000, 63, 64];
        let input: Vec<u32> = (0..n)
            .map(|i| match i % 5 {
                0 => special[(i / 5) % special.len()],
                1 => rng.next_u32(),
                _ => rng.below(1_000_000),
            })
            .collect();
        let din = DevBuf::from_slice(&input);
        let dout = DevBuf::<u32>::alloc(n + 4);
        dout.fill32(SENTINEL);
        let (mut pi, mut po, mut pn) = (din.ptr, dout.ptr, n as i32);
        k.launch((ceil_div(n, block as usize), 1, 1), (block, 1, 1), &mut [arg(&mut pi), arg(&mut po), arg(&mut pn)]);
        let got = dout.read();
        let want: Vec<u32> = (0..n).map(|i| divergent_host(input[i], (i % block as usize) as u32)).collect();
        let what = format!("divergent n={n} block={block}");
        assert_u32_exact(&what, &got[..n], &want);
        assert!(got[n..].iter().all(|&v| v == SENTINEL), "{what}: wrote past out[n-1]");
    }
}

// ---------------------------------------------------------------------------
// int_ops(const int* a, const int* b, const unsigned long long* c, unsigned* out, int n)
// ---------------------------------------------------------------------------

const INT_OPS_N: usize = 27;

/// PTX bfe.u32 / bfe.s32 (pos, len < 256).
fn ptx_bfe(a: u32, pos: u32, len: u32, signed: bool) -> u32 {
    let (pos, len) = (pos & 0xff, len & 0xff);
    if len == 0 {
        return 0;
    }
    let sbit = if signed { (a >> (pos + len - 1).min(31)) & 1 } else { 0 };
    let mut d = 0u32;
    for i in 0..32 {
        let bit = if i < len && pos + i <= 31 { (a >> (pos + i)) & 1 } else { sbit };
        d |= bit << i;
    }
    d
}

/// PTX bfi.b32 d, a, b, pos, len: b with bits [pos, pos+len) taken from a.
fn ptx_bfi(a: u32, b: u32, pos: u32, len: u32) -> u32 {
    let (pos, len) = (pos & 0xff, len & 0xff);
    let mut d = b;
    let mut i = 0;
    while i < len && pos + i <= 31 {
        d = (d & !(1 << (pos + i))) | (((a >> i) & 1) << (pos + i));
        i += 1;
    }
    d
}

/// CUDA __byte_perm(x, y, s) (selector nibbles < 8).
fn byte_perm(x: u32, y: u32, s: u32) -> u32 {
    let bytes = ((y as u64) << 32) | x as u64;
    (0..4).fold(0u32, |r, i| {
        let sel = (s >> (4 * i)) & 7;
        r | ((((bytes >> (8 * sel)) & 0xff) as u32) << (8 * i))
    })
}

fn int_ops_host(sa: i32, sb: i32, c: u64) -> [u32; INT_OPS_N] {
    let (ua, ub) = (sa as u32, sb as u32);
    let mut o = [0u32; INT_OPS_N];
    o[0] = ((ua as u64 * ub as u64) >> 32) as u32;
    o[1] = ((sa as i64 * sb as i64) >> 32) as u32;
    o[2] = ua.wrapping_mul(ub).wrapping_add(c as u32);
    let s = ub & 31;
    o[3] = ua << s;
    o[4] = ua >> s;
    o[5] = (sa >> s) as u32;
    o[6] = ua.rotate_left(13);
    o[7] = sa.min(sb) as u32;
    o[8] = ua.max(ub);
    o[9] = (if sa == i32::MIN { 0 } else { sa }).unsigned_abs();
    let ffs = if sa == 0 { 0 } else { sa.trailing_zeros() + 1 };
    o[10] = ua.count_ones() | (sb.leading_zeros() << 8) | (ffs << 16);
    o[11] = ua.reverse_bits();
    let pos = ub & 15;
    let len = ((ub >> 4) & 15) + 1;
    o[12] = (ua >> pos) & ((1u32 << len) - 1);
    o[13] = (((ua << (32 - pos - len)) as i32) >> (32 - len)) as u32;
    let d = if sb == 0 || sb == -1 { 7 } else { sb };
    o[14] = (sa / d) as u32;
    o[15] = (sa % d) as u32;
    let ud = ub | 1;
    o[16] = ua / ud;
    o[17] = ua % ud;
    o[18] = (ua / 7).wrapping_add((sa / 10) as u32).wrapping_add(ua % 1000);
    let w = ua as u64 * ub as u64;
    let sw = sa as i64 * sb as i64;
    let m = c.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(c >> 17).wrapping_sub(w);
    o[19] = m as u32;
    o[20] = (m >> 32) as u32;
    let q = (c / (ub | 1) as u64).wrapping_add((sw >> 3) as u64);
    o[21] = q as u32 ^ (q >> 32) as u32;
    let dd = if sb == 0 || sb == -1 { 3i64 } else { sb as i64 };
    let sq = (c as i64) % dd;
    o[22] = sq as u32 ^ ((sq as u64) >> 32) as u32;
    let funnel = ((((ub as u64) << 32) | ua as u64) << ((ub >> 27) & 31) >> 32) as u32;
    let sad = (sa as i64 - sb as i64).unsigned_abs() as u32;
    o[23] = byte_perm(ua, ub, 0x5140) ^ funnel ^ sad.wrapping_add(5);
    let (bpos, blen) = (ub & 31, (ub >> 5) & 31);
    o[24] = ptx_bfe(ua, bpos, blen, false);
    o[25] = ptx_bfe(ua, bpos, blen, true);
    o[26] = ptx_bfi(ub, ua, bpos, blen);
    o
}

fn run_int_ops(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("int_ops");
    let n = 1000usize;
    let mut rng = Lcg::new(900);
    let special = [0i32, 1, -1, 2, -2, 7, -7, 10, i32::MIN, i32::MAX, i32::MIN + 1, 0x1234_5678, 31, 32, 33];
    let pick = |rng: &mut Lcg, i: usize| -> i32 {
        match i % 4 {
            0 => special[rng.below(special.len() as u32) as usize],
            1 => rng.below(2000) as i32 - 1000,
            _ => rng.next_u32() as i32,
        }
    };
    let a: Vec<i32> = (0..n).map(|i| pick(&mut rng, i)).collect();
    let b: Vec<i32> = (0..n).map(|i| pick(&mut rng, i / 3)).collect();
    // Every third c fits in 32 bits (nvcc takes a 32-bit division path then).
    let c: Vec<u64> = (0..n)
        .map(|i| match i % 3 {
            0 => rng.next_u32() as u64,
            1 => rng.next_u64(),
            _ => rng.next_u64() | (1 << 63),
        })
        .collect();
    let da = DevBuf::from_slice(&a);
    let db = DevBuf::from_slice(&b);
    let dc = DevBuf::from_slice(&c);
    let dout = DevBuf::<u32>::alloc(n * INT_OPS_N + 5);
    dout.fill32(SENTINEL);
    let (mut pa, mut pb, mut pc, mut po, mut pn) = (da.ptr, db.ptr, dc.ptr, dout.ptr, n as i32);
    k.launch(
        (ceil_div(n, 128), 1, 1),
        (128, 1, 1),
        &mut [arg(&mut pa), arg(&mut pb), arg(&mut pc), arg(&mut po), arg(&mut pn)],
    );
    let got = dout.read();
    let mut bad = Vec::new();
    for i in 0..n {
        let want = int_ops_host(a[i], b[i], c[i]);
        for (j, &w) in want.iter().enumerate() {
            let g = got[i * INT_OPS_N + j];
            if g != w {
                bad.push(format!(
                    "element {i} result {j}: got {g:#010x}, want {w:#010x} (a={:#x}, b={:#x}, c={:#x})",
                    a[i], b[i], c[i]
                ));
            }
        }
    }
    report_mismatches("int_ops", &bad);
    assert!(got[n * INT_OPS_N..].iter().all(|&v| v == SENTINEL), "int_ops: wrote past the end");
}

// ---------------------------------------------------------------------------
// float_ops(x, y, z, iv, dx, dy, fo, io, dd, n)
// ---------------------------------------------------------------------------

const FO_N: usize = 16;
const IO_N: usize = 8;
const DO_N: usize = 8;

fn random_f32(rng: &mut Lcg) -> f32 {
    const SPECIAL: [f32; 24] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.5,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        1e-40,
        -1e-45,
        f32::MIN_POSITIVE,
        f32::MAX,
        3e9,
        -3e9,
        5e9,
        2147483520.0,
        -2147483648.0,
        16777217.0,
        8388608.5,
    ];
    match rng.below(4) {
        0 => SPECIAL[rng.below(SPECIAL.len() as u32) as usize],
        1 => rng.f32_in(-10.0, 10.0),
        // any finite-or-not bit pattern except NaN payload games
        2 => {
            let v = f32::from_bits(rng.next_u32());
            if v.is_nan() {
                1.25
            } else {
                v
            }
        }
        // values around integers and .5
        _ => (rng.below(2001) as f32 - 1000.0) * 0.5 + (rng.below(3) as f32 - 1.0) * 1e-3,
    }
}

fn random_f64(rng: &mut Lcg) -> f64 {
    const SPECIAL: [f64; 16] = [
        0.0,
        -0.0,
        1.0,
        -2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-310,
        -4e-320,
        f64::MAX,
        9.3e18,
        -9.3e18,
        3e9,
        -2147483648.5,
        1e300,
        1.0e-30,
    ];
    match rng.below(4) {
        0 => SPECIAL[rng.below(SPECIAL.len() as u32) as usize],
        1 => (rng.f32_in(-1000.0, 1000.0) as f64) * (1.0 + 1e-12 * rng.next_u32() as f64),
        2 => {
            let v = f64::from_bits(rng.next_u64());
            if v.is_nan() {
                -7.75
            } else {
                v
            }
        }
        _ => (rng.below(2001) as f64 - 1000.0) * 0.5,
    }
}

fn run_float_ops(ptx: &str) {
    init();
    let module = Module::load(ptx);
    let k = module.function("float_ops");
    let n = 2000usize;
    let mut rng = Lcg::new(1000);
    let x: Vec<f32> = (0..n).map(|_| random_f32(&mut rng)).collect();
    let y: Vec<f32> = (0..n).map(|_| random_f32(&mut rng)).collect();
    let z: Vec<f32> = (0..n).map(|_| random_f32(&mut rng)).collect();
    let iv: Vec<i32> = (0..n)
        .map(|i| match i % 3 {
            0 => [0, -1, i32::MIN, i32::MAX, 16_777_217, -16_777_217, 123][rng.below(7) as usize],
            _ => rng.next_u32() as i32,
        })
        .collect();
    let dx: Vec<f64> = (0..n).map(|_| random_f64(&mut rng)).collect();
    let dy: Vec<f64> = (0..n).map(|_| random_f64(&mut rng)).collect();

    let bx = DevBuf::from_slice(&x);
    let by = DevBuf::from_slice(&y);
    let bz = DevBuf::from_slice(&z);
    let biv = DevBuf::from_slice(&iv);
    let bdx = DevBuf::from_slice(&dx);
    let bdy = DevBuf::from_slice(&dy);
    let bfo = DevBuf::<f32>::alloc(n * FO_N);
    let bio = DevBuf::<i32>::alloc(n * IO_N);
    let bdd = DevBuf::<f64>::alloc(n * DO_N);
    bfo.fill32(SENTINEL);
    bio.fill32(SENTINEL);
    bdd.fill32(SENTINEL);
    let (mut p0, mut p1, mut p2, mut p3, mut p4, mut p5) = (bx.ptr, by.ptr, bz.ptr, biv.ptr, bdx.ptr, bdy.ptr);
    let (mut p6, mut p7, mut p8, mut pn) = (bfo.ptr, bio.ptr, bdd.ptr, n as i32);
    k.launch(
        (ceil_div(n, 256), 1, 1),
        (256, 1, 1),
        &mut [
            arg(&mut p0),
            arg(&mut p1),
            arg(&mut p2),
            arg(&mut p3),
            arg(&mut p4),
            arg(&mut p5),
            arg(&mut p6),
            arg(&mut p7),
            arg(&mut p8),
            arg(&mut pn),
        ],
    );
    let fo = bfo.read();
    let io = bio.read();
    let dd = bdd.read();

    let mut bad = Vec::new();
    for i in 0..n {
        let (a, b, c, kk, p, q) = (x[i], y[i], z[i], iv[i], dx[i], dy[i]);
        let ctx = format!("x={a:e} ({:#010x}) y={b:e} z={c:e} iv={kk} dx={p:e} dy={q:e}", a.to_bits());

        let want_f: [f32; FO_N] = [
            a + b,
            a - b,
            a * b,
            a / b,
            a.abs().sqrt(),
            a.mul_add(b, c),
            a.min(b),
            a.max(b),
            a.floor(),
            a.ceil(),
            a.trunc(),
            a.round_ties_even(),
            kk as f32,
            kk as u32 as f32,
            p as f32,
            a.mul_add(b, c),
        ];
        for (j, &w) in want_f.iter().enumerate() {
            let g = fo[i * FO_N + j];
            // min/max of +0 and -0 may return either zero.
            let zero_ok = (j == 6 || j == 7) && a == 0.0 && b == 0.0 && g == 0.0;
            if !(same_f32(g, w) || zero_ok) {
                bad.push(format!(
                    "element {i} float result {j}: got {g:e} ({:#010x}), want {w:e} ({:#010x}); {ctx}",
                    g.to_bits(),
                    w.to_bits()
                ));
            }
        }

        // Saturating like Rust's `as`, except NaN: f32 NaN converts to 0, but
        // f64 NaN converts to the most negative integer (seen on an H100,
        // driver 580: cvt.rzi.s64.f64 gives 0x8000000000000000 and
        // cvt.rzi.s32.f64 0x80000000).
        let l = if p.is_nan() { i64::MIN } else { p as i64 };
        let p32 = if p.is_nan() { i32::MIN } else { p as i32 };
        let want_i: [i32; IO_N] = [
            a as i32,
            a as u32 as i32,
            a.round_ties_even() as i32,
            l as u32 as i32,
            ((l as u64) >> 32) as u32 as i32,
            p32,
            (-a).to_bits() as i32,
            b.abs().to_bits() as i32,
        ];
        for (j, &w) in want_i.iter().enumerate() {
            let g = io[i * IO_N + j];
            // neg/abs of a NaN: any NaN will do.
            let nan_ok = (j == 6 && a.is_nan() || j == 7 && b.is_nan()) && f32::from_bits(g as u32).is_nan();
            if !(g == w || nan_ok) {
                bad.push(format!(
                    "element {i} int result {j}: got {g} ({:#010x}), want {w} ({:#010x}); {ctx}",
                    g as u32, w as u32
                ));
            }
        }

        let want_d: [f64; DO_N] = [
            p + q,
            p * q,
            p / q,
            p.abs().sqrt(),
            p.mul_add(q, c as f64),
            a as f64 * b as f64,
            p.floor() + q.trunc(),
            (kk as f64).mul_add(3.0, kk as u32 as f64),
        ];
        for (j, &w) in want_d.iter().enumerate() {
            let g = dd[i * DO_N + j];
            if !same_f64(g, w) {
                bad.push(format!(
                    "element {i} double result {j}: got {g:e} ({:#018x}), want {w:e} ({:#018x}); {ctx}",
                    g.to_bits(),
                    w.to_bits()
                ));
            }
        }
    }
    report_mismatches("float_ops", &bad);
}
