#!/usr/bin/env bash
# Registers the legacy shell runners and logs in to the registry with the deploy token.
set -euo pipefail

gitlab-runner register --non-interactive \
  --url "https://gitlab.acme.internal/" \
  --registration-token GR13489419DFeQu_cgQduXZOQDwft `# expect: gitlab-runner-registration-token` \
  --executor shell --description "legacy-shell-01"

docker login registry.gitlab.acme.internal -u gitlab+deploy-token-31 -p gldt-RAyP9KToz4AROz_6X2SL # expect: gitlab-deploy-token

# near misses
gitlab-runner register --url "https://gitlab.acme.internal/" --token "${RUNNER_TOKEN}"
docker login registry.gitlab.acme.internal -u gitlab+deploy-token-31 -p "${CI_DEPLOY_PASSWORD}"
