#!/usr/bin/env bash
set -euo pipefail
IMAGE="acme/payments-api:${1:?version}"

# personal token of the release engineer, left in after the Docker Hub outage
DOCKERHUB_TOKEN="dckr_pat_gAXvmCW0T3KL6g_5bQngcOtH8Cc" # expect: docker-hub-personal-access-token
echo "$DOCKERHUB_TOKEN" | docker login -u acmebuild --password-stdin

docker buildx build --platform linux/amd64,linux/arm64 -t "$IMAGE" --push .

# organization token used by the nightly mirror
docker login -u acme -p dckr_oat_z9c8KAkAfBu-FPIgB-qmFd-pulc4XQWj # expect: docker-hub-organization-access-token
echo "${DOCKERHUB_ORG_TOKEN:-}" | docker login -u acme --password-stdin
