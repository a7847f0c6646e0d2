//! `kms-gen explain [CODE]`.

use std::io;

use super::{Exit, error, print};
use crate::check::{ALL, find};
use crate::cli::ExplainArgs;

pub fn run(args: &ExplainArgs) -> io::Result<Exit> {
    match &args.code {
        None => {
            let mut text = String::new();
            for r in ALL {
                // `as_str`: Severity's Display writes without padding.
                text.push_str(&format!(
                    "{:<6} {:<8} {:<24} {}\n",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                ));
            }
            text.push_str(
                "\nRun `kms-gen explain CODE` for what a rule checks, why, and an example.\n",
            );
            print(&text)
        }
        Some(code) => match find(code) {
            Some(r) => {
                let relevel = if r.is_guidance() {
                    "re-levelable with `lint: { allow | warn | deny: [...] }`"
                } else {
                    "always an error"
                };
                print(&format!(
                    "{} {}: {}\nDefault: {} ({relevel})\n\n{}\n",
                    r.code,
                    r.name,
                    r.summary,
                    r.severity,
                    r.explain()
                ))
            }
            None => {
                let known: Vec<&str> = ALL.iter().map(|r| r.code).collect();
                let hint = crate::suggest::nearest(code, known.iter().copied())
                    .map(|m| format!("; did you mean {m}?"))
                    .unwrap_or_default();
                error(&format!(
                    "unknown code `{code}`{hint} Run `kms-gen explain` for the list."
                ));
                Ok(Exit::Error)
            }
        },
    }
}
