#!/usr/bin/env python3
"""Oracle: cantools decodes a simulator bundle and checks its truth.json, which the simulator
writes from its physical state (never from decoding its own frames).

    $CANDOR_VENV/bin/python Tests/Oracle/truth_cantools.py BUNDLE_DIR

Every mapped signal of the bundle's candor.yaml (`signals:`, `temperatures:` and `faults:`,
and each `signals.storage_subsystems` entry's voltage and current, named
`storage_subsystems.N.voltage` / `.current` with N from 1 in the list's order) is decoded by cantools from capture.log.gz and compared with truth.json:

- `samples`: each recorded (instant, physical value) against the cantools value of the frame
  written at that instant;
- `soc_start` / `soc_end` against the first / last SOC, `soc_min` / `soc_max`, `min_cell_voltage_v`,
  `max_cell_voltage_v`, `max_cell_temp_c` and `max_<name>_temp_c` against the extremes over
  every frame;
- the alarm episodes (`fault_episodes` with a level) against the episodes cantools' values of
  the fault flags give (opened by the first frame with level >= 1, closed by the first frame
  with level 0 or by the capture's end; the highest level): same kind, level and instants.

Values agree within half the signal's scale (the encoder rounds to the nearest raw value; a
physical value beyond the signal's range is compared with the range's end). J1939 messages
are matched by PGN as the bundle's `j1939: true` says. Prints one JSON object (counts and
mismatches); exit 1 on any mismatch, on a mapped signal without samples, or with fewer than
MIN_SAMPLES samples compared.
"""
import decimal
import gzip
import json
import re
import sys

import cantools

MIN_SAMPLES = 100


def microseconds(text):
    """Seconds as written (decimal text) to integer microseconds, exactly."""
    return int((decimal.Decimal(str(text)) * 1000000).to_integral_value())


def load_bundle(d):
    dbs, j1939, mapped = {}, set(), {}
    bus, section, subsystem = None, None, 0
    for line in open(d + "/candor.yaml"):
        m = re.match(r"      ([A-Za-z0-9_.:-]+):$", line)
        if m and section is None:
            bus = m.group(1)
        m = re.match(r"        dbc: (\S+)", line)
        if m:
            dbs[bus] = cantools.database.load_file(d + "/" + m.group(1))
        if re.match(r"        j1939: true", line):
            j1939.add(bus)
        m = re.match(r"    (signals|temperatures|faults):$", line)
        if m:
            section = m.group(1)
            continue
        if re.match(r"    [a-z_]+:", line):
            section = None
        m = re.match(r"      (\w+): \{ bus: (\S+), message: (\w+), signal: (\w+)", line)
        if m and section:
            name = m.group(1) if section == "signals" else section + "." + m.group(1)
            mapped[name] = (m.group(2), m.group(3), m.group(4))
        m = re.match(r"        (- |  )(voltage|current): \{ bus: (\S+), message: (\w+), signal: (\w+)", line)
        if m and section == "signals":
            subsystem += m.group(1) == "- "
            mapped["storage_subsystems.%d.%s" % (subsystem, m.group(2))] = (m.group(3), m.group(4), m.group(5))
    return dbs, j1939, mapped


def pgn_key(i):
    return ((i >> 8) & 0x3FF00) if ((i >> 16) & 0xFF) < 240 else ((i >> 8) & 0x3FFFF)


def find(db, fid, by_pgn):
    try:
        return db.get_message_by_frame_id(fid)
    except KeyError:
        if not by_pgn:
            return None
        c = [m for m in db.messages if m.is_extended_frame and pgn_key(m.frame_id) == pgn_key(fid)]
        return c[-1] if c else None


def main():
    d = sys.argv[1]
    truth = json.load(open(d + "/truth.json"), parse_float=decimal.Decimal)
    dbs, j1939, mapped = load_bundle(d)
    wanted = {}  # (bus, message) -> [(name, signal)]
    for name, (b, msg, sig) in mapped.items():
        wanted.setdefault((b, msg), []).append((name, sig))
    signal_of = {}
    for name, (b, msg, sig) in mapped.items():
        signal_of[name] = dbs[b].get_message_by_name(msg).get_signal_by_name(sig)
    series = {name: [] for name in mapped}  # name -> [(us, value)]
    cache = {}
    for line in gzip.open(d + "/capture.log.gz", "rt"):
        m = re.match(r"\((\d+)\.(\d{6})\) (\S+) ([0-9A-F]+)(##?)([0-9A-F]*)", line)
        us = int(m.group(1)) * 1000000 + int(m.group(2))
        b, ident, sep, data = m.group(3), m.group(4), m.group(5), m.group(6)
        fid = int(ident, 16)
        if len(ident) == 8 and fid & 0x20000000:
            continue  # error frame
        key = (b, fid)
        if key not in cache:
            msg = find(dbs[b], fid, b in j1939)
            cache[key] = (msg, wanted.get((b, msg.name), []) if msg else [])
        msg, names = cache[key]
        if not names:
            continue
        payload = bytes.fromhex(data[1:] if sep == "##" else data)
        values = msg.decode(payload, decode_choices=False, scaling=True)
        for name, sig in names:
            if sig in values:
                series[name].append((us, float(values[sig])))

    mismatches, compared = [], 0

    def tolerance(name):
        s = signal_of[name]
        return abs(s.scale) / 2 * (1 + 1e-9) + 1e-9

    def expected(name, value):
        """The physical value as the signal can carry it (clamped to its raw range)."""
        s = signal_of[name]
        if s.is_float:
            return value
        lo, hi = (-(1 << (s.length - 1)), (1 << (s.length - 1)) - 1) if s.is_signed else (0, (1 << s.length) - 1)
        ends = sorted([lo * s.scale + s.offset, hi * s.scale + s.offset])
        return min(max(value, ends[0]), ends[1])

    def check(what, name, truth_value, cantools_value):
        nonlocal compared
        compared += 1
        want = expected(name, float(truth_value))
        if cantools_value is None or abs(cantools_value - want) > tolerance(name):
            mismatches.append(f"{what}: truth {truth_value}, cantools {cantools_value} (± {tolerance(name):g})")

    samples = truth.get("samples", {})
    for name in sorted(mapped):
        recorded = samples.get(name, [])
        if len(recorded) < 2:
            mismatches.append(f"{name}: mapped in candor.yaml but {len(recorded)} samples in truth.json")
        at = dict(series[name])
        for t, v in recorded:
            check(f"{name} at {t}", name, v, at.get(microseconds(t)))
    sample_count = compared

    figures = 0
    def figure(key, name, pick):
        nonlocal figures
        if key in truth and truth[key] is not None and name in mapped:
            values = [v for _, v in series[name]]
            check(key, name, truth[key], pick(series[name], values) if values else None)
            figures += 1
    figure("soc_start", "soc", lambda s, v: s[0][1])
    figure("soc_end", "soc", lambda s, v: s[-1][1])
    figure("soc_min", "soc", lambda s, v: min(v))
    figure("soc_max", "soc", lambda s, v: max(v))
    figure("min_cell_voltage_v", "min_cell_voltage", lambda s, v: min(v))
    figure("max_cell_voltage_v", "max_cell_voltage", lambda s, v: max(v))
    figure("max_cell_temp_c", "max_cell_temperature", lambda s, v: max(v))
    for name in mapped:
        if name.startswith("temperatures."):
            figure("max_" + name.split(".", 1)[1] + "_temp_c", name, lambda s, v: max(v))

    end = microseconds(truth["capture_start"]) + int(truth["duration_s"]) * 1000000
    ours = []
    for name in mapped:
        if not name.startswith("faults."):
            continue
        start, level = None, 0
        for us, v in series[name]:
            if v >= 1:
                start, level = (us, int(v)) if start is None else (start, max(level, int(v)))
            elif start is not None:
                ours.append((name.split(".", 1)[1], level, start, us))
                start = None
        if start is not None:
            ours.append((name.split(".", 1)[1], level, start, end))
    theirs = [(e["kind"], int(e["level"]), microseconds(e["start"]), microseconds(e["end"]))
              for e in truth["fault_episodes"] if "level" in e]
    if sorted(ours) != sorted(theirs):
        mismatches.append(f"alarm episodes: cantools {sorted(ours)}, truth {sorted(theirs)}")
    if sample_count < MIN_SAMPLES:
        mismatches.append(f"only {sample_count} samples compared (minimum {MIN_SAMPLES})")
    print(json.dumps(dict(
        bundle=d.rstrip("/").split("/")[-1], mapped_signals=len(mapped), samples_compared=sample_count,
        figures_compared=figures, alarm_episodes=len(theirs), frames_decoded=sum(len(s) for s in series.values()),
        mismatches=mismatches[:50], mismatch_count=len(mismatches))))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
