use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = kms_gen::cli::Cli::parse();
    ExitCode::from(kms_gen::commands::run(cli) as u8)
}
