#!/usr/bin/env bash
# The whole test suite, as README's quick start and CI (.ci/run) run it:
#   bash Tests/run.sh
# 1. installs what the tests need (Tests/setup.sh: apt packages, .venv pinned by
#    Tests/requirements.lock) and checks that every oracle is there: CANDOR_VENV is set, so a
#    test whose oracle (a tool or a Python package) is missing fails instead of skipping,
# 2. builds and runs `swift test` (unit, property and end-to-end fixture tests),
# 3. runs the opendbc differential test (cantools vs candor on 115 real DBCs), the random-DBC
#    one, and compares replay/decode of the committed bundles across processes and with
#    Fixtures/golden,
# 4. fuzzes every parser of untrusted bytes briefly (Tests/Fuzz/run.sh, libFuzzer + ASan),
#    and runs the threaded tests under ThreadSanitizer (Tests/Sanitizers/tsan.sh),
# 5. boots a real Linux kernel under qemu and runs the SocketCAN checks (Tests/VM/run.sh),
# then prints one closing line `suite: N passed, N failed` over the stages.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
export CANDOR_VENV=${CANDOR_VENV:-$repo/.venv}

passed=0
failed=0
failures=()
stage() {  # stage NAME COMMAND...: run, time and count one stage
    local name=$1
    shift
    local t0=$SECONDS
    printf '\n=== %s\n' "$name"
    if "$@"; then
        passed=$((passed + 1))
        printf '=== %s: passed in %ss\n' "$name" $((SECONDS - t0))
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '=== %s: FAILED in %ss\n' "$name" $((SECONDS - t0))
    fi
}

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

stage "setup (apt packages, .venv)" sudo_if_needed env CANDOR_VENV="$CANDOR_VENV" sh Tests/setup.sh
if ((failed > 0)); then
    echo "suite: $passed passed, $failed failed"
    exit 1
fi
# Every external oracle the tests compare with, present before anything runs.
oracle_tools="tshark editcap mergecap text2pcap log2asc asc2log canplayer candump systemd-analyze sqlite3 gzip mosquitto_sub mosquitto_pub openssl chromium"
oracles_present() {
    local tool missing=""
    for tool in $oracle_tools; do command -v "$tool" > /dev/null || missing="$missing $tool"; done
    [ -z "$missing" ] || { echo "oracle tools missing:$missing"; return 1; }
    echo "oracle tools present: $oracle_tools"
    "$CANDOR_VENV/bin/python" -c 'import cantools, can, opendbc, prometheus_client; print("python oracles: cantools", cantools.__version__, "python-can", can.__version__)'
}
stage "oracles present (tools, pinned venv)" oracles_present
stage "build" swift build --build-tests
stage "swift test" swift test --skip-build
stage "opendbc differential (cantools vs candor)" \
    "$CANDOR_VENV/bin/python" Tests/Oracle/opendbc_differential.py --candor "$repo/.build/debug/candor"
stage "random-DBC differential (cantools vs candor)" \
    "$CANDOR_VENV/bin/python" Tests/Oracle/random_dbc_differential.py --candor "$repo/.build/debug/candor"
stage "capture differential (python-can, cantools vs candor)" \
    "$CANDOR_VENV/bin/python" Tests/Oracle/capture_differential.py --candor "$repo/.build/debug/candor"
# Replay and decode of the committed bundles: two processes give the same bytes, equal to
# Fixtures/golden (regenerate with `bash Fixtures/tools/golden.sh write` when a change is meant).
stage "determinism across processes, golden outputs" bash Fixtures/tools/golden.sh check "$repo/.build/debug/candor"
# libFuzzer + AddressSanitizer: every parser of untrusted bytes from the committed seeds
# (Tests/Fuzz/seeds.txt), its regression inputs replayed first, then a fixed number of
# executions (about 15 s a target idle) that two runs make alike. Its own debug build
# (.build-fuzz): 2.5 min of CPU, 8 min at host load 20 (README, Testing).
stage "fuzz smoke (every libFuzzer target, ASan)" bash Tests/Fuzz/run.sh
# ThreadSanitizer over the threaded tests (the subset is listed in the script): its own build
# (.build-tsan) took 7 min of CPU (40 min wall at host load 20), the run 2.5 min of CPU (7 min).
stage "ThreadSanitizer (threaded tests)" bash Tests/Sanitizers/tsan.sh
stage "live checks under a real Linux kernel (qemu)" bash Tests/VM/run.sh

echo
((failed > 0)) && printf 'failed stages: %s\n' "${failures[*]}"
echo "suite: $passed passed, $failed failed"
((failed == 0))
