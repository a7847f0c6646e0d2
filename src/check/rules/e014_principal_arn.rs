use super::arn::{ArnError, parse};
use super::common::{WrittenPrincipal, environments_of, principals, push_unique, with_stand_ins};
use super::e013_region::is_region;
use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every principal (`key_admins`, `deployer`, `key_users`, grant `grantee`) is the ARN
    /// of an IAM role or user, `arn:aws:iam::<12 digits>:role/<name>` or `…:user/<name>`
    /// (account roots are E035's), placeholders expanded first; and its partition
    /// (`aws`, `aws-cn`, `aws-us-gov`) is the partition of each environment it is used
    /// in: `aws-cn` for `cn-…` regions, `aws-us-gov` for `us-gov-…`, `aws` elsewhere.
    ///
    /// ## Why it matters
    ///
    /// KMS rejects a key policy that names a malformed principal, and an STS session ARN
    /// (`assumed-role/…`) stops matching when the session ends. Name the role instead.
    /// A key policy can only name principals of its own partition; no placeholder writes the
    /// partition, so a principal written `arn:aws:` cannot serve an environment in China or
    /// GovCloud.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   payments:
    ///     owner: team-payments
    ///     data_classes: [pci]
    ///     key_users: ["arn:aws:sts::{account}:assumed-role/payments/i-0abc"]
    /// ```
    ///
    /// Write the role: `arn:aws:iam::{account}:role/payments`.
    pub static RULE = {
        code: "E014",
        name: "principal-arn",
        severity: Error,
        summary: "a principal that is not the ARN of a role or user in its environment's partition",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for p in principals(cx.spec) {
        // A misspelt placeholder is E027's to report; its stand-in would not parse.
        if crate::placeholders::unknown(p.text, &crate::placeholders::NAMES).is_some() {
            continue;
        }
        let hint = match parse(&with_stand_ins(p.text)) {
            Err(ArnError::Shape) | Err(ArnError::Resource) => {
                "write a role or user ARN: arn:aws:iam::{account}:role/NAME"
            }
            Err(ArnError::Account) => "the account part is 12 digits, or `{account}`",
            Err(ArnError::Session) => {
                "an STS session expires; name its role: arn:aws:iam::ACCOUNT:role/NAME"
            }
            Ok(arn) => {
                partition(cx, &p, arn.partition, out);
                continue;
            }
            _ => continue,
        };
        out.push(
            RULE.diag(format!("`{}` is not a principal ARN KMS accepts", p.text))
                .hint(hint)
                .at(cx.at(&p.pointer)),
        );
    }
}

/// Reports a principal whose partition is not that of the environments it is used in.
fn partition(cx: &SpecContext, p: &WrittenPrincipal, written: &str, out: &mut Vec<Diagnostic>) {
    let mut others: Vec<String> = Vec::new();
    let mut wanted: Vec<&str> = Vec::new();
    for env in environments_of(cx.spec, p.holder) {
        let region = &cx.spec.environments[env].region;
        // A malformed region is E013's; its partition means nothing.
        if !is_region(region) {
            continue;
        }
        let expected = crate::plan::partition(region);
        if expected != written {
            others.push(format!("`{env}` ({region}, partition {expected})"));
            push_unique(&mut wanted, expected);
        }
    }
    if others.is_empty() {
        return;
    }
    let (noun, envs) = if others.len() == 1 {
        ("environment", others[0].clone())
    } else {
        ("environments", others.join(", "))
    };
    let prefix = format!("arn:{written}:");
    let fix = match wanted.as_slice() {
        [one] => format!(
            "write it `{}`",
            p.text.replacen(&prefix, &format!("arn:{one}:"), 1)
        ),
        _ => "a principal serves one partition: use separate workloads for environments in different partitions".to_string(),
    };
    out.push(
        RULE.diag(format!(
            "{} `{}` is in partition {written}, but is used in {noun} {envs}",
            p.role.noun(),
            p.text
        ))
        .hint(format!(
            "a key policy names principals of its own partition only; {fix}"
        ))
        .at(cx.at(&p.pointer)),
    );
}
