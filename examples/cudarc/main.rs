//! cudarc as a real client of softcuda: compiles CUDA C with NVRTC to PTX
//! for compute_80, loads it with `CudaContext::new(0)` / `load_module`,
//! launches kernels through the launch builder, copies results back and
//! checks them, and prints device information.
//!
//! cudarc is built with `dynamic-loading`: it dlopens `libcuda.so` (ours,
//! first on `LD_LIBRARY_PATH`) and `libnvrtc.so.13` (from the CUDA toolkit
//! wheel) at run time; nothing is linked at build time.
//!
//! ```sh
//! cargo build && cargo build --example cudarc_vecadd
//! LD_LIBRARY_PATH=target/debug:$(scripts/install-toolkit.sh | tail -1)/lib \
//!     target/debug/examples/cudarc_vecadd
//! ```
//!
//! Prints `PASS cudarc_vecadd` and exits 0 when every check holds.

use cudarc::driver::sys::CUdevice_attribute as Attr;
use cudarc::driver::{CudaContext, LaunchConfig, PushKernelArg};
use cudarc::nvrtc::{compile_ptx_with_opts, CompileOptions};
use std::error::Error;

const KERNELS: &str = r#"
extern "C" __global__ void saxpy(float a, const float *x, const float *y, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = a * x[i] + y[i];
}

// One partial sum per block, through dynamic shared memory.
extern "C" __global__ void block_sum(const float *x, float *sums, int n)
{
    extern __shared__ float buf[];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    buf[threadIdx.x] = i < n ? x[i] : 0.0f;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s)
            buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        sums[blockIdx.x] = buf[0];
}
"#;

fn check(cond: bool, what: String) -> Result<(), Box<dyn Error>> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let opts = CompileOptions { arch: Some("compute_80"), ..Default::default() };
    let ptx = compile_ptx_with_opts(KERNELS, opts)?;
    check(ptx.to_src().contains(".entry saxpy"), "NVRTC output has no saxpy entry".into())?;

    let ctx = CudaContext::new(0)?;
    let name = ctx.name()?;
    let (free, total) = ctx.mem_get_info()?;
    let sms = ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
    let clock_khz = ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_CLOCK_RATE)?;
    let l2 = ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE)?;
    let unified = ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING)?;
    let (major, minor) = (
        ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
        ctx.attribute(Attr::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
    );
    println!("device 0: {name}, compute capability {major}.{minor}");
    println!("  memory: {free} bytes free of {total}");
    println!("  {sms} multiprocessors at {clock_khz} kHz, L2 {l2} bytes, unified addressing {unified}");
    check(total > 0 && free <= total, format!("free {free} / total {total}"))?;
    check(ctx.total_mem()? >= total, "cuDeviceTotalMem below cuMemGetInfo's total".into())?;
    check(sms > 0 && clock_khz > 0 && l2 > 0, format!("sms {sms}, clock {clock_khz}, L2 {l2}"))?;
    check(unified == 1, format!("unified addressing {unified}"))?;

    let module = ctx.load_module(ptx)?;
    let saxpy = module.load_function("saxpy")?;
    let block_sum = module.load_function("block_sum")?;
    let stream = ctx.default_stream();

    // saxpy over n elements.
    let n = 10_000usize;
    let xs: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
    let ys: Vec<f32> = (0..n).map(|i| (n - i) as f32).collect();
    let x = stream.clone_htod(&xs)?;
    let y = stream.clone_htod(&ys)?;
    let mut out = stream.alloc_zeros::<f32>(n)?;
    let (a, n_i32) = (2.0f32, n as i32);
    let mut launch = stream.launch_builder(&saxpy);
    launch.arg(&a).arg(&x).arg(&y).arg(&mut out).arg(&n_i32);
    // SAFETY: the arguments match saxpy's signature and the buffers hold n floats.
    unsafe { launch.launch(LaunchConfig::for_num_elems(n as u32)) }?;
    let got = stream.clone_dtoh(&out)?;
    for (i, v) in got.iter().enumerate() {
        let want = a * xs[i] + ys[i];
        check(*v == want, format!("saxpy[{i}] = {v}, expected {want}"))?;
    }

    // Block sums with dynamic shared memory, on a second stream.
    let work = ctx.new_stream()?;
    let block = 256u32;
    let blocks = n.div_ceil(block as usize);
    let mut sums = work.alloc_zeros::<f32>(blocks)?;
    let cfg = LaunchConfig { grid_dim: (blocks as u32, 1, 1), block_dim: (block, 1, 1), shared_mem_bytes: block * 4 };
    let mut launch = work.launch_builder(&block_sum);
    launch.arg(&x).arg(&mut sums).arg(&n_i32);
    // SAFETY: the arguments match block_sum's signature; shared memory holds one float per thread.
    unsafe { launch.launch(cfg) }?;
    let partial = work.clone_dtoh(&sums)?;
    work.synchronize()?;
    for (b, v) in partial.iter().enumerate() {
        let want: f32 = xs[b * block as usize..((b + 1) * block as usize).min(n)].iter().sum();
        check((v - want).abs() <= want.abs() * 1e-5, format!("block_sum[{b}] = {v}, expected {want}"))?;
    }
    let total_sum: f64 = partial.iter().map(|&v| v as f64).sum();
    let want_sum: f64 = xs.iter().map(|&v| v as f64).sum();
    check((total_sum - want_sum).abs() < 1e-3 * want_sum, format!("sum {total_sum}, expected {want_sum}"))?;

    println!("saxpy on {n} elements and {blocks} block sums verified");
    println!("PASS cudarc_vecadd");
    Ok(())
}
