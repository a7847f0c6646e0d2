{{ header }}
provider "aws" {
  region              = {{ env.region | hcl_string }}
  allowed_account_ids = [{{ env.account | hcl_string }}]
}
{%- if env.dr_region %}

# Multi-Region replicas go to the disaster-recovery region.
provider "aws" {
  alias               = "dr"
  region              = {{ env.dr_region | hcl_string }}
  allowed_account_ids = [{{ env.account | hcl_string }}]
}
{%- endif %}
