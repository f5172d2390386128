#!/usr/bin/env bash
# Release script for the web frontend: uploads source maps, tags the deploy.
set -euo pipefail

export SENTRY_ORG=northwind
export SENTRY_AUTH_TOKEN=12183095b5132f9771379cea71a4beeb4e005826a016098f8429f37b96d0d8d8 # expect: sentry-legacy-auth-token
export SENTRY_RELEASE="$(git rev-parse HEAD)"
sentry-cli releases new "$SENTRY_RELEASE"
sentry-cli sourcemaps upload --auth-token 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 ./dist # expect: sentry-user-auth-token

# Tell PagerDuty and Elasticsearch about the deploy
PAGERDUTY_API_TOKEN="u+xCs_gKIEUH4k55539s" # expect: pagerduty-api-key
curl -s -X POST https://api.pagerduty.com/change_events \
  -H "Authorization: Token token=${PAGERDUTY_API_TOKEN}" -d @change.json
ELASTIC_API_KEY="ODVKRnJmcWhBNnlXQ20xUkdJNTg6VlpPdkx6MldzbDBTTEFQNjc0T1RTdg==" # expect: elastic-api-key
curl -s -X POST "https://es01.internal:9200/deploys/_doc" \
  -H "Authorization: ApiKey ${ELASTIC_API_KEY}" \
  -H 'Content-Type: application/json' -d @deploy.json
curl -s https://hec.internal:8088/services/collector/event \
  -H "Authorization: Splunk a168bb08-60f7-4bc8-ae42-2968d4c655d7" -d '{"event":"deploy"}' # expect: splunk-hec-token
curl -s -H "Authorization: Bearer eyJraWQiOiJzcGx1bmsuc2VjcmV0IiwiYWxnIjoiSFM1MTIiLCJ2ZXIiOiJ2MiIsInR0eXAiOiJzdGF0aWMifQ.eyJpc3MiOiJhZG1pbiBmcm9tIHNwbHVuay1zaDAyIiwic3ViIjoic3ZjX2NpIiwiYXVkIjoiY2kgcGlwZWxpbmUiLCJpZHAiOiJTcGx1bmsiLCJqdGkiOiJkMDc1MTllYzU0MDNhMzY4MTYwM2NkMGFjMTZiYThlNGE5MTAxZDUwMThkZWIwNjk0ZWRiZWU3YzEyMDQ4OWE2IiwiaWF0IjoxNzIwNjAzNDMzLCJleHAiOjE3NjA1Mjg3MTgsIm5iciI6MTcxODAwMDAwMH0.USoTz6bhMCVGAz8qoI1mLvAOpHy5jXLNnnckpKGhf-mt1vFjRmN8y5mBt6C256HdRUhqVTUUl1oQMxcNbT80so" https://splunk-sh01.internal:8089/services/search/jobs # expect: splunk-auth-token
