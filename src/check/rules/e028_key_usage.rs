use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::KeySpec;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload's `key_usage` is one its `key_spec` supports: SYMMETRIC_DEFAULT encrypts;
    /// RSA keys encrypt or sign; ECC NIST keys sign or agree keys; HMAC keys generate and
    /// verify MACs.
    ///
    /// ## Why it matters
    ///
    /// KMS refuses to create a key with a usage its spec does not support, and both are
    /// fixed for the key's life: getting them wrong means a new key.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   tokens:
    ///     owner: team-identity
    ///     data_classes: [internal]
    ///     key_spec: HMAC_256
    ///     key_usage: SIGN_VERIFY
    /// ```
    ///
    /// HMAC keys use `GENERATE_VERIFY_MAC`; leave `key_usage` out and kms-gen implies it.
    pub static RULE = {
        code: "E028",
        name: "key-usage",
        severity: Error,
        summary: "a key usage the key spec does not support",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let spec = w.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let Some(usage) = w.key_usage else { continue };
        if !spec.usages().contains(&usage) {
            let allowed = spec
                .usages()
                .iter()
                .map(|u| u.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                RULE.diag(format!(
                    "workload `{name}`: {} cannot be used for {usage}",
                    super::common::a_key(spec)
                ))
                .hint(format!("{spec} supports {allowed}"))
                .at(cx.at(&ptr(&["workloads", name, "key_usage"]))),
            );
        }
    }
}
