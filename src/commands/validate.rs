//! `kms-gen validate`: every diagnostic, in the format asked for.

use std::io;

use super::{Exit, analyze, print, report, summary};
use crate::cli::{DiagnosticFormat, ValidateArgs};

pub fn run(args: &ValidateArgs) -> io::Result<Exit> {
    let analysis = match analyze(&args.spec.file) {
        Ok(a) => a,
        Err(exit) => return Ok(exit),
    };
    let exit = if analysis.has_errors() {
        Exit::Failure
    } else {
        Exit::Success
    };
    let result = report_in(args, &analysis, exit);
    // The process ends right after: freeing the plan (every key, policy and
    // replica) would only cost time, about a sixth of a large spec's run.
    std::mem::forget(analysis);
    result
}

fn report_in(args: &ValidateArgs, analysis: &super::Analysis, exit: Exit) -> io::Result<Exit> {
    match args.format {
        DiagnosticFormat::Human => {
            report(&analysis.source, &analysis.diagnostics);
            let mut line = summary(&analysis.source.name(), &analysis.diagnostics);
            if let Some(plan) = &analysis.plan {
                let keys: usize = plan.environments.iter().map(|e| e.keys.len()).sum();
                let envs = plan.environments.len();
                line.push_str(&format!(
                    " ({keys} key{} in {envs} environment{})",
                    if keys == 1 { "" } else { "s" },
                    if envs == 1 { "" } else { "s" }
                ));
            }
            anstream::eprintln!("{line}");
            Ok(exit)
        }
        DiagnosticFormat::Json => {
            print(&crate::check::output::json(
                &analysis.source,
                &analysis.diagnostics,
            ))?;
            Ok(exit)
        }
        DiagnosticFormat::Sarif => {
            print(&crate::check::output::sarif(
                &analysis.source,
                &analysis.diagnostics,
            ))?;
            Ok(exit)
        }
    }
}
