use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::KeySpec;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// A workload whose `key_spec` is not `SYMMETRIC_DEFAULT` does not ask for rotation.
    ///
    /// ## Why it matters
    ///
    /// KMS rotates only symmetric encryption keys; asymmetric and HMAC keys cannot rotate
    /// automatically. An inherited rotation setting is dropped for them quietly, but an
    /// explicit one would promise something that never happens.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   signing:
    ///     owner: team-payments
    ///     data_classes: [internal]
    ///     key_spec: ECC_NIST_P256
    ///     rotation: { period_days: 180 }
    /// ```
    ///
    /// Remove `rotation`; rotate a signing key by creating a new one and moving verifiers over.
    pub static RULE = {
        code: "E021",
        name: "rotation-unsupported",
        severity: Error,
        summary: "rotation asked for a key that cannot rotate",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let spec = w.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let Some(rotation) = w.rotation else { continue };
        if spec != KeySpec::SymmetricDefault
            && (rotation.enabled == Some(true) || rotation.period_days.is_some())
        {
            out.push(
                RULE.diag(format!("workload `{name}` asks for rotation of {}, which KMS cannot rotate", super::common::a_key(spec)))
                    .hint("remove `rotation` (or set `enabled: false`); only SYMMETRIC_DEFAULT keys rotate")
                    .at(cx.key_at(&ptr(&["workloads", name, "rotation"]))),
            );
        }
    }
}
