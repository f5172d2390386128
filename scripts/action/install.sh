#!/usr/bin/env bash
# Installs nhilint for the GitHub Action and writes its path to $GITHUB_OUTPUT (`bin`) and how it
# got there (`how`: hook, path, release, source).
#
# In order:
#   1. NHILINT_ACTION_BINARY (test hook, also for self-hosted runners with nhilint baked in): a
#      binary to use as it is; its `--version` must match the wanted version.
#   2. `nhilint` on PATH, when its `--version` is the wanted version.
#   3. The release binary: nhilint-v<version>-<target>.tar.gz from the GitHub release v<version>,
#      checked against the release's nhilint-v<version>-SHA256SUMS (sha256sum format). A checksum
#      that does not match stops the action (no fallback: the download was tampered with). A
#      release that cannot be fetched (none published, no network) falls back to 4.
#   4. `cargo install --locked --path "$GITHUB_ACTION_PATH"`: the action's own source.
#
# Environment: NHILINT_VERSION (the `version` input; empty = the action's own version, from its
# Cargo.toml), NHILINT_RELEASE_URL (where releases live; default GitHub's release downloads of the
# nhilint repository; a mirror or a file:// directory works too), GITHUB_ACTION_PATH, RUNNER_TEMP,
# GITHUB_OUTPUT.
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/nhilint-install"
release_url=${NHILINT_RELEASE_URL:-https://github.com/nhilint/nhilint/releases/download}

source_version() {
    sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n 1
}

want=${NHILINT_VERSION:-}
want=${want#v}
if [[ -z $want ]]; then
    want=$(source_version)
fi
if [[ ! $want =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error title=nhilint::version '$want' is not a release version such as 0.1.0" >&2
    exit 2
fi

done_with() { # bin how
    echo "nhilint $want: $2 ($1)"
    {
        echo "bin=$1"
        echo "how=$2"
        echo "version=$want"
    } >>"${GITHUB_OUTPUT:-/dev/null}"
    exit 0
}

version_of() { "$1" --version 2>/dev/null | awk '{print $2}'; }

if [[ -n ${NHILINT_ACTION_BINARY:-} ]]; then
    got=$(version_of "$NHILINT_ACTION_BINARY" || true)
    if [[ $got != "$want" ]]; then
        echo "::error title=nhilint::NHILINT_ACTION_BINARY=$NHILINT_ACTION_BINARY reports version '${got}', not $want" >&2
        exit 2
    fi
    done_with "$NHILINT_ACTION_BINARY" hook
fi

if on_path=$(command -v nhilint) && [[ $(version_of "$on_path" || true) == "$want" ]]; then
    done_with "$on_path" path
fi

target() {
    local arch os
    case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
    esac
    case "$(uname -s)" in
    Linux) os=unknown-linux-gnu ;;
    Darwin) os=apple-darwin ;;
    *) return 1 ;;
    esac
    echo "$arch-$os"
}

mkdir -p "$root/bin" "$root/download"
if triple=$(target); then
    asset="nhilint-v$want-$triple.tar.gz"
    sums="nhilint-v$want-SHA256SUMS"
    base="$release_url/v$want"
    if curl -fsSL --retry 3 --proto '=https,file' -o "$root/download/$sums" "$base/$sums" 2>/dev/null; then
        expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1 }' "$root/download/$sums")
        if [[ ! $expected =~ ^[0-9a-f]{64}$ ]]; then
            echo "::error title=nhilint::$sums of release v$want lists no checksum for $asset" >&2
            exit 2
        fi
        curl -fsSL --retry 3 --proto '=https,file' -o "$root/download/$asset" "$base/$asset"
        actual=$(sha256sum "$root/download/$asset" | awk '{print $1}')
        if [[ $actual != "$expected" ]]; then
            echo "::error title=nhilint::$asset does not match its SHA-256 in $sums (expected $expected, got $actual): not installing it" >&2
            exit 2
        fi
        tar -xzf "$root/download/$asset" -C "$root/download"
        install -m 0755 "$root/download/nhilint-v$want-$triple/nhilint" "$root/bin/nhilint"
        done_with "$root/bin/nhilint" release
    fi
    echo "no release binary of nhilint v$want could be fetched ($base/$sums); building from source"
else
    echo "no release binary for $(uname -s)/$(uname -m); building from source"
fi

have=$(source_version)
if [[ $have != "$want" ]]; then
    echo "::error title=nhilint::version $want has no release binary, and the action's source is version $have: use the action at the tag v$want, or leave \`version\` empty" >&2
    exit 2
fi
cargo install --locked --path "$action_path" --root "$root" --bin nhilint
done_with "$root/bin/nhilint" source
