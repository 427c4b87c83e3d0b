#!/bin/bash
# Replay throughput, CPU time (user + sys) per run, median of 3, and peak RSS.
#
#   Tests/Scripts/replay_speed.sh CANDOR BUNDLE [--sqlite]
#
# CANDOR is a release binary (swift build -c release --product candor); BUNDLE a directory
# written by `candor simulate` (candor.yaml + capture.log), e.g.
#   candor simulate --vehicle bus --seed 1 --duration 16m --output /tmp/bus1m    (1 003 200 frames)
#   candor simulate --vehicle van --seed 1 --duration 30m --output /tmp/van      (1 031 399 frames)
# With --sqlite the store is written to a fresh file in a temporary directory for every run.
set -euo pipefail
candor=$1 bundle=$2 store=${3:-}
frames=$(wc -l < "$bundle/capture.log")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in 1 2 3; do
    rm -f "$work"/m.db*
    extra=()
    [ -n "$store" ] && extra=(--sqlite "$work/m.db")
    /usr/bin/time -f "%U %S %M" -o "$work/time" \
        "$candor" replay --config "$bundle/candor.yaml" "$bundle/capture.log" "${extra[@]}" > /dev/null
    read -r user sys rss < "$work/time"
    cpu=$(echo "$user + $sys" | bc)
    echo "run $run: cpu ${cpu}s (user $user, sys $sys), peak RSS ${rss} KB"
    echo "$cpu" >> "$work/cpu"
done
median=$(sort -n "$work/cpu" | sed -n 2p)
echo "median cpu ${median}s, $frames frames, $(echo "scale=3; $frames / $median / 1000000" | bc) M frames/s"
