use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::{KeySpec, KeyUsage};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Each grant's `operations` fit the key's usage: encryption operations on
    /// ENCRYPT_DECRYPT keys, Sign/Verify on SIGN_VERIFY keys, GenerateMac/VerifyMac on
    /// GENERATE_VERIFY_MAC keys, DeriveSharedSecret on KEY_AGREEMENT keys. Data keys
    /// (`GenerateDataKey*`) need a symmetric key, `GetPublicKey` an asymmetric one; and only
    /// grants on SYMMETRIC_DEFAULT keys may have an `encryption_context`.
    ///
    /// ## Why it matters
    ///
    /// KMS refuses a grant whose operations the key cannot perform, at apply time, and a
    /// grant constraint on a key whose operations take no encryption context.
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
        let allowed = usage.grant_operations(spec);
        // Asymmetric ENCRYPT_DECRYPT keys allow other operations than the symmetric one.
        let kind = if usage == KeyUsage::EncryptDecrypt && !spec.is_symmetric() {
            format!("an {spec} {usage} key")
        } else {
            format!("a {usage} key")
        };
        for (i, g) in w.grants.iter().enumerate() {
            let grant = ptr(&["workloads", name, "grants", &i.to_string()]);
            for (j, op) in g.operations.iter().enumerate() {
                if !allowed.contains(op) {
                    let list = allowed
                        .iter()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(
                        RULE.diag(format!(
                            "grant `{}` of workload `{name}` allows {op}, which {kind} cannot do",
                            g.name
                        ))
                        .hint(format!("{kind}'s grants allow {list}"))
                        .at(cx.at(&format!("{grant}/operations/{j}"))),
                    );
                }
            }
            if !spec.is_symmetric() && !g.encryption_context.is_empty() {
                out.push(
                    RULE.diag(format!(
                        "grant `{}` of workload `{name}` has an encryption_context, but {} takes none",
                        g.name,
                        super::common::a_key(spec)
                    ))
                    .hint("remove `encryption_context`: KMS accepts grant constraints on SYMMETRIC_DEFAULT keys only")
                    .at(cx.key_at(&format!("{grant}/encryption_context"))),
                );
            }
        }
    }
}
