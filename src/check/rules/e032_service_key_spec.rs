use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::KeySpec;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Workloads that list `services` use symmetric encryption keys (`SYMMETRIC_DEFAULT`).
    ///
    /// ## Why it matters
    ///
    /// AWS services that encrypt on your behalf (S3, EBS, RDS, Secrets Manager, CloudWatch
    /// Logs …) work only with symmetric encryption keys; an asymmetric or HMAC key listed
    /// for them would be refused when the service first tries to use it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   signing:
    ///     owner: team-payments
    ///     data_classes: [internal]
    ///     key_spec: RSA_2048
    ///     services: [s3]
    /// ```
    ///
    /// Put the S3 data in a separate symmetric-key workload; keep the signing key on its own.
    pub static RULE = {
        code: "E032",
        name: "service-key-spec",
        severity: Error,
        summary: "AWS services listed for a key that is not symmetric",
        check: crate::check::Check::Spec(check),
    }
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (name, w) in &cx.spec.workloads {
        let spec = w.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        if spec != KeySpec::SymmetricDefault && !w.services.is_empty() {
            out.push(
                RULE.diag(format!(
                    "workload `{name}` lists services for {}; AWS services need symmetric keys",
                    super::common::a_key(spec)
                ))
                .hint(
                    "remove `services`, or give that data a separate workload with a symmetric key",
                )
                .at(cx.key_at(&ptr(&["workloads", name, "services"]))),
            );
        }
    }
}
