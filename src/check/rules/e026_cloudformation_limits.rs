//! E026: checked on the rendered CloudFormation templates (see `render::cloudformation`).

declare_rule! {
    /// ## What it checks
    ///
    /// Each rendered CloudFormation template stays within the stack limits: 500 resources,
    /// 200 parameters, 200 outputs, 1 MB of template body. A template over 51,200 bytes is
    /// reported as a warning: it must be uploaded to S3 rather than passed inline.
    ///
    /// ## Why it matters
    ///
    /// CloudFormation rejects a stack beyond these limits when it is deployed, long after
    /// review; every key brings an alias and an output, and every replica a parameter.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west-1, tier: prod, strategy: per-workload-data-class }
    /// # … and 300 workloads with two data classes each: 600 keys, 1,200 resources
    /// ```
    ///
    /// Split the environment into several (one per business unit or account), or render
    /// Terraform, which has no such limit.
    pub static RULE = {
        code: "E026",
        name: "cloudformation-limits",
        severity: Error,
        summary: "a CloudFormation template beyond the stack limits",
        check: crate::check::Check::Render,
    }
}
