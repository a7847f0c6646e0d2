use std::path::Path;

use super::*;
use crate::load::load_str;
use crate::plan::plan;

const SPEC: &str = r#"version: 1
data_classes:
  internal: {}
  pci: { compliance: PCI-DSS }
environments:
  prod:
    account: "333333333333"
    region: eu-west-1
    dr_region: eu-central-1
    tier: prod
    strategy: per-workload-data-class
    key_admins: ["arn:aws:iam::{account}:role/KeyAdmins"]
workloads:
  payments:
    owner: team-payments
    data_classes: [pci]
    multi_region: true
    key_users: ["arn:aws:iam::{account}:role/payments"]
    grants:
      - { name: batch, grantee: "arn:aws:iam::{account}:role/batch", operations: [Decrypt] }
  reports:
    owner: team-reports
    data_classes: [internal]
    key_users: ["arn:aws:iam::{account}:role/reports"]
"#;

fn spec(text: &str) -> crate::load::Spec {
    load_str(Path::new("kms.yaml"), text.to_string())
        .unwrap_or_else(|e| panic!("{e:?}"))
        .spec
}

fn lock_of(text: &str) -> Lock {
    let s = spec(text);
    reconcile(&s, &plan(&s), &Lock::default(), &Decisions::default())
        .unwrap()
        .lock
}

#[test]
fn the_lock_sits_beside_the_spec() {
    assert_eq!(path_for(Path::new("kms.yaml")), Path::new("kms-gen.lock"));
    assert_eq!(
        path_for(Path::new("infra/kms.yml")),
        Path::new("infra/kms-gen.lock")
    );
    assert_eq!(
        path_for(Path::new("examples/acme.yaml")),
        Path::new("examples/acme.kms-gen.lock")
    );
}

#[test]
fn a_lock_records_every_key_and_reads_back_the_same() {
    let lock = lock_of(SPEC);
    let env = &lock.environments["prod"];
    assert_eq!(env.account, "333333333333");
    let key = &env.keys["payments-pci-prod"];
    assert_eq!(key.terraform, "aws_kms_key.payments_pci_prod");
    assert_eq!(key.cloudformation, "PaymentsPciProd");
    assert_eq!(key.alias, "alias/payments-pci-prod");
    assert!(key.multi_region);
    assert_eq!(key.protects["payments"], vec!["pci".to_string()]);
    assert_eq!(
        key.terraform_grants,
        vec!["aws_kms_grant.payments_pci_prod_payments_batch".to_string()]
    );
    let replica = key.replica.as_ref().unwrap();
    assert_eq!(replica.region, "eu-central-1");
    assert_eq!(replica.cloudformation, "PaymentsPciProdReplica");

    let text = to_text(&lock, "kms.yaml");
    assert!(text.starts_with("# kms-gen lock of kms.yaml"), "{text}");
    assert!(text.contains("      payments: [pci]\n"), "{text}");
    assert_eq!(parse(Path::new("kms-gen.lock"), &text).unwrap(), lock);
    assert_eq!(to_text(&lock_of(SPEC), "kms.yaml"), text, "deterministic");
}

#[test]
fn a_corrupt_lock_is_an_error_with_its_place() {
    let text = to_text(&lock_of(SPEC), "kms.yaml");
    let cases = [
        (
            text.replace("    account:", "    acount:"),
            "unknown field `acount`",
        ),
        (
            text.replace("  prod:\n", "  prod:\n    region: x\n"),
            "duplicate mapping key",
        ),
        (text.replace("version: 1", "version: 7"), "lock version 7"),
        ("version: [\n".to_string(), ""),
        (
            text.replace("SYMMETRIC_DEFAULT", "SYMMETRIC"),
            "unknown variant",
        ),
    ];
    for (bad, want) in cases {
        let e = parse(Path::new("kms-gen.lock"), &bad).unwrap_err();
        let shown = e.to_string();
        assert!(shown.starts_with("kms-gen.lock"), "{shown}");
        assert!(shown.contains(want), "{shown}");
        assert!(!shown.contains("Options"), "{shown}");
    }
    let e = parse(Path::new("kms-gen.lock"), "version: 1\nenvironments: 3\n").unwrap_err();
    assert!(e.to_string().starts_with("kms-gen.lock:2:"), "{e}");
}

#[test]
fn a_dropped_key_is_refused_until_allowed_or_forgotten() {
    let old = lock_of(SPEC);
    let without = SPEC.replace(
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{account}:role/reports\"]\n",
        "",
    );
    let s = spec(&without);
    let p = plan(&s);
    match reconcile(&s, &p, &old, &Decisions::default()) {
        Err(Refusal::Destructive(keys)) => {
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].name, "reports-internal-prod");
            assert_eq!(keys[0].risk, Risk::Destroyed);
        }
        other => panic!("{other:?}"),
    }
    let allow = ["reports-internal-prod".to_string()];
    let r = reconcile(
        &s,
        &p,
        &old,
        &Decisions {
            allow_destroy: &allow,
            forget: &[],
        },
    )
    .unwrap();
    assert!(
        !r.lock.environments["prod"]
            .keys
            .contains_key("reports-internal-prod")
    );
    assert!(r.forgotten.is_empty());

    let r = reconcile(
        &s,
        &p,
        &old,
        &Decisions {
            allow_destroy: &[],
            forget: &allow,
        },
    )
    .unwrap();
    let env = &r.lock.environments["prod"];
    assert!(env.forgotten.contains_key("reports-internal-prod"));
    assert_eq!(
        r.forgotten[0].keys[0].addresses[0],
        "aws_kms_key.reports_internal_prod"
    );
    // Forgotten stays forgotten on the next render, with no flag.
    let again = reconcile(&s, &p, &r.lock, &Decisions::default()).unwrap();
    assert_eq!(again.lock, r.lock);
}

#[test]
fn flags_must_name_a_key_at_risk() {
    let old = lock_of(SPEC);
    let s = spec(SPEC);
    let p = plan(&s);
    for (allow, forget, want) in [
        (
            vec!["payments-pci-prd"],
            vec![],
            "did you mean `payments-pci-prod`?",
        ),
        (
            vec!["payments-pci-prod"],
            vec![],
            "neither destroys nor replaces",
        ),
        (
            vec![],
            vec!["nothing-like-it"],
            "no key is named `nothing-like-it`",
        ),
    ] {
        let allow: Vec<String> = allow.into_iter().map(String::from).collect();
        let forget: Vec<String> = forget.into_iter().map(String::from).collect();
        match reconcile(
            &s,
            &p,
            &old,
            &Decisions {
                allow_destroy: &allow,
                forget: &forget,
            },
        ) {
            Err(Refusal::Flags(errors)) => assert!(errors[0].contains(want), "{errors:?}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn immutable_changes_are_replacements_and_forget_cannot_take_them() {
    let old = lock_of(SPEC);
    let s = spec(&SPEC.replace("    multi_region: true\n", ""));
    let p = plan(&s);
    let keys = match reconcile(&s, &p, &old, &Decisions::default()) {
        Err(Refusal::Destructive(keys)) => keys,
        other => panic!("{other:?}"),
    };
    assert_eq!(keys[0].risk, Risk::Replaced);
    assert!(
        keys[0].reasons[0].starts_with("multi_region changes from true to false"),
        "{:?}",
        keys[0].reasons
    );
    let name = ["payments-pci-prod".to_string()];
    match reconcile(
        &s,
        &p,
        &old,
        &Decisions {
            allow_destroy: &[],
            forget: &name,
        },
    ) {
        Err(Refusal::Flags(errors)) => {
            assert!(errors[0].contains("still produces this key"), "{errors:?}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_renamed_workload_keeps_its_lock_entry_and_logical_ids() {
    let old = lock_of(SPEC);
    let renamed = SPEC.replace(
        "  payments:\n    owner: team-payments\n",
        "  card-payments:\n    renamed_from: payments\n    owner: team-payments\n",
    );
    let s = spec(&renamed);
    let mut p = plan(&s);
    let r = reconcile(&s, &p, &old, &Decisions::default()).unwrap();
    let key = &r.lock.environments["prod"].keys["card-payments-pci-prod"];
    assert_eq!(key.terraform, "aws_kms_key.card_payments_pci_prod");
    assert_eq!(key.cloudformation, "PaymentsPciProd");
    assert!(
        !r.lock.environments["prod"]
            .keys
            .contains_key("payments-pci-prod")
    );

    // Once `renamed_from` goes, the lock still keeps the logical ids.
    let done = renamed.replace("    renamed_from: payments\n", "");
    let s = spec(&done);
    p = plan(&s);
    let r2 = reconcile(&s, &p, &r.lock, &Decisions::default()).unwrap();
    r2.pin(&mut p);
    let k = p.environments[0]
        .keys
        .iter()
        .find(|k| k.id == "card-payments-pci-prod")
        .unwrap();
    assert_eq!(k.logical_id, "PaymentsPciProd");
    assert_eq!(
        k.replica.as_ref().unwrap().logical_id,
        "PaymentsPciProdReplica"
    );
}

#[test]
fn wrapping_keeps_code_spans_whole() {
    let text = format!("{} `renamed_from: payments` end", "word ".repeat(17));
    let wrapped = super::reconcile::wrap_for_tests(&text);
    assert!(
        wrapped
            .lines()
            .any(|l| l.contains("`renamed_from: payments`")),
        "{wrapped}"
    );
    assert!(wrapped.lines().all(|l| l.len() <= 100), "{wrapped}");
}

#[test]
fn a_new_key_cannot_take_a_logical_id_the_lock_keeps() {
    let renamed = SPEC.replace(
        "  payments:\n    owner: team-payments\n",
        "  card-payments:\n    renamed_from: payments\n    owner: team-payments\n",
    );
    let s = spec(&renamed);
    let lock = reconcile(&s, &plan(&s), &lock_of(SPEC), &Decisions::default())
        .unwrap()
        .lock;
    // The rename is done, and a new workload takes the old name.
    let reused = format!(
        "{}  payments:\n    owner: team-new\n    data_classes: [pci]\n    key_users: [\"arn:aws:iam::{{account}}:role/new\"]\n",
        renamed.replace("    renamed_from: payments\n", "")
    );
    let s = spec(&reused);
    match reconcile(&s, &plan(&s), &lock, &Decisions::default()) {
        Err(Refusal::Conflicts(c)) => assert!(
            c[0].contains("`PaymentsPciProd`") && c[0].contains("payments-pci-prod"),
            "{c:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_forgotten_key_the_spec_produces_again_is_managed_again_with_a_warning() {
    let old = lock_of(SPEC);
    let without = SPEC.replace(
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{account}:role/reports\"]\n",
        "",
    );
    let s = spec(&without);
    let forget = ["reports-internal-prod".to_string()];
    let forgotten = reconcile(
        &s,
        &plan(&s),
        &old,
        &Decisions {
            allow_destroy: &[],
            forget: &forget,
        },
    )
    .unwrap()
    .lock;
    let s = spec(SPEC);
    let r = reconcile(&s, &plan(&s), &forgotten, &Decisions::default()).unwrap();
    assert!(r.forgotten.is_empty());
    assert_eq!(r.lock, old);
    assert!(
        r.warnings[0].contains("was forgotten earlier") && r.warnings[0].contains("import"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn data_moving_off_a_kept_key_is_a_warning() {
    let pooled = SPEC.replace(
        "strategy: per-workload-data-class",
        "strategy: per-data-class",
    ) + "  audit:\n    owner: team-audit\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{account}:role/audit\"]\n";
    let s = spec(&pooled);
    let old = reconcile(&s, &plan(&s), &Lock::default(), &Decisions::default())
        .unwrap()
        .lock;
    assert!(
        old.environments["prod"]
            .keys
            .contains_key("shared-internal-prod")
    );
    // `reports` gets a key of its own: the shared key stays, for `audit`.
    let own = pooled.replace(
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n",
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n    dedicated_service_keys: [s3]\n    services: [s3]\n",
    );
    let s = spec(&own);
    let r = reconcile(&s, &plan(&s), &old, &Decisions::default()).unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains(
            "the internal data of workload `reports` moves from key `shared-internal-prod` to `reports-internal-s3-prod`"
        )),
        "{:?}",
        r.warnings
    );
}

#[test]
fn the_interim_lock_keeps_every_key_either_output_deploys() {
    let old = lock_of(SPEC);
    // Only adding: the interim lock is the new one.
    let more = format!(
        "{SPEC}  audit:\n    owner: team-audit\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{{account}}:role/audit\"]\n"
    );
    let s = spec(&more);
    let r = reconcile(&s, &plan(&s), &old, &Decisions::default()).unwrap();
    assert_eq!(r.interim, r.lock);
    assert!(
        r.lock.environments["prod"]
            .keys
            .contains_key("audit-internal-prod")
    );

    // Dropping one key and adding another: the interim lock holds both.
    let swapped = more.replace(
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{account}:role/reports\"]\n",
        "",
    );
    let s = spec(&swapped);
    let allow = ["reports-internal-prod".to_string()];
    let decisions = Decisions {
        allow_destroy: &allow,
        forget: &[],
    };
    let r = reconcile(&s, &plan(&s), &old, &decisions).unwrap();
    let keys = |l: &Lock| -> Vec<String> { l.environments["prod"].keys.keys().cloned().collect() };
    assert_eq!(keys(&r.lock), ["audit-internal-prod", "payments-pci-prod"]);
    assert_eq!(
        keys(&r.interim),
        [
            "audit-internal-prod",
            "payments-pci-prod",
            "reports-internal-prod"
        ]
    );
    assert_eq!(
        r.interim.environments["prod"].keys["reports-internal-prod"],
        old.environments["prod"].keys["reports-internal-prod"]
    );

    // Only dropping: the interim lock is the old one, so it is not rewritten.
    let fewer = SPEC.replace(
        "  reports:\n    owner: team-reports\n    data_classes: [internal]\n    key_users: [\"arn:aws:iam::{account}:role/reports\"]\n",
        "",
    );
    let s = spec(&fewer);
    let r = reconcile(&s, &plan(&s), &old, &decisions).unwrap();
    assert_eq!(r.interim, old);

    // A dropped replica stays in the interim lock.
    let s = spec(&SPEC.replace("    dr_region: eu-central-1\n", ""));
    let allow = ["payments-pci-prod".to_string()];
    let r = reconcile(
        &s,
        &plan(&s),
        &old,
        &Decisions {
            allow_destroy: &allow,
            forget: &[],
        },
    )
    .unwrap();
    assert!(
        r.lock.environments["prod"].keys["payments-pci-prod"]
            .replica
            .is_none()
    );
    assert_eq!(
        r.interim.environments["prod"].keys["payments-pci-prod"],
        old.environments["prod"].keys["payments-pci-prod"]
    );
}

#[test]
fn an_alias_that_changes_is_a_warning_unless_a_rename_keeps_it() {
    let old = lock_of(SPEC);
    let prefixed = SPEC.replace(
        "data_classes:\n",
        "naming: { prefix: acme }\ndata_classes:\n",
    );
    let s = spec(&prefixed);
    let r = reconcile(&s, &plan(&s), &old, &Decisions::default()).unwrap();
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert_eq!(
        r.warnings[0],
        "the alias of key `payments-pci-prod` (environment prod) (and of its replica in eu-central-1) changes from alias/payments-pci-prod to alias/acme/payments-pci-prod: the key is kept, but once this is applied alias/payments-pci-prod no longer exists, so applications using it must switch to alias/acme/payments-pci-prod first; to keep the old alias, put back the `naming` (prefix or alias pattern) that gave it"
    );
    assert!(
        r.warnings[1].contains("alias/reports-internal-prod to alias/acme/reports-internal-prod")
    );
    assert_eq!(
        r.lock.environments["prod"].keys["payments-pci-prod"].alias,
        "alias/acme/payments-pci-prod"
    );

    // A rename keeps the old alias beside the new one: nothing to warn about.
    let renamed = SPEC.replace(
        "  payments:\n    owner: team-payments\n",
        "  card-payments:\n    renamed_from: payments\n    owner: team-payments\n",
    );
    let s = spec(&renamed);
    let r = reconcile(&s, &plan(&s), &old, &Decisions::default()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}
