#!/usr/bin/env python3
"""Differential test on random DBC files: candor (parser + decode plan + CLI) against cantools 45.1.0.

    $CANDOR_VENV/bin/python Tests/Oracle/random_dbc_differential.py [--candor PATH] [--seed N] [--dbcs N]

Writes N random DBC files (fixed, printed seed) into a temp dir: classic and FD messages, standard
and extended ids, Intel and Motorola signals of 1-64 bits anywhere in the frame, signed and
unsigned, IEEE float32/float64, factors and offsets written as integers, integer-valued reals
(`2.0`, `1E1`) and reals (`0.1`, `1e-05`, `-0.5`) (integer results may leave 64 bits, as
cantools' Python ints do), simple multiplexing with VAL_ labels on some switches, scaled
switches, SG_MUL_VAL_ ranges next to m<v> markers, and nested (extended) multiplexing; switches
are unsigned unless --signed-switches. For each: random valid frames plus all-0x00/all-0xFF, decoded by cantools into
canonical lines and by `candor decode --format jsonl`; every line must match. Then the same with
`--j1939`, adding frames whose extended ids differ in source address, priority or PDU1
destination.
Exits 1 on any mismatch or failure.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Fixtures", "tools"))

import cantools  # noqa: E402

import canonical_lines  # noqa: E402
import candump_log  # noqa: E402
import corner_fixtures as corner  # noqa: E402

LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 12, 16, 24, 32, 48, 64]
INTEGER_FACTORS = ["1", "2", "-3", "10", "2.0", "1E1", "-1", "1.0"]
REAL_FACTORS = ["0.1", "0.001", "-0.5", "1e-05", "3.0517578125e-05", "0.25", "0.0625", "1.5", "-0.01", "100.5"]
INTEGER_OFFSETS = ["0", "-40", "1000", "-4E+1", "0.0", "7"]
REAL_OFFSETS = ["0.5", "-1000.25", "0.1", "-273.15", "1e-3"]


def motorola_positions(start, length):
    positions, position = [], start
    for _ in range(length):
        positions.append(position)
        position = position + 15 if position % 8 == 0 else position - 1
    return positions


def place(rng, used, frame_bits, length, tries=40):
    """(start, byte order) for a signal of `length` bits on free bits, or None."""
    for _ in range(tries):
        if rng.random() < 0.5:
            start = rng.randrange(0, frame_bits - length + 1)
            bits = list(range(start, start + length))
            order = "1"
        else:
            start = rng.randrange(0, frame_bits)
            bits = motorola_positions(start, length)
            order = "0"
        if max(bits) < frame_bits and min(bits) >= 0 and not used.intersection(bits) and \
                all(b // 8 < frame_bits // 8 for b in bits):
            used.update(bits)
            return start, order
    return None


def signal_text(rng, name, start, order, length, mux=""):
    signed = rng.random() < 0.4
    if rng.random() < 0.5:
        factor, offset = rng.choice(INTEGER_FACTORS), rng.choice(INTEGER_OFFSETS)
    else:
        factor, offset = rng.choice(REAL_FACTORS + INTEGER_FACTORS), rng.choice(REAL_OFFSETS + INTEGER_OFFSETS)
    sign = "-" if signed else "+"
    marker = f" {mux}" if mux else ""
    return f' SG_ {name}{marker} : {start}|{length}@{order}{sign} ({factor},{offset}) [0|0] "" Vector__XXX'


def ranges_text(values):
    values = sorted(values)
    parts, first = [], None
    for i, v in enumerate(values):
        if first is None:
            first = v
        if i + 1 == len(values) or values[i + 1] != v + 1:
            parts.append(f"{first}-{v}")
            first = None
    return ", ".join(parts)


def branch_signals(rng, name, frame_bits, branch_used, marker, count):
    """Signals of one multiplex branch on bits free in `branch_used`: [(signal name, SG_ line)]."""
    out = []
    for k in range(count):
        free = frame_bits - len(branch_used)
        if free <= 0:
            break
        sig_length = rng.randrange(1, min(17, free) + 1)
        spot = place(rng, branch_used, frame_bits, sig_length)
        if spot:
            sname = f"{name}_{k}"
            out.append((sname, signal_text(rng, sname, spot[0], spot[1], sig_length, marker)))
    return out


def mux_block(rng, name, number, frame_bits, used, lines, tail, signed_switches):
    """One multiplexed group: `simple` (M / m<v>), `ranges` (plus SG_MUL_VAL_ ranges on one switch,
    which cantools unites with the m<v> marker) or `nested` (m<v>M, every muxed signal mapped by
    SG_MUL_VAL_, as cantools requires once a message has two switches)."""
    switch_length = rng.randrange(1, 5)
    spot = place(rng, used, frame_bits, switch_length)
    if not spot:
        return
    switch = f"{name}_SW"
    # cantools picks the branch by int(scaled switch value): sometimes scale the switch.
    scaling = rng.choice(["1,0"] * 4 + ["2,1", "0.5,0"])
    sign = "-" if signed_switches and rng.random() < 0.3 else "+"
    lines.append(f' SG_ {switch} M : {spot[0]}|{switch_length}@{spot[1]}{sign} ({scaling}) [0|0] "" Vector__XXX')
    mode = rng.choice(["simple", "ranges", "nested"])
    universe = list(range(1 << switch_length))
    values = rng.sample(universe, min(3, len(universe)))
    spare = [v for v in universe if v not in values]
    rng.shuffle(spare)
    shared = set(used)
    nested_host = rng.choice(values) if mode == "nested" else None
    for value in values:
        branch_used = set(shared)
        if value == nested_host:
            inner_length = rng.randrange(1, 4)
            inner_spot = place(rng, branch_used, frame_bits, inner_length)
            if inner_spot:
                inner = f"{name}_IN{value}"
                lines.append(f' SG_ {inner} m{value}M : {inner_spot[0]}|{inner_length}@{inner_spot[1]}+ (1,0) [0|0] "" Vector__XXX')
                tail.append(f"SG_MUL_VAL_ {number} {inner} {switch} {value}-{value};")
                inner_shared = set(branch_used)
                inner_values = rng.sample(range(1 << inner_length), min(2, 1 << inner_length))
                for inner_value in inner_values:
                    inner_used = set(inner_shared)
                    for sname, text in branch_signals(rng, f"{name}_N{inner_value}", frame_bits, inner_used,
                                                      f"m{inner_value}", rng.randrange(1, 3)):
                        lines.append(text)
                        tail.append(f"SG_MUL_VAL_ {number} {sname} {inner} {inner_value}-{inner_value};")
                    branch_used.update(inner_used)
        extra = [spare.pop() for _ in range(min(len(spare), rng.randrange(0, 3)))] if mode == "ranges" else []
        for sname, text in branch_signals(rng, f"{name}_M{value}", frame_bits, branch_used, f"m{value}",
                                          rng.randrange(1, 4)):
            lines.append(text)
            if mode == "nested":
                tail.append(f"SG_MUL_VAL_ {number} {sname} {switch} {value}-{value};")
            elif extra and rng.random() < 0.7:
                tail.append(f"SG_MUL_VAL_ {number} {sname} {switch} {ranges_text(extra)};")
        used.update(branch_used)
    if mode != "nested" and rng.random() < 0.5:
        labels = " ".join(f'{v} "V{v}"' for v in universe if rng.random() < 0.5)
        if labels:
            tail.append(f"VAL_ {number} {switch} {labels} ;")


def random_dbc(rng, index, signed_switches):
    lines = ['VERSION ""', "", "NS_ :", "", "BS_:", "", "BU_: ECU", ""]
    tail = []
    used_ids = set()
    for m in range(rng.randrange(2, 7)):
        length = rng.choice(LENGTHS)
        extended = rng.random() < 0.3
        while True:
            frame_id = rng.randrange(0x20000000) if extended else rng.randrange(0x800)
            if (frame_id, extended) not in used_ids:
                used_ids.add((frame_id, extended))
                break
        number = frame_id | 0x80000000 if extended else frame_id
        name = f"MSG_{index}_{m}"
        lines.append(f"BO_ {number} {name}: {length} ECU")
        frame_bits = 8 * length
        used = set()
        if frame_bits:
            if length >= 2 and rng.random() < 0.35:
                mux_block(rng, name, number, frame_bits, used, lines, tail, signed_switches)
            for s in range(rng.randrange(1, 9)):
                free = frame_bits - len(used)
                if free <= 0:
                    break
                if rng.random() < 0.1 and free >= 32:
                    sig_length = rng.choice([32, 64]) if free >= 64 else 32
                    spot = place(rng, used, frame_bits, sig_length)
                    if spot:
                        sname = f"{name}_F{s}"
                        lines.append(signal_text(rng, sname, spot[0], spot[1], sig_length))
                        tail.append(f"SIG_VALTYPE_ {number} {sname} : {1 if sig_length == 32 else 2};")
                    continue
                sig_length = rng.choice([1, 2, 3, 4, 7, 8, 8, 12, 13, 16, 16, 20, 24, 31, 32, 33, 48, 63, 64])
                sig_length = min(sig_length, free)
                spot = place(rng, used, frame_bits, sig_length)
                if spot:
                    lines.append(signal_text(rng, f"{name}_S{s}", spot[0], spot[1], sig_length))
        lines.append("")
    return "\n".join(lines + tail) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candor", default=os.environ.get("CANDOR_BIN",
                                                           os.path.join(REPO, ".build", "debug", "candor")))
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--dbcs", type=int, default=150)
    parser.add_argument("--per-message", type=int, default=20)
    parser.add_argument("--keep", help="directory to keep the DBCs and logs in")
    parser.add_argument("--signed-switches", action="store_true", help="also generate signed multiplexer switches")
    parser.add_argument("--min-dbcs", type=int, default=None,
                        help="fail unless cantools loads at least this many DBCs (default: 90 %% of --dbcs)")
    parser.add_argument("--min-frames", type=int, default=None,
                        help="fail unless at least this many frames are compared (default: 100 per DBC)")
    args = parser.parse_args()
    if not os.access(args.candor, os.X_OK):
        print(f"candor executable not found: {args.candor}")
        return 2
    started = time.monotonic()
    rng = random.Random(args.seed)
    print(f"random DBC differential: seed {args.seed}, {args.dbcs} DBCs, cantools {cantools.__version__}, "
          f"candor {args.candor}")
    compared = mismatches = failures = refused = messages = signals = 0
    shown = 0
    with tempfile.TemporaryDirectory(prefix="candor-random-dbc-") as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        for index in range(args.dbcs):
            text = random_dbc(rng, index, args.signed_switches)
            dbc_path = os.path.join(folder, f"random_{index:03d}.dbc")
            with open(dbc_path, "w") as f:
                f.write(text)
            try:
                db = cantools.database.load_string(text, database_format="dbc", strict=False)
            except Exception as error:  # a generator bug, not a candor one: report and go on
                refused += 1
                print(f"  cantools refuses {dbc_path}: {str(error).splitlines()[0][:150]}")
                continue
            messages += len(db.messages)
            signals += sum(len(m.signals) for m in db.messages)
            oracle = canonical_lines.Oracle(db)
            log_lines, expected = [], []
            micros = 1_700_000_000_000_000
            for message in db.messages:
                length = corner.frame_length(message.length)
                payloads = [corner.random_payload(rng, message) for _ in range(args.per_message)]
                payloads += [bytes(length), bytes([0xFF]) * length]
                for payload in payloads:
                    micros += rng.randrange(1, 3000)
                    ident = f"{message.frame_id:08X}" if message.is_extended_frame else f"{message.frame_id:03X}"
                    body = f"##5{payload.hex().upper()}" if length > 8 else f"#{payload.hex().upper()}"
                    line = f"({micros // 1_000_000}.{micros % 1_000_000:06d}) can0 {ident}{body}"
                    try:
                        expected.append(oracle.line(candump_log.parse_line(line)))
                        log_lines.append(line)
                    except canonical_lines.Unspecified:
                        pass
            # The same frames plus J1939 variants of every extended id (another source address,
            # priority, PDU1 destination), decoded with --j1939 by PGN.
            j1939_lines = list(log_lines)
            for message in db.messages:
                if not message.is_extended_frame:
                    continue
                fid = message.frame_id
                variants = [(fid & ~0xFF) | rng.randrange(256), (fid & ~(0x7 << 26)) | (rng.randrange(8) << 26)]
                if ((fid >> 16) & 0xFF) < 240:
                    variants.append((fid & ~0xFF00) | (rng.randrange(256) << 8))
                for variant in variants:
                    payload = corner.random_payload(rng, message)
                    length = corner.frame_length(message.length)
                    body = f"##5{payload.hex().upper()}" if length > 8 else f"#{payload.hex().upper()}"
                    micros += rng.randrange(1, 3000)
                    j1939_lines.append(f"({micros // 1_000_000}.{micros % 1_000_000:06d}) can0 {variant:08X}{body}")
            j1939_oracle = canonical_lines.Oracle(db, j1939=True)
            j1939_expected, kept = [], []
            for line in j1939_lines:
                try:
                    j1939_expected.append(j1939_oracle.line(candump_log.parse_line(line)))
                    kept.append(line)
                except canonical_lines.Unspecified:
                    pass
            runs = [("", log_lines, expected, []), (".j1939", kept, j1939_expected, ["--j1939"])]
            for suffix, lines_in, wanted, options in runs:
                log_path = os.path.join(folder, f"random_{index:03d}{suffix}.log")
                with open(log_path, "w") as f:
                    f.write("\n".join(lines_in) + "\n")
                command = [args.candor, "decode", "--dbc", dbc_path, "--format", "jsonl", *options, log_path]
                try:
                    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
                except subprocess.TimeoutExpired:
                    result = subprocess.CompletedProcess(command, -9, "", "timed out after 300 s")
                if result.returncode != 0:
                    failures += 1
                    print(f"  FAIL {dbc_path} {' '.join(options)}: candor exit {result.returncode}: "
                          f"{result.stderr.strip()[:300]}")
                    continue
                got = result.stdout.splitlines()
                for number in range(max(len(wanted), len(got))):
                    want = wanted[number] if number < len(wanted) else "<no line>"
                    have = got[number] if number < len(got) else "<no line>"
                    compared += 1
                    if want != have:
                        mismatches += 1
                        if shown < 20:
                            shown += 1
                            print(f"  MISMATCH random_{index:03d}.dbc {' '.join(options)} line {number + 1}: "
                                  f"{lines_in[number] if number < len(lines_in) else '-'}\n"
                                  f"    cantools: {want}\n    candor:   {have}")
    print(f"summary: {args.dbcs} DBCs ({refused} refused by cantools), {messages} messages, {signals} signals; "
          f"frames compared {compared}, mismatches {mismatches}, candor failures {failures}; "
          f"{time.monotonic() - started:.1f} s")
    # A differential that compared (almost) nothing proves nothing.
    min_dbcs = args.min_dbcs if args.min_dbcs is not None else (args.dbcs * 9 + 9) // 10
    min_frames = args.min_frames if args.min_frames is not None else 100 * args.dbcs
    print(f"compared: {args.dbcs - refused} DBCs loaded by cantools (minimum {min_dbcs}), "
          f"{compared} frames (minimum {min_frames})")
    if args.dbcs - refused < min_dbcs or compared < min_frames:
        print("FAIL: fewer DBCs or frames compared than the minimum")
        return 1
    return 1 if mismatches or failures else 0


if __name__ == "__main__":
    sys.exit(main())
