//! Principal ARNs: what a key policy may name, read without a regex engine.

/// A principal a key policy can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub account: &'a str,
    pub kind: Kind,
    /// The path and name after `role/` or `user/`; empty for the root.
    pub name: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Root,
    Role,
    User,
}

/// Why a string is not a principal ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnError {
    /// Not `arn:<partition>:iam::<account>:<resource>` at all.
    Shape,
    /// An IAM group: groups cannot be principals.
    Group,
    /// A bare `*`, or `*` outside a role or user path and name.
    Wildcard,
    /// An STS session: it expires; name the role instead.
    Session,
    /// The account part is not 12 digits.
    Account,
    /// A resource type that is not root, role or user.
    Resource,
}

pub const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// Parses a principal ARN (placeholders already expanded).
pub fn parse(text: &str) -> Result<Arn<'_>, ArnError> {
    if text.trim() == "*" {
        return Err(ArnError::Wildcard);
    }
    let mut parts = text.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(ArnError::Shape);
    };
    if !PARTITIONS.contains(&partition) {
        return Err(ArnError::Shape);
    }
    if service == "sts" {
        return Err(ArnError::Session);
    }
    if service != "iam" {
        return Err(ArnError::Shape);
    }
    if account.contains('*') {
        return Err(ArnError::Wildcard);
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ArnError::Account);
    }
    let (kind, name) = match resource.split_once('/') {
        None if resource == "root" => (Kind::Root, ""),
        Some(("role", name)) => (Kind::Role, name),
        Some(("user", name)) => (Kind::User, name),
        Some(("group", _)) => return Err(ArnError::Group),
        _ if resource.contains('*') => return Err(ArnError::Wildcard),
        _ => return Err(ArnError::Resource),
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-/*".contains(c);
    if kind != Kind::Root && (name.is_empty() || name.ends_with('/') || !name.chars().all(valid)) {
        return Err(ArnError::Shape);
    }
    if name.trim_matches(['*', '/']).is_empty() && kind != Kind::Root {
        return Err(ArnError::Wildcard);
    }
    Ok(Arn {
        partition,
        account,
        kind,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_roles_users_and_roots() {
        let a = parse("arn:aws:iam::111111111111:role/app/payments-prod").unwrap();
        assert_eq!(
            (a.kind, a.name, a.account),
            (Kind::Role, "app/payments-prod", "111111111111")
        );
        assert_eq!(
            parse("arn:aws-cn:iam::111111111111:root").unwrap().kind,
            Kind::Root
        );
        assert_eq!(
            parse("arn:aws:iam::111111111111:user/ci").unwrap().kind,
            Kind::User
        );
        assert!(parse("arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*").is_ok());
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(parse("*"), Err(ArnError::Wildcard));
        assert_eq!(
            parse("arn:aws:iam::111111111111:group/admins"),
            Err(ArnError::Group)
        );
        assert_eq!(parse("arn:aws:iam::*:role/x"), Err(ArnError::Wildcard));
        assert_eq!(
            parse("arn:aws:iam::111111111111:role/*"),
            Err(ArnError::Wildcard)
        );
        assert_eq!(parse("arn:aws:iam::1111:role/x"), Err(ArnError::Account));
        assert_eq!(
            parse("arn:aws:sts::111111111111:assumed-role/x/y"),
            Err(ArnError::Session)
        );
        assert_eq!(parse("role/x"), Err(ArnError::Shape));
        assert_eq!(
            parse("arn:aws:iam::111111111111:policy/x"),
            Err(ArnError::Resource)
        );
    }
}
