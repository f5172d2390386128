#!/usr/bin/env bash
# Side-by-side comparison of nhilint's GitHub Actions rules with zizmor on the workflow corpus in
# testdata/compare/workflows/. See docs/ci-rules-vs-zizmor.md. A report, not a test: exits 0
# whatever the tools find.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/compare-zizmor.sh [options]

Copies the workflow corpus (testdata/compare/workflows/*.yml) into WORK_DIR/repo/.github/workflows/
(both tools recognise workflows by that path; zizmor collects nothing from a plain directory and
nhilint does not treat a file outside .github/workflows/ as a workflow), then runs

  zizmor --offline --no-config --persona=auditor --format json --no-exit-codes REPO
  nhilint scan REPO --only ci --format json --min-confidence low --exit-zero

and, for the concepts both tools cover, compares their findings by (file, line):

  zizmor audit              nhilint rules
  excessive-permissions     gha-permissions-write-all, gha-default-token-permissions,
                            gha-id-token-workflow-wide, gha-unused-write-scope
  secrets-inherit           gha-secrets-inherit
  overprovisioned-secrets   gha-secrets-wholesale
  artipacked                gha-checkout-persisted-credentials

zizmor's line is the start row (0-based in its JSON, printed 1-based) of the finding's location
of kind "Primary"; nhilint's is the finding's `line`. For each concept it prints the locations
both report, the zizmor-only and the nhilint-only ones (file:line, with zizmor's annotation and
persona or nhilint's rule id), then a table of the counts.

options (environment variable in brackets):
  --corpus DIR         workflow files to compare [CORPUS, default testdata/compare/workflows]
  --work-dir DIR       where the copy and both JSON reports go, outside the repository
                       [WORK_DIR, default: a fresh mktemp -d directory, kept]
  --nhilint PATH       use this nhilint binary instead of building one [NHILINT, default: built
                       with `cargo build --release --locked`, CARGO_TARGET_DIR honoured]
  --zizmor PATH        zizmor binary [ZIZMOR, default /tmp/zz/bin/zizmor, else zizmor on PATH]
  --install-zizmor     if zizmor is missing, `python3 -m venv ZIZMOR_VENV && pip install zizmor`
                       [ZIZMOR_VENV, default /tmp/zz]; uses the network
  -h, --help           this text

Outputs in WORK_DIR: repo/.github/workflows/ (the copy), zizmor.json, nhilint.json, and the
stderr of each tool. Exit codes: 0 done (whatever the findings), 1 a build or tool failure,
2 bad usage.
EOF
}

# shellcheck source=scripts/lib-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-bench.sh"

CORPUS="${CORPUS:-$BENCH_REPO/testdata/compare/workflows}"
WORK_DIR="${WORK_DIR:-}"
ZIZMOR="${ZIZMOR:-}"
ZIZMOR_VENV="${ZIZMOR_VENV:-/tmp/zz}"
INSTALL_ZIZMOR=0

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    --corpus) bench_need_arg "$@"; CORPUS="$2"; shift 2 ;;
    --work-dir) bench_need_arg "$@"; WORK_DIR="$2"; shift 2 ;;
    --nhilint) bench_need_arg "$@"; NHILINT="$2"; shift 2 ;;
    --zizmor) bench_need_arg "$@"; ZIZMOR="$2"; shift 2 ;;
    --install-zizmor) INSTALL_ZIZMOR=1; shift ;;
    *) bench_usage_error "unknown argument '$1'" ;;
    esac
done
command -v python3 >/dev/null || bench_die "python3 is needed to read the JSON reports"
[[ -d $CORPUS ]] || bench_die "corpus $CORPUS is not a directory"
compgen -G "$CORPUS/*.yml" >/dev/null || bench_die "no *.yml in $CORPUS"

# --- tools ----------------------------------------------------------------------------------

# nhilint: NHILINT, or `cargo build --release --locked` at the repository root.
build_nhilint() {
    if [[ -n ${NHILINT:-} ]]; then
        [[ -x $NHILINT ]] || bench_die "NHILINT=$NHILINT is not an executable"
        printf '%s\n' "$NHILINT"
        return
    fi
    command -v cargo >/dev/null || bench_die "cargo not found (or set NHILINT=/path/to/nhilint)"
    bench_log "building: cargo build --release --locked (in $BENCH_REPO)"
    (cd "$BENCH_REPO" && cargo build --release --locked --quiet) >&2 ||
        bench_die "cargo build --release --locked failed (or set NHILINT=/path/to/nhilint)"
    local target="${CARGO_TARGET_DIR:-target}"
    [[ $target == /* ]] || target="$BENCH_REPO/$target"
    [[ -x $target/release/nhilint ]] || bench_die "built, but no binary at $target/release/nhilint"
    printf '%s\n' "$target/release/nhilint"
}

# zizmor: ZIZMOR, /tmp/zz/bin/zizmor, zizmor on PATH, or (--install-zizmor) a fresh venv.
find_zizmor() {
    local z
    for z in "$ZIZMOR" "$ZIZMOR_VENV/bin/zizmor" "$(command -v zizmor || true)"; do
        if [[ -n $z && -x $z ]]; then
            printf '%s\n' "$z"
            return
        fi
    done
    [[ -z $ZIZMOR ]] || bench_die "ZIZMOR=$ZIZMOR is not an executable"
    [[ $INSTALL_ZIZMOR == 1 ]] ||
        bench_die "zizmor not found; pass --install-zizmor, or: python3 -m venv $ZIZMOR_VENV && $ZIZMOR_VENV/bin/pip install zizmor"
    case "$(realpath -m -- "$ZIZMOR_VENV")/" in
    "$BENCH_REPO"/*) bench_die "ZIZMOR_VENV ($ZIZMOR_VENV) is inside the repository" ;;
    esac
    bench_log "installing zizmor into $ZIZMOR_VENV (pip install zizmor)"
    python3 -m venv "$ZIZMOR_VENV" >&2 || bench_die "cannot create venv $ZIZMOR_VENV"
    "$ZIZMOR_VENV/bin/pip" install --quiet --disable-pip-version-check zizmor >&2 ||
        bench_die "pip install zizmor failed"
    printf '%s\n' "$ZIZMOR_VENV/bin/zizmor"
}

NHILINT_BIN="$(build_nhilint)"
ZIZMOR_BIN="$(find_zizmor)"
ZIZMOR_VERSION="$("$ZIZMOR_BIN" --version 2>/dev/null | head -n1)" || bench_die "$ZIZMOR_BIN --version failed"
NHILINT_VERSION="$("$NHILINT_BIN" --version 2>/dev/null | head -n1)" || bench_die "$NHILINT_BIN --version failed"

# --- corpus copy ----------------------------------------------------------------------------

if [[ -z $WORK_DIR ]]; then
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/nhilint-zizmor.XXXXXX")"
else
    case "$(realpath -m -- "$WORK_DIR")/" in
    "$BENCH_REPO"/*) bench_die "WORK_DIR ($WORK_DIR) is inside the repository; put it outside" ;;
    esac
    mkdir -p "$WORK_DIR" || bench_die "cannot create $WORK_DIR"
    WORK_DIR="$(cd "$WORK_DIR" && pwd -P)"
fi
REPO="$WORK_DIR/repo"
rm -rf "$REPO"
mkdir -p "$REPO/.github/workflows"
cp "$CORPUS"/*.yml "$REPO/.github/workflows/"
N_FILES="$(find "$REPO/.github/workflows" -name '*.yml' | wc -l)"

# --- runs -----------------------------------------------------------------------------------

cd "$REPO"
bench_log "zizmor: $ZIZMOR_VERSION ($ZIZMOR_BIN)"
"$ZIZMOR_BIN" --offline --no-config --persona=auditor --format json --no-exit-codes --no-progress . \
    >"$WORK_DIR/zizmor.json" 2>"$WORK_DIR/zizmor.stderr" ||
    bench_die "zizmor failed (exit $?); see $WORK_DIR/zizmor.stderr"
bench_log "nhilint: $NHILINT_VERSION ($NHILINT_BIN)"
"$NHILINT_BIN" scan . --only ci --format json --min-confidence low --exit-zero \
    --output "$WORK_DIR/nhilint.json" 2>"$WORK_DIR/nhilint.stderr" ||
    bench_die "nhilint failed (exit $?); see $WORK_DIR/nhilint.stderr"

# --- comparison -----------------------------------------------------------------------------

cat <<EOF
zizmor vs nhilint on $N_FILES workflows ($CORPUS)
zizmor:  $ZIZMOR_VERSION, --offline --no-config --persona=auditor
nhilint: $NHILINT_VERSION, --only ci --min-confidence low ($(bench_revision))
reports: $WORK_DIR/zizmor.json, $WORK_DIR/nhilint.json
EOF

python3 - "$WORK_DIR/zizmor.json" "$WORK_DIR/nhilint.json" <<'EOF'
import json
import os
import sys
from collections import defaultdict

CONCEPTS = [
    ("permissions", "excessive-permissions",
     ["gha-permissions-write-all", "gha-default-token-permissions",
      "gha-id-token-workflow-wide", "gha-unused-write-scope"]),
    ("secrets inherit", "secrets-inherit", ["gha-secrets-inherit"]),
    ("whole secrets context", "overprovisioned-secrets", ["gha-secrets-wholesale"]),
    ("checkout credentials", "artipacked", ["gha-checkout-persisted-credentials"]),
]

zz = json.load(open(sys.argv[1]))
nh = json.load(open(sys.argv[2]))

# (audit) -> {(file, line): [notes]}
zloc = defaultdict(lambda: defaultdict(list))
for f in zz:
    for loc in f.get("locations", []):
        sym = loc["symbolic"]
        if sym.get("kind") != "Primary":
            continue
        key = sym["key"]
        path = key.get("Local", {}).get("verbatim_path") or key.get("Local", {}).get("given_path") or str(key)
        line = loc["concrete"]["location"]["start_point"]["row"] + 1
        det = f.get("determinations", {})
        note = "%s [%s/%s]" % (sym.get("annotation", ""), det.get("persona", "?"), det.get("confidence", "?"))
        zloc[f["ident"]][(os.path.basename(path), line)].append(note)

# (rule id) -> {(file, line): [notes]}
nloc = defaultdict(lambda: defaultdict(list))
for f in nh["findings"]:
    nloc[f["rule_id"]][(os.path.basename(f["path"]), f["line"])].append(f["rule_id"])

def fmt(key):
    return "%s:%d" % key

rows = []
for title, audit, rules in CONCEPTS:
    z = zloc.get(audit, {})
    n = defaultdict(list)
    for r in rules:
        for k, v in nloc.get(r, {}).items():
            n[k].extend(v)
    both = sorted(set(z) & set(n))
    zonly = sorted(set(z) - set(n))
    nonly = sorted(set(n) - set(z))
    zcount = sum(len(v) for v in z.values())
    ncount = sum(len(v) for v in n.values())
    rows.append((title, audit, rules, zcount, ncount, len(both), len(zonly), len(nonly)))
    print()
    print("== %s: zizmor %s <-> nhilint %s" % (title, audit, ", ".join(rules)))
    print("   zizmor %d findings at %d locations, nhilint %d findings at %d locations"
          % (zcount, len(z), ncount, len(n)))
    print("-- both (%d):" % len(both))
    for k in both:
        print("   %-34s zizmor: %s | nhilint: %s" % (fmt(k), "; ".join(z[k]), ", ".join(n[k])))
    print("-- zizmor only (%d):" % len(zonly))
    for k in zonly:
        print("   %-34s %s" % (fmt(k), "; ".join(z[k])))
    print("-- nhilint only (%d):" % len(nonly))
    for k in nonly:
        print("   %-34s %s" % (fmt(k), ", ".join(n[k])))

print()
print("| concept | zizmor audit | nhilint rules | zizmor findings | nhilint findings | same (file, line) | zizmor only | nhilint only |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
for title, audit, rules, zc, nc, b, zo, no in rows:
    print("| %s | `%s` | %s | %d | %d | %d | %d | %d |"
          % (title, audit, ", ".join("`%s`" % r for r in rules), zc, nc, b, zo, no))

print()
print("all zizmor audits (primary locations): " + ", ".join("%s %d" % (a, sum(len(v) for v in l.values()))
                                        for a, l in sorted(zloc.items(), key=lambda x: -sum(len(v) for v in x[1].values()))))
print("all nhilint rules: " + ", ".join("%s %d" % (r, sum(len(v) for v in l.values()))
                                        for r, l in sorted(nloc.items(), key=lambda x: -sum(len(v) for v in x[1].values()))))
EOF
