//! The command line, defined once: it feeds parsing, `--help` and the tests
//! that snapshot the help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Target;

/// Lay out AWS KMS keys from one YAML spec: validate it, plan the keys and
/// render least-privilege Terraform or CloudFormation.
#[derive(Debug, Parser)]
#[command(
    name = "kms-gen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 success (warnings allowed); 1 invalid spec, lint errors, refused \
destructive change or stale output; 2 usage or I/O error. NO_COLOR turns colour off."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter kms.yaml and its JSON Schema
    Init(InitArgs),
    /// Check the spec and report every problem
    Validate(ValidateArgs),
    /// Validate, plan and write Terraform and/or CloudFormation
    Render(RenderArgs),
    /// Show the key layout: every key, its alias, workloads, classes, users and policy
    Plan(PlanArgs),
    /// Print the spec's JSON Schema
    Schema,
    /// Explain a diagnostic code, or list them all
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct SpecArg {
    /// The spec file
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = "kms.yaml"
    )]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write kms.yaml and schemas/ in
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite kms.yaml and the schema if they exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub spec: SpecArg,
    /// How to report diagnostics
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// gcc-style lines with the source and a caret, on stderr
    Human,
    /// One JSON document on stdout
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning
    Sarif,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub spec: SpecArg,
    /// What to render
    #[arg(long, value_enum, default_value_t = TargetArg::Terraform)]
    pub target: TargetArg,
    /// The output folder
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Write nothing; show a diff and exit 1 if the output or the lock is stale
    #[arg(long)]
    pub check: bool,
    /// Use templates from DIR in place of the built-in ones (same relative paths)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Really delete KEY (named as `plan` shows it), which the spec no longer produces
    #[arg(long, value_name = "KEY")]
    pub allow_destroy: Vec<String>,
    /// Stop managing KEY but keep it in AWS
    #[arg(long, value_name = "KEY")]
    pub forget: Vec<String>,
    /// Overwrite files in the output folder that kms-gen did not generate
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Terraform,
    Cloudformation,
    All,
}

impl TargetArg {
    pub fn targets(self) -> Vec<Target> {
        match self {
            TargetArg::Terraform => vec![Target::Terraform],
            TargetArg::Cloudformation => vec![Target::Cloudformation],
            TargetArg::All => vec![Target::Terraform, Target::Cloudformation],
        }
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub spec: SpecArg,
    /// How to show the plan
    #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// One row per key
    Table,
    /// Every key with its full policy documents
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code such as KG001 or E014; without it, every rule is listed
    pub code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
