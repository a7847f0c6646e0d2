{{ header }}
# Renames in progress (`renamed_from` in the spec): Terraform moves each
# resource to its new address instead of destroying and recreating it. The
# old alias stays beside the new one. Keep `renamed_from` until `terraform
# apply` has run with this file: kms-gen stops writing it once it is gone.
{%- for rename in renames %}

# {{ rename.title }}
{%- for m in rename.moves %}
moved {
  from = {{ m.from }}
  to   = {{ m.to }}
}
{%- if not loop.last %}
{# a blank line between blocks #}
{%- endif %}
{%- endfor %}
{%- endfor %}
