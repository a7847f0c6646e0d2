{{ header }}
{%- for key in keys %}
# {{ key.id }}: {{ key.data_classes | join(sep=", ") }} data of {{ key.workloads | join(sep=", ") }}
resource "aws_kms_key" "{{ key.terraform_name }}" {
  description              = {{ key.description | hcl_string }}
  customer_master_key_spec = {{ key.key_spec | hcl_string }}
  key_usage                = {{ key.key_usage | hcl_string }}
  is_enabled               = true
  enable_key_rotation      = {% if key.rotation_days %}true{% else %}false{% endif %}
{%- if key.rotation_days %}
  rotation_period_in_days  = {{ key.rotation_days }}
{%- endif %}
  deletion_window_in_days  = {{ key.deletion_window_days }}
  multi_region             = {{ key.multi_region }}

  policy = jsonencode({{ key.policy | hcl(indent=2) }})

  tags = {{ key.tags | hcl(indent=2) }}
{%- if key.prevent_destroy %}

  lifecycle {
    prevent_destroy = true
  }
{%- endif %}
}

resource "aws_kms_alias" "{{ key.terraform_name }}" {
  name          = {{ key.alias | hcl_string }}
  target_key_id = aws_kms_key.{{ key.terraform_name }}.key_id
}
{%- for alias in key.previous_aliases %}

# Kept while `renamed_from` is in the spec, so running applications keep working.
resource "aws_kms_alias" "{{ key.terraform_name }}_previous_{{ loop.index }}" {
  name          = {{ alias | hcl_string }}
  target_key_id = aws_kms_key.{{ key.terraform_name }}.key_id
}
{%- endfor %}
{%- for grant in key.grants %}

resource "aws_kms_grant" "{{ grant.terraform_name }}" {
  name              = {{ grant.name | hcl_string }}
  key_id            = aws_kms_key.{{ key.terraform_name }}.key_id
  grantee_principal = {{ grant.grantee | hcl_string }}
  operations        = {{ grant.operations | hcl }}
{%- if grant.encryption_context %}

  constraints {
    encryption_context_equals = {{ grant.encryption_context | hcl(indent=4) }}
  }
{%- endif %}
}
{%- endfor %}
{%- if key.replica %}

resource "aws_kms_replica_key" "{{ key.replica.terraform_name }}" {
  provider = aws.dr

  description             = {{ key.description | hcl_string }}
  primary_key_arn         = aws_kms_key.{{ key.terraform_name }}.arn
  enabled                 = true
  deletion_window_in_days = {{ key.deletion_window_days }}

  policy = jsonencode({{ key.replica.policy | hcl(indent=2) }})

  tags = {{ key.replica.tags | hcl(indent=2) }}
{%- if key.prevent_destroy %}

  lifecycle {
    prevent_destroy = true
  }
{%- endif %}
}

resource "aws_kms_alias" "{{ key.replica.terraform_name }}" {
  provider = aws.dr

  name          = {{ key.alias | hcl_string }}
  target_key_id = aws_kms_replica_key.{{ key.replica.terraform_name }}.key_id
}
{%- for alias in key.previous_aliases %}

# Kept while `renamed_from` is in the spec, so running applications keep working.
resource "aws_kms_alias" "{{ key.replica.terraform_name }}_previous_{{ loop.index }}" {
  provider = aws.dr

  name          = {{ alias | hcl_string }}
  target_key_id = aws_kms_replica_key.{{ key.replica.terraform_name }}.key_id
}
{%- endfor %}
{%- endif %}
{%- if not loop.last %}
{# a blank line between keys #}
{%- endif %}
{%- endfor %}
