#!/usr/bin/env bash
# Tests/Fuzz/run.sh — builds candor's libFuzzer targets under AddressSanitizer and runs them.
#
#   bash Tests/Fuzz/run.sh                       smoke: every target for FUZZ_SECONDS (default 20)
#   FUZZ_SECONDS=1800 bash Tests/Fuzz/run.sh FuzzDBC FuzzASC     a campaign of chosen targets
#
# Build: `swift build -c debug --sanitize=fuzzer --sanitize=address` into .build-fuzz (apart
# from .build; the toolchain ships libFuzzer); FUZZ_CONFIGURATION=release for a long campaign
# (faster executions, a longer build). Each target first replays its regression inputs
# (Tests/Fuzz/regressions/<Target>/: every input that once crashed it), then fuzzes from its
# seed corpus (the fixtures named in Tests/Fuzz/seeds.txt, plus the regressions) and the
# corpus grown by earlier runs (.build-fuzz/corpus/<Target>). A crash, a leak, an input taking
# over 10 s or a target using over 2 GB fails; the input is kept in
# .build-fuzz/artifacts/<Target>/. Prints per target: seconds, executions, corpus size.
# Knobs: FUZZ_SECONDS, FUZZ_CONFIGURATION, FUZZ_SKIP_BUILD=1, FUZZ_SEED (default 1; printed).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SCRATCH="$REPO/.build-fuzz"
SECONDS_EACH="${FUZZ_SECONDS:-20}"
SEED="${FUZZ_SEED:-1}"
CONFIGURATION="${FUZZ_CONFIGURATION:-debug}"
ALL=(FuzzDBC FuzzCandumpLog FuzzCandumpASCII FuzzASC FuzzPcap FuzzPcapng FuzzConfig FuzzTail)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL[@]}")
# With the Swift backtracer on, a crash under ASan is misreported and can leave a process
# holding the output pipe (robustness-testing.md).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
say() { printf '[fuzz] %s\n' "$*"; }
# The coverage counters a target's binary has (libFuzzer prints them at start).
counters() {
    "$SCRATCH/$CONFIGURATION/$1" -runs=0 2>&1 | sed -n 's/^INFO: Loaded 1 modules *(\([0-9]*\) inline.*/\1/p' | head -n 1
}

if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
    t0=$SECONDS
    for target in "${TARGETS[@]}"; do
        swift build -c "$CONFIGURATION" --product "$target" --scratch-path "$SCRATCH" \
            --sanitize=fuzzer --sanitize=address -Xswiftc -use-ld=lld 2>&1 | grep -E 'error|warning: unre|Compiling|Build' | tail -n 3
        [[ -x "$SCRATCH/$CONFIGURATION/$target" ]] || { say "$target: build failed"; exit 1; }
        # Seen once on a fresh scratch path: the first product linked with almost no coverage
        # counters (4,649 instead of 50,360). Relink such a binary.
        if (($(counters "$target") < 20000)); then
            say "$target: only $(counters "$target") coverage counters; relinking"
            rm -f "$SCRATCH/$CONFIGURATION/$target"
            swift build -c "$CONFIGURATION" --product "$target" --scratch-path "$SCRATCH" \
                --sanitize=fuzzer --sanitize=address -Xswiftc -use-ld=lld 2>&1 | tail -n 1
            (($(counters "$target") >= 20000)) || { say "$target: still $(counters "$target") coverage counters"; exit 1; }
        fi
    done
    say "built ${#TARGETS[@]} targets in $((SECONDS - t0)) s"
fi

failed=()
for target in "${TARGETS[@]}"; do
    binary="$SCRATCH/$CONFIGURATION/$target"
    seeds="$SCRATCH/seeds/$target" corpus="$SCRATCH/corpus/$target" artifacts="$SCRATCH/artifacts/$target"
    rm -rf "$seeds" && mkdir -p "$seeds" "$corpus" "$artifacts"
    (cd "$REPO" && awk -v t="$target" '$1 == t { print $2 }' "$HERE/seeds.txt" | while read -r glob; do
        for file in $glob; do [[ -f "$file" ]] && cp "$file" "$seeds/"; done
    done)
    regressions=()
    if [[ -d "$HERE/regressions/$target" ]]; then
        cp "$HERE/regressions/$target"/* "$seeds/" 2>/dev/null
        mapfile -t regressions < <(find "$HERE/regressions/$target" -type f | sort)
    fi
    (($(ls "$seeds" | wc -l) > 0)) || { say "$target: no seed files (Tests/Fuzz/seeds.txt)"; failed+=("$target"); continue; }
    if ((${#regressions[@]})); then
        if ! "$binary" -runs=0 "${regressions[@]}" > "$artifacts/regressions.log" 2>&1; then
            say "$target: a regression input fails again:"; tail -n 30 "$artifacts/regressions.log"; failed+=("$target"); continue
        fi
        say "$target: ${#regressions[@]} regression inputs pass"
    fi
    dict=()
    case "$target" in
        FuzzDBC) dict=(-dict="$HERE/dbc.dict") ;;
        FuzzConfig) dict=(-dict="$HERE/config.dict") ;;
    esac
    log="$artifacts/fuzz.log"
    t0=$SECONDS
    "$binary" "$corpus" "$seeds" "${dict[@]}" -seed="$SEED" -max_total_time="$SECONDS_EACH" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" > "$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    units=$(ls "$corpus" | wc -l)
    if ((status != 0)); then
        say "$target: FAILED (exit $status) after $((SECONDS - t0)) s, ${execs:-?} executions; input kept in $artifacts/"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*runtime failure|.*Swift runtime failure)' "$log" | head -n 5
        grep -E '^    #[0-9]+ ' "$log" | head -n 12
        failed+=("$target")
    else
        say "$target: ok, seed $SEED, $((SECONDS - t0)) s, ${execs:-?} executions, corpus $units inputs"
    fi
done

if ((${#failed[@]})); then
    say "failed: ${failed[*]}"
    exit 1
fi
say "all ${#TARGETS[@]} targets passed"
