use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::KeySpec;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Each grant's `operations` fit the key's usage: encryption operations on
    /// ENCRYPT_DECRYPT keys, Sign/Verify on SIGN_VERIFY keys, GenerateMac/VerifyMac on
    /// GENERATE_VERIFY_MAC keys, DeriveSharedSecret on KEY_AGREEMENT keys.
    ///
    /// ## Why it matters
    ///
    /// KMS refuses a grant whose operations the key cannot perform, at apply time.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   signing:
    ///     owner: team-payments
    ///     data_classes: [internal]
    ///     key_spec: ECC_NIST_P256
    ///     grants:
    ///       - { name: batch, grantee: "arn:aws:iam::{account}:role/batch", operations: [Decrypt] }
    /// ```
    ///
    /// A signing key signs: use `operations: [Sign]`.
    pub static RULE = {
        code: "E029",
        name: "grant-operations",
        severity: Error,
        summary: "a grant operation the key's usage does not allow",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let spec = w.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let usage = w.key_usage.unwrap_or(spec.usages()[0]);
        let allowed = usage.grant_operations();
        for (i, g) in w.grants.iter().enumerate() {
            for (j, op) in g.operations.iter().enumerate() {
                if !allowed.contains(op) {
                    let list = allowed
                        .iter()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(
                        RULE.diag(format!("grant `{}` of workload `{name}` allows {op}, which a {usage} key cannot do", g.name))
                            .hint(format!("a {usage} key's grants allow {list}"))
                            .at(cx.at(&ptr(&["workloads", name, "grants", &i.to_string(), "operations", &j.to_string()]))),
                    );
                }
            }
        }
    }
}
