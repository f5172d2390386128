#!/usr/bin/env bash
# The action's last step: fails the job when the scan found something at or above fail-on (exit
# code 1) or could not complete (2). It runs after the report and the SARIF upload, so those happen
# whether the gate passes or not.
#
# Environment: EXIT_CODE (the scan step's), FINDINGS (unsuppressed findings), FAIL_ON.
set -euo pipefail

case "${EXIT_CODE:-}" in
0)
    echo "nhilint: nothing at or above ${FAIL_ON:-the configured fail-on}"
    ;;
1)
    echo "::error title=nhilint::${FINDINGS:-some} finding(s), some at or above ${FAIL_ON:-the configured fail-on}: see the job summary and the annotations"
    exit 1
    ;;
2)
    echo "::error title=nhilint::the scan could not complete (exit code 2): see the scan step's log"
    exit 2
    ;;
*)
    echo "::error title=nhilint::the scan did not run (no exit code): see the install and scan steps"
    exit 2
    ;;
esac
