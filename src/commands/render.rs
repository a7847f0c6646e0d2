//! `kms-gen render`: validate, plan, hold the plan against the lock, render,
//! and write (or `--check`).
//!
//! The lock is read before anything is rendered and written only after the
//! output folder was: a render that fails leaves both as they were.

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
    let (Some(plan), Some(loaded), false) =
        (&analysis.plan, &analysis.loaded, analysis.has_errors())
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
    let reconciled = match lock::reconcile(&loaded.spec, plan, &old_lock, &decisions) {
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
    let changes = match write::changes(&args.out, &rendered.files, &managed) {
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
            for p in &changes.conflicts {
                error(&format!(
                    "{} was not generated by kms-gen (no generated header), but render would write it",
                    args.out.join(p).display()
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

    match write::apply(&args.out, &rendered.files, &changes, args.force) {
        Ok(()) => {}
        Err(write::WriteError::UserFiles(paths)) => {
            for p in &paths {
                error(&format!(
                    "{} was not generated by kms-gen (no generated header); refusing to overwrite it",
                    args.out.join(p).display()
                ));
            }
            anstream::eprintln!(
                "nothing written; move those files, or pass --force to overwrite them"
            );
            return Ok(Exit::Failure);
        }
        Err(e) => {
            error(&format!(
                "{e}; {out} was left as it was, and {lock_name} too"
            ));
            return Ok(Exit::Error);
        }
    }
    // The lock follows the output, never the other way round: if this write
    // fails, the old lock still guards every key the new output dropped.
    if lock_stale && let Err(e) = lock::write(&lock_path, &lock_text) {
        error(&format!(
            "wrote {out}, but cannot write {lock_name}: {e}; run `kms-gen render` again"
        ));
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

/// The spec as generated headers name it: its file name.
fn spec_display_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
