terraform {
  required_providers {
    linode     = { source = "linode/linode" }
    cloudflare = { source = "cloudflare/cloudflare" }
  }
}

provider "linode" {
  token = "ba6297ac307b2bb0e49a409a9a0093d67279101f6d355c257f972858e19897e0" # expect: linode-api-token
}

provider "cloudflare" {
  api_token = "rUIGuNn3tss1bBofyK389NVdNMnUqCkDezozbmsT" # expect: cloudflare-api-token
}

provider "cloudflare" {
  alias     = "staging"
  api_token = var.cloudflare_staging_token
}

resource "cloudflare_origin_ca_certificate" "origin" {
  csr                = file("origin.csr")
  hostnames          = ["api.acme.io"]
  request_type       = "origin-rsa"
  requested_validity = 5475
}

variable "image_digest" {
  default = "b4d35161852932077702131d61b1f905f272b4109010e17302c7b5f9afd95085"
}
