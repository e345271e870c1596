//! The `estate` command: parse the flags, run, print any error with its
//! whole cause chain, exit with the documented code.

#[allow(
    clippy::doc_markdown,
    reason = "clap doc comments are the --help text people read, not rustdoc"
)]
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::quiet_caught_panics();
    let args = match cli::parse() {
        Ok(args) => args,
        Err(e) => return cli::clap_exit(&e),
    };
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("estate: {err:#}");
            if let Some(help) = cli::help_for(&err) {
                eprintln!("help: {help}");
            }
            cli::exit_code(&err)
        }
    }
}
