{{ header }}
# Keys given up with `kms-gen render --forget`: Terraform (>= 1.7) drops them
# from its state and leaves them, their aliases, grants and replicas in AWS.
# kms-gen.lock lists them under `forgotten`; these blocks stay until you
# delete that entry, which is safe once `terraform apply` has run with them.
{%- for key in env.keys %}

# {{ key.name }}: protected {{ key.protects }}
{%- for address in key.addresses %}
removed {
  from = {{ address }}

  lifecycle {
    destroy = false
  }
}
{%- if not loop.last %}
{# a blank line between blocks #}
{%- endif %}
{%- endfor %}
{%- endfor %}
