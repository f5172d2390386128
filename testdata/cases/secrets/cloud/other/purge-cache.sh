#!/usr/bin/env bash
# Purge edge caches after a release
set -euo pipefail
CF_API_KEY="e80125bfdf28fee6c2af62ebb1959d19c9562" # expect: cloudflare-global-api-key
ZONE_ID="dc860a92b15ffa3c4c6b9b4e185dcd43"
curl -sS -X POST "https://api.cloudflare.com/client/v4/zones/${ZONE_ID}/purge_cache" \
  -H "X-Auth-Email: ops@acme.io" \
  -H "X-Auth-Key: ${CF_API_KEY}" \
  --data '{"purge_everything":true}'
curl -sS -X POST -H "Fastly-Key: BiBogxtm3upjYU4JhcQpYoPg4rP_G1UZ" https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge_all # expect: fastly-api-token
curl -sS -X POST -H "Fastly-Key: ${FASTLY_API_TOKEN}" https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge_all
ibmcloud login --apikey UI5G4mIaTofYFJDIopU8XOjF8ttSaxeiP64XLrYph6uz -r us-south -g default # expect: ibm-cloud-api-key
ibmcloud login --apikey @~/.bluemix/apikey.json -r us-south
npx vercel deploy --prod --token=OH3fbTpw1iMYYCssk5WflJbF # expect: vercel-access-token
npx netlify deploy --prod --dir=dist --auth uZt98ygKS2xH47673j5jZc5x1IV8XjXZjLFk_GopQ2I # expect: netlify-access-token
npx netlify deploy --prod --dir=dist --auth "$NETLIFY_AUTH_TOKEN"
docker login fra.ocir.io -u "frx3kpl8wq2m/oracleidentitycloudservice/ci@acme.io" -p 'N(1DcsZO1ceM4BaGQrR5' # expect: oracle-oci-auth-token
