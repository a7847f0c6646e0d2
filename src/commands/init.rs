//! `kms-gen init`: a commented starter spec and the schema editors use.

use std::io;
use std::path::PathBuf;

use super::{Exit, error};
use crate::cli::InitArgs;

/// The starter spec; it validates and renders for every target.
pub const STARTER: &str = include_str!("../../templates/init/kms.yaml");

/// Where the schema goes, relative to the spec (the spec's modeline points here).
pub const SCHEMA_PATH: &str = "schemas/kms-gen.schema.json";

pub fn run(args: &InitArgs) -> io::Result<Exit> {
    let spec = args.dir.join("kms.yaml");
    let schema = args.dir.join(SCHEMA_PATH);
    let existing: Vec<&PathBuf> = [&spec, &schema]
        .into_iter()
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() && !args.force {
        for p in existing {
            error(&format!(
                "{} exists; pass --force to overwrite it",
                p.display()
            ));
        }
        return Ok(Exit::Failure);
    }
    let written = (|| {
        std::fs::create_dir_all(args.dir.join("schemas"))?;
        std::fs::write(&schema, crate::load::schema::to_pretty_string())?;
        std::fs::write(&spec, STARTER)
    })();
    if let Err(e) = written {
        error(&format!("cannot write to {}: {e}", args.dir.display()));
        return Ok(Exit::Error);
    }
    anstream::eprintln!("wrote {} and {}", spec.display(), schema.display());
    anstream::eprintln!(
        "next: edit {}, then run `kms-gen validate` and `kms-gen render --target all`",
        spec.display()
    );
    Ok(Exit::Success)
}
