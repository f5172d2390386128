#!/usr/bin/env bash
# Wall time of `nhilint scan` over 1,000 GitHub workflow files (issue 5: under 1 second), and of
# zizmor on the same files for reference. See docs/benchmarks.md, "CI workflows (issue 5)".
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench-workflows.sh [options]

Builds nhilint (cargo build --release --locked), writes FILES workflow files outside the
repository: copies of the comparison corpus testdata/compare/workflows/*.yml, renamed
(<name>-NNNN.yml), spread over REPOS generated repositories
BENCH_DIR/workflows/repo-NN/.github/workflows/ (rebuilt on every run), and times with
hyperfine (-N, WARMUP warm-up runs, then RUNS runs):

  nhilint scan DIR --only ci --format json --exit-zero --threads THREADS -o BENCH_DIR/wf-ci.json
  nhilint scan DIR           --format json --exit-zero --threads THREADS -o BENCH_DIR/wf-all.json
  zizmor --offline --no-config --persona=auditor --format json --no-exit-codes --no-progress \
      DIR/repo-00 DIR/repo-01 ...            (reference; skipped with --no-zizmor)

Before timing, one untimed run of each reads what nhilint scanned (files, bytes, findings:
`summary` of its JSON report) and checks that it saw all FILES workflows. Prints the median, min
and max wall time of each, the mean CPU time (user + system), files/s and MB/s (MB = 10^6
bytes), whether nhilint's medians meet the 1-second target, and a row for docs/benchmarks.md.

options (environment variable in brackets):
  --files N          workflow files to generate [FILES, default 1000]
  --repos N          generated repositories to spread them over [REPOS, default 10]
  --runs N           timed runs per command [RUNS, default 10]
  --warmup N         untimed hyperfine warm-up runs per command [WARMUP, default 2]
  --threads N        nhilint --threads [THREADS, default 2]
  --bench-dir DIR    where the files and reports go, outside the repo
                     [BENCH_DIR, default /tmp/nhilint-bench]
  --corpus DIR       workflow files to copy [CORPUS, default testdata/compare/workflows]
  --nhilint PATH     use this nhilint binary instead of building one [NHILINT; the default is
                     built with `cargo build --release --locked`, CARGO_TARGET_DIR honoured]
  --zizmor PATH      zizmor binary [ZIZMOR, default /tmp/zz/bin/zizmor, else zizmor on PATH]
  --zizmor-runs N    timed zizmor runs [ZIZMOR_RUNS, default RUNS]
  --no-zizmor        do not time zizmor
  -h, --help         this text

BENCH_INSTALL=1 lets the script `apt-get install -y hyperfine` when it is missing; nothing else
uses the network (zizmor is timed only when already installed: see scripts/compare-zizmor.sh).
Outputs in BENCH_DIR: workflows/ (the generated repositories), wf-ci.json and wf-all.json
(nhilint's reports), wf-zizmor.json, wf-hyperfine-*.json (hyperfine's exports, all run times).
Exit codes: 0 done (target met or not), 1 a build or tool failure, 2 bad usage.
EOF
}

# shellcheck source=scripts/lib-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-bench.sh"

FILES="${FILES:-1000}"
REPOS="${REPOS:-10}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
THREADS="${THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-/tmp/nhilint-bench}"
WF_CORPUS="${CORPUS:-$BENCH_REPO/testdata/compare/workflows}"
ZIZMOR="${ZIZMOR:-}"
ZIZMOR_RUNS="${ZIZMOR_RUNS:-}"
WITH_ZIZMOR=1

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    --files) bench_need_arg "$@"; FILES="$2"; shift 2 ;;
    --repos) bench_need_arg "$@"; REPOS="$2"; shift 2 ;;
    --runs) bench_need_arg "$@"; RUNS="$2"; shift 2 ;;
    --warmup) bench_need_arg "$@"; WARMUP="$2"; shift 2 ;;
    --threads) bench_need_arg "$@"; THREADS="$2"; shift 2 ;;
    --bench-dir) bench_need_arg "$@"; BENCH_DIR="$2"; shift 2 ;;
    --corpus) bench_need_arg "$@"; WF_CORPUS="$2"; shift 2 ;;
    --nhilint) bench_need_arg "$@"; NHILINT="$2"; shift 2 ;;
    --zizmor) bench_need_arg "$@"; ZIZMOR="$2"; shift 2 ;;
    --zizmor-runs) bench_need_arg "$@"; ZIZMOR_RUNS="$2"; shift 2 ;;
    --no-zizmor) WITH_ZIZMOR=0; shift ;;
    *) bench_usage_error "unknown argument '$1'" ;;
    esac
done
ZIZMOR_RUNS="${ZIZMOR_RUNS:-$RUNS}"
bench_require_uint FILES "$FILES"
bench_require_uint REPOS "$REPOS"
bench_require_uint RUNS "$RUNS"
bench_require_uint THREADS "$THREADS"
bench_require_uint ZIZMOR_RUNS "$ZIZMOR_RUNS"
[[ $WARMUP =~ ^[0-9]+$ ]] || bench_usage_error "WARMUP must be a non-negative integer, not '$WARMUP'"
[[ $REPOS -le $FILES ]] || bench_usage_error "more repositories ($REPOS) than files ($FILES)"
command -v python3 >/dev/null || bench_die "python3 is needed to read the JSON reports"
[[ -d $WF_CORPUS ]] || bench_die "corpus $WF_CORPUS is not a directory"
compgen -G "$WF_CORPUS/*.yml" >/dev/null || bench_die "no *.yml in $WF_CORPUS"

if ! command -v hyperfine >/dev/null; then
    if [[ ${BENCH_INSTALL:-0} == 1 ]]; then
        bench_log "installing hyperfine (BENCH_INSTALL=1)"
        { apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }; } >&2 ||
            bench_die "apt-get install hyperfine failed"
    else
        bench_die "hyperfine is not installed (apt-get install hyperfine, or BENCH_INSTALL=1)"
    fi
fi

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

NHILINT_BIN="$(build_nhilint)"
ZIZMOR_BIN=""
if [[ $WITH_ZIZMOR == 1 ]]; then
    for z in "$ZIZMOR" /tmp/zz/bin/zizmor "$(command -v zizmor || true)"; do
        if [[ -n $z && -x $z ]]; then
            ZIZMOR_BIN="$z"
            break
        fi
    done
    if [[ -z $ZIZMOR_BIN ]]; then
        [[ -z $ZIZMOR ]] || bench_die "ZIZMOR=$ZIZMOR is not an executable"
        bench_log "zizmor not found: timing nhilint only (see scripts/compare-zizmor.sh --install-zizmor)"
    else
        ZIZMOR_VERSION="$("$ZIZMOR_BIN" --version 2>/dev/null | head -n1)" || bench_die "$ZIZMOR_BIN --version failed"
    fi
fi

# --- the workflow set -------------------------------------------------------------------------

BENCH_DIR="$(bench_check_dir "$BENCH_DIR")"
WF_DIR="$BENCH_DIR/workflows"
rm -rf "$WF_DIR"
python3 - "$WF_CORPUS" "$WF_DIR" "$FILES" "$REPOS" <<'EOF'
import glob, os, shutil, sys
corpus, out, files, repos = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
src = sorted(glob.glob(os.path.join(corpus, "*.yml")))
per_repo = -(-files // repos)
for n in range(files):
    d = os.path.join(out, "repo-%02d" % (n // per_repo), ".github", "workflows")
    os.makedirs(d, exist_ok=True)
    s = src[n % len(src)]
    shutil.copyfile(s, os.path.join(d, "%s-%04d.yml" % (os.path.basename(s)[:-4], n)))
EOF
REPO_DIRS=()
while IFS= read -r d; do REPO_DIRS+=("$d"); done < <(find "$WF_DIR" -mindepth 1 -maxdepth 1 -type d | sort)
WF_BYTES="$(find "$WF_DIR" -name '*.yml' -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
bench_log "generated $FILES workflow files ($WF_BYTES bytes) in ${#REPO_DIRS[@]} repositories under $WF_DIR"

NH_CI=("$NHILINT_BIN" scan "$WF_DIR" --only ci --format json --exit-zero --threads "$THREADS"
    --output "$BENCH_DIR/wf-ci.json")
NH_ALL=("$NHILINT_BIN" scan "$WF_DIR" --format json --exit-zero --threads "$THREADS"
    --output "$BENCH_DIR/wf-all.json")
ZZ=("$ZIZMOR_BIN" --offline --no-config --persona=auditor --format json --no-exit-codes --no-progress
    "${REPO_DIRS[@]}")

# --- untimed runs: what each tool saw ---------------------------------------------------------

summary() {
    python3 - "$1" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["files_scanned"], s["bytes_scanned"], s["findings"])
EOF
}
bench_log "untimed runs of nhilint"
"${NH_CI[@]}" 2>"$BENCH_DIR/wf-ci.stderr" || bench_die "nhilint --only ci failed (exit $?); see $BENCH_DIR/wf-ci.stderr"
read -r CI_FILES CI_BYTES CI_FINDINGS < <(summary "$BENCH_DIR/wf-ci.json")
"${NH_ALL[@]}" 2>"$BENCH_DIR/wf-all.stderr" || bench_die "nhilint failed (exit $?); see $BENCH_DIR/wf-all.stderr"
read -r ALL_FILES ALL_BYTES ALL_FINDINGS < <(summary "$BENCH_DIR/wf-all.json")
[[ $CI_FILES == "$FILES" && $ALL_FILES == "$FILES" ]] ||
    bench_die "nhilint scanned $CI_FILES/$ALL_FILES files, not $FILES"
if [[ -n $ZIZMOR_BIN ]]; then
    bench_log "untimed run of zizmor ($ZIZMOR_VERSION)"
    "${ZZ[@]}" >"$BENCH_DIR/wf-zizmor.json" 2>"$BENCH_DIR/wf-zizmor.stderr" ||
        bench_die "zizmor failed (exit $?); see $BENCH_DIR/wf-zizmor.stderr"
    ZZ_FILES="$(grep -c 'completed' "$BENCH_DIR/wf-zizmor.stderr" || true)"
    ZZ_FINDINGS="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$BENCH_DIR/wf-zizmor.json")"
    [[ $ZZ_FILES == "$FILES" ]] || bench_log "warning: zizmor reported $ZZ_FILES files completed, not $FILES"
fi

# --- timed runs -----------------------------------------------------------------------------

# time_cmd NAME RUNS CMD...: hyperfine -N, prints "median min max cpu" in seconds (cpu: mean
# user + system time, which depends less on the load of a shared machine than wall time).
time_cmd() {
    local name="$1" runs="$2" json="$BENCH_DIR/wf-hyperfine-$1.json" cmd
    shift 2
    cmd="$(printf '%q ' "$@")"
    bench_log "timing $name: $WARMUP warm-up + $runs runs"
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$runs" --export-json "$json" "$cmd" >&2 ||
        bench_die "hyperfine: $name failed"
    python3 - "$json" <<'EOF'
import json, statistics, sys
t = json.load(open(sys.argv[1]))["results"][0]["times"]
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f %.3f" % (statistics.median(t), min(t), max(t), r["user"] + r["system"]))
EOF
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
read -r CI_MED CI_MIN CI_MAX CI_CPU < <(time_cmd ci "$RUNS" "${NH_CI[@]}")
read -r ALL_MED ALL_MIN ALL_MAX ALL_CPU < <(time_cmd all "$RUNS" "${NH_ALL[@]}")
if [[ -n $ZIZMOR_BIN ]]; then
    read -r ZZ_MED ZZ_MIN ZZ_MAX ZZ_CPU < <(time_cmd zizmor "$ZIZMOR_RUNS" "${ZZ[@]}")
fi
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---------------------------------------------------------------------------------

calc() { python3 -c "print(format($1, '$2'))"; }
verdict() { python3 -c "print('met' if $1 < 1.0 else 'MISSED')"; }
REV="$(bench_revision)"
RULES="$(bench_rule_count "$NHILINT_BIN")"
TODAY="$(date -u +%Y-%m-%d)"
KB="$(calc "$WF_BYTES / 1e3" .1f)"

cat <<EOF

nhilint bench-workflows, $TODAY, revision $REV ($RULES built-in rules)
machine:  $(bench_machine)
load:     $LOAD_BEFORE before timing, $LOAD_AFTER after (1/5/15-minute load averages)
set:      $FILES workflow files, $WF_BYTES bytes ($KB kB), ${#REPO_DIRS[@]} repositories under $WF_DIR
settings: hyperfine -N, $WARMUP warm-up + $RUNS timed runs, nhilint --threads $THREADS
nhilint --only ci: median $CI_MED s (min $CI_MIN, max $CI_MAX, cpu $CI_CPU s), $(calc "$FILES / $CI_MED" .0f) files/s, $(calc "$CI_BYTES / 1e6 / $CI_MED" .2f) MB/s, $CI_FINDINGS findings; target < 1 s: $(verdict "$CI_MED")
nhilint (all rules): median $ALL_MED s (min $ALL_MIN, max $ALL_MAX, cpu $ALL_CPU s), $(calc "$FILES / $ALL_MED" .0f) files/s, $(calc "$ALL_BYTES / 1e6 / $ALL_MED" .2f) MB/s, $ALL_FINDINGS findings; target < 1 s: $(verdict "$ALL_MED")
EOF
ZZ_ROW="| - | - |"
if [[ -n $ZIZMOR_BIN ]]; then
    cat <<EOF
zizmor:   $ZIZMOR_VERSION ($ZIZMOR_BIN), $ZIZMOR_RUNS runs: median $ZZ_MED s (min $ZZ_MIN, max $ZZ_MAX, cpu $ZZ_CPU s), $(calc "$FILES / $ZZ_MED" .0f) files/s, $ZZ_FINDINGS findings (auditor persona, offline)
ratio:    nhilint --only ci / zizmor median wall time = $(calc "$CI_MED / $ZZ_MED" .2f)
EOF
    ZZ_ROW="| $ZIZMOR_VERSION | $ZZ_MED s ($ZZ_MIN-$ZZ_MAX, cpu $ZZ_CPU s) |"
fi
cat <<EOF

markdown row for docs/benchmarks.md:
| $TODAY | $REV | $RULES | $(nproc) cores, load $LOAD_BEFORE | $FILES files, $KB kB | $THREADS | $WARMUP + $RUNS | $CI_MED s ($CI_MIN-$CI_MAX, cpu $CI_CPU s) | $ALL_MED s ($ALL_MIN-$ALL_MAX, cpu $ALL_CPU s) $ZZ_ROW
EOF
