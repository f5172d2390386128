# Inputs of the monitoring module (copied from an old fork; the defaults were live keys). A
# variable named for its provider is read as `name=default`: the provider rule reports it.
variable "datadog_api_key" {
  type        = string
  description = "Datadog API key used by the agent"
  default     = "9d2f6b0e4c8a17f35e0d9b2c6a4f81e7" # expect: datadog-api-key
}

variable "pagerduty_token" {
  type    = string
  default = "Kx7Rm2Qz9Lt4Wv1Nb8Cp5Hy3Dg6Sj0Fa" # expect: terraform-variable-credential-default
}

# near misses
variable "statuspage_api_key" {
  type      = string
  sensitive = true
}

variable "alert_token_secret_name" {
  default = "monitoring/pagerduty-token"
}

variable "region" {
  default = "eu-west-1"
}
