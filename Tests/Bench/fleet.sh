#!/usr/bin/env bash
# Tests/Bench/fleet.sh — a simulated fleet through one mosquitto and two collectors (issue 13).
#
#   bash Tests/Bench/fleet.sh [CANDOR]
#
# Environment (defaults in brackets): VEHICLES [50], DURATION simulated seconds per vehicle
# [600], SPEED replay time factor [10], DRAIN_VEHICLES for the throughput phase [10], SEED [7].
#
# Phase 1, the fleet: one bundle per vehicle kind (van, bus, fcev) is simulated once; VEHICLES
# gateways — each a `candor replay --speed SPEED` of one bundle under its own vehicle name, its
# own outbox and client id, with the default uplink (60 s windows of the mapped roles, health,
# episodes, operations) — publish in parallel to one mosquitto on a free port; two
# `candor collect` of one shared-subscription group write two fleet stores. Printed: messages/s
# while the gateways ran, records stored, duplicates, and window-close-to-commit latency p50/p99
# (each collector's own figures from its `stopped` line; the commit is the fleet store's).
#
# Phase 2, collector throughput: the collectors are stopped (their persistent sessions stay
# subscribed), DRAIN_VEHICLES gateways replay as fast as possible with every signal's 1 s and
# 60 s windows uplinked, and mosquitto queues it all for the two sessions; then both collectors
# are started and drain the queue. Printed: records, wall time, the collectors' CPU time
# (utime + stime before they stop) and records per CPU-second, i.e. per core.
#
# A measurement, not a gate: the numbers depend on the machine and its load; the script fails
# only when a process fails or records are missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
candor="$(realpath "${1:-$repo/.build/release/candor}")"
[[ -x "$candor" ]] || { echo "no candor executable at $candor (swift build -c release first)" >&2; exit 2; }
command -v mosquitto >/dev/null || { echo "mosquitto is not installed (apt install mosquitto)" >&2; exit 2; }
vehicles="${VEHICLES:-50}" duration="${DURATION:-600}" speed="${SPEED:-10}"
drain_vehicles="${DRAIN_VEHICLES:-10}" seed="${SEED:-7}"
work="$(mktemp -d "${TMPDIR:-/tmp}/candor-fleet-XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
echo "fleet bench: $vehicles vehicles x ${duration} s at ${speed}x, seed $seed, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $work/
max_queued_messages 0
max_queued_bytes 0
EOF
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
url="mqtt://127.0.0.1:$port"

# await FILE TEXT SECONDS: until FILE contains TEXT (a log line; no event to wait on).
await() {
    local deadline=$((SECONDS + $3))
    until grep -q "$2" "$1" 2>/dev/null; do
        (( SECONDS < deadline )) || { echo "timed out waiting for '$2' in $1" >&2; tail -5 "$1" >&2; exit 1; }
        sleep 0.2
    done
}
# cpu PID: utime + stime in seconds.
cpu() { awk -v tick="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.2f", (f[12] + f[13]) / tick }' "/proc/$1/stat"; }
# field NAME LOGFILE: the value of NAME= on the collector's stopped line.
field() { grep 'stopped' "$2" | tail -1 | grep -o "$1=[^ ]*" | cut -d= -f2 | tr -d '"'; }

for kind in van bus fcev; do
    "$candor" simulate --vehicle "$kind" --duration "$duration" --seed "$seed" --output "$work/$kind" > /dev/null 2>&1
done
echo "simulated one bundle per kind: $(du -sh "$work" | cut -f1)"

# gateway_config INDEX KIND EXTRA: a config for vehicle KIND-INDEX in KIND's bundle folder.
gateway_config() {
    local name="$2-$(printf %02d "$1")" config="$work/$2/gw-$1.yaml"
    sed -E "s/^  $2[0-9]+:/  $name:/" "$work/$2/candor.yaml" > "$config"
    printf 'uplink:\n  mqtt: { url: "%s", fleet: bench }\n  outbox: { path: %s }\n%s' \
        "$url" "$work/outbox-$1" "$3" >> "$config"
    echo "$config"
}
kinds=(van bus fcev)

# start_collectors: collectors a and b, their pids in $a and $b (children of this shell).
start_collectors() {
    "$candor" collect --mqtt "$url" --fleet bench --client-id collect-a --sqlite "$work/fleet-a.db" > /dev/null 2>> "$work/collect-a.log" &
    a=$!
    "$candor" collect --mqtt "$url" --fleet bench --client-id collect-b --sqlite "$work/fleet-b.db" > /dev/null 2>> "$work/collect-b.log" &
    b=$!
    pids+=("$a" "$b")
}
start_collectors
await "$work/collect-a.log" subscribed 30
await "$work/collect-b.log" subscribed 30

# Phase 1.
gateways=()
start=$(date +%s.%N)
for i in $(seq 1 "$vehicles"); do
    kind="${kinds[$(( (i - 1) % 3 ))]}"
    config="$(gateway_config "$i" "$kind" "")"
    "$candor" replay --config "$config" --speed "$speed" "$work/$kind/capture.log" > /dev/null 2> "$work/gw-$i.log" &
    gateways+=($!)
done
failed=0
for pid in "${gateways[@]}"; do wait "$pid" || failed=$((failed + 1)); done
end=$(date +%s.%N)
(( failed == 0 )) || { echo "$failed gateways failed:" >&2; grep -h "candor:" "$work"/gw-*.log | sort | uniq -c | head >&2; exit 1; }
stored=$(grep -ho 'uplink: [0-9]* records in [0-9]* messages stored, [0-9]* acknowledged' "$work"/gw-*.log |
    awk '{ r += $2; m += $5; a += $8 } END { print r, m, a }')
read -r records messages acked <<< "$stored"
(( acked == messages )) || { echo "gateways: $acked of $messages messages acknowledged" >&2; exit 1; }
# Every acknowledged message reaches a collector; wait until both stores hold every record.
count() { sqlite3 -readonly "$1" "SELECT count(*) FROM uplinked_record" 2>/dev/null || echo 0; }
deadline=$((SECONDS + 120))
until (( $(count "$work/fleet-a.db") + $(count "$work/fleet-b.db") >= records )); do
    (( SECONDS < deadline )) || { echo "collectors stored $(( $(count "$work/fleet-a.db") + $(count "$work/fleet-b.db") )) of $records records" >&2; exit 1; }
    sleep 0.2
done
cpu_a=$(cpu "$a"); cpu_b=$(cpu "$b")
kill -TERM "$a" "$b"; wait "$a" "$b" || true
wall=$(echo "$end - $start" | bc -l)
printf 'phase 1: %d gateways, %d messages (%d records) in %.1f s: %.0f messages/s, %.0f records/s\n' \
    "$vehicles" "$messages" "$records" "$wall" "$(echo "$messages / $wall" | bc -l)" "$(echo "$records / $wall" | bc -l)"
for c in a b; do
    printf '  collector %s: %s messages, %s records, %s duplicates, lag p50 %s s, p99 %s s, max %s s, CPU %s s\n' "$c" \
        "$(field messages "$work/collect-$c.log")" "$(field records "$work/collect-$c.log")" "$(field duplicates "$work/collect-$c.log")" \
        "$(field lag_p50_s "$work/collect-$c.log")" "$(field lag_p99_s "$work/collect-$c.log")" "$(field lag_max_s "$work/collect-$c.log")" \
        "$([[ $c == a ]] && echo "$cpu_a" || echo "$cpu_b")"
done

# Phase 2: the broker queues DRAIN_VEHICLES gateways' every 1 s and 60 s window for the collectors.
rm -rf "$work"/outbox-*
drainers=()
for i in $(seq 1 "$drain_vehicles"); do
    kind="${kinds[$(( (i - 1) % 3 ))]}"
    config="$(gateway_config "$((100 + i))" "$kind" $'  windows: [1s, 60s]\n  signals: all\n  queue: 1000000\n  drain_timeout: 120s\n')"
    "$candor" replay --config "$config" "$work/$kind/capture.log" > /dev/null 2> "$work/gw-$((100 + i)).log" &
    drainers+=($!)
done
for pid in "${drainers[@]}"; do wait "$pid" || { echo "a phase 2 gateway failed" >&2; exit 1; }; done
queued=$(grep -ho 'uplink: [0-9]* records in [0-9]* messages stored, [0-9]* acknowledged' "$work"/gw-1[0-9][0-9].log |
    awk '{ r += $2; m += $5; a += $8 } END { print r, m, a }')
read -r records messages acked <<< "$queued"
(( acked == messages )) || { echo "phase 2: $acked of $messages messages acknowledged" >&2; exit 1; }
before=$(( $(count "$work/fleet-a.db") + $(count "$work/fleet-b.db") ))
start=$(date +%s.%N)
start_collectors
stored() { echo $(( $(count "$work/fleet-a.db") + $(count "$work/fleet-b.db") - before )); }
deadline=$((SECONDS + 600))
until (( $(stored) >= records )); do
    (( SECONDS < deadline )) || { echo "phase 2: the collectors stored $(stored) of $records records" >&2; exit 1; }
    sleep 0.1
done
end=$(date +%s.%N)
cpu_a=$(cpu "$a"); cpu_b=$(cpu "$b")
kill -TERM "$a" "$b"; wait "$a" "$b" || true
wall=$(echo "$end - $start" | bc -l)
total=$(echo "$cpu_a + $cpu_b" | bc -l)
printf 'phase 2: two collectors drained %d records (%d messages of %d gateways: 1 s + 60 s windows of every signal) in %.1f s wall, %s + %s s CPU: %.0f records per CPU-second\n' \
    "$records" "$messages" "$drain_vehicles" "$wall" "$cpu_a" "$cpu_b" "$(echo "$records / $total" | bc -l)"
kill -TERM "${pids[0]}"; wait "${pids[0]}" || true  # mosquitto
