#!/bin/sh
set -eu
gem build acme-client.gemspec
# legacy account key, to be replaced by trusted publishing
GEM_HOST_API_KEY=51402282d10c872bc63a3979c9f7bb3e gem push acme-client-*.gem # expect: rubygems-legacy-api-key
GEM_HOST_API_KEY="$RUBYGEMS_KEY" gem push acme-client-*.gem
