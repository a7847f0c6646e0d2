//! The commands: each runs the pipeline as far as it needs and reports.

mod explain;
mod init;
mod plan;
mod render;
mod validate;

use std::io::{self, Write};
use std::path::Path;

use crate::check::{self, PlanContext, SpecContext};
use crate::cli::{Cli, Command};
use crate::diagnostic::{self, Diagnostic, Located, Palette, Severity};
use crate::load::{self, LoadError, Loaded, Spec};
use crate::plan::Plan;
use crate::source::SourceFile;

/// Exit status: 0 success, 1 the spec or output has problems, 2 usage or I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Error = 2,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Schema => print(&crate::load::schema::to_pretty_string()),
        Command::Explain(args) => explain::run(&args),
    };
    result.unwrap_or_else(|e| {
        // Output piped into `head` and closed: stop quietly.
        if e.kind() == io::ErrorKind::BrokenPipe {
            Exit::Success
        } else {
            error(&format!("cannot write output: {e}"));
            Exit::Error
        }
    })
}

/// Writes to stdout; a broken pipe surfaces as an error `run` swallows.
pub fn print(text: &str) -> io::Result<Exit> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Success)
}

/// An error that is not about the spec's content, on stderr.
pub fn error(message: &str) {
    let red = Palette::colored().severity(Severity::Error);
    anstream::eprintln!("{red}error{red:#}: {message}");
}

/// A note on stderr (never changes the exit code).
pub fn warning(message: &str) {
    let yellow = Palette::colored().severity(Severity::Warning);
    anstream::eprintln!("{yellow}warning{yellow:#}: {message}");
}

/// The spec loaded, checked and planned as far as it could be.
pub struct Analysis {
    pub source: SourceFile,
    /// The typed spec, when it loaded.
    pub spec: Option<Spec>,
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// load → check → plan → check the plan. `Err` is an I/O failure already reported.
pub fn analyze(path: &Path) -> Result<Analysis, Exit> {
    let Loaded { spec, source } = match load::load_file(path) {
        Ok(l) => l,
        Err(LoadError::Io { path, error }) => {
            crate::commands::error(&format!("cannot read {path}: {error}"));
            return Err(Exit::Error);
        }
        Err(LoadError::Invalid {
            source,
            mut diagnostics,
        }) => {
            diagnostic::sort(&mut diagnostics);
            return Ok(Analysis {
                source,
                spec: None,
                plan: None,
                diagnostics,
            });
        }
    };
    let mut diagnostics = check::check_spec(&SpecContext {
        spec: &spec,
        source: &source,
    });
    let mut plan = None;
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let p = crate::plan::plan(&spec);
        diagnostics.extend(check::check_plan(&PlanContext {
            spec: &spec,
            source: &source,
            plan: &p,
        }));
        plan = Some(p);
    }
    let mut diagnostics = check::relevel(&spec, diagnostics);
    diagnostic::sort(&mut diagnostics);
    Ok(Analysis {
        source,
        spec: Some(spec),
        plan,
        diagnostics,
    })
}

/// Prints diagnostics human-style on stderr, then a summary line when any were shown.
pub fn report(source: &SourceFile, diagnostics: &[Diagnostic]) {
    let palette = Palette::colored();
    let name = source.name();
    for d in diagnostics {
        let text = diagnostic::render_human(&Located { diag: d, source }, &name, &palette);
        anstream::eprint!("{text}");
    }
}

/// `kms.yaml: 2 errors, 1 warning`.
pub fn summary(name: &str, diagnostics: &[Diagnostic]) -> String {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{name}: {}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "note")
    )
}
