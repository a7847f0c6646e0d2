//! Planner behaviour on small specs.

use super::*;
use crate::load::load_str;

fn spec(yaml: &str) -> Spec {
    match load_str(std::path::Path::new("t.yaml"), yaml.to_string()) {
        Ok(l) => l.spec,
        Err(crate::load::LoadError::Invalid { diagnostics, .. }) => panic!("{diagnostics:#?}"),
        Err(e) => panic!("{e:?}"),
    }
}

const BASE: &str = "version: 1
data_classes:
  internal: {}
  confidential: { rotation: { period_days: 180 }, deletion_window_days: 20 }
  pci: { compliance: PCI-DSS, rotation: { enabled: true, period_days: 365 } }
environments:
  dev: { account: \"111111111111\", region: eu-west-1, tier: sandbox, strategy: per-environment, owner: team-platform }
  prod: { account: \"222222222222\", region: eu-west-1, dr_region: eu-central-1, tier: prod, strategy: per-workload-data-class }
";

fn keys<'p>(plan: &'p Plan, env: &str) -> Vec<&'p Key> {
    plan.environments
        .iter()
        .find(|e| e.name == env)
        .unwrap()
        .keys
        .iter()
        .collect()
}

fn key<'p>(plan: &'p Plan, env: &str, id: &str) -> &'p Key {
    keys(plan, env)
        .into_iter()
        .find(|k| k.id == id)
        .unwrap_or_else(|| panic!("no key {id}"))
}

#[test]
fn regulated_classes_get_their_own_key_under_every_strategy() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:
  a: {{ owner: t, data_classes: [internal, pci] }}
  b: {{ owner: u, data_classes: [internal] }}
"
    )));
    let ids: Vec<&str> = keys(&p, "dev").iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["shared-dev", "shared-pci-dev"]);
    assert_eq!(key(&p, "dev", "shared-dev").workloads, ["a", "b"]);
    assert_eq!(key(&p, "dev", "shared-pci-dev").data_classes, ["pci"]);
    assert_eq!(key(&p, "dev", "shared-pci-dev").compliance, ["PCI-DSS"]);
    let ids: Vec<&str> = keys(&p, "prod").iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["a-internal-prod", "a-pci-prod", "b-internal-prod"]);
}

#[test]
fn shared_keys_carry_the_shared_workload_tag_and_the_environment_owner() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  a: {{ owner: team-a, data_classes: [internal] }}\n"
    )));
    let k = key(&p, "dev", "shared-dev");
    assert_eq!(k.tags["Workload"], "shared");
    assert_eq!(k.tags["Owner"], "team-platform");
    assert_eq!(k.tags["Environment"], "dev");
    assert_eq!(k.tags["ManagedBy"], "kms-gen");
    assert!(!k.tags.contains_key("Compliance"));
    assert!(!k.prevent_destroy);
    assert!(key(&p, "prod", "a-internal-prod").prevent_destroy);
}

#[test]
fn strictest_value_wins_on_a_shared_key() {
    let p = plan(&spec(&format!(
        "{BASE}defaults: {{ deletion_window_days: 7 }}
workloads:
  a: {{ owner: t, data_classes: [internal], rotation: {{ enabled: false }}, deletion_window_days: 10 }}
  b: {{ owner: u, data_classes: [internal], rotation: {{ period_days: 400 }} }}
  c: {{ owner: v, data_classes: [confidential], deletion_window_days: 25 }}
"
    )));
    let k = key(&p, "dev", "shared-dev");
    // a turns rotation off, b asks 400 days, c's class caps at 180: on, shortest period.
    assert_eq!(k.rotation_days, Some(180));
    // a asks 10, b inherits 7, c asks 25 (its class floor is 20): the longest window.
    assert_eq!(k.deletion_window_days, 25);
}

#[test]
fn inherited_values_are_clamped_to_class_bounds() {
    let p = plan(&spec(&format!(
        "{BASE}defaults: {{ rotation: {{ enabled: false, period_days: 730 }}, deletion_window_days: 7 }}
workloads:
  a: {{ owner: t, data_classes: [confidential, pci], environments: [prod] }}
"
    )));
    // confidential caps the period at 180 but does not force rotation on; pci forces it on, capped at 365.
    assert_eq!(key(&p, "prod", "a-confidential-prod").rotation_days, None);
    assert_eq!(key(&p, "prod", "a-pci-prod").rotation_days, Some(365));
    assert_eq!(
        key(&p, "prod", "a-confidential-prod").deletion_window_days,
        20
    );
}

#[test]
fn non_symmetric_keys_are_per_workload_and_never_rotate() {
    let p = plan(&spec(&format!(
        "{BASE}defaults: {{ rotation: {{ enabled: true }} }}
workloads:
  signer: {{ owner: t, data_classes: [internal], key_spec: ECC_NIST_P256, key_users: [\"arn:aws:iam::{{account}}:role/s\"] }}
  mac: {{ owner: t, data_classes: [internal], key_spec: HMAC_256 }}
  app: {{ owner: u, data_classes: [internal] }}
"
    )));
    let ids: Vec<&str> = keys(&p, "dev").iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["mac-dev", "shared-dev", "signer-dev"]);
    let signer = key(&p, "dev", "signer-dev");
    assert_eq!(signer.key_usage, KeyUsage::SignVerify);
    assert_eq!(signer.rotation_days, None);
    assert_eq!(
        key(&p, "dev", "mac-dev").key_usage,
        KeyUsage::GenerateVerifyMac
    );
    assert!(
        signer
            .policy
            .statements
            .iter()
            .any(|s| s.actions.iter().any(|a| a == "kms:Sign"))
    );
}

#[test]
fn dedicated_service_keys_split_the_workload_key_per_service() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:
  clicks: {{ owner: t, data_classes: [internal], services: [s3, kinesis], dedicated_service_keys: [s3], key_users: [\"arn:aws:iam::{{account}}:role/c\"] }}
  only-s3: {{ owner: t, data_classes: [internal], services: [s3], dedicated_service_keys: [s3] }}
"
    )));
    let ids: Vec<&str> = keys(&p, "dev").iter().map(|k| k.id.as_str()).collect();
    // only-s3 has nothing left for a base key, so it has none.
    assert_eq!(ids, ["clicks-s3-dev", "only-s3-s3-dev", "shared-dev"]);
    assert_eq!(key(&p, "dev", "clicks-s3-dev").alias, "alias/clicks-s3-dev");
    assert_eq!(key(&p, "dev", "shared-dev").services, [Service::Kinesis]);
}

#[test]
fn policies_separate_administration_from_use_and_limit_use() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:
  app:
    owner: t
    data_classes: [internal]
    environments: [prod]
    services: [s3, rds, logs]
    key_users: [\"arn:aws:iam::{{account}}:role/app-{{env}}\", \"arn:aws:iam::{{account}}:role/sso/AWSReservedSSO_Dev_*\"]
    key_admins: [\"arn:aws:iam::{{account}}:role/admins\"]
"
    )));
    let k = key(&p, "prod", "app-internal-prod");
    let doc = serde_json::to_value(&k.policy).unwrap();
    let sids: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "AccountRootFullAccess",
            "KeyAdministration",
            "UseApp",
            "UseAppServiceGrants",
            "UseAppPatterns",
            "UseAppPatternsServiceGrants",
            "CloudWatchLogs",
            "CloudWatchLogsDescribe"
        ]
    );
    let admin = &doc["Statement"][1];
    let actions: Vec<&str> = admin["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for forbidden in [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "kms:*",
    ] {
        assert!(!actions.contains(&forbidden), "admins get {forbidden}");
    }
    assert!(
        !actions.iter().any(|a| a.ends_with('*')),
        "no wildcard hides an action: {actions:?}"
    );
    let use_ = &doc["Statement"][2];
    assert_eq!(
        use_["Principal"]["AWS"],
        "arn:aws:iam::222222222222:role/app-prod"
    );
    assert_eq!(
        use_["Condition"]["StringEquals"]["kms:CallerAccount"],
        "222222222222"
    );
    assert_eq!(
        use_["Condition"]["StringEquals"]["kms:ViaService"],
        serde_json::json!(["s3.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com"])
    );
    let grants = &doc["Statement"][3];
    assert_eq!(
        grants["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
        "true"
    );
    assert_eq!(
        grants["Condition"]["StringEquals"]["kms:ViaService"],
        "rds.eu-west-1.amazonaws.com"
    );
    let patterns = &doc["Statement"][4];
    assert_eq!(
        patterns["Principal"]["AWS"],
        "arn:aws:iam::222222222222:root"
    );
    assert_eq!(
        patterns["Condition"]["ArnLike"]["aws:PrincipalArn"],
        "arn:aws:iam::222222222222:role/sso/AWSReservedSSO_Dev_*"
    );
    assert!(
        !doc.to_string().contains("\"AWS\":\"*\""),
        "no wildcard principal"
    );
}

#[test]
fn iam_delegation_and_the_deployer_shape_the_root_statement() {
    let yaml = |delegation: &str| {
        format!(
            "{BASE}workloads:
  app: {{ owner: t, data_classes: [internal], environments: [prod], grants: [{{ name: g, grantee: \"arn:aws:iam::{{account}}:role/batch\", operations: [Decrypt] }}] }}
"
        )
        .replace(
            "strategy: per-workload-data-class }",
            &format!("strategy: per-workload-data-class, iam_delegation: {delegation}, deployer: \"arn:aws:iam::{{account}}:role/deployer\" }}"),
        )
    };
    let sids = |delegation: &str| -> Vec<String> {
        let p = plan(&spec(&yaml(delegation)));
        key(&p, "prod", "app-internal-prod")
            .policy
            .statements
            .iter()
            .map(|s| s.sid.clone())
            .collect()
    };
    assert_eq!(sids("full")[0], "AccountRootFullAccess");
    assert_eq!(sids("admin")[0], "AccountRootAdministration");
    // No root statement; no users were declared, so no use statement either.
    assert_eq!(
        sids("none"),
        ["Deployer", "DeployerGrants", "DeployerRevokeGrants"]
    );

    let p = plan(&spec(&yaml("admin")));
    let k = key(&p, "prod", "app-internal-prod");
    let deployer_grants = k
        .policy
        .statements
        .iter()
        .find(|s| s.sid == "DeployerGrants")
        .unwrap();
    assert_eq!(deployer_grants.actions, ["kms:CreateGrant"]);
    assert_eq!(
        deployer_grants.condition["StringEquals"]["kms:GranteePrincipal"],
        "arn:aws:iam::222222222222:role/batch"
    );
    let cfn = k.policy_with_grants.as_ref().unwrap();
    let grant = cfn.statements.last().unwrap();
    assert_eq!(
        (grant.sid.as_str(), grant.actions.join(",").as_str()),
        ("GrantAppG", "kms:Decrypt")
    );
}

#[test]
fn replicas_evaluate_region_bearing_values_for_the_dr_region() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:
  app: {{ owner: t, data_classes: [internal], environments: [prod], multi_region: true, services: [s3, logs], key_users: [\"arn:aws:iam::{{account}}:role/app-{{region}}\"] }}
"
    )));
    let k = key(&p, "prod", "app-internal-prod");
    assert!(k.multi_region);
    let replica = k.replica.as_ref().unwrap();
    assert_eq!(replica.region, "eu-central-1");
    let primary = serde_json::to_string(&k.policy).unwrap();
    let dr = serde_json::to_string(&replica.policy).unwrap();
    assert!(
        primary.contains("s3.eu-west-1.amazonaws.com") && primary.contains("role/app-eu-west-1")
    );
    assert!(
        dr.contains("s3.eu-central-1.amazonaws.com")
            && dr.contains("logs.eu-central-1.amazonaws.com")
    );
    assert!(
        dr.contains("role/app-eu-central-1") && !dr.contains("eu-west-1"),
        "{dr}"
    );
    assert!(dr.contains("AccountRootFullAccess"));
}

#[test]
fn multi_region_keys_stay_multi_region_where_there_is_no_dr_region() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  app: {{ owner: t, data_classes: [pci], multi_region: true }}\n"
    )));
    let dev = key(&p, "dev", "shared-pci-dev");
    assert!(dev.multi_region && dev.replica.is_none());
}

#[test]
fn renamed_workloads_keep_their_logical_ids_and_old_aliases() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  payments: {{ owner: t, data_classes: [internal], environments: [prod], renamed_from: payment, multi_region: true }}\n"
    )));
    let k = key(&p, "prod", "payments-internal-prod");
    assert_eq!(k.alias, "alias/payments-internal-prod");
    assert_eq!(k.previous_aliases, ["alias/payment-internal-prod"]);
    assert_eq!(k.logical_id, "PaymentInternalProd");
    assert_eq!(
        k.replica.as_ref().unwrap().logical_id,
        "PaymentInternalProdReplica"
    );
    assert_eq!(k.terraform_name, "payments_internal_prod");
}

#[test]
fn planning_is_deterministic_whatever_the_workload_order() {
    let a = plan(&spec(&format!(
        "{BASE}workloads:\n  x: {{ owner: t, data_classes: [internal] }}\n  y: {{ owner: t, data_classes: [pci] }}\n"
    )));
    let b = plan(&spec(&format!(
        "{BASE}workloads:\n  y: {{ owner: t, data_classes: [pci] }}\n  x: {{ owner: t, data_classes: [internal] }}\n"
    )));
    let ids = |p: &Plan| {
        p.environments
            .iter()
            .flat_map(|e| e.keys.iter().map(|k| k.id.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn replica_tags_evaluate_region_placeholders_for_the_dr_region() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  app: {{ owner: t, data_classes: [internal], environments: [prod], multi_region: true, tags: {{ Site: \"{{region}}\" }} }}\n"
    )));
    let k = key(&p, "prod", "app-internal-prod");
    assert_eq!(k.tags["Site"], "eu-west-1");
    assert_eq!(k.replica.as_ref().unwrap().tags["Site"], "eu-central-1");
}

#[test]
fn callers_include_the_accounts_of_principals_from_elsewhere() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  app: {{ owner: t, data_classes: [internal], environments: [prod], external_accounts: [\"444444444444\"], key_users: [\"arn:aws:iam::555555555555:role/reader\"] }}\n"
    )));
    let k = key(&p, "prod", "app-internal-prod");
    let use_ = k
        .policy
        .statements
        .iter()
        .find(|s| s.sid == "UseApp")
        .unwrap();
    assert_eq!(
        use_.condition["StringEquals"]["kms:CallerAccount"],
        serde_json::json!(["222222222222", "444444444444", "555555555555"])
    );
}

#[test]
fn asymmetric_encryption_keys_give_users_encrypt_decrypt_and_the_public_key() {
    let p = plan(&spec(&format!(
        "{BASE}workloads:\n  rsa: {{ owner: t, data_classes: [internal], environments: [prod], key_spec: RSA_3072, key_usage: ENCRYPT_DECRYPT, key_users: [\"arn:aws:iam::{{account}}:role/rsa\"] }}\n  sm2: {{ owner: t, data_classes: [internal], environments: [prod], key_spec: SM2, key_usage: ENCRYPT_DECRYPT, key_users: [\"arn:aws:iam::{{account}}:role/sm2\"] }}\n  sym: {{ owner: t, data_classes: [internal], environments: [prod], key_users: [\"arn:aws:iam::{{account}}:role/sym\"] }}\n"
    )));
    let use_actions = |id: &str, sid: &str| -> Vec<String> {
        key(&p, "prod", id)
            .policy
            .statements
            .iter()
            .find(|s| s.sid == sid)
            .unwrap_or_else(|| panic!("{id}: no {sid}"))
            .actions
            .iter()
            .map(|a| a.to_string())
            .collect()
    };
    for (id, sid) in [
        ("rsa-internal-prod", "UseRsa"),
        ("sm2-internal-prod", "UseSm2"),
    ] {
        assert_eq!(
            use_actions(id, sid),
            [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:GetPublicKey",
                "kms:DescribeKey"
            ],
            "{id}"
        );
    }
    assert_eq!(
        use_actions("sym-internal-prod", "UseSym"),
        [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:DescribeKey"
        ]
    );
}

/// The CloudFormation form of a grant: statements as tight as the grant.
fn grant_statements(grants: &str) -> Vec<serde_json::Value> {
    let yaml = format!(
        "{BASE}workloads:\n  app:\n    owner: t\n    data_classes: [internal]\n    environments: [prod]\n    grants:\n{grants}"
    )
    .replace(
        "strategy: per-workload-data-class }",
        "strategy: per-workload-data-class, allow_cross_account: true }",
    );
    let p = plan(&spec(&yaml));
    let k = key(&p, "prod", "app-internal-prod");
    let doc = serde_json::to_value(k.policy_with_grants.as_ref().unwrap()).unwrap();
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Sid"].as_str().unwrap().starts_with("Grant"))
        .cloned()
        .collect()
}

#[test]
fn a_grant_with_a_context_becomes_statements_that_match_it_exactly() {
    let statements = grant_statements(
        "      - name: batch-decrypt
        grantee: \"arn:aws:iam::{account}:role/batch\"
        operations: [Decrypt, GenerateDataKey, DescribeKey, RetireGrant, CreateGrant]
        encryption_context: { app: payments, tenant: \"42\" }
",
    );
    let sids: Vec<&str> = statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "GrantAppBatchDecrypt",
            "GrantAppBatchDecryptNoContext",
            "GrantAppBatchDecryptCreateGrant"
        ]
    );
    let [context, no_context, create] = &statements[..] else {
        unreachable!()
    };
    // Operations that take an encryption context: exact match, from the grantee's account.
    assert_eq!(
        context["Action"],
        serde_json::json!(["kms:Decrypt", "kms:GenerateDataKey"])
    );
    assert_eq!(
        context["Condition"],
        serde_json::json!({
            "StringEquals": {
                "kms:CallerAccount": "222222222222",
                "kms:EncryptionContext:app": "payments",
                "kms:EncryptionContext:tenant": "42"
            },
            "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["app", "tenant"] }
        })
    );
    // Operations that take none carry no context condition (it would never match).
    assert_eq!(
        no_context["Action"],
        serde_json::json!(["kms:DescribeKey", "kms:RetireGrant"])
    );
    assert_eq!(
        no_context["Condition"],
        serde_json::json!({ "StringEquals": { "kms:CallerAccount": "222222222222" } })
    );
    // CreateGrant: only grants of the grant's operations, with the same exact context.
    assert_eq!(create["Action"], serde_json::json!(["kms:CreateGrant"]));
    assert_eq!(
        create["Condition"]["ForAllValues:StringEquals"]["kms:GrantOperations"],
        serde_json::json!([
            "Decrypt",
            "GenerateDataKey",
            "DescribeKey",
            "RetireGrant",
            "CreateGrant"
        ])
    );
    assert_eq!(
        create["Condition"]["StringEquals"]["kms:GrantConstraintType"],
        "EncryptionContextEquals"
    );
    assert_eq!(
        create["Condition"]["StringEquals"]["kms:EncryptionContext:app"],
        "payments"
    );
}

#[test]
fn a_grant_without_a_context_is_limited_to_the_grantee_account() {
    let statements = grant_statements(
        "      - name: reader
        grantee: \"arn:aws:iam::444444444444:role/reader\"
        operations: [Decrypt, DescribeKey]
",
    );
    assert_eq!(statements.len(), 1, "{statements:#?}");
    let s = &statements[0];
    assert_eq!(s["Sid"], "GrantAppReader");
    assert_eq!(
        s["Action"],
        serde_json::json!(["kms:Decrypt", "kms:DescribeKey"])
    );
    assert_eq!(
        s["Condition"],
        serde_json::json!({ "StringEquals": { "kms:CallerAccount": "444444444444" } })
    );
}
