use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::plan::policy::to_json;

declare_rule! {
    /// ## What it checks
    ///
    /// Every key policy kms-gen builds (the key's, its replica's, and the CloudFormation
    /// form with grants) stays within KMS's 32 KB.
    ///
    /// ## Why it matters
    ///
    /// KMS rejects a larger policy. A shared key collects every workload's users and
    /// service statements, so it is usually the first to hit the limit; that is also a
    /// sign the key serves too many workloads.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-environment }
    /// # … and 200 workloads, each with its own key_users
    /// ```
    ///
    /// Split the key: use `per-workload` or `per-data-class`.
    pub static RULE = {
        code: "E024",
        name: "policy-size",
        severity: Error,
        summary: "a key policy over 32 KB",
        check: crate::check::Check::Plan(check),
    }
}

pub const MAX_BYTES: usize = 32 * 1024;

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    for env in &cx.plan.environments {
        for key in &env.keys {
            let policies = std::iter::once(("policy", &key.policy))
                .chain(
                    key.policy_with_grants
                        .iter()
                        .map(|p| ("CloudFormation policy", p)),
                )
                .chain(key.replica.iter().map(|r| ("replica policy", &r.policy)));
            for (what, policy) in policies {
                let size = json_size(policy);
                if size > MAX_BYTES {
                    // Point at what makes it large: the workload naming the most
                    // principals, or the strategy when several workloads share the key.
                    let busiest = key.workloads.iter().max_by_key(|w| {
                        cx.spec
                            .workloads
                            .get(*w)
                            .map_or(0, |w| w.key_users.len() + w.grants.len())
                    });
                    let (at, hint) = match busiest {
                        Some(w) if key.workloads.len() == 1 => (
                            cx.key_at(&crate::source::ptr(&["workloads", w, "key_users"])),
                            "name fewer principals: one role per job, or a pattern such as `role/batch-worker-*`",
                        ),
                        _ => (
                            cx.at(&crate::source::ptr(&[
                                "environments",
                                &env.name,
                                "strategy",
                            ])),
                            "split the key between fewer workloads (per-workload or per-data-class), or use principal patterns",
                        ),
                    };
                    out.push(
                        RULE.diag(format!(
                            "the {what} of key `{}` is {size} bytes; KMS allows {MAX_BYTES}",
                            key.id
                        ))
                        .hint(hint)
                        .at(at),
                    );
                }
            }
        }
    }
}

/// The length of `to_json(policy)`, counted without building the string
/// (validate measures every policy of every key and replica).
fn json_size(policy: &crate::plan::PolicyDocument) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, policy) {
        Ok(()) => count.0,
        // Cannot happen for a policy document; measure the slow way if it does.
        Err(_) => to_json(policy).len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::policy::{PolicyDocument, Principal, Statement};

    #[test]
    fn counts_what_to_json_writes() {
        let doc = PolicyDocument {
            version: "2012-10-17",
            statements: vec![Statement {
                sid: "Use\"Quoted\"".into(),
                effect: "Allow",
                principal: Principal::Aws(serde_json::json!(["arn:aws:iam::111111111111:role/é"])),
                actions: vec!["kms:Decrypt".into()],
                resource: "*",
                condition: Default::default(),
            }],
        };
        assert_eq!(json_size(&doc), to_json(&doc).len());
    }
}
