//! write: rendered files → the output folder, all of them or none.
//!
//! The new tree is assembled in a staging folder beside the output folder
//! (a copy of it, so the user's own files come along), then swapped in with
//! two renames. A failure before the swap leaves the previous output as it was;
//! an interruption between the renames leaves it aside, and [`recover`] puts
//! it back before the next render looks at the output.
//!
//! A file is kms-gen's when its first lines carry the generated header. Any
//! other file is the user's: never overwritten or removed without `--force`,
//! and `--check` ignores it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::{FileSet, HEADER_MARK};

/// What a write would do, computed without touching anything.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files to create, with their new text.
    pub created: Vec<PathBuf>,
    /// Generated files whose text changes: (path, old text).
    pub changed: Vec<(PathBuf, String)>,
    /// Generated files no longer produced: (path, old text).
    pub removed: Vec<(PathBuf, String)>,
    /// User files (no header) at a path a generated file would take.
    pub conflicts: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Why a write failed; the output folder is as it was.
#[derive(Debug)]
pub enum WriteError {
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// User files would be overwritten (exit 1; `--force` overrides).
    UserFiles(Vec<PathBuf>),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            WriteError::UserFiles(paths) => {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "refusing to overwrite files kms-gen did not generate: {}",
                    list.join(", ")
                )
            }
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Whether `text` starts with kms-gen's generated header.
pub fn is_generated(text: &str) -> bool {
    text.lines().take(3).any(|l| l.contains(HEADER_MARK))
}

/// Compares `files` with what is under `out`. `managed` are the top folders
/// (`terraform`, `cloudformation`) whose generated files this render owns:
/// a generated file there that `files` lacks is stale.
pub fn changes(out: &Path, files: &FileSet, managed: &[&str]) -> Result<Changes, WriteError> {
    let mut c = Changes::default();
    for (rel, text) in &files.files {
        let path = out.join(rel);
        match read_if_file(&path)? {
            None => c.created.push(rel.clone()),
            Some(old) if !is_generated(&old) => c.conflicts.push(rel.clone()),
            Some(old) if old != *text => c.changed.push((rel.clone(), old)),
            Some(_) => {}
        }
    }
    for top in managed {
        for rel in walk(out, Path::new(top))? {
            if files.files.contains_key(&rel) {
                continue;
            }
            if let Some(old) = read_if_file(&out.join(&rel))?
                && is_generated(&old)
            {
                c.removed.push((rel, old));
            }
        }
    }
    Ok(c)
}

fn read_if_file(path: &Path) -> Result<Option<String>, WriteError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) if e.kind() == io::ErrorKind::IsADirectory || path.is_dir() => {
            Ok(Some(String::new()))
        }
        Err(error) => Err(WriteError::Io {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// Files under `out/rel`, relative to `out`, sorted.
fn walk(out: &Path, rel: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let dir = out.join(rel);
    let mut found = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(error) => return Err(WriteError::Io { path: dir, error }),
    };
    for entry in entries {
        let entry = entry.map_err(io_err(&dir))?;
        let child = rel.join(entry.file_name());
        if entry.file_type().map_err(io_err(&dir))?.is_dir() {
            found.extend(walk(out, &child)?);
        } else {
            found.push(child);
        }
    }
    found.sort();
    Ok(found)
}

/// The staging folder and the aside folder of `out`, beside it.
fn swap_paths(out: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = parent.join(format!(".{name}.kms-gen-new"));
    let old = parent.join(format!(".{name}.kms-gen-old"));
    (parent, staging, old)
}

/// Puts back an output folder a render left aside when it was interrupted
/// between its two renames (the output folder missing, the aside one there).
/// Without this the next render would start from an empty folder and the
/// user's own files in it would be lost.
pub fn recover(out: &Path) -> Result<(), WriteError> {
    let (_, _, old) = swap_paths(out);
    if !out.exists() && old.is_dir() {
        fs::rename(&old, out).map_err(io_err(&old))?;
    }
    Ok(())
}

/// Applies `changes` so that `out` holds `files`: all or nothing.
/// User files in the way are an error unless `force`.
pub fn apply(
    out: &Path,
    files: &FileSet,
    changes: &Changes,
    force: bool,
) -> Result<(), WriteError> {
    if !changes.conflicts.is_empty() && !force {
        return Err(WriteError::UserFiles(changes.conflicts.clone()));
    }
    if changes.is_empty() && changes.conflicts.is_empty() {
        return Ok(());
    }
    let (parent, staging, old) = swap_paths(out);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    if !out.exists() && old.exists() {
        // The previous output is aside (see `recover`): never delete it.
        return Err(WriteError::Io {
            path: old,
            error: io::Error::other(
                "holds the previous output of an interrupted render; run `kms-gen render` again to restore it",
            ),
        });
    }
    remove_any(&staging)?;
    remove_any(&old)?;

    let staged = (|| {
        if out.exists() {
            copy_tree(out, &staging)?;
        } else {
            fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        }
        for (rel, _) in &changes.removed {
            let path = staging.join(rel);
            fs::remove_file(&path).map_err(io_err(&path))?;
            prune_empty(&staging, rel.parent());
        }
        for rel in changes
            .created
            .iter()
            .chain(changes.changed.iter().map(|(p, _)| p))
            .chain(&changes.conflicts)
        {
            let path = staging.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
            if path.is_dir() {
                fs::remove_dir_all(&path).map_err(io_err(&path))?;
            }
            fs::write(&path, &files.files[rel]).map_err(io_err(&path))?;
        }
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        // Name the path the user knows, not the staging copy.
        return Err(match e {
            WriteError::Io { path, error } => WriteError::Io {
                path: path
                    .strip_prefix(&staging)
                    .map_or(path.clone(), |rel| out.join(rel)),
                error,
            },
            other => other,
        });
    }

    // The swap: two renames in one folder.
    if out.exists() {
        fs::rename(out, &old).map_err(|error| {
            let _ = fs::remove_dir_all(&staging);
            WriteError::Io {
                path: out.to_path_buf(),
                error,
            }
        })?;
    }
    if let Err(error) = fs::rename(&staging, out) {
        let _ = fs::rename(&old, out);
        let _ = fs::remove_dir_all(&staging);
        return Err(WriteError::Io {
            path: out.to_path_buf(),
            error,
        });
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

fn remove_any(path: &Path) -> Result<(), WriteError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(io_err(path)),
        Ok(_) => fs::remove_file(path).map_err(io_err(path)),
        Err(_) => Ok(()),
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), WriteError> {
    fs::create_dir_all(to).map_err(io_err(to))?;
    if let Ok(meta) = fs::metadata(from) {
        let _ = fs::set_permissions(to, meta.permissions());
    }
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io_err(&src))?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_symlink() {
            let target = fs::read_link(&src).map_err(io_err(&src))?;
            symlink(&target, &dst).map_err(io_err(&dst))?;
        } else {
            fs::copy(&src, &dst).map_err(io_err(&src))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    fs::copy(target, link).map(|_| ())
}

/// Removes `dir` and its parents up to `root` while they are empty.
fn prune_empty(root: &Path, mut dir: Option<&Path>) {
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || fs::remove_dir(root.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// A unified diff of one file, `a/<label>` to `b/<label>`.
pub fn diff_text(label: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}

/// A unified diff of every change, for `render --check`.
pub fn diff(files: &FileSet, changes: &Changes) -> String {
    let mut out = String::new();
    let mut one = |path: &Path, old: &str, new: &str| {
        out.push_str(&diff_text(&path.display().to_string(), old, new));
    };
    for rel in &changes.created {
        one(rel, "", &files.files[rel]);
    }
    for (rel, old) in &changes.changed {
        one(rel, old, &files.files[rel]);
    }
    for (rel, old) in &changes.removed {
        one(rel, old, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> FileSet {
        FileSet {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
        }
    }

    const GEN: &str = "# Code generated by kms-gen from kms.yaml. DO NOT EDIT.\n";

    #[test]
    fn writes_everything_then_removes_only_stale_generated_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = set(&[
            ("terraform/dev/a.tf", &format!("{GEN}a")),
            ("terraform/prod/b.tf", &format!("{GEN}b")),
        ]);
        apply(
            &out,
            &first,
            &changes(&out, &first, &["terraform"]).unwrap(),
            false,
        )
        .unwrap();
        fs::write(out.join("terraform/dev/backend.tf"), "terraform {}\n").unwrap();

        let second = set(&[("terraform/dev/a.tf", &format!("{GEN}a2"))]);
        let c = changes(&out, &second, &["terraform"]).unwrap();
        assert_eq!(c.changed.len(), 1);
        assert_eq!(c.removed.len(), 1);
        apply(&out, &second, &c, false).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("terraform/dev/a.tf")).unwrap(),
            format!("{GEN}a2")
        );
        assert_eq!(
            fs::read_to_string(out.join("terraform/dev/backend.tf")).unwrap(),
            "terraform {}\n"
        );
        assert!(
            !out.join("terraform/prod").exists(),
            "emptied folder of a removed environment is pruned"
        );
        assert!(!tmp.path().join(".out.kms-gen-new").exists());
        assert!(!tmp.path().join(".out.kms-gen-old").exists());
    }

    #[test]
    fn refuses_to_overwrite_a_user_file_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("terraform/dev")).unwrap();
        fs::write(out.join("terraform/dev/a.tf"), "# mine\n").unwrap();
        let files = set(&[
            ("terraform/dev/a.tf", &format!("{GEN}a")),
            ("terraform/dev/b.tf", &format!("{GEN}b")),
        ]);
        let c = changes(&out, &files, &["terraform"]).unwrap();
        assert_eq!(c.conflicts, vec![PathBuf::from("terraform/dev/a.tf")]);
        assert!(matches!(
            apply(&out, &files, &c, false),
            Err(WriteError::UserFiles(_))
        ));
        assert!(!out.join("terraform/dev/b.tf").exists(), "nothing written");
        apply(&out, &files, &c, true).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("terraform/dev/a.tf")).unwrap(),
            format!("{GEN}a")
        );
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = set(&[("terraform/dev/a.tf", &format!("{GEN}a"))]);
        apply(
            &out,
            &first,
            &changes(&out, &first, &["terraform"]).unwrap(),
            false,
        )
        .unwrap();
        // A path the new tree needs as a folder is a file: staging fails midway.
        let second = set(&[
            ("terraform/dev/a.tf", &format!("{GEN}changed")),
            ("terraform/dev/a.tf/x.tf", "y"),
        ]);
        let c = changes(&out, &second, &["terraform"]).unwrap();
        assert!(apply(&out, &second, &c, true).is_err());
        assert_eq!(
            fs::read_to_string(out.join("terraform/dev/a.tf")).unwrap(),
            format!("{GEN}a")
        );
        assert!(!tmp.path().join(".out.kms-gen-new").exists());
    }

    #[test]
    fn an_output_left_aside_by_an_interrupted_swap_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = set(&[("terraform/dev/a.tf", &format!("{GEN}a"))]);
        apply(
            &out,
            &first,
            &changes(&out, &first, &["terraform"]).unwrap(),
            false,
        )
        .unwrap();
        fs::write(out.join("terraform/dev/backend.tf"), "terraform {}\n").unwrap();
        // As if a render stopped between its two renames.
        let aside = tmp.path().join(".out.kms-gen-old");
        fs::rename(&out, &aside).unwrap();
        let second = set(&[("terraform/dev/a.tf", &format!("{GEN}a2"))]);
        // Without recovery the write refuses rather than lose the user's files.
        let c = changes(&out, &second, &["terraform"]).unwrap();
        assert!(apply(&out, &second, &c, false).is_err());
        assert!(aside.join("terraform/dev/backend.tf").is_file());

        recover(&out).unwrap();
        let c = changes(&out, &second, &["terraform"]).unwrap();
        apply(&out, &second, &c, false).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("terraform/dev/backend.tf")).unwrap(),
            "terraform {}\n"
        );
        assert!(!aside.exists());
    }

    #[test]
    fn a_failed_write_names_the_output_path_not_the_staging_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("terraform")).unwrap();
        // A user file where the new environment's folder must go.
        fs::write(out.join("terraform/qa"), "mine\n").unwrap();
        let files = set(&[("terraform/qa/a.tf", &format!("{GEN}a"))]);
        let c = changes(&out, &files, &["terraform"]).unwrap();
        let e = apply(&out, &files, &c, false).unwrap_err().to_string();
        assert!(
            e.starts_with(&out.join("terraform/qa").display().to_string()),
            "{e}"
        );
        assert!(!e.contains("kms-gen-new"), "{e}");
        assert_eq!(
            fs::read_to_string(out.join("terraform/qa")).unwrap(),
            "mine\n"
        );
    }

    #[test]
    fn diffs_name_each_file() {
        let files = set(&[("a.tf", "new\n")]);
        let c = Changes {
            changed: vec![(PathBuf::from("a.tf"), "old\n".into())],
            ..Default::default()
        };
        let d = diff(&files, &c);
        assert!(
            d.contains("--- a/a.tf")
                && d.contains("+++ b/a.tf")
                && d.contains("-old")
                && d.contains("+new"),
            "{d}"
        );
    }
}
