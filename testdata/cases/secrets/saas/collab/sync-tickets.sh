#!/usr/bin/env bash
# Nightly sync between Jira, Linear, Notion, Asana and Airtable.
set -euo pipefail

export JIRA_URL="https://acme.atlassian.net"
export JIRA_USER="automation@acme.io"
export JIRA_API_TOKEN="ATATT3Knr91Q4hSjGbWZ0-ugaP06PyENf7Ke186r3krqja8xAGwnB7S2yAtuwjda87PfgC4Y_ow0b9W4aRNv6sM1vFYQxloQZZYHj98jt__XIbO40I5cq4ATcYKZP6bbr4naBlLAirWPFgy9ic3cwRFYthprL6CDjc-OMclo33d59mrzsf5T=D33DDE0E"  # expect: atlassian-api-token
export CONFLUENCE_API_TOKEN="8cposANLD2RITWGCae4PJRQU"  # expect: atlassian-api-token-legacy
export JIRA_DC_PAT="NDQ4MTIxNDA2NjEwOgA5T1TrDnX9bKFHdT9c8XE29q2f"  # expect: atlassian-datacenter-pat
export LINEAR_API_KEY="lin_api_qyhvuS3QfePs7KkgyiB7r6kBer9rppkQEtYVmUuv"  # expect: linear-api-key
export LINEAR_OAUTH_TOKEN="lin_oauth_7ece49b18f65302fe3808a836b241c1a5e8872e652520d58a5d1a298623418a6"  # expect: linear-oauth-token
export NOTION_TOKEN="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"  # expect: notion-integration-token
export NOTION_LEGACY_TOKEN="secret_HDx5odjAZtvRZ2VanvHrxAJMDqo3XaKkPx7LZPkiyxN"  # expect: notion-integration-token-legacy
export ASANA_PAT="2/1161095438779075/2075512903053840:de760abd85daba4a7f58b8815af479fe"  # expect: asana-personal-access-token
export AIRTABLE_TOKEN="patu8l1nYMmZp5Op2.d1d86cef5d243c2b90d7d80a449d2bb28cff81db0ecf789f668a78eb7ad66e08"  # expect: airtable-personal-access-token
export AIRTABLE_API_KEY="keyJYDspKivBAHo3A"  # expect: airtable-api-key-legacy
export FIGMA_TOKEN="figd_sCyNV-XS86-GTLlBZXMtit6XNplhfbSxusehoO2K"  # expect: figma-personal-access-token

# near misses
export JIRA_PROJECT_KEY="PLATFORM"
export AIRTABLE_BASE_ID="app91eTkPi1Fiav6X"
export ASANA_WORKSPACE_GID="1170381578896494"
export LINEAR_TEAM_KEY="ENG"
export NOTION_DATABASE_ID="7e43ee32e2928e1afb034a1827c21cc4"

curl -sf -u "$JIRA_USER:$JIRA_API_TOKEN" "$JIRA_URL/rest/api/3/search?jql=updated>-1d" > /tmp/jira.json
curl -sf -H "Authorization: $LINEAR_API_KEY" https://api.linear.app/graphql -d @query.json
