#!/bin/sh
# Kick the nightly job on the Jenkins controller after the artifacts are uploaded.
set -eu

JENKINS_URL="https://jenkins.acme.internal"
JENKINS_USER="deployer"
JENKINS_API_TOKEN="1100d77790dee7d7d74ef60e2fd5d564ea" # expect: jenkins-api-token

crumb=$(curl -s -u "$JENKINS_USER:$JENKINS_API_TOKEN" "$JENKINS_URL/crumbIssuer/api/json" | jq -r .crumb)
curl -s -X POST -u "$JENKINS_USER:$JENKINS_API_TOKEN" -H "Jenkins-Crumb: $crumb" "$JENKINS_URL/job/nightly/build"

# captured from a browser session while reproducing the bug
curl -s -X POST -H "Jenkins-Crumb: b0ab9246ab831271034c13fa7b9712185b333998bfd583f74c84ea5650047f0d" "$JENKINS_URL/job/nightly/build" # expect: jenkins-crumb
