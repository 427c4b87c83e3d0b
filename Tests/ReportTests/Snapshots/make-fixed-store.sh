#!/usr/bin/env bash
# Writes Tests/ReportTests/Snapshots/fixed-store.sql: the store ReportSnapshotTests loads with
# `sqlite3` and reports on. Run from the repository root after `swift build`:
#
#     bash Tests/ReportTests/Snapshots/make-fixed-store.sh .build/debug/candor
#     CANDOR_UPDATE_SNAPSHOTS=1 swift test --skip-build --filter ReportSnapshotTests
#
# The store holds the committed fixture bundles replayed as a user replays them (van01, van02
# with every fault, van03 with a DC and an AC charge, bus01, fcev01) and bus02, a city bus whose
# ACC disengages by each cause and whose AEB brakes (`candor simulate --vehicle bus --cycle urban
# --duration 360 --seed 35`, as FleetStore.AccBus in ReportFixtures.swift), so that every page
# of the report, the smart-connected one included, has real figures. Then it is trimmed to the
# rows the report reads (StoreReader): the SOC signal's longest windows, the longest message
# and bus health windows, every episode and operations row.
set -euo pipefail
candor=$(realpath "${1:?usage: make-fixed-store.sh PATH/TO/candor}")
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/candor-fixed-store-XXXXXX)
trap 'rm -rf "$work"' EXIT
store=$work/fixed.db
fleet=$root/Fixtures/captures/fleet

# bundle, vehicle: the vans other than van01 renamed in a copy of their config.
replay() {
    local source=$1 vehicle=$2 config=$1/candor.yaml capture
    if [ "$vehicle" = van02 ] || [ "$vehicle" = van03 ]; then
        mkdir -p "$work/$vehicle"
        cp "$source/van.dbc" "$work/$vehicle/"
        sed "s/^  van01:/  $vehicle:/" "$config" > "$work/$vehicle/candor.yaml"
        config=$work/$vehicle/candor.yaml
    fi
    capture=$(ls "$source"/capture.log*)
    "$candor" replay --config "$config" "$capture" --sqlite "$store" > /dev/null
}

"$candor" simulate --vehicle bus --cycle urban --duration 360 --seed 35 --output "$work/bus-acc" 2> /dev/null
sed -i 's/^  bus01:/  bus02:/' "$work/bus-acc/candor.yaml"

replay "$fleet/van-cltc-p" van01
replay "$fleet/van-urban-faults" van02
replay "$fleet/van-charging-stops" van03
replay "$fleet/bus-c-wtvc" bus01
replay "$fleet/fcev-urban" fcev01
replay "$work/bus-acc" bus02

# Schema 6 keeps signal windows eight to a row (signal_window is a view over
# signal_window_group): the kept windows go back one to a row, which the schema allows.
sqlite3 "$store" <<'SQL'
CREATE TEMP TABLE kept AS SELECT * FROM signal_window
    WHERE window_length = (SELECT max(window_length) FROM signal_window_group)
    AND signal_id IN (SELECT signal_id FROM signal WHERE name = 'SOC' OR name LIKE '%\_SOC' ESCAPE '\');
DELETE FROM signal_window_group;
INSERT INTO signal_window_group (window_length, window_start, signal_id_1, count_1, minimum_1, maximum_1,
                                 mean_1, last_1, stddev_1, first_time_1, last_time_1)
    SELECT window_length, window_start, signal_id, count, minimum, maximum, mean, last, stddev, first_time, last_time
    FROM kept ORDER BY window_length, window_start, signal_id;
DELETE FROM signal WHERE signal_id NOT IN (SELECT signal_id FROM kept);
DELETE FROM message_health WHERE window_length <> (SELECT max(window_length) FROM message_health);
DELETE FROM bus_health WHERE window_length <> (SELECT max(window_length) FROM bus_health);
VACUUM;
SQL
{
    sqlite3 "$store" .dump
    echo "PRAGMA application_id = $(sqlite3 "$store" 'PRAGMA application_id;');"
    echo "PRAGMA user_version = $(sqlite3 "$store" 'PRAGMA user_version;');"
} > "$root/Tests/ReportTests/Snapshots/fixed-store.sql"
echo "wrote Tests/ReportTests/Snapshots/fixed-store.sql ($(wc -c < "$root/Tests/ReportTests/Snapshots/fixed-store.sql") bytes, schema $(sqlite3 "$store" 'PRAGMA user_version;'))"
