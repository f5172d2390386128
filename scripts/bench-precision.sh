#!/usr/bin/env bash
# False-positive pressure: nhilint's findings over a large body of real code that ships on every
# machine (crate sources and Python's library), per 10 MB and by rule. See docs/benchmarks.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench-precision.sh [options]

Builds nhilint (cargo build --release), prepares the same corpus as scripts/bench-tree.sh (a copy
of ~/.cargo/registry/src and of python3's standard library and site-packages, outside the
repository; reused if it exists) and scans it once with nhilint's defaults:

  nhilint scan CORPUS --format json --exit-zero --threads THREADS [--min-confidence LEVEL]

Real published code holds almost no live secret, so nearly every finding here is a false
positive (test keys, documentation examples, placeholders) to review. Prints the findings per
10 MB scanned (MB = 10^6 bytes), the count by confidence, the top rules and the top files, and
writes the full JSON report to BENCH_DIR/precision.json (secrets redacted, as by default).

options (environment variable in brackets):
  --min-confidence L   passed to nhilint: low, medium or high [MIN_CONFIDENCE; default: none,
                       so nhilint's own default applies]
  --threads N          nhilint --threads [THREADS, default 2]
  --top N              how many rules and files to list [TOP, default 15]
  --bench-dir DIR      where the corpus and outputs go, outside the repo
                       [BENCH_DIR, default /tmp/nhilint-bench]
  --corpus DIR         scan DIR instead of building the default corpus [CORPUS]
  --nhilint PATH       use this nhilint binary instead of building [NHILINT]
  -h, --help           this text

Exit codes: 0 done (whatever the number of findings), 1 a build, corpus or scan failure,
2 bad usage.
EOF
}

# shellcheck source=scripts/lib-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-bench.sh"

THREADS="${THREADS:-2}"
TOP="${TOP:-15}"
BENCH_DIR="${BENCH_DIR:-/tmp/nhilint-bench}"
MIN_CONFIDENCE="${MIN_CONFIDENCE:-}"

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help)
        usage
        exit 0
        ;;
    --min-confidence) bench_need_arg "$@"; MIN_CONFIDENCE="$2"; shift 2 ;;
    --min-confidence=*) MIN_CONFIDENCE="${1#*=}"; shift ;;
    --threads) bench_need_arg "$@"; THREADS="$2"; shift 2 ;;
    --top) bench_need_arg "$@"; TOP="$2"; shift 2 ;;
    --bench-dir) bench_need_arg "$@"; BENCH_DIR="$2"; shift 2 ;;
    --corpus) bench_need_arg "$@"; CORPUS="$2"; shift 2 ;;
    --nhilint) bench_need_arg "$@"; NHILINT="$2"; shift 2 ;;
    *) bench_usage_error "unknown argument '$1'" ;;
    esac
done
bench_require_uint THREADS "$THREADS"
bench_require_uint TOP "$TOP"
case "$MIN_CONFIDENCE" in "" | low | medium | high) ;; *) bench_usage_error "--min-confidence must be low, medium or high" ;; esac
command -v python3 >/dev/null || bench_die "python3 is needed to read the JSON report"

BENCH_DIR="$(bench_check_dir "$BENCH_DIR")"
NHILINT_BIN="$(bench_build)"
CORPUS_DIR="$(bench_corpus "$BENCH_DIR")"

CMD=("$NHILINT_BIN" scan "$CORPUS_DIR" --format json --exit-zero --threads "$THREADS")
[[ -n $MIN_CONFIDENCE ]] && CMD+=(--min-confidence "$MIN_CONFIDENCE")
OUT="$BENCH_DIR/precision.json"

bench_log "scanning $CORPUS_DIR"
rc=0
"${CMD[@]}" --output "$OUT" 2>"$BENCH_DIR/precision.stderr" || rc=$?
if [[ $rc -ne 0 ]]; then
    bench_log "$(head -n 20 "$BENCH_DIR/precision.stderr")"
    bench_die "nhilint exited $rc; see $BENCH_DIR/precision.stderr"
fi

printf '\nnhilint bench-precision, %s, revision %s (%s built-in rules)\n' \
    "$(date -u +%Y-%m-%d)" "$(bench_revision)" "$(bench_rule_count "$NHILINT_BIN")"
printf 'command:  %s --output %s\n' "${CMD[*]}" "$OUT"
python3 - "$OUT" "$CORPUS_DIR" "$TOP" <<'EOF'
import collections, json, sys

path, corpus, top = sys.argv[1], sys.argv[2].rstrip("/") + "/", int(sys.argv[3])
doc = json.load(open(path))
s = doc["summary"]
findings = [f for f in doc["findings"] if not f.get("suppressed")]
mb = s["bytes_scanned"] / 1e6
per10 = lambda n: n / mb * 10 if mb else 0.0
rel = lambda p: p[len(corpus):] if p.startswith(corpus) else p

print(f"corpus:   {corpus.rstrip('/')}")
print(f"          {s['files_scanned']} files, {mb:.1f} MB scanned "
      f"({s.get('skipped_binary', 0)} binary and {s.get('skipped_too_large', 0)} too large skipped)")
print(f"findings: {len(findings)} ({per10(len(findings)):.3f} per 10 MB), "
      f"{s.get('suppressed', 0)} suppressed inline")
cats = collections.Counter(f["category"] for f in findings)
print("          by category: " + ", ".join(
    f"{c} {cats.get(c, 0)} ({per10(cats.get(c, 0)):.3f} per 10 MB)" for c in ("secret", "privilege", "ownership")))
print("          (issue 3's target, at most 1 per 10 MB, is about secrets: the other families judge CI,"
      " Kubernetes and cloud files the corpus happens to hold)")
conf = collections.Counter(f["confidence"] for f in findings)
print("          by confidence: " + ", ".join(f"{c} {conf.get(c, 0)}" for c in ("high", "medium", "low")))

by_rule = collections.defaultdict(list)
for f in findings:
    by_rule[f["rule_id"]].append(f)
if by_rule:
    print(f"\ntop rules (of {len(by_rule)} that fired):")
    print(f"  {'count':>6} {'per 10 MB':>9} {'files':>6}  {'confidence':<10}  rule")
    for rule, fs in sorted(by_rule.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]:
        c = collections.Counter(f["confidence"] for f in fs).most_common(1)[0][0]
        print(f"  {len(fs):>6} {per10(len(fs)):>9.3f} {len({f['path'] for f in fs}):>6}  {c:<10}  {rule}")
    by_file = collections.Counter(f["path"] for f in findings)
    print(f"\ntop files:")
    for p, n in sorted(by_file.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        rules = ", ".join(sorted({f["rule_id"] for f in findings if f["path"] == p}))
        print(f"  {n:>6}  {rel(p)}  [{rules}]")
print(f"\nfull report: {path}")
EOF

# The same corpus without the words model of generic rules, and with every rule's filters reduced
# to entropy alone, next to nhilint's own (all secret rules, every confidence level).
bench_log "comparing without the words model and with entropy alone (cargo run --release --example noise_filter)"
(cd "$BENCH_REPO" && cargo build --release --quiet --example noise_filter) || bench_die "cannot build examples/noise_filter.rs"
"$BENCH_REPO/target/release/examples/noise_filter" "$CORPUS_DIR"
