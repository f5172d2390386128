#!/usr/bin/env bash
# Bootstrap script left with tokens in it
set -euo pipefail
export VAULT_ADDR=https://vault.acme.internal:8200
export VAULT_TOKEN=hvs.rVSZNxOGL5mGKScCUYvR6zW6 # expect: hashicorp-vault-service-token
BATCH_TOKEN=hvb.AAAAAQ702sFWifev0vFHqQtGN8_qyMKUo9pVE7xkoEkrxz-_lNXTFr6iR4lV9_yI9uBQutesi8sMt_HrYhI9TAsr96_vkI4g2GWLTlKcc6uxyPYiEN7oud0W8wkD57KEObTL-Rts4y7mepDHJALg0gwdtdrx # expect: hashicorp-vault-batch-token
RECOVERY_TOKEN=hvr.LyDqKF5DW2cbTVb672ddTu60 # expect: hashicorp-vault-recovery-token
OLD_VAULT_TOKEN=s.hcG9wNwIqFN0BqZH5b3L1U2u # expect: hashicorp-vault-legacy-token
# near misses
vault login -method=oidc role=ops
export VAULT_TOKEN="$(vault write -field=token auth/jwt/login role=ci jwt="$CI_JOB_JWT")"
vault kv get -field=password secret/data/app
