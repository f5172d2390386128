#!/usr/bin/env bash
# Runs the action's one nhilint scan, writing SARIF, and records `sarif` (the report's path) and
# `exit-code` (0 clean, 1 findings at or above fail-on, 2 an error) in $GITHUB_OUTPUT. It never
# fails on findings itself: the gate step does, after the report and the upload.
#
# Environment: NHILINT (the binary), MODE (tree | pr | history), PATHS (whitespace-separated;
# pr and history take one repository, default `.`), CONFIG, FAIL_ON, GITHUB_EVENT_PATH (pr mode
# reads pull_request.base.sha and .head.sha from it), RUNNER_TEMP, GITHUB_OUTPUT.
set -euo pipefail

nhilint=${NHILINT:?NHILINT is not set: the install step did not run}
out_dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/nhilint"
mkdir -p "$out_dir"
sarif="$out_dir/nhilint.sarif"
rm -f "$sarif"

fail() {
    echo "::error title=nhilint::$*" >&2
    echo "exit-code=2" >>"${GITHUB_OUTPUT:-/dev/null}"
    exit 0
}

# Any whitespace separates paths, newlines included (a YAML block of one path a line).
read -r -d '' -a paths <<<"${PATHS:-}" || true
args=(scan --format sarif --output "$sarif")
[[ -n ${CONFIG:-} ]] && args+=(--config "$CONFIG")
[[ -n ${FAIL_ON:-} ]] && args+=(--fail-on "$FAIL_ON")

mode=${MODE:-tree}
case "$mode" in
tree)
    args+=(-- "${paths[@]}")
    ;;
pr | history)
    if ((${#paths[@]} > 1)); then
        fail "mode $mode scans one repository, and paths names ${#paths[@]}: ${paths[*]}"
    fi
    repo=${paths[0]:-.}
    args+=(--git)
    if [[ $mode == pr ]]; then
        event=${GITHUB_EVENT_PATH:-}
        [[ -f $event ]] || fail "mode pr needs the event payload (GITHUB_EVENT_PATH)"
        if ! range=$(python3 - "$event" <<'PY'
import json, re, sys
pr = json.load(open(sys.argv[1], encoding="utf-8")).get("pull_request") or {}
shas = [(pr.get(side) or {}).get("sha") or "" for side in ("base", "head")]
if not all(re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", s) for s in shas):
    sys.exit(1)
print("..".join(shas))
PY
        ); then
            fail "mode pr needs a pull_request event (pull_request.base.sha and .head.sha); this event has none"
        fi
        args+=(--range "$range")
        echo "scanning the commits of the pull request: $range"
    fi
    args+=(-- "$repo")
    ;;
*)
    fail "mode must be tree, pr or history, not '$mode'"
    ;;
esac

set +e
"$nhilint" "${args[@]}"
code=$?
set -e
echo "nhilint exited with $code"
{
    echo "exit-code=$code"
    if [[ -s $sarif ]]; then
        echo "sarif=$sarif"
    fi
} >>"${GITHUB_OUTPUT:-/dev/null}"
