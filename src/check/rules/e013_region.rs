use crate::check::SpecContext;
use crate::diagnostic::Diagnostic;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// `region` and `dr_region` look like AWS region names (`eu-west-1`, `us-gov-west-1`,
    /// `cn-north-1`), and `dr_region` differs from `region` but is in the same partition
    /// (`cn-…` regions are `aws-cn`, `us-gov-…` regions `aws-us-gov`, the rest `aws`).
    ///
    /// ## Why it matters
    ///
    /// Region names end up in providers, `kms:ViaService` hosts and log-group ARNs; a typo
    /// fails late, and a DR region equal to the primary region gives no recovery at all.
    /// Partitions are separate AWS clouds with their own accounts: a multi-Region key
    /// cannot replicate from one to another.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: eu-west1, tier: prod, strategy: per-workload }
    /// ```
    ///
    /// Write `region: eu-west-1`.
    pub static RULE = {
        code: "E013",
        name: "region",
        severity: Error,
        summary: "a region name that is not an AWS region, or a DR region equal to the primary",
        check: crate::check::Check::Spec(check),
    }
}

/// `<area>[-gov|-iso…]-<direction>-<digit>`, e.g. `eu-west-1`, `us-gov-east-1`, `ap-southeast-5`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let Some((last, rest)) = parts.split_last() else {
        return false;
    };
    let lower = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    (2..=3).contains(&rest.len())
        && rest[0].len() == 2
        && rest.iter().all(lower)
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

fn check(cx: &SpecContext, out: &mut Vec<Diagnostic>) {
    for (env, e) in &cx.spec.environments {
        let fields = [
            ("region", Some(&e.region)),
            ("dr_region", e.dr_region.as_ref()),
        ];
        for (field, value) in fields {
            let Some(value) = value else { continue };
            if !is_region(value) {
                out.push(
                    RULE.diag(format!("`{value}` is not an AWS region name"))
                        .hint("region names look like `eu-west-1` or `us-east-2`")
                        .at(cx.at(&ptr(&["environments", env, field]))),
                );
            }
        }
        if let Some(dr) = &e.dr_region
            && is_region(dr)
            && is_region(&e.region)
            && crate::plan::partition(dr) != crate::plan::partition(&e.region)
        {
            let (from, to) = (
                crate::plan::partition(&e.region),
                crate::plan::partition(dr),
            );
            out.push(
                RULE.diag(format!(
                    "environment `{env}` replicates from {} (partition {from}) to {dr} (partition {to})",
                    e.region
                ))
                .hint(format!(
                    "replicas stay in their key's partition: pick a DR region of {from}, or remove `dr_region`"
                ))
                .at(cx.at(&ptr(&["environments", env, "dr_region"]))),
            );
        }
        if e.dr_region.as_ref() == Some(&e.region) {
            out.push(
                RULE.diag(format!("environment `{env}` replicates to its own region `{}`", e.region))
                    .hint("a DR region must differ from the primary region; pick another or remove `dr_region`")
                    .at(cx.at(&ptr(&["environments", env, "dr_region"]))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_region;

    #[test]
    fn accepts_region_names_of_every_partition() {
        for r in [
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-5",
            "us-iso-east-1",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in [
            "eu-west1",
            "EU-west-1",
            "west-1",
            "eu-west-",
            "e-west-1",
            "eu--1",
        ] {
            assert!(!is_region(r), "{r}");
        }
    }
}
