//! check: the spec and its plan against every rule; one module per rule under `rules/`.
//!
//! A rule is its code, name, default severity, one-line summary, the check
//! itself, and a doc comment in three parts (what it checks / why it matters
//! / an example and the fix) that `kms-gen explain CODE` prints. Adding a rule
//! is one file here and one line in [`ALL`].
//!
//! `E0xx` codes are what AWS or the spec format forbids: always errors.
//! `KG0xx` codes are the key-design guidance: re-levelable with `lint:`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Spec;
use crate::plan::Plan;
use crate::source::{SourceFile, Span};

/// Declares a rule; its doc comment becomes its `explain` text.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal,
            check: $check:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::check::Rule = $crate::check::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            summary: $summary,
            explanation: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

pub mod levels;
pub mod output;
mod rules;

pub use levels::relevel;

use rules::*;

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[
    &e001_yaml_syntax::RULE,
    &e002_duplicate_key::RULE,
    &e003_unknown_field::RULE,
    &e004_wrong_type::RULE,
    &e005_missing_field::RULE,
    &e006_unknown_value::RULE,
    &e007_out_of_range::RULE,
    &e008_empty_list::RULE,
    &e009_unsupported_version::RULE,
    &e010_invalid_name::RULE,
    &e011_unknown_reference::RULE,
    &e012_account_id::RULE,
    &e013_region::RULE,
    &e014_principal_arn::RULE,
    &e015_group_principal::RULE,
    &e016_wildcard_principal::RULE,
    &e017_alias::RULE,
    &e018_name_collision::RULE,
    &e019_tag_limits::RULE,
    &e020_merged_tags::RULE,
    &e021_rotation_unsupported::RULE,
    &e022_class_bound::RULE,
    &e023_description_length::RULE,
    &e024_policy_size::RULE,
    &e025_lockout::RULE,
    &e026_cloudformation_limits::RULE,
    &e027_unknown_placeholder::RULE,
    &e028_key_usage::RULE,
    &e029_grant_operations::RULE,
    &e030_grant_name::RULE,
    &e031_renamed_from::RULE,
    &e032_service_key_spec::RULE,
    &e033_lint_config::RULE,
    &e034_external_accounts::RULE,
    &e035_root_principal::RULE,
    &kg001_per_environment_in_prod::RULE,
    &kg002_regulated_split::RULE,
    &kg003_separation_of_duties::RULE,
    &kg004_rotation_disabled::RULE,
    &kg005_multi_region_scope::RULE,
    &kg006_cross_account::RULE,
    &kg007_principal_pattern::RULE,
    &kg008_request_quota::RULE,
    &kg009_short_deletion_window::RULE,
    &kg010_iam_delegation_full::RULE,
    &kg011_multi_region_without_dr::RULE,
    &kg012_no_key_admins::RULE,
    &kg013_unused_key::RULE,
    &kg014_crowded_shared_key::RULE,
];

/// A diagnostic code and what produces it.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The doc comment: what it checks / why / example.
    pub explanation: &'static str,
    pub check: Check,
}

/// Where a rule runs.
pub enum Check {
    /// Reported while loading the file (syntax, schema).
    Load,
    /// On the typed spec, before planning.
    Spec(fn(&SpecContext, &mut Vec<Diagnostic>)),
    /// On the planned keys.
    Plan(fn(&PlanContext, &mut Vec<Diagnostic>)),
    /// On the rendered output.
    Render,
}

impl Rule {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.severity, message)
    }

    /// The explanation with the doc comment's leading space removed.
    pub fn explain(&self) -> String {
        self.explanation
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// Whether the rule is guidance (re-levelable) rather than a hard error.
    pub fn is_guidance(&self) -> bool {
        self.code.starts_with("KG")
    }
}

/// Looks a rule up by code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// What spec rules see.
pub struct SpecContext<'a> {
    pub spec: &'a Spec,
    pub source: &'a SourceFile,
}

impl SpecContext<'_> {
    /// The span of the value at `pointer`.
    pub fn at(&self, pointer: &str) -> Option<Span> {
        self.source.value_span(pointer)
    }

    /// The span of the key that introduced `pointer`.
    pub fn key_at(&self, pointer: &str) -> Option<Span> {
        self.source.key_span(pointer)
    }
}

/// What plan rules see.
pub struct PlanContext<'a> {
    pub spec: &'a Spec,
    pub source: &'a SourceFile,
    pub plan: &'a Plan,
}

impl PlanContext<'_> {
    pub fn at(&self, pointer: &str) -> Option<Span> {
        self.source.value_span(pointer)
    }

    pub fn key_at(&self, pointer: &str) -> Option<Span> {
        self.source.key_span(pointer)
    }

    /// Whether the node at `pointer` is written in the file (not inherited or defaulted).
    pub fn is_written(&self, pointer: &str) -> bool {
        self.source.map.get(pointer).is_some()
    }

    /// How placeholders expand for `workload` in environment `env` (primary region).
    pub fn scope<'s>(
        &self,
        env: &'s crate::plan::EnvPlan,
        workload: &'s str,
    ) -> crate::placeholders::Scope<'s> {
        crate::placeholders::Scope {
            account: &env.account,
            env: &env.name,
            region: &env.region,
            workload,
        }
    }
}

/// Runs every spec rule.
pub fn check_spec(cx: &SpecContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in ALL {
        if let Check::Spec(f) = rule.check {
            f(cx, &mut out);
        }
    }
    out.into_iter().map(printable).collect()
}

/// Runs every plan rule.
pub fn check_plan(cx: &PlanContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in ALL {
        if let Check::Plan(f) = rule.check {
            f(cx, &mut out);
        }
    }
    out.into_iter().map(printable).collect()
}

/// Messages quote the user's text; a control character in it (a `\r` in a tag
/// value, say) would be invisible or garble the terminal, so it is shown escaped.
fn printable(mut d: Diagnostic) -> Diagnostic {
    d.message = escape_controls(&d.message);
    d.hint = d.hint.map(|h| escape_controls(&h));
    for (_, label) in &mut d.related {
        *label = escape_controls(label);
    }
    d
}

/// `\r`, `\n`, `\t` and `\u{..}` for control characters; everything else as is.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn control_characters_in_messages_are_escaped() {
        assert_eq!(escape_controls("line\r"), "line\\r");
        assert_eq!(escape_controls("a\u{7}b\tc"), "a\\u{7}b\\tc");
        assert_eq!(escape_controls("é ✓ `x`"), "é ✓ `x`");
    }

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in ALL {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
        }
    }

    #[test]
    fn codes_are_in_order_and_well_formed() {
        for pair in ALL.windows(2) {
            let key = |c: &str| (c.starts_with("KG"), c.to_string());
            assert!(
                key(pair[0].code) < key(pair[1].code),
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for r in ALL {
            let digits = r.code.trim_start_matches("KG").trim_start_matches('E');
            assert!(
                digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()),
                "{}",
                r.code
            );
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
        }
    }

    #[test]
    fn every_rule_is_documented_in_three_parts() {
        for r in ALL {
            let text = r.explain();
            for part in ["## What it checks", "## Why", "## Example"] {
                assert!(text.contains(part), "{} lacks `{part}`", r.code);
            }
            assert!(text.contains("```yaml"), "{} has no example spec", r.code);
            assert!(!r.summary.is_empty());
        }
    }

    #[test]
    fn guidance_rules_have_the_designed_default_levels() {
        use Severity::*;
        // DESIGN.md's table (KG001–KG011), then the rules added since.
        let designed = [
            ("KG001", Error),
            ("KG002", Info),
            ("KG003", Warning),
            ("KG004", Warning),
            ("KG005", Error),
            ("KG006", Error),
            ("KG007", Warning),
            ("KG008", Warning),
            ("KG009", Warning),
            ("KG010", Info),
            ("KG011", Warning),
            ("KG012", Warning),
            ("KG013", Warning),
            ("KG014", Warning),
        ];
        for (code, severity) in designed {
            let rule = find(code).unwrap_or_else(|| panic!("{code} is not registered"));
            assert_eq!(rule.severity, severity, "{code}");
            assert!(
                matches!(rule.check, Check::Plan(_)),
                "{code} runs on the plan"
            );
        }
        let guidance = ALL.iter().filter(|r| r.is_guidance()).count();
        assert_eq!(guidance, designed.len(), "a new KG rule needs a line here");
    }

    #[test]
    fn hard_errors_are_errors() {
        for r in ALL.iter().filter(|r| !r.is_guidance()) {
            assert_eq!(r.severity, Severity::Error, "{}", r.code);
        }
    }
}
