//! The `tunelint` binary: parse the command line, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of musl's allocator in the static release binaries: parsing, the
/// tokenizers' encode and the duplicate index allocate small blocks by the million, and with
/// musl's allocator the release binary took 2.2x the glibc build's time (100k examples,
/// `--select J,S,O`); with mimalloc, 0.52x what it took. glibc's allocator is kept: mimalloc
/// measured no faster there and doubled peak memory.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A bug that panics in one of the worker threads must end the run: the others would wait
    // for its chunk forever, hanging a CI job or a commit. The message, then the temporary
    // files removed, then exit 101. (The Parquet reader's guard, set later, wraps this hook
    // and keeps the panics it catches quiet.)
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        eprintln!(
            "tunelint: internal error: this is a bug in tunelint, not a problem with your data; please report it with the command that caused it"
        );
        tunelint::remove_temporary_files();
        std::process::exit(101);
    }));
    let cli = match tunelint::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // clap quotes the value it rejects (`--target <a pasted key>`): masked like every
            // error, since CI logs keep it.
            use std::io::{IsTerminal, Write};
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let rendered = e.render();
            let text = if colour {
                rendered.ansi().to_string()
            } else {
                rendered.to_string()
            };
            let _ = std::io::stderr().write_all(tunelint::wording::mask_secrets(&text).as_bytes());
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match tunelint::app::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            // An error may quote a configuration value or a path: a key pasted there is not
            // shown whole either.
            let message = tunelint::wording::mask_secrets(&format!("{e:#}"));
            tunelint::say!("tunelint: error: {message}");
            ExitCode::from(2)
        }
    }
}
