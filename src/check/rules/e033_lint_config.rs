use crate::check::{SpecContext, find};
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `lint.allow`, `lint.warn` and `lint.deny` name existing guidance codes (`KG0xx`),
    /// each in one list only; and KG006 (cross-account) is not lowered with `allow` or
    /// `warn`.
    ///
    /// ## Why it matters
    ///
    /// Hard errors (`E0xx`) are what AWS would refuse; they cannot be switched off. A
    /// misspelt code would silently re-level nothing. KG006 reports cross-account access
    /// where the environment's own `allow_cross_account` setting says no: that setting is
    /// the switch, and a lint level that overrode it would grant access the spec refuses.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// lint:
    ///   allow: [E012, KG01]
    /// ```
    ///
    /// `E012` cannot be allowed, and `KG01` is not a code; write `allow: [KG010]`. For
    /// cross-account use, set `allow_cross_account: true` on the environment instead of
    /// allowing KG006.
    pub static RULE = {
        code: "E033",
        name: "lint-config",
        severity: Error,
        summary: "a lint level for a code that does not exist or cannot be re-levelled",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    let lint = &cx.spec.lint;
    let lists = [
        ("allow", &lint.allow),
        ("warn", &lint.warn),
        ("deny", &lint.deny),
    ];
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (level, codes) in lists {
        for (i, code) in codes.iter().enumerate() {
            let at = cx.at(&ptr(&["lint", level, &i.to_string()]));
            match find(code) {
                None => {
                    let guidance = crate::check::ALL
                        .iter()
                        .filter(|r| r.is_guidance())
                        .map(|r| r.code);
                    let hint = match crate::suggest::nearest(code, guidance) {
                        Some(m) => format!("did you mean {m}? `kms-gen explain` lists the codes"),
                        None => "`kms-gen explain` lists the codes".to_string(),
                    };
                    out.push(
                        RULE.diag(format!("lint.{level} names unknown code `{code}`"))
                            .hint(hint)
                            .at(at),
                    );
                }
                Some(r) if !r.is_guidance() => out.push(
                    RULE.diag(format!(
                        "lint.{level} names {}, a hard error that cannot be re-levelled",
                        r.code
                    ))
                    .hint("only KG codes can be re-levelled; fix what the E code reports instead")
                    .at(at),
                ),
                Some(r) if r.code == "KG006" && level != "deny" => out.push(
                    RULE.diag(format!(
                        "lint.{level} names KG006, but cross-account access is switched by the environment's `allow_cross_account`, not by a lint level"
                    ))
                    .hint("remove KG006 from lint; if the environment is meant to share its keys with other accounts, set `allow_cross_account: true` on it")
                    .at(at),
                ),
                Some(r) => {
                    if let Some((other, _)) = seen.iter().find(|(_, c)| *c == r.code) {
                        out.push(
                            RULE.diag(format!(
                                "{} is listed in both lint.{other} and lint.{level}",
                                r.code
                            ))
                            .hint("keep it in one list")
                            .at(at),
                        );
                    }
                    seen.push((level, r.code));
                }
            }
        }
    }
}
