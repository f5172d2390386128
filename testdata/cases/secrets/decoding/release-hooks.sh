#!/usr/bin/env bash
# Release helper: credentials hidden behind URL encoding still leak.
set -euo pipefail

# A pre-encoded webhook body posted by the release job.
curl -fsS -X POST https://hooks.internal.acme-corp.io/release \
  --data "repo=platform%2Finfra&auth=x-access-token%3A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" # expect: github-classic-pat

# The mirror URL is stored percent-encoded in the job configuration.
MIRROR_URL="https%3A%2F%2Fmirror-bot%3Ah9Kq2%21Lm7vXz%40registry.corp.acme.io%2Fv2%2F" # expect: url-embedded-credentials

# Near misses.
SEARCH_URL="https://docs.internal.acme-corp.io/search?q=rotate%20the%20password%3F"
CALLBACK="https%3A%2F%2Fci.internal.acme-corp.io%2Fcallback%3Fuser%3D%24%7BCI_USER%7D"
