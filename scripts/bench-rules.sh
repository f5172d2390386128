#!/usr/bin/env bash
# Throughput against the number of secret rules (issue 3): the first 60 secret rules against the
# whole secret pack, over the corpus of scripts/bench-tree.sh. See docs/benchmarks.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench-rules.sh [options]

Builds nhilint (cargo build --release), prepares the same corpus as scripts/bench-tree.sh (a copy
of ~/.cargo/registry/src and of python3's standard library and site-packages, outside the
repository; reused if it exists), and compares two rule packs over it:

  first N  the first N secret rules of the work tree: rule ids in file order of
           rules/secrets/*.yaml (files sorted by name, rules in the order they are written),
           exported to BENCH_DIR/rules-firstN/secrets/ and, by default, built into a second
           nhilint as its built-in pack (NHILINT_BUILTIN_RULES=BENCH_DIR/rules-firstN, target
           directory BENCH_DIR/target), so that both packs load the same way
  all      the built-in pack restricted to its secret rules: --only secrets

  nhilint scan CORPUS --format json --exit-zero --threads THREADS --max-file-size MAX_MB*10^6 \
      --output BENCH_DIR/rules-report-PACK.json PACK-ARGS

After one untimed run of each (warms the page cache, counts files, findings and rules), hyperfine
times both commands in ROUNDS rounds of RUNS runs each, the two packs alternating round by round
(so that load from other processes hits both alike). Prints each pack's median, min and max over
all runs, the ratio of the medians (all / first N; issue 3 asks for at most 1.10), the ratio
within each round (to show that it is stable), the CPU time (user + system) per run and its
ratio (less sensitive than wall time to other processes on a shared machine), and the load
average before and after.

options (environment variable in brackets):
  --first N            size of the small pack [FIRST, default 60]
  --scope S            secrets: both packs scan with secret rules only (the default, and the
                       stricter comparison: nothing else dilutes the secret engine's cost);
                       full: the foundation's benchmark as scripts/bench-tree.sh runs it, every
                       rule of the built-in pack (all) against the same pack with only the first
                       N secret rules (the other packs are copied into BENCH_DIR/rules-firstN/
                       and both packs scan with no --only) [SCOPE, default secrets]
  --runs N             timed runs per pack and round [RUNS, default 5]
  --rounds N           rounds [ROUNDS, default 3]
  --small-pack HOW     builtin: the small pack is built into its own binary (the default; both
                       sides then compile each rule when it is first needed);
                       rules: the small pack is loaded with --no-default-rules --rules
                       BENCH_DIR/rules-firstN (it is then checked and compiled as it loads, a
                       cost that the built-in pack defers) [SMALL_PACK, default builtin]
  --threads N          nhilint --threads [THREADS, default 2]
  --max-mb N           skip files over N*10^6 bytes [MAX_MB, default 10]
  --bench-dir DIR      where the corpus and outputs go, outside the repo
                       [BENCH_DIR, default /tmp/nhilint-bench]
  --corpus DIR         scan DIR instead of building the default corpus [CORPUS]
  --nhilint PATH       use this nhilint binary instead of building [NHILINT]
  -h, --help           this text

Needs hyperfine (apt-get install hyperfine; BENCH_INSTALL=1 lets the script do it). Nothing
else uses the network.

Outputs in BENCH_DIR: rules-firstN/ (the small pack), rules-report-first.json and
rules-report-all.json (the reports), rules-hyperfine-R.json (round R).
Exit codes: 0 done, 1 a build, corpus or tool failure, 2 bad usage.
EOF
}

# shellcheck source=scripts/lib-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-bench.sh"

FIRST="${FIRST:-60}"
SCOPE="${SCOPE:-secrets}"
SMALL_PACK="${SMALL_PACK:-builtin}"
RUNS="${RUNS:-5}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
MAX_MB="${MAX_MB:-10}"
BENCH_DIR="${BENCH_DIR:-/tmp/nhilint-bench}"

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    --first) bench_need_arg "$@"; FIRST="$2"; shift 2 ;;
    --scope) bench_need_arg "$@"; SCOPE="$2"; shift 2 ;;
    --small-pack) bench_need_arg "$@"; SMALL_PACK="$2"; shift 2 ;;
    --runs) bench_need_arg "$@"; RUNS="$2"; shift 2 ;;
    --rounds) bench_need_arg "$@"; ROUNDS="$2"; shift 2 ;;
    --threads) bench_need_arg "$@"; THREADS="$2"; shift 2 ;;
    --max-mb) bench_need_arg "$@"; MAX_MB="$2"; shift 2 ;;
    --bench-dir) bench_need_arg "$@"; BENCH_DIR="$2"; shift 2 ;;
    --corpus) bench_need_arg "$@"; CORPUS="$2"; shift 2 ;;
    --nhilint) bench_need_arg "$@"; NHILINT="$2"; shift 2 ;;
    *) bench_usage_error "unknown argument '$1'" ;;
    esac
done
for v in FIRST RUNS ROUNDS THREADS MAX_MB; do bench_require_uint "$v" "${!v}"; done
[[ $SCOPE == secrets || $SCOPE == full ]] || bench_usage_error "--scope is secrets or full, not '$SCOPE'"
[[ $SMALL_PACK == builtin || $SMALL_PACK == rules ]] ||
    bench_usage_error "--small-pack is builtin or rules, not '$SMALL_PACK'"
command -v python3 >/dev/null || bench_die "python3 is needed to split the pack and read reports"
[[ -c /dev/null ]] || bench_die "/dev/null is not a character device (recreate it: mknod -m 666 /dev/null c 1 3)"
bench_need_hyperfine

BENCH_DIR="$(bench_check_dir "$BENCH_DIR")"
NHILINT_BIN="$(bench_build)"
CORPUS_DIR="$(bench_corpus "$BENCH_DIR")"
MAX_BYTES=$((MAX_MB * 1000000))

# --- the small pack -------------------------------------------------------------------------

SMALL="$BENCH_DIR/rules-first$FIRST"
rm -rf "$SMALL"
mkdir -p "$SMALL/secrets"
# Each rule is the block from its `  - id:` line to the next one (or the end of the file); the
# blocks are copied as written, so the small pack has the work tree's keywords and patterns.
python3 - "$BENCH_REPO/rules/secrets" "$SMALL/secrets" "$FIRST" <<'EOF' || bench_die "cannot write the small pack"
import os, re, sys
src, dst, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
taken = 0
for name in sorted(f for f in os.listdir(src) if f.endswith((".yaml", ".yml"))):
    if taken == want:
        break
    text = open(os.path.join(src, name), encoding="utf-8").read()
    blocks = re.split(r"(?m)^(?=  - id: )", text)[1:]
    keep = blocks[: want - taken]
    if keep:
        with open(os.path.join(dst, name), "w", encoding="utf-8") as out:
            out.write("rules:\n" + "".join(b if b.endswith("\n") else b + "\n" for b in keep))
        taken += len(keep)
if taken < want:
    sys.exit(f"rules/secrets/ has only {taken} rules, fewer than {want}")
EOF

if [[ $SCOPE == full ]]; then
    # Every other pack of the work tree, as written, beside the first N secret rules.
    for pack in "$BENCH_REPO"/rules/*/; do
        [[ $(basename "$pack") == secrets ]] || cp -r "$pack" "$SMALL/" || bench_die "cannot copy $pack"
    done
    ALL_ARGS=()
else
    ALL_ARGS=(--only secrets)
fi
if [[ $SMALL_PACK == builtin ]]; then
    # The same sources with the small pack built in, in a target directory of its own (the work
    # tree's build stays as it is).
    bench_log "building: nhilint with $SMALL built in (target directory $BENCH_DIR/target)"
    (cd "$BENCH_REPO" && NHILINT_BUILTIN_RULES="$SMALL" CARGO_TARGET_DIR="$BENCH_DIR/target" \
        cargo build --release --quiet) >&2 || bench_die "cargo build --release of the small pack failed"
    SMALL_BIN="$BENCH_DIR/target/release/nhilint"
    SMALL_ARGS=("${ALL_ARGS[@]}")
    SMALL_LIST=()
else
    SMALL_BIN="$NHILINT_BIN"
    SMALL_ARGS=(--no-default-rules --rules "$SMALL")
    SMALL_LIST=("${SMALL_ARGS[@]}")
fi
SCAN=(scan "$CORPUS_DIR" --format json --exit-zero --threads "$THREADS" --max-file-size "$MAX_BYTES")
S_BASE=("$SMALL_BIN" "${SCAN[@]}")
A_BASE=("$NHILINT_BIN" "${SCAN[@]}")
cd "$BENCH_DIR"

# --- untimed runs ---------------------------------------------------------------------------

# untimed NAME BINARY ARGS...: one run, prints "files bytes findings rules".
untimed() {
    local name="$1" bin="$2" out="$BENCH_DIR/rules-report-$1.json"
    shift 2
    bench_log "untimed run: $name (warms the page cache)"
    "$bin" "${SCAN[@]}" --output "$out" "$@" 2>"$BENCH_DIR/rules-$name.stderr" ||
        bench_die "nhilint failed (exit $?); see $BENCH_DIR/rules-$name.stderr"
    python3 - "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
rules = {f["rule_id"] for f in r.get("findings", [])}
print(s["files_scanned"], s["bytes_scanned"], s["findings"], len(rules))
EOF
}
read -r S_FILES S_BYTES S_FINDINGS S_FIRING < <(untimed first "$SMALL_BIN" "${SMALL_ARGS[@]}")
read -r A_FILES _ A_FINDINGS A_FIRING < <(untimed all "$NHILINT_BIN" "${ALL_ARGS[@]}")
[[ $S_FILES -gt 0 && $S_FILES == "$A_FILES" ]] || bench_die "the two packs scanned different files ($S_FILES, $A_FILES)"
S_RULES="$("$SMALL_BIN" rules list --json "${SMALL_LIST[@]}" 2>/dev/null |
    python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["file"].split("/")[-2] == "secrets"))' 2>/dev/null || echo "?")"
A_RULES="$("$NHILINT_BIN" rules list --json 2>/dev/null |
    python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["file"].split("/")[-2] == "secrets"))' 2>/dev/null || echo "?")"

# --- timed rounds ---------------------------------------------------------------------------

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
small_cmd="$(printf '%q ' "${S_BASE[@]}" --output "$BENCH_DIR/rules-report-first.json" "${SMALL_ARGS[@]}")"
all_cmd="$(printf '%q ' "${A_BASE[@]}" --output "$BENCH_DIR/rules-report-all.json" "${ALL_ARGS[@]}")"
for ((r = 1; r <= ROUNDS; r++)); do
    # Alternate which pack goes first, so that neither always follows the other.
    if ((r % 2)); then order=("$small_cmd" "$all_cmd"); names=(first all); else order=("$all_cmd" "$small_cmd"); names=(all first); fi
    bench_log "round $r/$ROUNDS: $RUNS runs of each (${names[*]}); load $(cut -d' ' -f1 /proc/loadavg)"
    # -N: no intermediate shell, so nothing to correct for; the untimed runs were the warm-up.
    hyperfine -N --style basic --runs "$RUNS" --export-json "$BENCH_DIR/rules-hyperfine-$r.json" \
        -n "${names[0]}" "${order[0]}" -n "${names[1]}" "${order[1]}" >&2 ||
        bench_die "hyperfine failed in round $r"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---------------------------------------------------------------------------------

read -r S_MED S_MIN S_MAX A_MED A_MIN A_MAX RATIO PER_ROUND S_CPU A_CPU CPU_RATIO < <(
    python3 - "$BENCH_DIR" "$ROUNDS" <<'EOF'
import json, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
times = {"first": [], "all": []}
cpu = {"first": [], "all": []}
per_round = []
for r in range(1, rounds + 1):
    res = {x["command"]: x for x in json.load(open(f"{d}/rules-hyperfine-{r}.json"))["results"]}
    for k in times:
        times[k] += res[k]["times"]
        cpu[k].append(res[k]["user"] + res[k]["system"])
    per_round.append(f'{statistics.median(res["all"]["times"]) / statistics.median(res["first"]["times"]):.2f}')
s, a = times["first"], times["all"]
ms, ma = statistics.median(s), statistics.median(a)
cs, ca = statistics.median(cpu["first"]), statistics.median(cpu["all"])
print(f"{ms:.3f} {min(s):.3f} {max(s):.3f} {ma:.3f} {min(a):.3f} {max(a):.3f} {ma / ms:.2f}",
      ",".join(per_round), f"{cs:.3f} {ca:.3f} {ca / cs:.2f}")
EOF
)
TODAY="$(date -u +%Y-%m-%d)"
MB="$(python3 -c "print(format($S_BYTES / 1e6, '.1f'))")"

cat <<EOF

nhilint bench-rules, $TODAY, revision $(bench_revision)
machine:  $(bench_machine)
corpus:   $CORPUS_DIR: $S_FILES files, $MB MB scanned
settings: scope $SCOPE; small pack $SMALL_PACK; $ROUNDS rounds x $RUNS timed runs per pack, alternating, after 1 untimed each; --threads $THREADS; $(hyperfine --version | head -n1)
load:     before $LOAD_BEFORE, after $LOAD_AFTER (1, 5, 15 min)
first $FIRST: $S_RULES rules, median $S_MED s (min $S_MIN, max $S_MAX), $S_FINDINGS findings by $S_FIRING rules
all:      $A_RULES rules, median $A_MED s (min $A_MIN, max $A_MAX), $A_FINDINGS findings by $A_FIRING rules
ratio:    all / first $FIRST = $RATIO (per round: ${PER_ROUND//,/, }; issue 3 target: <= 1.10)
cpu:      user+system per run (median of the rounds' means): first $FIRST $S_CPU s, all $A_CPU s, ratio $CPU_RATIO

markdown row for docs/benchmarks.md:
| $TODAY | $(bench_revision) | $S_FILES files, $MB MB | $THREADS | $ROUNDS x $RUNS | $S_RULES: $S_MED s | $A_RULES: $A_MED s | $RATIO | ${PER_ROUND//,/, } | $CPU_RATIO | $LOAD_BEFORE / $LOAD_AFTER |
EOF
