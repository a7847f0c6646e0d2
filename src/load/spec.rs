//! The spec, version 1: the user's file as typed data.
//!
//! These types are the single source of truth for the format: serde reads
//! them, schemars turns them into `schemas/kms-gen.schema.json`, and the doc
//! comments become the schema's descriptions that editors show on hover.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Tags as written: key → value, in the user's order.
pub type Tags = IndexMap<String, String>;

/// A kms-gen spec (version 1): environments, data classes and workloads, from
/// which kms-gen derives a least-privilege AWS KMS key layout.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kms-gen spec")]
pub struct Spec {
    /// Spec format version. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Settings every key starts from; environments and workloads override them.
    #[serde(default, skip_serializing_if = "Defaults::is_empty")]
    pub defaults: Defaults,
    /// How aliases are built from a key's identity.
    #[serde(default, skip_serializing_if = "Naming::is_empty")]
    pub naming: Naming,
    /// Data classes by name. Their settings are bounds that every key holding
    /// the class obeys. A class with `compliance` set is regulated and always
    /// gets keys of its own.
    pub data_classes: IndexMap<String, DataClass>,
    /// Environments by name: one AWS account and region each.
    pub environments: IndexMap<String, Environment>,
    /// Workloads by name: who owns them, what data they hold, who uses the keys.
    #[serde(default)]
    pub workloads: IndexMap<String, Workload>,
    /// Re-levels guidance rules (KG codes) for this spec.
    #[serde(default, skip_serializing_if = "Lint::is_empty")]
    pub lint: Lint,
}

/// Settings every key starts from.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Automatic rotation of symmetric keys. Default: enabled, every 365 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
    /// Days between scheduling deletion and the key being deleted (7–30). Default: 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 7, max = 30))]
    pub deletion_window_days: Option<u32>,
    /// Tags on every key.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: Tags,
}

impl Defaults {
    fn is_empty(&self) -> bool {
        self.rotation.is_none() && self.deletion_window_days.is_none() && self.tags.is_empty()
    }
}

/// Automatic key rotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Rotate the key material automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Days between rotations (90–2560). On a data class: the longest period allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 90, max = 2560))]
    pub period_days: Option<u32>,
}

/// How aliases are built.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// Alias pattern over `{workload}`, `{data_class}`, `{service}`, `{env}`;
    /// an empty part drops out with its dash. Default: `{workload}-{data_class}-{service}-{env}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Put after `alias/` in every alias: `acme` gives `alias/acme/payments-prod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl Naming {
    fn is_empty(&self) -> bool {
        self.alias.is_none() && self.prefix.is_none()
    }
}

/// A data class. Its settings are bounds that hold for every key holding it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataClass {
    /// What the class is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The regime the class falls under (PCI-DSS, HIPAA, CJIS …). Set = regulated:
    /// the class never shares a key with another class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<String>,
    /// Rotation bound: `enabled: true` makes rotation mandatory, `period_days`
    /// is the longest period allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
    /// `false` forbids multi-Region replicas of keys holding this class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// The shortest deletion window allowed (7–30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 7, max = 30))]
    pub deletion_window_days: Option<u32>,
}

/// An environment: one AWS account and region.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The AWS account id: 12 digits, quoted.
    pub account: String,
    /// The AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// Where multi-Region replicas go, for disaster recovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr_region: Option<String>,
    /// How strict the guidance is here.
    pub tier: Tier,
    /// How finely keys are split.
    pub strategy: Strategy,
    /// Owner tag of keys shared by several workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Principals that administer every key of the environment (no cryptographic use).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_admins: Vec<String>,
    /// The principal that applies the generated output (Terraform or CloudFormation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployer: Option<String>,
    /// What the account root gets in key policies. Default: `full`.
    #[serde(default)]
    pub iam_delegation: IamDelegation,
    /// Whether workloads may name `external_accounts` here. Default: false.
    #[serde(default)]
    pub allow_cross_account: bool,
    /// Tags on every key of the environment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: Tags,
}

/// How strict the guidance is in an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Sandbox,
    Nonprod,
    Prod,
}

/// How finely an environment's keys are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// One key for the environment (regulated classes still get their own).
    PerEnvironment,
    /// One key per data class.
    PerDataClass,
    /// One key per workload (regulated classes still get their own).
    PerWorkload,
    /// One key per workload and data class.
    PerWorkloadDataClass,
}

impl Strategy {
    /// Pooling strategies share one key between workloads.
    pub fn is_pooling(self) -> bool {
        matches!(self, Strategy::PerEnvironment | Strategy::PerDataClass)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::PerEnvironment => "per-environment",
            Strategy::PerDataClass => "per-data-class",
            Strategy::PerWorkload => "per-workload",
            Strategy::PerWorkloadDataClass => "per-workload-data-class",
        }
    }
}

/// What the account root gets in key policies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IamDelegation {
    /// `kms:*`: IAM policies may grant use (AWS's default).
    #[default]
    Full,
    /// Administration and PutKeyPolicy only: recovery without granting use through IAM.
    Admin,
    /// Nothing: requires a `deployer`.
    None,
}

/// A workload: an application or team whose data the keys protect.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// The team that owns the workload (Owner tag).
    pub owner: String,
    /// The data classes the workload holds.
    #[schemars(length(min = 1))]
    pub data_classes: Vec<String>,
    /// The environments the workload runs in. Default: every environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub environments: Option<Vec<String>>,
    /// The AWS services that use the keys on the workload's behalf.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Services that get a key of their own (blast radius and audit, not throughput).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dedicated_service_keys: Vec<Service>,
    /// Principals that use the keys (role or user ARNs; `*` in the name for patterns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_users: Vec<String>,
    /// Principals that administer the keys, added to the environment's admins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_admins: Vec<String>,
    /// The key spec. Default: `SYMMETRIC_DEFAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<KeySpec>,
    /// The key usage. Default: implied by the key spec where only one fits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<KeyUsage>,
    /// The key description (at most 8192 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Other AWS accounts whose principals may use the keys (needs `allow_cross_account`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_accounts: Vec<String>,
    /// Grants for runtime access.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
    /// Make the keys multi-Region and replicate them to each environment's `dr_region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// Rotation for this workload's keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
    /// Deletion window for this workload's keys (7–30 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 7, max = 30))]
    pub deletion_window_days: Option<u32>,
    /// Declared peak KMS requests per second, for the request-quota rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_requests_per_second: Option<u32>,
    /// Tags on this workload's keys.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: Tags,
    /// The workload's previous name: keeps its keys' identity across a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// A grant on the workload's keys.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The grant's name (letters, digits, `_:/-`; at most 256 characters).
    pub name: String,
    /// The principal the grant is for.
    pub grantee: String,
    /// The operations the grant allows.
    #[schemars(length(min = 1))]
    pub operations: Vec<GrantOperation>,
    /// The grant applies only to requests with exactly this encryption context.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub encryption_context: IndexMap<String, String>,
}

/// Re-levels guidance rules for this spec. KG codes only.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    /// Rules to silence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Rules to report as warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warn: Vec<String>,
    /// Rules to report as errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
}

impl Lint {
    fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.warn.is_empty() && self.deny.is_empty()
    }
}

/// Declares a string enum once: serde names, schema, `as_str` and `ALL`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// An AWS service that uses the keys (`ebs` for EBS volumes; there is no `ec2`).
    Service {
        S3 = "s3",
        SecretsManager = "secretsmanager",
        Sqs = "sqs",
        Sns = "sns",
        Kinesis = "kinesis",
        Lambda = "lambda",
        Ssm = "ssm",
        Ebs = "ebs",
        Rds = "rds",
        DynamoDb = "dynamodb",
        Efs = "efs",
        Redshift = "redshift",
        Backup = "backup",
        Logs = "logs",
        CloudWatch = "cloudwatch",
        Events = "events",
        CloudTrail = "cloudtrail",
    }
}

string_enum! {
    /// A KMS key spec.
    KeySpec {
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        Rsa2048 = "RSA_2048",
        Rsa3072 = "RSA_3072",
        Rsa4096 = "RSA_4096",
        EccNistP256 = "ECC_NIST_P256",
        EccNistP384 = "ECC_NIST_P384",
        EccNistP521 = "ECC_NIST_P521",
        EccSecgP256k1 = "ECC_SECG_P256K1",
        EccNistEdwards25519 = "ECC_NIST_EDWARDS25519",
        Hmac224 = "HMAC_224",
        Hmac256 = "HMAC_256",
        Hmac384 = "HMAC_384",
        Hmac512 = "HMAC_512",
        Sm2 = "SM2",
        MlDsa44 = "ML_DSA_44",
        MlDsa65 = "ML_DSA_65",
        MlDsa87 = "ML_DSA_87",
    }
}

string_enum! {
    /// What a key is used for.
    KeyUsage {
        EncryptDecrypt = "ENCRYPT_DECRYPT",
        SignVerify = "SIGN_VERIFY",
        GenerateVerifyMac = "GENERATE_VERIFY_MAC",
        KeyAgreement = "KEY_AGREEMENT",
    }
}

string_enum! {
    /// A KMS grant operation.
    GrantOperation {
        Decrypt = "Decrypt",
        Encrypt = "Encrypt",
        GenerateDataKey = "GenerateDataKey",
        GenerateDataKeyWithoutPlaintext = "GenerateDataKeyWithoutPlaintext",
        ReEncryptFrom = "ReEncryptFrom",
        ReEncryptTo = "ReEncryptTo",
        Sign = "Sign",
        Verify = "Verify",
        GetPublicKey = "GetPublicKey",
        CreateGrant = "CreateGrant",
        RetireGrant = "RetireGrant",
        DescribeKey = "DescribeKey",
        GenerateDataKeyPair = "GenerateDataKeyPair",
        GenerateDataKeyPairWithoutPlaintext = "GenerateDataKeyPairWithoutPlaintext",
        GenerateMac = "GenerateMac",
        VerifyMac = "VerifyMac",
        DeriveSharedSecret = "DeriveSharedSecret",
    }
}

impl KeySpec {
    /// The usages AWS allows for this spec; the first is implied when the spec allows one.
    pub fn usages(self) -> &'static [KeyUsage] {
        use KeySpec::*;
        use KeyUsage::*;
        match self {
            SymmetricDefault => &[EncryptDecrypt],
            Rsa2048 | Rsa3072 | Rsa4096 => &[EncryptDecrypt, SignVerify],
            EccNistP256 | EccNistP384 | EccNistP521 => &[SignVerify, KeyAgreement],
            EccSecgP256k1 | EccNistEdwards25519 | MlDsa44 | MlDsa65 | MlDsa87 => &[SignVerify],
            Hmac224 | Hmac256 | Hmac384 | Hmac512 => &[GenerateVerifyMac],
            Sm2 => &[EncryptDecrypt, SignVerify, KeyAgreement],
        }
    }
}

impl KeySpec {
    /// Whether this is the one symmetric encryption spec (encryption context,
    /// data keys and re-encryption under the same key work only here).
    pub fn is_symmetric(self) -> bool {
        self == KeySpec::SymmetricDefault
    }
}

impl KeyUsage {
    /// The cryptographic actions a key user gets for this usage on a key of `spec`.
    ///
    /// Asymmetric encryption keys (RSA, SM2) encrypt and decrypt only: data keys
    /// (`GenerateDataKey*`) need a symmetric key, and their users need the public
    /// key to encrypt outside KMS, so they get `GetPublicKey` instead.
    pub fn use_actions(self, spec: KeySpec) -> &'static [&'static str] {
        match self {
            KeyUsage::EncryptDecrypt if spec.is_symmetric() => &[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            KeyUsage::EncryptDecrypt => &[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:GetPublicKey",
                "kms:DescribeKey",
            ],
            KeyUsage::SignVerify => &[
                "kms:Sign",
                "kms:Verify",
                "kms:GetPublicKey",
                "kms:DescribeKey",
            ],
            KeyUsage::GenerateVerifyMac => &["kms:GenerateMac", "kms:VerifyMac", "kms:DescribeKey"],
            KeyUsage::KeyAgreement => &[
                "kms:DeriveSharedSecret",
                "kms:GetPublicKey",
                "kms:DescribeKey",
            ],
        }
    }

    /// Grant operations that make sense on a key of this usage and `spec`.
    pub fn grant_operations(self, spec: KeySpec) -> &'static [GrantOperation] {
        use GrantOperation::*;
        match self {
            KeyUsage::EncryptDecrypt if spec.is_symmetric() => &[
                Decrypt,
                Encrypt,
                GenerateDataKey,
                GenerateDataKeyWithoutPlaintext,
                ReEncryptFrom,
                ReEncryptTo,
                GenerateDataKeyPair,
                GenerateDataKeyPairWithoutPlaintext,
                CreateGrant,
                RetireGrant,
                DescribeKey,
            ],
            KeyUsage::EncryptDecrypt => &[
                Decrypt,
                Encrypt,
                ReEncryptFrom,
                ReEncryptTo,
                GetPublicKey,
                CreateGrant,
                RetireGrant,
                DescribeKey,
            ],
            KeyUsage::SignVerify => &[
                Sign,
                Verify,
                GetPublicKey,
                CreateGrant,
                RetireGrant,
                DescribeKey,
            ],
            KeyUsage::GenerateVerifyMac => &[
                GenerateMac,
                VerifyMac,
                CreateGrant,
                RetireGrant,
                DescribeKey,
            ],
            KeyUsage::KeyAgreement => &[
                DeriveSharedSecret,
                GetPublicKey,
                CreateGrant,
                RetireGrant,
                DescribeKey,
            ],
        }
    }
}

impl GrantOperation {
    /// Whether KMS checks the request's encryption context for this operation:
    /// the operations a grant's `encryption_context` constraint applies to.
    pub fn takes_encryption_context(self) -> bool {
        use GrantOperation::*;
        matches!(
            self,
            Encrypt
                | Decrypt
                | GenerateDataKey
                | GenerateDataKeyWithoutPlaintext
                | GenerateDataKeyPair
                | GenerateDataKeyPairWithoutPlaintext
                | ReEncryptFrom
                | ReEncryptTo
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_spec_implies_a_usage() {
        for spec in KeySpec::ALL {
            assert!(!spec.usages().is_empty(), "{spec}");
        }
    }

    #[test]
    fn grant_operations_cover_the_use_actions_of_their_usage() {
        for spec in KeySpec::ALL {
            for usage in spec.usages() {
                for action in usage.use_actions(*spec) {
                    let op = action.trim_start_matches("kms:").trim_end_matches('*');
                    if op == "ReEncrypt" {
                        continue;
                    }
                    assert!(
                        usage
                            .grant_operations(*spec)
                            .iter()
                            .any(|g| g.as_str() == op),
                        "{spec} {usage}: {op}"
                    );
                }
            }
        }
    }

    #[test]
    fn asymmetric_encryption_keys_get_no_symmetric_only_actions() {
        for spec in [KeySpec::Rsa2048, KeySpec::Rsa4096, KeySpec::Sm2] {
            let actions = KeyUsage::EncryptDecrypt.use_actions(spec);
            assert_eq!(
                actions,
                [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:GetPublicKey",
                    "kms:DescribeKey"
                ],
                "{spec}"
            );
            let ops = KeyUsage::EncryptDecrypt.grant_operations(spec);
            assert!(!ops.contains(&GrantOperation::GenerateDataKey), "{spec}");
            assert!(
                !ops.contains(&GrantOperation::GenerateDataKeyPair),
                "{spec}"
            );
        }
        let symmetric = KeyUsage::EncryptDecrypt.use_actions(KeySpec::SymmetricDefault);
        assert!(symmetric.contains(&"kms:GenerateDataKey*"));
        assert!(!symmetric.contains(&"kms:GetPublicKey"));
    }
}
