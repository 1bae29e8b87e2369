//! The `softcuda` command: run a CUDA program with softcuda substituted for
//! the real driver.

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
        Cmd::Run { program } => {
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
            match Command::new(prog).args(args).env("LD_LIBRARY_PATH", path).status() {
                Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(0, 255) as u8),
                Err(e) => {
                    eprintln!("softcuda: cannot run {prog}: {e}");
                    ExitCode::from(127)
                }
            }
        }
    }
}
