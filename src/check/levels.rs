//! `lint: { allow, warn, deny }`: the spec re-levels guidance (KG) rules.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Spec;

/// Applies the spec's lint levels to guidance diagnostics: `allow` drops them,
/// `warn` and `deny` set their severity. Hard errors (E codes) never change.
pub fn relevel(spec: &Spec, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let level = |code: &str| {
        let has = |list: &[String]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        // The strictest level named wins, so a rule cannot be allowed by accident.
        if has(&spec.lint.deny) {
            Some(Some(Severity::Error))
        } else if has(&spec.lint.warn) {
            Some(Some(Severity::Warning))
        } else if has(&spec.lint.allow) {
            Some(None)
        } else {
            None
        }
    };
    diagnostics
        .into_iter()
        .filter_map(|mut d| {
            if !d.code.starts_with("KG") {
                return Some(d);
            }
            match level(d.code) {
                None => Some(d),
                Some(None) => None,
                Some(Some(severity)) => {
                    d.severity = severity;
                    Some(d)
                }
            }
        })
        .collect()
}
