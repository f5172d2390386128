#!/bin/sh
# Tell Private Packagist to re-crawl the package after a tag is pushed.
set -eu
PACKAGIST_API_TOKEN="packagist_out_a328e541c4edcd6b343a45dedd2beccbe8655a494ce19929cac3df926e5a77ca0fc0" # expect: packagist-token
curl -sf -X POST -H "Authorization: Bearer $PACKAGIST_API_TOKEN" \
  "https://packagist.com/api/packages/acme/payments-sdk/"
