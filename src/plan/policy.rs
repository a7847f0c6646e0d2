//! Key policies, statement by statement, as DESIGN.md's Key policy section
//! lays them out: explicit Sids, no wildcard principal, administration
//! without cryptographic use, use limited by caller account and service.

use std::borrow::Cow;

use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::services::{self, Access, PrincipalKind};
use super::{PlannedGrant, Use};
use crate::load::spec::{GrantOperation, IamDelegation, KeySpec, KeyUsage, Service};
use crate::placeholders::{Scope, expand};

/// An IAM policy document, serialized in AWS's field names and order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    #[serde(rename = "Principal")]
    pub principal: Principal,
    #[serde(rename = "Action")]
    pub actions: Vec<Action>,
    #[serde(rename = "Resource")]
    pub resource: &'static str,
    #[serde(rename = "Condition", skip_serializing_if = "IndexMap::is_empty")]
    pub condition: IndexMap<&'static str, IndexMap<String, Value>>,
}

/// `{"AWS": …}` or `{"Service": …}`; one value is written as a string, several as a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Principal {
    #[serde(rename = "AWS")]
    Aws(Value),
    #[serde(rename = "Service")]
    Service(Value),
}

/// A policy action; almost all are fixed names, so they are borrowed, not allocated.
pub type Action = Cow<'static, str>;

/// What a key's policy is built from.
#[derive(Debug, Clone)]
pub struct PolicyInput<'a> {
    pub partition: &'static str,
    pub account: &'a str,
    pub env: &'a str,
    pub key_workload: &'a str,
    pub iam_delegation: IamDelegation,
    /// As written in the spec; expanded per region here.
    pub deployer: Option<&'a str>,
    /// Expanded already (administration does not depend on region).
    pub admins: &'a [String],
    pub uses: &'a [Use],
    pub services: &'a [Service],
    pub usage: KeyUsage,
    pub key_spec: KeySpec,
    pub multi_region: bool,
    pub grantees: Vec<String>,
}

/// Administration: manage the key, never use it, grant on it or rewrite its policy.
pub fn admin_actions(multi_region: bool) -> Vec<Action> {
    let mut actions: Vec<&str> = vec![
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListKeyPolicies",
        "kms:ListResourceTags",
        "kms:ListGrants",
        "kms:EnableKey",
        "kms:DisableKey",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:CreateAlias",
        "kms:UpdateAlias",
        "kms:DeleteAlias",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
    ];
    if multi_region {
        actions.extend(["kms:ReplicateKey", "kms:UpdatePrimaryRegion"]);
    }
    actions.into_iter().map(Cow::Borrowed).collect()
}

/// Builds the policy of a key (or of its replica) for `region`.
pub fn build(input: &PolicyInput, region: &str) -> PolicyDocument {
    let mut statements = Vec::new();
    let root = format!("arn:{}:iam::{}:root", input.partition, input.account);
    let scope = Scope {
        account: input.account,
        env: input.env,
        region,
        workload: input.key_workload,
    };

    match input.iam_delegation {
        IamDelegation::Full => statements.push(statement(
            "AccountRootFullAccess",
            aws(std::slice::from_ref(&root)),
            vec!["kms:*".into()],
        )),
        IamDelegation::Admin => {
            let mut actions = admin_actions(input.multi_region);
            actions.push(Cow::Borrowed("kms:PutKeyPolicy"));
            statements.push(statement(
                "AccountRootAdministration",
                aws(std::slice::from_ref(&root)),
                actions,
            ));
        }
        IamDelegation::None => {}
    }

    if !input.admins.is_empty() {
        statements.push(statement(
            "KeyAdministration",
            aws(input.admins),
            admin_actions(input.multi_region),
        ));
    }

    if let Some(deployer) = input.deployer {
        let deployer = expand(deployer, &scope);
        let mut actions = admin_actions(input.multi_region);
        actions.push(Cow::Borrowed("kms:PutKeyPolicy"));
        statements.push(statement(
            "Deployer",
            aws(std::slice::from_ref(&deployer)),
            actions,
        ));
        if !input.grantees.is_empty() {
            let mut grantees = input.grantees.clone();
            grantees.sort();
            grantees.dedup();
            // kms:GranteePrincipal applies to CreateGrant only; Terraform also
            // needs RevokeGrant to replace or destroy the grants it created.
            statements.push(
                statement(
                    "DeployerGrants",
                    aws(std::slice::from_ref(&deployer)),
                    vec!["kms:CreateGrant".into()],
                )
                .when("StringEquals", "kms:GranteePrincipal", list(&grantees)),
            );
            statements.push(statement(
                "DeployerRevokeGrants",
                aws(&[deployer]),
                vec!["kms:RevokeGrant".into()],
            ));
        }
    }

    for u in input.uses {
        statements.extend(use_statements(input, u, region, &root));
    }

    let mut principal_services: Vec<PrincipalKind> = input
        .services
        .iter()
        .filter_map(|s| match services::access(*s) {
            Access::Principal(kind) => Some(kind),
            Access::ViaUser { .. } => None,
        })
        .collect();
    principal_services.dedup();
    for kind in principal_services {
        statements.extend(service_statements(kind, input, region));
    }

    PolicyDocument {
        version: "2012-10-17",
        statements,
    }
}

/// The policy CloudFormation gets: `base` plus each grant as statements that
/// allow no more than the grant does.
///
/// Per grant, all limited by `kms:CallerAccount` = the grantee's account:
///
/// - `Grant<Workload><Name>`: its operations; with an `encryption_context`, only
///   those that take one, under an exact match like the grant's
///   `EncryptionContextEquals` constraint (`StringEquals kms:EncryptionContext:<k>`
///   per pair, and `ForAllValues:StringEquals kms:EncryptionContextKeys` = the keys);
/// - `Grant<Workload><Name>NoContext`: with an `encryption_context`, the operations
///   that take none (DescribeKey, RetireGrant …), which a grant constraint does not
///   limit either;
/// - `Grant<Workload><Name>CreateGrant`: `kms:CreateGrant`, only for grants of at most
///   the grant's operations (`ForAllValues:StringEquals kms:GrantOperations`) and, with
///   an `encryption_context`, only with the same exact constraint — as KMS requires of
///   grants made from a grant.
pub fn with_grants(base: &PolicyDocument, grants: &[PlannedGrant]) -> PolicyDocument {
    let mut doc = base.clone();
    for g in grants {
        doc.statements.extend(grant_statements(g));
    }
    doc
}

fn grant_statements(g: &PlannedGrant) -> Vec<Statement> {
    let sid = format!(
        "Grant{}{}",
        g.workload.to_upper_camel_case(),
        g.name.to_upper_camel_case()
    );
    let principal = || aws(std::slice::from_ref(&g.grantee));
    let account = g.grantee.split(':').nth(4).unwrap_or_default().to_string();
    let caller = |s: Statement| {
        s.when(
            "StringEquals",
            "kms:CallerAccount",
            Value::String(account.clone()),
        )
    };
    let context = &g.encryption_context;
    let exact_context = |mut s: Statement| {
        for (k, v) in context {
            s = s.when(
                "StringEquals",
                &format!("kms:EncryptionContext:{k}"),
                Value::String(v.clone()),
            );
        }
        let keys: Vec<String> = context.keys().cloned().collect();
        s.when(
            "ForAllValues:StringEquals",
            "kms:EncryptionContextKeys",
            list(&keys),
        )
    };
    let action = |op: &GrantOperation| Cow::Owned(format!("kms:{op}"));

    let (with_context, without): (Vec<GrantOperation>, Vec<GrantOperation>) = g
        .operations
        .iter()
        .copied()
        .filter(|op| *op != GrantOperation::CreateGrant)
        .partition(|op| !context.is_empty() && op.takes_encryption_context());
    let mut out = Vec::new();
    if !with_context.is_empty() {
        let s = statement(&sid, principal(), with_context.iter().map(action).collect());
        out.push(exact_context(caller(s)));
    }
    if !without.is_empty() {
        let sid = if out.is_empty() {
            sid.clone()
        } else {
            format!("{sid}NoContext")
        };
        let s = statement(&sid, principal(), without.iter().map(action).collect());
        out.push(caller(s));
    }
    if g.operations.contains(&GrantOperation::CreateGrant) {
        let operations: Vec<String> = g.operations.iter().map(|op| op.to_string()).collect();
        let s = statement(
            &format!("{sid}CreateGrant"),
            principal(),
            vec![Cow::Borrowed("kms:CreateGrant")],
        )
        .when(
            "ForAllValues:StringEquals",
            "kms:GrantOperations",
            list(&operations),
        );
        let s = caller(s);
        out.push(if context.is_empty() {
            s
        } else {
            exact_context(s).when(
                "StringEquals",
                "kms:GrantConstraintType",
                Value::String("EncryptionContextEquals".into()),
            )
        });
    }
    out
}

fn use_statements(input: &PolicyInput, u: &Use, region: &str, root: &str) -> Vec<Statement> {
    let scope = Scope {
        account: input.account,
        env: input.env,
        region,
        workload: &u.workload,
    };
    let (patterns, exact): (Vec<String>, Vec<String>) = u
        .principals
        .iter()
        .map(|p| expand(p, &scope))
        .partition(|p| p.contains('*'));
    let mut exact = exact;
    exact.sort();
    exact.dedup();

    // Every account whose principals may call: the environment's and the external
    // accounts. A principal named from any other account is refused by check
    // (KG006 without `allow_cross_account`, E034 with it); its account is added
    // here all the same, so the policy never silently fails to match it.
    let mut callers = vec![input.account.to_string()];
    let principal_accounts = exact
        .iter()
        .chain(&patterns)
        .filter_map(|p| p.split(':').nth(4));
    for account in u
        .external_accounts
        .iter()
        .map(String::as_str)
        .chain(principal_accounts)
    {
        if !account.is_empty() && !callers.iter().any(|c| c == account) {
            callers.push(account.to_string());
        }
    }
    let via: Vec<String> = u
        .services
        .iter()
        .filter_map(|s| match services::access(*s) {
            Access::ViaUser { host, .. } => Some(services::via_service(host, region)),
            Access::Principal(_) => None,
        })
        .collect();
    let grant_services: Vec<String> = u
        .services
        .iter()
        .filter_map(|s| match services::access(*s) {
            Access::ViaUser { host, grants: true } => Some(services::via_service(host, region)),
            _ => None,
        })
        .collect();
    let only_principal_services = via.is_empty() && !u.services.is_empty();

    let name = u.workload.to_upper_camel_case();
    let limit = |s: Statement, via: &[String]| {
        let s = s.when("StringEquals", "kms:CallerAccount", list(&callers));
        if via.is_empty() {
            s
        } else {
            s.when("StringEquals", "kms:ViaService", list(via))
        }
    };
    let use_actions: Vec<Action> = input
        .usage
        .use_actions(input.key_spec)
        .iter()
        .map(|a| Cow::Borrowed(*a))
        .collect();
    let grant_actions = || {
        vec![
            Cow::Borrowed("kms:CreateGrant"),
            "kms:ListGrants".into(),
            "kms:RevokeGrant".into(),
        ]
    };

    let mut out = Vec::new();
    // A workload whose services all act as their own principals has no user statement.
    if only_principal_services {
        return out;
    }
    let mut principals: Vec<(String, Principal, Option<Value>)> = Vec::new();
    if !exact.is_empty() {
        principals.push((String::new(), aws(&exact), None));
    }
    if !patterns.is_empty() {
        principals.push((
            "Patterns".into(),
            aws(&[root.to_string()]),
            Some(list(&patterns)),
        ));
    }
    let mut externals: Vec<String> = u
        .external_accounts
        .iter()
        .map(|a| format!("arn:{}:iam::{a}:root", input.partition))
        .collect();
    externals.sort();
    if !externals.is_empty() {
        principals.push(("CrossAccount".into(), aws(&externals), None));
    }
    for (suffix, principal, pattern) in principals {
        let with_pattern = |s: Statement| match &pattern {
            Some(p) => s.when("ArnLike", "aws:PrincipalArn", p.clone()),
            None => s,
        };
        let s = statement(
            &format!("Use{name}{suffix}"),
            principal.clone(),
            use_actions.clone(),
        );
        out.push(with_pattern(limit(s, &via)));
        if !grant_services.is_empty() {
            let s = statement(
                &format!("Use{name}{suffix}ServiceGrants"),
                principal,
                grant_actions(),
            )
            .when(
                "Bool",
                "kms:GrantIsForAWSResource",
                Value::String("true".into()),
            );
            out.push(with_pattern(limit(s, &grant_services)));
        }
    }
    out
}

fn service_statements(kind: PrincipalKind, input: &PolicyInput, region: &str) -> Vec<Statement> {
    let account = input.account.to_string();
    let p = input.partition;
    let actions = |a: &[&'static str]| a.iter().map(|s| Cow::Borrowed(*s)).collect::<Vec<_>>();
    match kind {
        // AWS's documented form uses `ArnLike` and `kms:Describe*` in one statement;
        // the encryption-context key is typed String (so `StringLike`, which matches
        // the same log-group ARNs), and DescribeKey carries no encryption context,
        // so under that condition it would never match: it gets its own statement.
        PrincipalKind::Logs => {
            let principal =
                || Principal::Service(Value::String(format!("logs.{region}.amazonaws.com")));
            vec![
                statement(
                    "CloudWatchLogs",
                    principal(),
                    actions(&[
                        "kms:Encrypt*",
                        "kms:Decrypt*",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                    ]),
                )
                .when(
                    "StringLike",
                    "kms:EncryptionContext:aws:logs:arn",
                    Value::String(format!("arn:{p}:logs:{region}:{account}:log-group:*")),
                ),
                statement(
                    "CloudWatchLogsDescribe",
                    principal(),
                    actions(&["kms:DescribeKey"]),
                ),
            ]
        }
        PrincipalKind::CloudWatch => vec![
            statement(
                "CloudWatchAlarms",
                Principal::Service("cloudwatch.amazonaws.com".into()),
                actions(&["kms:Decrypt", "kms:GenerateDataKey*"]),
            )
            .when("StringEquals", "aws:SourceAccount", Value::String(account)),
        ],
        PrincipalKind::Events => vec![
            statement(
                "EventBridge",
                Principal::Service("events.amazonaws.com".into()),
                actions(&["kms:Decrypt", "kms:GenerateDataKey*"]),
            )
            .when("StringEquals", "aws:SourceAccount", Value::String(account)),
        ],
        PrincipalKind::CloudTrail => vec![
            statement(
                "CloudTrailEncrypt",
                Principal::Service("cloudtrail.amazonaws.com".into()),
                actions(&["kms:GenerateDataKey*"]),
            )
            .when(
                "StringEquals",
                "aws:SourceAccount",
                Value::String(account.clone()),
            )
            .when(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                Value::String(format!("arn:{p}:cloudtrail:*:{account}:trail/*")),
            ),
            statement(
                "CloudTrailDescribe",
                Principal::Service("cloudtrail.amazonaws.com".into()),
                actions(&["kms:DescribeKey"]),
            )
            .when("StringEquals", "aws:SourceAccount", Value::String(account)),
        ],
    }
}

fn statement(sid: &str, principal: Principal, actions: Vec<Action>) -> Statement {
    Statement {
        sid: sid.to_string(),
        effect: "Allow",
        principal,
        actions,
        resource: "*",
        condition: IndexMap::new(),
    }
}

impl Statement {
    fn when(mut self, operator: &'static str, key: &str, value: Value) -> Self {
        self.condition
            .entry(operator)
            .or_default()
            .insert(key.to_string(), value);
        self
    }
}

fn aws(principals: &[String]) -> Principal {
    Principal::Aws(list(principals))
}

/// One value as a string, several as a list (AWS's own canonical form).
fn list(values: &[String]) -> Value {
    match values {
        [one] => Value::String(one.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    }
}

/// The policy as compact JSON: what KMS stores and its 32 KB limit counts.
pub fn to_json(doc: &PolicyDocument) -> String {
    serde_json::to_string(doc).expect("a policy document always serializes")
}
