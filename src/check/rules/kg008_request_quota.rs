use indexmap::IndexMap;

use crate::check::PlanContext;
use crate::diagnostic::Diagnostic;
use crate::load::spec::KeySpec;
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// For each AWS account and region, the sum of the `peak_requests_per_second` of every
    /// workload with keys there, per quota (symmetric, RSA, ECC, ML-DSA keys), against
    /// AWS's default KMS request quota for cryptographic operations in that region. A
    /// warning when the sum is above half the quota.
    ///
    /// A workload counts once per environment however many keys it has, in its primary
    /// region, and again in the DR region when its keys have replicas there: a replica is
    /// a key of its own in the DR region, and after a failover the workload's whole load
    /// lands on it, against the DR region's quota (which is often lower).
    ///
    /// ## Why it matters
    ///
    /// KMS throttles above the quota, and the quota is per account and region, shared by
    /// every key and every caller, including AWS services acting for you (an S3 GET of an
    /// SSE-KMS object is a Decrypt). Splitting keys per workload or per service does not
    /// add throughput: one busy workload can throttle all others in the account. Bursts
    /// and retries sit on top of declared peaks, hence the half-quota margin.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// environments:
    ///   prod: { account: "333333333333", region: ca-central-1, tier: prod, strategy: per-workload }
    /// workloads:
    ///   clickstream:
    ///     owner: team-data
    ///     data_classes: [internal]
    ///     services: [s3]
    ///     dedicated_service_keys: [s3]
    ///     peak_requests_per_second: 6000
    /// ```
    ///
    /// ca-central-1 has the default 10,000/s quota; the dedicated S3 key does not change
    /// that. Enable S3 Bucket Keys (S3 then calls KMS once per bucket key, not per
    /// object), cache data keys (AWS Encryption SDK), or move the workload to an account
    /// of its own. kms-gen knows the default quotas only: after AWS raises yours through
    /// Service Quotas, `lint: { allow: [KG008] }`.
    pub static RULE = {
        code: "KG008",
        name: "request-quota",
        severity: Warning,
        summary: "declared request rates above half the KMS request quota of an account and region",
        check: crate::check::Check::Plan(check),
    }
}

/// Which shared KMS request quota a key's cryptographic operations count against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaKind {
    /// SYMMETRIC_DEFAULT and HMAC keys (HMAC keys are symmetric too).
    Symmetric,
    Rsa,
    /// ECC keys, and SM2 (China Regions).
    Ecc,
    MlDsa,
}

impl QuotaKind {
    pub fn of(spec: KeySpec) -> Self {
        use KeySpec::*;
        match spec {
            SymmetricDefault | Hmac224 | Hmac256 | Hmac384 | Hmac512 => QuotaKind::Symmetric,
            Rsa2048 | Rsa3072 | Rsa4096 => QuotaKind::Rsa,
            EccNistP256 | EccNistP384 | EccNistP521 | EccSecgP256k1 | EccNistEdwards25519 | Sm2 => {
                QuotaKind::Ecc
            }
            MlDsa44 | MlDsa65 | MlDsa87 => QuotaKind::MlDsa,
        }
    }

    fn label(self) -> &'static str {
        match self {
            QuotaKind::Symmetric => "symmetric",
            QuotaKind::Rsa => "RSA",
            QuotaKind::Ecc => "ECC",
            QuotaKind::MlDsa => "ML-DSA",
        }
    }
}

/// One row of the default quota table: `regions` empty means every other region.
pub struct Quota {
    pub kind: QuotaKind,
    pub regions: &'static [&'static str],
    pub per_second: u32,
}

/// AWS KMS default request quotas for cryptographic operations, per account and Region
/// ("Cryptographic operations (symmetric|RSA|ECC and SM2|ML-DSA) request rate").
///
/// Source: <https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html>,
/// read 2026-12-03. All are adjustable through Service Quotas; these are the defaults.
///
/// They have changed over time, which is why they live in this one table: in August 2018
/// the symmetric quota went from 1,200/s to 10,000/s in us-east-1, us-west-2 and
/// eu-west-1 and to 5,500/s elsewhere; later pages listed 5,500, 10,000 or 30,000/s by
/// region, and RSA 500/s and ECC 300/s; the page as read lists the rows below (no
/// 50,000/s tier). Rows are matched first to last.
pub const QUOTAS: &[Quota] = &[
    Quota {
        kind: QuotaKind::Symmetric,
        regions: &["us-east-1", "us-west-2", "eu-west-1"],
        per_second: 100_000,
    },
    Quota {
        kind: QuotaKind::Symmetric,
        regions: &[
            "us-east-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "eu-central-1",
            "eu-west-2",
        ],
        per_second: 20_000,
    },
    Quota {
        kind: QuotaKind::Symmetric,
        regions: &[],
        per_second: 10_000,
    },
    Quota {
        kind: QuotaKind::Rsa,
        regions: &[],
        per_second: 1_000,
    },
    Quota {
        kind: QuotaKind::Ecc,
        regions: &[],
        per_second: 1_000,
    },
    Quota {
        kind: QuotaKind::MlDsa,
        regions: &[],
        per_second: 1_000,
    },
];

/// The default quota for `kind` in `region`.
pub fn quota(kind: QuotaKind, region: &str) -> u32 {
    QUOTAS
        .iter()
        .find(|q| q.kind == kind && (q.regions.is_empty() || q.regions.contains(&region)))
        .map_or(0, |q| q.per_second)
}

/// One workload's load in one account and region.
struct Share {
    workload: String,
    peak: u64,
    replica: bool,
}

#[derive(Default)]
struct Load {
    /// By (environment, workload): a workload counts once per deployment.
    shares: IndexMap<(String, String), Share>,
    /// Where the region is written: the first environment's `region` or `dr_region`.
    region_pointer: Option<(String, bool)>,
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let mut loads: IndexMap<(String, String, QuotaKind), Load> = IndexMap::new();
    for env in &cx.plan.environments {
        for key in &env.keys {
            let kind = QuotaKind::of(key.key_spec);
            let mut places = vec![(env.region.clone(), false)];
            if let Some(r) = &key.replica {
                places.push((r.region.clone(), true));
            }
            for w in &key.workloads {
                let peak = spec
                    .workloads
                    .get(w)
                    .and_then(|w| w.peak_requests_per_second)
                    .map_or(0, u64::from);
                if peak == 0 {
                    continue;
                }
                for (region, replica) in &places {
                    let load = loads
                        .entry((env.account.clone(), region.clone(), kind))
                        .or_default();
                    load.region_pointer.get_or_insert_with(|| {
                        let field = if *replica { "dr_region" } else { "region" };
                        (ptr(&["environments", &env.name, field]), *replica)
                    });
                    load.shares
                        .entry((env.name.clone(), w.clone()))
                        .or_insert(Share {
                            workload: w.clone(),
                            peak,
                            replica: *replica,
                        });
                }
            }
        }
    }

    for ((account, region, kind), load) in loads {
        let total: u64 = load.shares.values().map(|s| s.peak).sum();
        let limit = u64::from(quota(kind, &region));
        if total * 2 <= limit {
            continue;
        }
        let mut shares: Vec<&Share> = load.shares.values().collect();
        shares.sort_by(|a, b| b.peak.cmp(&a.peak).then(a.workload.cmp(&b.workload)));
        let listed: Vec<String> = shares
            .iter()
            .take(4)
            .map(|s| {
                let via = if s.replica { " (replica)" } else { "" };
                format!("`{}` {}{via}", s.workload, thousands(s.peak))
            })
            .collect();
        let more = shares.len().saturating_sub(4);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let top = ptr(&["workloads", &shares[0].workload, "peak_requests_per_second"]);
        let region_label = match &load.region_pointer {
            Some((_, true)) => "replicas take this load here after a failover".to_string(),
            _ => format!(
                "{}/s for {} keys in this region",
                thousands(limit),
                kind.label()
            ),
        };
        out.push(
            RULE.diag(format!(
                "declared peaks on {} keys in account {account} {region} add up to {}/s, {}% of the {}/s KMS quota: {}{more}",
                kind.label(),
                thousands(total),
                total * 100 / limit.max(1),
                thousands(limit),
                listed.join(", ")
            ))
            .hint(if kind == QuotaKind::Symmetric {
                "KMS quotas are per account and region, shared by all keys (per-service keys add no throughput): use S3 Bucket Keys for S3-heavy workloads, cache data keys, or move workloads to separate accounts"
            } else {
                "KMS quotas are per account and region, shared by all keys of a type (more keys add no throughput): move workloads to separate accounts, or have AWS raise the quota"
            })
            .at(cx.at(&top))
            .related(load.region_pointer.as_ref().and_then(|(p, _)| cx.at(p)), region_label),
        );
    }
}

/// `12345` → `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_quotas_up_by_region_and_kind() {
        assert_eq!(quota(QuotaKind::Symmetric, "us-east-1"), 100_000);
        assert_eq!(quota(QuotaKind::Symmetric, "eu-central-1"), 20_000);
        assert_eq!(quota(QuotaKind::Symmetric, "ca-central-1"), 10_000);
        assert_eq!(quota(QuotaKind::Rsa, "us-east-1"), 1_000);
        assert_eq!(quota(QuotaKind::Ecc, "cn-north-1"), 1_000);
        for kind in [
            QuotaKind::Symmetric,
            QuotaKind::Rsa,
            QuotaKind::Ecc,
            QuotaKind::MlDsa,
        ] {
            assert!(
                quota(kind, "xx-nowhere-1") > 0,
                "{kind:?} has a default row"
            );
        }
    }

    #[test]
    fn hmac_counts_as_symmetric_and_sm2_as_ecc() {
        assert_eq!(QuotaKind::of(KeySpec::Hmac256), QuotaKind::Symmetric);
        assert_eq!(QuotaKind::of(KeySpec::Sm2), QuotaKind::Ecc);
    }

    #[test]
    fn formats_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
