#!/bin/sh
# Check the one-folder application (`make dist`): size, start-up time, and that its binary
# runs check, replay and the kiosk (offscreen) on its own. Benchmark-style: minutes, not a test.
#   packaging/check_dist.sh [--build] [--video FILE] [--runs N] [DIST_FOLDER]
# --build rebuilds first with `make dist` and reports the build time. Without --video it uses
# a clip from the shared data sets when they are beside the project.
set -eu

BUILD=0
RUNS=5
VIDEO=""
DIST=dist/turnstile
ROOT=$(cd "$(dirname "$0")/.." && pwd)
while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1; shift ;;
        --video) VIDEO=${2:?--video needs a file}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
        -*) echo "check_dist.sh: unknown option $1" >&2; exit 2 ;;
        *) DIST=$1; shift ;;
    esac
done
if [ -z "$VIDEO" ]; then
    for clip in "$ROOT"/../shared/datasets/videos/*.mp4; do
        [ -f "$clip" ] && VIDEO=$clip && break
    done
fi

now() { date +%s.%N; }
seconds() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }
median() { sort -n | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m}'; }
FAILED=0
fail() { echo "FAIL $*"; FAILED=1; }

if [ "$BUILD" = 1 ]; then
    start=$(now)
    nice -n 10 make -C "$ROOT" dist >/dev/null
    echo "build time:      $(seconds "$start" "$(now)") s (make dist, clean PyInstaller build)"
fi
BIN=$DIST/turnstile
[ -x "$BIN" ] || { echo "check_dist.sh: no $BIN; run make dist first" >&2; exit 2; }

echo "folder:          $DIST"
echo "size:            $(du -sm "$DIST" | cut -f1) MiB in $(find "$DIST" -type f | wc -l) files"
[ -z "$(find "$DIST" -name '*.onnx' | head -n 1)" ] || fail "models are bundled (they must not be)"
[ -n "$(find "$DIST" -path '*turnstile/assets/turnstile.svg')" ] || fail "assets are missing"

# A clean user: its own config and data, but the installed models (the kiosk's default).
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export TURNSTILE_MODELS_DIR="${TURNSTILE_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/turnstile/models}"
export XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" QT_QPA_PLATFORM=offscreen
unset TURNSTILE_DB

timed() {  # timed N COMMAND...: median wall time of N runs; fails if any run fails
    n=$1; shift
    i=0
    while [ "$i" -lt "$n" ]; do
        start=$(now)
        "$@" >/dev/null 2>&1 || return 1
        seconds "$start" "$(now)"
        echo
        i=$((i + 1))
    done | median
}

echo "version:         $("$BIN" --version)"
if t=$(timed "$RUNS" "$BIN" --version); then
    echo "start (--version): median $t s over $RUNS runs"
else
    fail "--version"
fi
if "$BIN" check --no-camera > "$SCRATCH/check.txt" 2>&1; then
    echo "check --no-camera: ok, median $(timed "$RUNS" "$BIN" check --no-camera) s over $RUNS runs"
else
    fail "check --no-camera:"; sed 's/^/    /' "$SCRATCH/check.txt"
fi

has() { "$BIN" "$1" --help >/dev/null 2>&1; }  # commands come with the kiosk work
if ! has replay; then
    echo "replay:          not in this build"
elif [ -z "$VIDEO" ]; then
    echo "replay:          skipped (no video; pass --video FILE)"
else
    start=$(now)
    if "$BIN" replay "$VIDEO" > "$SCRATCH/replay.txt" 2>&1; then
        echo "replay:          ok in $(seconds "$start" "$(now)") s ($(basename "$VIDEO"))"
    else
        fail "replay:"; tail -n 5 "$SCRATCH/replay.txt" | sed 's/^/    /'
    fi
fi

if ! has kiosk; then
    echo "kiosk:           not in this build"
elif [ -z "$VIDEO" ]; then
    echo "kiosk:           skipped (no video; pass --video FILE)"
else
    # Still running after 20 s (timeout's 124) means it started and kept going.
    status=0
    timeout 20 "$BIN" kiosk --windowed --loop --source "$VIDEO" > "$SCRATCH/kiosk.txt" 2>&1 \
        || status=$?
    if [ "$status" = 124 ]; then
        echo "kiosk:           ran 20 s offscreen on $(basename "$VIDEO") without exiting"
    else
        fail "kiosk exited with status $status:"; tail -n 8 "$SCRATCH/kiosk.txt" | sed 's/^/    /'
    fi
fi
exit "$FAILED"
