//! A key's identity and the names derived from it: alias, Terraform
//! resource name, CloudFormation logical id.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::load::spec::Service;

/// The alias pattern used when the spec sets none.
pub const DEFAULT_ALIAS_PATTERN: &str = "{workload}-{data_class}-{service}-{env}";

/// The placeholders an alias pattern may use.
pub const ALIAS_PLACEHOLDERS: [&str; 4] = ["workload", "data_class", "service", "env"];

/// What a key is: the workload it belongs to (`None`: shared), the data class
/// it is dedicated to, the service it is dedicated to, and its environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    pub workload: Option<String>,
    pub data_class: Option<String>,
    pub service: Option<Service>,
    pub env: String,
}

impl Identity {
    /// `shared` for keys pooled between workloads.
    pub fn workload_part(&self) -> &str {
        self.workload.as_deref().unwrap_or("shared")
    }

    /// The parts that are set, in order: workload, data class, service, environment.
    pub fn parts(&self) -> Vec<&str> {
        let mut parts = vec![self.workload_part()];
        parts.extend(self.data_class.as_deref());
        parts.extend(self.service.map(Service::as_str));
        parts.push(&self.env);
        parts
    }

    /// How the command line, the lock and `plan` name the key: `payments-pci-prod`.
    pub fn name(&self) -> String {
        self.parts().join("-")
    }

    /// `alias/` + prefix + the pattern with this identity's parts.
    pub fn alias(&self, pattern: &str, prefix: &str) -> String {
        let service = self.service.map(Service::as_str).unwrap_or("");
        let body = fill_pattern(pattern, |name| match name {
            "workload" => Some(self.workload_part()),
            "data_class" => Some(self.data_class.as_deref().unwrap_or("")),
            "service" => Some(service),
            "env" => Some(&self.env),
            _ => None,
        });
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            format!("alias/{body}")
        } else {
            format!("alias/{prefix}/{body}")
        }
    }

    /// The Terraform resource name: `payments_pci_prod`.
    pub fn terraform_name(&self) -> String {
        self.name().to_snake_case()
    }

    /// The CloudFormation logical id: `PaymentsPciProd`.
    pub fn logical_id(&self) -> String {
        self.name().to_upper_camel_case()
    }
}

/// Fills `{name}` placeholders; an empty value drops out together with one
/// neighbouring dash (the following one, else the preceding one), so
/// `{workload}-{data_class}-{env}` with no class gives `payments-prod`.
pub fn fill_pattern<'v>(pattern: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    let mut drop_next_dash = false;
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        let literal = if drop_next_dash {
            literal.strip_prefix('-').unwrap_or(literal)
        } else {
            literal
        };
        out.push_str(literal);
        drop_next_dash = false;
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match value(name) {
            Some("") => {
                if after[close + 1..].starts_with('-') {
                    drop_next_dash = true;
                } else if out.ends_with('-') {
                    out.pop();
                }
            }
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    let tail = if drop_next_dash {
        rest.strip_prefix('-').unwrap_or(rest)
    } else {
        rest
    };
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(
        workload: Option<&str>,
        class: Option<&str>,
        service: Option<Service>,
        env: &str,
    ) -> Identity {
        Identity {
            workload: workload.map(str::to_string),
            data_class: class.map(str::to_string),
            service,
            env: env.to_string(),
        }
    }

    #[test]
    fn worked_aliases_of_the_granularity_table() {
        let p = DEFAULT_ALIAS_PATTERN;
        assert_eq!(id(None, None, None, "dev").alias(p, ""), "alias/shared-dev");
        assert_eq!(
            id(None, Some("internal"), None, "prod").alias(p, ""),
            "alias/shared-internal-prod"
        );
        assert_eq!(
            id(Some("payments"), None, None, "prod").alias(p, ""),
            "alias/payments-prod"
        );
        assert_eq!(
            id(Some("payments"), Some("pci"), None, "prod").alias(p, ""),
            "alias/payments-pci-prod"
        );
        assert_eq!(
            id(None, Some("pci"), None, "dev").alias(p, ""),
            "alias/shared-pci-dev"
        );
        assert_eq!(
            id(Some("clickstream"), None, Some(Service::S3), "prod").alias(p, ""),
            "alias/clickstream-s3-prod"
        );
        assert_eq!(
            id(Some("payments"), None, None, "prod").alias(p, "acme"),
            "alias/acme/payments-prod"
        );
    }

    #[test]
    fn names_follow_the_identity() {
        let key = id(Some("payments"), Some("pci"), None, "prod");
        assert_eq!(key.name(), "payments-pci-prod");
        assert_eq!(key.terraform_name(), "payments_pci_prod");
        assert_eq!(key.logical_id(), "PaymentsPciProd");
    }

    #[test]
    fn logical_ids_can_coincide_for_different_names() {
        let a = id(Some("app-2"), None, None, "prod");
        let b = id(Some("app2"), None, None, "prod");
        assert_ne!(a.name(), b.name());
        assert_eq!(a.logical_id(), b.logical_id());
    }

    #[test]
    fn empty_parts_drop_with_one_dash_wherever_they_sit() {
        let v = |n: &str| match n {
            "a" => Some(""),
            "b" => Some("x"),
            _ => None,
        };
        assert_eq!(fill_pattern("{a}-{b}", v), "x");
        assert_eq!(fill_pattern("{b}-{a}", v), "x");
        assert_eq!(fill_pattern("{b}-{a}-{b}", v), "x-x");
        assert_eq!(fill_pattern("k/{b}_{a}", v), "k/x_");
        assert_eq!(fill_pattern("{b}-{zz}", v), "x-{zz}");
    }
}
