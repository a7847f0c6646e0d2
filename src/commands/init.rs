//! `kms-gen init`: a commented starter spec and the schema editors use.

use std::io;
use std::path::{Path, PathBuf};

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
    anstream::eprintln!("{}", next_steps(&args.dir));
    Ok(Exit::Success)
}

/// What to run next. The commands read `kms.yaml` and write `out/` in the
/// current folder by default, so a spec written elsewhere needs `-f` (and
/// `--out`, to keep the output beside it).
fn next_steps(dir: &Path) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        return "next: edit kms.yaml, then run `kms-gen validate` and `kms-gen render --target all`"
            .to_string();
    }
    let spec = quote(&dir.join("kms.yaml"));
    let out = quote(&dir.join("out"));
    format!(
        "next: edit {spec}, then run `kms-gen validate -f {spec}` and `kms-gen render -f {spec} --out {out} --target all` (or `cd` there first and leave out -f and --out)"
    )
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn quote(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_steps_name_a_spec_outside_the_current_folder() {
        assert_eq!(
            next_steps(Path::new(".")),
            "next: edit kms.yaml, then run `kms-gen validate` and `kms-gen render --target all`"
        );
        assert_eq!(
            next_steps(Path::new("keys")),
            "next: edit keys/kms.yaml, then run `kms-gen validate -f keys/kms.yaml` and `kms-gen render -f keys/kms.yaml --out keys/out --target all` (or `cd` there first and leave out -f and --out)"
        );
        assert!(
            next_steps(Path::new("my keys")).contains("`kms-gen validate -f 'my keys/kms.yaml'`")
        );
    }
}
