#!/usr/bin/env bash
# Tests/Fuzz/run.sh — builds candor's libFuzzer targets under AddressSanitizer and runs them.
#
#   bash Tests/Fuzz/run.sh                       smoke: every target for FUZZ_SECONDS (default 20)
#   FUZZ_SECONDS=1800 bash Tests/Fuzz/run.sh FuzzDBC FuzzASC     a campaign of chosen targets
#
# Build: `swift build -c debug --sanitize=fuzzer --sanitize=address -Xswiftc
# -sanitize=fuzzer,address` into .build-fuzz (apart from .build; the toolchain ships
# libFuzzer); FUZZ_CONFIGURATION=release for a long campaign (faster executions, a longer
# build). The -Xswiftc flag is needed: SwiftPM passes its sanitizers to swiftc as separate
# `-sanitize=` flags in no fixed order and swiftc keeps only the last one, so without it the
# Swift code got either coverage and no AddressSanitizer, or AddressSanitizer and no coverage
# (the fuzzer blind but for ~4,650 counters of the C modules), a coin toss per build.
#
# Each target first replays its regression inputs (Tests/Fuzz/regressions/<Target>/: every
# input that once failed it), then fuzzes from its seed corpus (the files named in
# Tests/Fuzz/seeds.txt, plus the regressions) and the corpus grown by earlier runs
# (.build-fuzz/corpus/<Target>). A crash, a leak, an input taking over 60 s or a target using
# over 2 GB fails; the input is kept in .build-fuzz/artifacts/<Target>/. The time limit is
# wall-clock: at host load 20 a DBC input of 80 ms of CPU took 12 s, so 10 s flagged false
# hangs. Prints per target: seconds, executions, corpus size.
# Knobs: FUZZ_SECONDS, FUZZ_CONFIGURATION, FUZZ_SKIP_BUILD=1, FUZZ_SEED (default 1; printed).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SCRATCH="$REPO/.build-fuzz"
SECONDS_EACH="${FUZZ_SECONDS:-20}"
SEED="${FUZZ_SEED:-1}"
CONFIGURATION="${FUZZ_CONFIGURATION:-debug}"
ALL=(FuzzDBC FuzzCandumpLog FuzzCandumpASCII FuzzASC FuzzPcap FuzzPcapng FuzzConfig FuzzTail FuzzGBT32960)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL[@]}")
# With the Swift backtracer on, a crash under ASan is misreported and can leave a process
# holding the output pipe (robustness-testing.md).
export SWIFT_BACKTRACE=enable=no
# Allocation stacks of 8 frames instead of 30: recording them was a fifth of a text target's
# time; a report still names the allocating function and its callers.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=8}"
say() { printf '[fuzz] %s\n' "$*"; }
build_flags=(-c "$CONFIGURATION" --scratch-path "$SCRATCH" --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
# The coverage counters a target's binary has (libFuzzer prints them at start).
counters() {
    "$SCRATCH/$CONFIGURATION/$1" -runs=0 2>&1 | sed -n 's/^INFO: Loaded 1 modules *(\([0-9]*\) inline.*/\1/p' | head -n 1
}

if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
    t0=$SECONDS
    for target in "${TARGETS[@]}"; do
        swift build --product "$target" "${build_flags[@]}" 2>&1 | grep -E 'error|Compiling|Build' | tail -n 3
        [[ -x "$SCRATCH/$CONFIGURATION/$target" ]] || { say "$target: build failed"; exit 1; }
        # Coverage of the Swift code, not only of the C modules (about 4,650 counters), and
        # AddressSanitizer in it (see Build above).
        n=$(counters "$target")
        ((n >= 20000)) || { say "$target: only $n coverage counters: the Swift code is not instrumented"; exit 1; }
        nm -u "$SCRATCH/$CONFIGURATION/FuzzSupport.build/FuzzTargets.swift.o" | grep -q ' __asan_' \
            || { say "$target: the Swift code has no AddressSanitizer checks"; exit 1; }
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
    "$binary" "$corpus" "$seeds" "${dict[@]}" -seed="$SEED" -max_total_time="$SECONDS_EACH" -timeout=60 \
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
