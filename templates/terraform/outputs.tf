{{ header }}
{%- for key in keys %}
output "{{ key.terraform_name }}_arn" {
  description = {{ ("ARN of " ~ key.alias) | hcl_string }}
  value       = aws_kms_key.{{ key.terraform_name }}.arn
}

output "{{ key.terraform_name }}_alias" {
  description = {{ ("Alias of key " ~ key.id) | hcl_string }}
  value       = aws_kms_alias.{{ key.terraform_name }}.name
}
{%- if key.replica %}

output "{{ key.replica.terraform_name }}_arn" {
  description = {{ ("ARN of the " ~ key.replica.region ~ " replica of " ~ key.alias) | hcl_string }}
  value       = aws_kms_replica_key.{{ key.replica.terraform_name }}.arn
}
{%- endif %}
{%- if not loop.last %}
{# blank line #}
{%- endif %}
{%- endfor %}
