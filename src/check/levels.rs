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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(lint: &str) -> Spec {
        let text = format!("version: 1\ndata_classes: {{}}\nenvironments: {{}}\nlint: {lint}\n");
        serde_saphyr::from_str(&text).unwrap()
    }

    fn levels(spec: &Spec) -> Vec<(&'static str, Severity)> {
        let diags = vec![
            Diagnostic::new("KG007", Severity::Warning, "pattern"),
            Diagnostic::new("KG001", Severity::Error, "shared"),
            Diagnostic::new("E012", Severity::Error, "account"),
        ];
        relevel(spec, diags)
            .into_iter()
            .map(|d| (d.code, d.severity))
            .collect()
    }

    #[test]
    fn allow_drops_warn_and_deny_set_the_severity() {
        let s = spec("{ allow: [KG007], warn: [kg001] }");
        assert_eq!(
            levels(&s),
            [("KG001", Severity::Warning), ("E012", Severity::Error)]
        );
        let s = spec("{ deny: [KG007] }");
        assert_eq!(levels(&s)[0], ("KG007", Severity::Error));
    }

    #[test]
    fn the_strictest_level_wins_and_hard_errors_never_change() {
        let s = spec("{ allow: [KG007, E012], deny: [KG007] }");
        assert_eq!(
            levels(&s),
            [
                ("KG007", Severity::Error),
                ("KG001", Severity::Error),
                ("E012", Severity::Error)
            ]
        );
    }
}
