//! `{account}`, `{env}`, `{region}`, `{workload}` in principals and tag values.

/// The values placeholders expand to for one key in one region.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub account: &'a str,
    pub env: &'a str,
    pub region: &'a str,
    pub workload: &'a str,
}

/// The placeholders a spec may use.
pub const NAMES: [&str; 4] = ["account", "env", "region", "workload"];

/// Expands every known placeholder in `text`, in one pass (planning expands
/// every principal of every key in every region, so this is on the hot path).
pub fn expand(text: &str, scope: &Scope) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let value = after.find('}').and_then(|close| {
            let v = match &after[1..close] {
                "account" => scope.account,
                "env" => scope.env,
                "region" => scope.region,
                "workload" => scope.workload,
                _ => return None,
            };
            Some((v, close + 1))
        });
        match value {
            Some((v, len)) => {
                out.push_str(v);
                rest = &after[len..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first `{name}` in `text` whose name is not in `known`.
pub fn unknown<'t>(text: &'t str, known: &[&str]) -> Option<&'t str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if !known.contains(&name) {
            return Some(name);
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_every_placeholder() {
        let scope = Scope {
            account: "111111111111",
            env: "prod",
            region: "eu-west-1",
            workload: "pay",
        };
        assert_eq!(
            expand(
                "arn:aws:iam::{account}:role/{workload}-{env}-{region}",
                &scope
            ),
            "arn:aws:iam::111111111111:role/pay-prod-eu-west-1"
        );
    }

    #[test]
    fn leaves_unknown_and_unclosed_braces_alone() {
        let scope = Scope {
            account: "1",
            env: "e",
            region: "r",
            workload: "w",
        };
        assert_eq!(expand("{x}{env}{", &scope), "{x}e{");
        assert_eq!(expand("a{{account}}b", &scope), "a{1}b");
        assert_eq!(expand("", &scope), "");
    }

    #[test]
    fn finds_unknown_placeholders() {
        assert_eq!(unknown("role/{acount}", &NAMES), Some("acount"));
        assert_eq!(unknown("role/{account}-{env}", &NAMES), None);
    }
}
