#!/usr/bin/env bash
# Fixtures/tools/golden.sh — determinism across processes, and against committed outputs.
#
#   bash Fixtures/tools/golden.sh check [CANDOR]    (Tests/run.sh runs this)
#   bash Fixtures/tools/golden.sh write [CANDOR]    regenerate Fixtures/golden/ after a change
#                                                   that is meant to change the outputs
#
# For every committed bundle (Fixtures/captures/fleet/*/), `candor replay` (JSON lines, line
# protocol, summary, the table it prints) and `candor decode` (canonical JSON lines, every bus
# with its DBC) run twice, as two separate processes (each with its own random hash seed:
# SWIFT_DETERMINISTIC_HASHING is removed from their environment). The two runs must give the
# same bytes, and those bytes must match Fixtures/golden/<bundle>.sha256 (sha256, bytes and
# lines of each output). `summary.json` is committed in full too, so a changed figure shows
# in a diff. CANDOR defaults to .build/debug/candor.
set -euo pipefail

mode="${1:-check}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
candor="${2:-$repo/.build/debug/candor}"
golden="$repo/Fixtures/golden"
[[ "$mode" == check || "$mode" == write ]] || { echo "usage: $0 check|write [candor]" >&2; exit 2; }
[[ -x "$candor" ]] || { echo "no candor executable at $candor (swift build first)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/candor-golden-XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$golden"

# decode_arguments BUNDLE: --dbc IFACE=FILE for every bus of its candor.yaml, --j1939-bus where set.
decode_arguments() {
    awk -v dir="$1" '
        /^    buses:/ { inbuses = 1; next }
        inbuses && /^    [a-z]/ { inbuses = 0 }
        inbuses && /^      [A-Za-z0-9_.:-]+:$/ { bus = $1; sub(/:$/, "", bus) }
        inbuses && /^        dbc: / { printf " --dbc %s=%s/%s", bus, dir, $2 }
        inbuses && /^        j1939: true/ { printf " --j1939-bus %s", bus }
    ' "$1/candor.yaml"
}

# outputs BUNDLE DIR: every output of one process pair's run into DIR.
outputs() {
    local bundle="$1" out="$2"
    mkdir -p "$out"
    env -u SWIFT_DETERMINISTIC_HASHING timeout 600 "$candor" replay --config "$bundle/candor.yaml" "$bundle/capture.log.gz" \
        --jsonl "$out/replay.jsonl" --line-protocol "$out/replay.lp" --summary "$out/summary.json" > "$out/replay.table"
    # shellcheck disable=SC2046
    env -u SWIFT_DETERMINISTIC_HASHING timeout 600 "$candor" decode $(decode_arguments "$bundle") --format jsonl \
        "$bundle/capture.log.gz" > "$out/decode.jsonl"
}

digests() {  # digests DIR: one line per output, sorted by name
    local file
    for file in decode.jsonl replay.jsonl replay.lp replay.table summary.json; do
        printf '%s %s bytes=%s lines=%s\n' "$(sha256sum < "$1/$file" | cut -d' ' -f1)" "$file" \
            "$(stat -c %s "$1/$file")" "$(wc -l < "$1/$file")"
    done
}

failed=0
bundles=0
for bundle in "$repo"/Fixtures/captures/fleet/*/; do
    bundle="${bundle%/}"
    name="$(basename "$bundle")"
    bundles=$((bundles + 1))
    outputs "$bundle" "$work/$name/a"
    outputs "$bundle" "$work/$name/b"
    digests "$work/$name/a" > "$work/$name/a.sha256"
    digests "$work/$name/b" > "$work/$name/b.sha256"
    if ! cmp -s "$work/$name/a.sha256" "$work/$name/b.sha256"; then
        echo "$name: two processes gave different outputs:"
        diff "$work/$name/a.sha256" "$work/$name/b.sha256" || true
        for file in decode.jsonl replay.jsonl replay.lp replay.table summary.json; do
            cmp "$work/$name/a/$file" "$work/$name/b/$file" || true
        done
        failed=1
        continue
    fi
    if [[ "$mode" == write ]]; then
        cp "$work/$name/a.sha256" "$golden/$name.sha256"
        cp "$work/$name/a/summary.json" "$golden/$name.summary.json"
        echo "$name: wrote Fixtures/golden/$name.sha256 and .summary.json"
        continue
    fi
    if ! cmp -s "$work/$name/a.sha256" "$golden/$name.sha256" \
        || ! cmp -s "$work/$name/a/summary.json" "$golden/$name.summary.json"; then
        echo "$name: outputs differ from Fixtures/golden (if the change is meant, run: bash Fixtures/tools/golden.sh write):"
        diff "$golden/$name.sha256" "$work/$name/a.sha256" || true
        diff "$golden/$name.summary.json" "$work/$name/a/summary.json" | head -n 20 || true
        failed=1
        continue
    fi
    echo "$name: two processes identical and equal to Fixtures/golden: $(awk '{ printf "%s %s lines, ", $2, substr($4, 7) }' "$work/$name/a.sha256")"
done
((bundles >= 4)) || { echo "only $bundles bundles under Fixtures/captures/fleet"; exit 1; }
exit $failed
