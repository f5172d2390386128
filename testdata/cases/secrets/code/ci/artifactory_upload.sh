#!/usr/bin/env bash
# Uploads build artifacts to Artifactory. Three generations of credentials, all of them live.
set -euo pipefail
ART_URL="https://acme.jfrog.io/artifactory"

curl -sf -H "X-JFrog-Art-Api: AKCp8hLqlqpXocTkwyp2HkMoxxIv3ftNTE8fdsPpiwXyi7eBmbkVM7sfnZijOzDR02ZrnnXYe" -T dist/app.tgz "$ART_URL/generic-local/app/app.tgz" # expect: jfrog-api-key

jf c add acme --url https://acme.jfrog.io --access-token cmVmdGtuOjAxOjE4MjY4NjE4NDQ6VzhpN2N6eENEbUNiT0hXVHF3U29QWEFhcnlS --interactive=false # expect: jfrog-reference-token

export ARTIFACTORY_ACCESS_TOKEN=eyJ2ZXIiOiIyIiwidHlwIjoiSldUIiwiYWxnIjoiUlMyNTYiLCJraWQiOiJDQWd5bERaMmVuMVRmTnlGUkQ4YlpTdmpQSTBqd2RyU0hpSDRya2NPSU5BIn0.eyJzdWIiOiJqZmFjQDAxaDM5dHo2bTd6Zm5mM2FiZ3c3ZmR3L3VzZXJzL2NpLWRlcGxveWVyIiwic2NwIjoiYXBwbGllZC1wZXJtaXNzaW9ucy91c2VyIiwiYXVkIjoiKkAqIiwiaXNzIjoiamZhY0AwMWg0dmpzNTJ4ZDZ0anR3ZHp4YXF2ZyIsImV4cCI6MTgyNjg2MTg0NCwiaWF0IjoxNzk1MzI1ODQ0LCJqdGkiOiJiNDZiNzgxOC00OTVlLTQ0NmItYTViNS1iNzA1NjA1N2NlOGIifQ.7o44p5NsbiiUKiI8seFZnHQU1OS8Msd1PfTHHXWdWsWPnra70djNRcgBcdSyWJV5NGCpKKFM40zSvZuVN5ak_5qjioZVesm1OxRxkA9wiEVmFDybXFRqTh9BD_KLYQLSbGnOQRNpR-iktMdtiCY-cQrhaNUH1XcYEGkfI24JALuORd7gbWZSiN559KyRtj6w59qd--lFi5MuCQvJK2pcJhu0UwBYUmohG8kaLAD7m5HJWQ3KHFchYEW8xJxaPDVVw4JSeHW2T8lQJ2GEuWKWw4mCLUfvgEKhUQVKsT0q07LbkRKQSqqgW5BpU4TOloBJSUbfmrxlpoaZw4Zh_L7DAg # expect: jfrog-access-token
curl -sf -H "Authorization: Bearer $ARTIFACTORY_ACCESS_TOKEN" "$ART_URL/api/repositories"

# near miss: the CI-provided token
jf c add acme-ci --url https://acme.jfrog.io --access-token "$JF_ACCESS_TOKEN" --interactive=false
