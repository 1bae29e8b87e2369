//! The `softcuda` command: run a CUDA program with softcuda substituted for
//! the real driver (`run`), optionally forwarding to the real driver
//! (`--forward`), or logging every driver call (`trace`).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

#[derive(Parser)]
#[command(name = "softcuda", version, about = "Run CUDA programs on the softcuda emulator")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the PTX instruction coverage table (docs/PTX_COVERAGE.md).
    Coverage,
    /// Run PROGRAM with softcuda's libcuda.so.1 first on LD_LIBRARY_PATH.
    Run {
        /// Forward every call to NVIDIA's real driver instead of emulating
        /// (SOFTCUDA_BACKEND=forward; SOFTCUDA_REAL_LIBCUDA picks the library).
        #[arg(long)]
        forward: bool,
        /// The program and its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        program: Vec<String>,
    },
    /// Run PROGRAM like `run`, logging every driver call (SOFTCUDA_TRACE)
    /// and a summary at exit.
    Trace {
        /// Where the trace goes (default: stderr).
        #[arg(short, long, default_value = "stderr")]
        output: String,
        /// Save the PTX of every loaded module in this directory (SOFTCUDA_DUMP_DIR).
        #[arg(long)]
        dump_dir: Option<PathBuf>,
        /// Trace calls to NVIDIA's real driver (the forward backend).
        #[arg(long)]
        forward: bool,
        /// The program and its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        program: Vec<String>,
    },
}

/// The directory holding our libcuda.so.1: beside this executable (cargo puts
/// both in target/<profile>/), or `SOFTCUDA_LIB_DIR`.
fn lib_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SOFTCUDA_LIB_DIR") {
        return Some(PathBuf::from(d));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.to_path_buf();
    dir.join("libcuda.so.1").exists().then_some(dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Coverage => {
            print!("{}", cuda::emu::coverage::report());
            ExitCode::SUCCESS
        }
        Cmd::Run { forward, program } => run(&program, forward, &[]),
        Cmd::Trace { output, dump_dir, forward, program } => {
            let mut env = vec![("SOFTCUDA_TRACE", std::ffi::OsString::from(output))];
            if let Some(d) = dump_dir {
                env.push(("SOFTCUDA_DUMP_DIR", d.into_os_string()));
            }
            run(&program, forward, &env)
        }
    }
}

/// Runs `program` with our libcuda.so.1 first on LD_LIBRARY_PATH and the
/// given environment; exits with its status.
fn run(program: &[String], forward: bool, env: &[(&str, std::ffi::OsString)]) -> ExitCode {
    let Some(dir) = lib_dir() else {
        eprintln!("softcuda: cannot find libcuda.so.1 beside the softcuda executable; set SOFTCUDA_LIB_DIR");
        return ExitCode::from(2);
    };
    let mut path = dir.into_os_string();
    if let Some(old) = std::env::var_os("LD_LIBRARY_PATH") {
        path.push(":");
        path.push(old);
    }
    let Some((prog, args)) = program.split_first() else {
        eprintln!("softcuda: run needs a program");
        return ExitCode::from(2);
    };
    let mut cmd = Command::new(prog);
    cmd.args(args).env("LD_LIBRARY_PATH", path);
    if forward {
        cmd.env("SOFTCUDA_BACKEND", "forward");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    match cmd.status() {
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("softcuda: cannot run {prog}: {e}");
            ExitCode::from(127)
        }
    }
}
