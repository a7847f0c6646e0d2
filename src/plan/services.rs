//! How each AWS service reaches a key, and what the key policy gives it
//! (DESIGN.md, Services).

use crate::load::spec::Service;

/// How a service uses a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// On behalf of a user: the users' statement is limited by `kms:ViaService`.
    /// `grants` services also create grants for the resources they manage.
    ViaUser { host: &'static str, grants: bool },
    /// As its own service principal, with the conditions of [`PrincipalKind`].
    Principal(PrincipalKind),
}

/// The service-principal services and their documented policy forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Logs,
    CloudWatch,
    Events,
    CloudTrail,
}

pub fn access(service: Service) -> Access {
    use Service::*;
    let via = |host, grants| Access::ViaUser { host, grants };
    match service {
        S3 => via("s3", false),
        SecretsManager => via("secretsmanager", false),
        Sqs => via("sqs", false),
        Sns => via("sns", false),
        Kinesis => via("kinesis", false),
        Lambda => via("lambda", false),
        Ssm => via("ssm", false),
        Ebs => via("ec2", true),
        Rds => via("rds", true),
        DynamoDb => via("dynamodb", true),
        Efs => via("elasticfilesystem", true),
        Redshift => via("redshift", true),
        Backup => via("backup", true),
        Logs => Access::Principal(PrincipalKind::Logs),
        CloudWatch => Access::Principal(PrincipalKind::CloudWatch),
        Events => Access::Principal(PrincipalKind::Events),
        CloudTrail => Access::Principal(PrincipalKind::CloudTrail),
    }
}

/// `kms:ViaService` value for a user-mediated service in `region`.
pub fn via_service(host: &str, region: &str) -> String {
    format!("{host}.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ebs_and_efs_use_their_api_hosts() {
        assert_eq!(
            access(Service::Ebs),
            Access::ViaUser {
                host: "ec2",
                grants: true
            }
        );
        assert_eq!(
            access(Service::Efs),
            Access::ViaUser {
                host: "elasticfilesystem",
                grants: true
            }
        );
        assert_eq!(
            via_service("ec2", "eu-west-1"),
            "ec2.eu-west-1.amazonaws.com"
        );
    }
}
