//! `kms-gen render`: validate, plan, hold the plan against the lock, render,
//! and write (or `--check`).
//!
//! The lock is read before anything is rendered. It is written around the
//! output folder so that it always lists at least every key the output on
//! disk deploys (see [`write_all`]); a render that fails leaves both as they
//! were whenever it can.

use std::io;

use super::{Exit, analyze, error, report, summary, warning};
use crate::cli::RenderArgs;
use crate::lock::{self, Decisions, Lock, LockError, Refusal};
use crate::render::{RenderError, Target, Templates};
use crate::write;

pub fn run(args: &RenderArgs) -> io::Result<Exit> {
    let analysis = match analyze(&args.spec.file) {
        Ok(a) => a,
        Err(exit) => return Ok(exit),
    };
    report(&analysis.source, &analysis.diagnostics);
    let (Some(plan), Some(spec), false) = (&analysis.plan, &analysis.spec, analysis.has_errors())
    else {
        anstream::eprintln!(
            "{}; nothing written",
            summary(&analysis.source.name(), &analysis.diagnostics)
        );
        return Ok(Exit::Failure);
    };
    let out = args.out.display();

    let lock_path = lock::path_for(&args.spec.file);
    let lock_name = lock_path.display().to_string();
    let (old_lock, old_lock_text) = match lock::read(&lock_path) {
        Ok(Some((lock, text))) => (lock, Some(text)),
        Ok(None) => (Lock::default(), None),
        Err(e @ LockError::Corrupt { .. }) => {
            error(&format!("{e}"));
            anstream::eprintln!(
                "{lock_name} is written by `kms-gen render` and read back to protect your keys; restore it from version control (`git checkout -- {lock_name}`); nothing written"
            );
            return Ok(Exit::Failure);
        }
        Err(e) => {
            error(&e.to_string());
            return Ok(Exit::Error);
        }
    };
    let decisions = Decisions {
        allow_destroy: &args.allow_destroy,
        forget: &args.forget,
    };
    let reconciled = match lock::reconcile(spec, plan, &old_lock, &decisions) {
        Ok(r) => r,
        Err(refusal) => {
            error(&refusal.message(&lock_name));
            anstream::eprintln!("nothing written: {out} and {lock_name} are unchanged");
            return Ok(match refusal {
                Refusal::Flags(_) => Exit::Error,
                Refusal::Destructive(_) | Refusal::Conflicts(_) => Exit::Failure,
            });
        }
    };
    // Keys keep the CloudFormation logical ids the lock recorded for them.
    let mut plan = plan.clone();
    reconciled.pin(&mut plan);

    let templates = match Templates::load(args.templates.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            error(&e.to_string());
            return Ok(Exit::Error);
        }
    };
    let targets = args.target.targets();
    let spec_name = spec_display_name(&args.spec.file);
    let rendered = match crate::render::render_with(
        &plan,
        &spec_name,
        &targets,
        &templates,
        &reconciled.forgotten,
    ) {
        Ok(r) => r,
        Err(RenderError::Limits(diags)) => {
            report(&analysis.source, &diags);
            anstream::eprintln!(
                "{}; nothing written",
                summary(&analysis.source.name(), &diags)
            );
            return Ok(Exit::Failure);
        }
        Err(e) => {
            error(&format!("{e}; nothing written"));
            return Ok(Exit::Error);
        }
    };
    report(&analysis.source, &rendered.diagnostics);
    for w in rendered.warnings.iter().chain(&reconciled.warnings) {
        warning(w);
    }

    let managed: Vec<&str> = targets
        .iter()
        .map(|t| match t {
            Target::Terraform => "terraform",
            Target::Cloudformation => "cloudformation",
        })
        .collect();
    if !args.check {
        // A render interrupted between its two renames left the previous
        // output aside: put it back before comparing with it.
        if let Err(e) = write::recover(&args.out) {
            error(&e.to_string());
            return Ok(Exit::Error);
        }
    }
    let changes = match write::changes(&args.out, &rendered.files, &managed, &spec_name) {
        Ok(c) => c,
        Err(e) => {
            error(&e.to_string());
            return Ok(Exit::Error);
        }
    };
    let lock_text = lock::to_text(&reconciled.lock, &spec_name);
    let lock_stale = old_lock_text.as_deref() != Some(lock_text.as_str());

    if args.check {
        let stale = !changes.is_empty() || !changes.conflicts.is_empty() || lock_stale;
        if stale {
            let mut diff = write::diff(&rendered.files, &changes);
            if lock_stale {
                diff.push_str(&write::diff_text(
                    &lock_name,
                    old_lock_text.as_deref().unwrap_or(""),
                    &lock_text,
                ));
            }
            super::print(&diff)?;
            for c in &changes.conflicts {
                error(&format!(
                    "{} {}, but render would write it",
                    args.out.join(&c.path).display(),
                    c.why()
                ));
            }
            anstream::eprintln!(
                "{out} is stale: {} to create, {} to change, {} to remove{}; run `kms-gen render`",
                changes.created.len() + changes.conflicts.len(),
                changes.changed.len(),
                changes.removed.len(),
                match (&old_lock_text, lock_stale) {
                    (None, _) => format!(", and {lock_name} is missing"),
                    (Some(_), true) => format!(", and {lock_name} is stale"),
                    (Some(_), false) => String::new(),
                }
            );
        } else {
            anstream::eprintln!(
                "{out} is up to date ({} files), and so is {lock_name}",
                rendered.files.files.len()
            );
        }
        return Ok(if stale { Exit::Failure } else { Exit::Success });
    }

    // Files in the way are refused before anything is written, the lock included.
    if let Err(write::WriteError::UserFiles(conflicts)) =
        write::refuse_conflicts(&changes, args.force)
    {
        for c in &conflicts {
            error(&format!(
                "{} {}; refusing to overwrite it",
                args.out.join(&c.path).display(),
                c.why()
            ));
        }
        anstream::eprintln!("nothing written; move those files, or pass --force to overwrite them");
        return Ok(Exit::Failure);
    }
    let interim_text = lock::to_text(&reconciled.interim, &spec_name);
    let written = Written {
        out: &args.out,
        lock_path: &lock_path,
        old_lock: old_lock_text.as_deref(),
        interim: &interim_text,
        lock: &lock_text,
    };
    if let Err(message) = write_all(&written, &rendered.files, &changes, args.force) {
        error(&message);
        return Ok(Exit::Error);
    }
    for note in &reconciled.notes {
        warning(note);
    }
    let forced = if args.force {
        changes.conflicts.len()
    } else {
        0
    };
    anstream::eprintln!(
        "wrote {out}: {} created, {} changed, {} removed, {} unchanged; {lock_name} {}",
        changes.created.len() + forced,
        changes.changed.len(),
        changes.removed.len(),
        rendered.files.files.len()
            - changes.created.len()
            - changes.changed.len()
            - changes.conflicts.len(),
        match (&old_lock_text, lock_stale) {
            (None, _) => "created",
            (Some(_), true) => "updated",
            (Some(_), false) => "unchanged",
        }
    );
    Ok(Exit::Success)
}

/// What a render writes: the output folder, and the lock in up to two steps.
struct Written<'a> {
    out: &'a std::path::Path,
    lock_path: &'a std::path::Path,
    /// The lock's text before this render; `None` when there was none.
    old_lock: Option<&'a str>,
    /// The lock written before the output: the new lock plus the keys this
    /// render drops ([`crate::lock::Reconciled::interim`]).
    interim: &'a str,
    /// The lock written once the output is in place.
    lock: &'a str,
}

/// Writes the lock and the output folder so that, whatever write fails, the
/// lock on disk lists every key the output on disk deploys — a key missing
/// from the lock is one the next render could drop without a word:
///
/// 1. the interim lock (the new lock plus every key this render drops), when
///    it differs from the old one. A render that only adds or keeps keys
///    writes its whole lock here, before any output holds the new keys; one
///    that only drops keys writes nothing here.
/// 2. the output folder (all files or none). If this fails, the old lock is
///    put back, so a failed render changes nothing.
/// 3. the new lock, when it differs from the interim one: only once the
///    output no longer deploys the dropped keys does the lock let them go.
///    If this fails, the interim lock stays: it still guards those keys, and
///    the next render asks for the same `--allow-destroy` / `--forget` again.
///
/// `Err` is the message to show (exit 2).
fn write_all(
    w: &Written,
    files: &crate::render::FileSet,
    changes: &write::Changes,
    force: bool,
) -> Result<(), String> {
    let out = w.out.display();
    let lock_name = w.lock_path.display();
    let interim_written = w.old_lock != Some(w.interim);
    if interim_written && let Err(e) = lock::write(w.lock_path, w.interim) {
        return Err(format!(
            "cannot write {lock_name}: {e}; nothing written: {out} and {lock_name} are unchanged"
        ));
    }
    if let Err(e) = write::apply(w.out, files, changes, force) {
        if !interim_written {
            return Err(format!(
                "{e}; {out} was left as it was, and {lock_name} too"
            ));
        }
        let restored = match w.old_lock {
            Some(text) => lock::write(w.lock_path, text),
            None => std::fs::remove_file(w.lock_path),
        };
        return Err(match restored {
            Ok(()) => format!("{e}; {out} was left as it was, and {lock_name} too"),
            Err(r) => format!(
                "{e}; {out} was left as it was, but {lock_name} could not be put back ({r}): it lists the keys of this render as well, which keeps them protected; run `kms-gen render` again"
            ),
        });
    }
    if w.lock != w.interim
        && let Err(e) = lock::write(w.lock_path, w.lock)
    {
        return Err(format!(
            "wrote {out}, but cannot finish writing {lock_name}: {e}. It still lists the keys this render destroyed or forgot, so they stay protected: run `kms-gen render` again with the same --allow-destroy / --forget"
        ));
    }
    Ok(())
}

/// The spec as generated headers name it: its file name.
fn spec_display_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
