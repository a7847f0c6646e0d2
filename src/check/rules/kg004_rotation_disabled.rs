use indexmap::IndexMap;

use super::common::{names, push_unique};
use crate::check::PlanContext;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::ptr;

declare_rule! {
    /// ## What it checks
    ///
    /// Every symmetric key (SYMMETRIC_DEFAULT, the only spec KMS rotates) has automatic
    /// rotation on. Reported where rotation is switched off: the workload's
    /// `rotation.enabled: false`, or `defaults.rotation.enabled: false`. A warning; an
    /// error when the key holds a regulated class.
    ///
    /// ## Why it matters
    ///
    /// Rotation limits how much data one key version protects, and regimes expect it
    /// (PCI-DSS, for one, wants keys changed at the end of their cryptoperiod). KMS keeps
    /// old versions, so rotating never breaks decryption, and a key shared by several
    /// workloads rotates when any of them asks. To make rotation mandatory for a class,
    /// set `rotation: { enabled: true }` on the data class.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// workloads:
    ///   reports:
    ///     owner: team-data
    ///     data_classes: [internal]
    ///     rotation: { enabled: false }
    /// ```
    ///
    /// Remove `enabled: false`: rotation is on by default, every 365 days (set
    /// `period_days` for another period).
    pub static RULE = {
        code: "KG004",
        name: "rotation-disabled",
        severity: Warning,
        summary: "automatic rotation is off for a symmetric key",
        check: crate::check::Check::Plan(check),
    }
}

struct Finding {
    keys: Vec<String>,
    regimes: Vec<String>,
}

fn check(cx: &PlanContext, out: &mut Vec<Diagnostic>) {
    let spec = cx.spec;
    let defaults = ptr(&["defaults", "rotation", "enabled"]);
    // Keyed by the node that switched rotation off, so one line is reported once.
    let mut findings: IndexMap<String, Finding> = IndexMap::new();
    for env in &cx.plan.environments {
        for key in &env.keys {
            if !key.rotation_supported || key.rotation_days.is_some() {
                continue;
            }
            let mut causes: Vec<String> = Vec::new();
            for w in &key.workloads {
                let own = spec
                    .workloads
                    .get(w)
                    .and_then(|w| w.rotation)
                    .and_then(|r| r.enabled);
                let pointer = if own == Some(false) {
                    ptr(&["workloads", w, "rotation", "enabled"])
                } else {
                    defaults.clone()
                };
                push_unique(&mut causes, pointer);
            }
            for pointer in causes {
                let f = findings.entry(pointer).or_insert_with(|| Finding {
                    keys: Vec::new(),
                    regimes: Vec::new(),
                });
                push_unique(&mut f.keys, key.id.clone());
                for c in &key.compliance {
                    push_unique(&mut f.regimes, c.clone());
                }
            }
        }
    }
    for (pointer, f) in findings {
        let keys = names(&f.keys, 3);
        let regulated = !f.regimes.is_empty();
        let message = if regulated {
            format!(
                "automatic rotation is off for {keys}, which hold{} {} data",
                if f.keys.len() == 1 { "s" } else { "" },
                f.regimes.join(" and ")
            )
        } else {
            format!("automatic rotation is off for {keys}")
        };
        let hint = match (pointer.starts_with("/defaults"), regulated) {
            (false, false) => "remove `enabled: false`: rotation is on by default (yearly)",
            (false, true) => "regulated data must rotate: remove `enabled: false`",
            (true, false) => {
                "set `enabled: true` here; switch rotation off only on a workload that needs it"
            }
            (true, true) => "regulated data must rotate: set `enabled: true` here",
        };
        let mut d = RULE.diag(message).hint(hint).at(cx.at(&pointer));
        if regulated {
            d.severity = Severity::Error;
        }
        out.push(d);
    }
}
