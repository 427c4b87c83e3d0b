#!/usr/bin/env bash
# Tests/Sanitizers/tsan.sh — the threaded tests under ThreadSanitizer.
#
#   bash Tests/Sanitizers/tsan.sh            build into .build-tsan, run the threaded subset
#   TSAN_FILTER='GatewayTests.TailHubTests' bash Tests/Sanitizers/tsan.sh     another subset
#
# The subset: everything that runs threads, queues or sockets — the live gateway on the
# in-memory input (RunGatewayTests, RunQuietBusTests, RunTimedInputTests, RunReorderTests,
# DaemonTests), reload (RunReloadTests, RunReloadBoundaryTests), the tail hub and follower
# (TailHubTests, TailHubLimitTests, TailFollowTests), the recorder, the decoded log
# (DecodedLogTests, DecodedLogFilesTests), QueuedRecordService (RecordServiceTests), the
# Prometheus server (PrometheusTests), the SocketCAN reader queue and controller monitor
# (FrameQueueTests, ControllerMonitorTests), the MQTT client against a real mosquitto
# (MosquittoClientTests) and the uplink with its outbox (UplinkTests, OutboxTests).
# A data race fails the run (TSan's exit code 66); every report is printed. Suppressions
# (tsan.supp) are only for proven false positives outside our code, each with its reason.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo" || exit 1
scratch="$repo/.build-tsan"
gateway='RunGatewayTests|RunQuietBusTests|RunTimedInputTests|RunReorderTests|DaemonTests|RunReloadTests'
gateway+='|RunReloadBoundaryTests|TailHubTests|TailHubLimitTests|TailFollowTests|RecorderTests'
gateway+='|DecodedLogTests|DecodedLogFilesTests|RecordServiceTests|PrometheusTests'
filter="${TSAN_FILTER:-^(GatewayTests\.($gateway)|SocketCANTests\.(FrameQueueTests|ControllerMonitorTests)|MQTTTests\.MosquittoClientTests|UplinkTests|OutboxTests)[./]}"
export SWIFT_BACKTRACE=enable=no
export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$here/tsan.supp:history_size=4}"
say() { printf '[tsan] %s\n' "$*"; }

t0=$SECONDS
swift build --build-tests --sanitize=thread --scratch-path "$scratch" 2>&1 | grep -E 'error|warning: data race|Build' | tail -n 5
status=${PIPESTATUS[0]}
((status == 0)) || { say "build failed"; exit 1; }
say "built in $((SECONDS - t0)) s"
t1=$SECONDS
log="$scratch/tsan.log"
swift test --skip-build --sanitize=thread --scratch-path "$scratch" --filter "$filter" > "$log" 2>&1
status=$?
reports=$(grep -c '^WARNING: ThreadSanitizer' "$log")
grep -E '^(Test Suite|Executed|.*Test run with|.*tests? in .* passed|.*failed)' "$log" | tail -n 4
if ((reports > 0)); then
    say "$reports ThreadSanitizer report(s):"
    awk '/^WARNING: ThreadSanitizer/{p=1} p{print} /^SUMMARY: ThreadSanitizer/{p=0; print "--"}' "$log" | head -n 200
fi
say "ran in $((SECONDS - t1)) s (log: $log)"
((status == 0 && reports == 0))
