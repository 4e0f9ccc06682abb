//! The `tunelint` binary: parse the command line, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tunelint::cli::Cli::parse();
    match tunelint::app::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            eprintln!("tunelint: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
