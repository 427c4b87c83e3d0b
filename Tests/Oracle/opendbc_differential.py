#!/usr/bin/env python3
"""Differential test: `candor decode` against cantools 45.1.0 on every DBC of the PyPI opendbc
package (0.3.1: 115 files, found through `import opendbc`; nothing from it is committed).

    $CANDOR_VENV/bin/python Tests/Oracle/opendbc_differential.py [--candor PATH] [--seed N]
                                                                [--per-message N] [--max-frames N]

CANDOR_VENV defaults to .venv at the repo root (Tests/setup.sh makes it); the candor executable
is --candor, else $CANDOR_BIN, else .build/debug/candor.

For each DBC cantools loads (strict=False): `candor dbc check` must exit 0; random valid frames (fixed, printed seed; multiplexed
messages get valid switch values, nested), written as a candump log in a temp dir, decoded by
cantools into canonical lines (Fixtures/tools/canonical_lines.py) and by
`candor decode --dbc FILE --format jsonl LOG`; every line must be identical.
For each DBC cantools refuses: `candor dbc check` must exit 0 or 2 (no crash) and `candor decode`
must decode random frames of the file's BO_ messages: exit 0, one line per frame, msg not null.
Exits 1 on any mismatch or crash.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Fixtures", "tools"))

import cantools  # noqa: E402
import opendbc  # noqa: E402

import canonical_lines  # noqa: E402
import candump_log  # noqa: E402
import corner_fixtures as corner  # noqa: E402

SHOW_PER_FILE = 5


def opendbc_files():
    root = os.path.dirname(opendbc.__file__)
    found = []
    for directory, _dirs, files in os.walk(root):
        found += [os.path.join(directory, f) for f in files if f.endswith(".dbc")]
    return sorted(found), root


def log_line(micros, frame_id, extended, data, fd):
    secs, frac = divmod(micros, 1_000_000)
    ident = f"{frame_id:08X}" if extended else f"{frame_id:03X}"
    body = f"##5{data.hex().upper()}" if fd else f"#{data.hex().upper()}"
    return f"({secs}.{frac:06d}) can0 {ident}{body}"


def loaded_frames(rng, db, per_message, max_frames):
    """Log lines for random valid frames of every message (the last two of each: all 0x00 and
    all 0xFF), at most max_frames."""
    messages = list(db.messages)
    per = max(1, min(per_message, max_frames // max(1, len(messages))))
    lines = []
    micros = 1_700_000_000_000_000
    for message in messages:
        length = corner.frame_length(message.length)
        fd = length > 8 or message.is_fd
        payloads = [corner.random_payload(rng, message) for _ in range(max(1, per - 2))]
        payloads += [bytes([0x00]) * length, bytes([0xFF]) * length][:per - len(payloads)]
        for payload in payloads:
            micros += rng.randrange(1, 5000)
            lines.append(log_line(micros, message.frame_id, message.is_extended_frame, payload, fd))
    return lines


_BO = re.compile(r"^BO_\s+(\d+)\s+(\w+)\s*:\s*(\d+)", re.M)


def raw_messages(path):
    """(id, extended, name, length) of every BO_ line, read without cantools."""
    text = corner.read_dbc_text(path)
    found = []
    for match in _BO.finditer(text):
        number, name, length = int(match.group(1)), match.group(2), int(match.group(3))
        if name == "VECTOR__INDEPENDENT_SIG_MSG":
            continue
        extended = bool(number & 0x80000000) or (number & 0x7FFFFFFF) > 0x7FF
        found.append((number & 0x1FFFFFFF, extended, name, length))
    return found


def run(command):
    """Runs candor, killed after 300 s (a hang is a failure, not a stuck suite)."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as expired:
        return subprocess.CompletedProcess(command, -9, expired.stdout or "", f"timed out after 300 s: {command}")


def crashed(result):
    return result.returncode < 0 or result.returncode not in (0, 1, 2)


def describe(expected, got):
    try:
        a, b = json.loads(expected), json.loads(got)
    except ValueError:
        return f"    cantools: {expected}\n    candor:   {got}"
    notes = []
    for key in sorted(set(a) | set(b)):
        if key == "signals" and isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            for name in sorted(set(a[key]) | set(b[key])):
                va, vb = a[key].get(name, "<absent>"), b[key].get(name, "<absent>")
                if json.dumps(va) != json.dumps(vb):
                    notes.append(f"signal {name}: cantools {json.dumps(va)} candor {json.dumps(vb)}")
        elif json.dumps(a.get(key)) != json.dumps(b.get(key)):
            notes.append(f"{key}: cantools {json.dumps(a.get(key))} candor {json.dumps(b.get(key))}")
    text = "; ".join(notes) or "same values, different text"
    return f"    {text}\n    cantools: {expected}\n    candor:   {got}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candor", default=os.environ.get("CANDOR_BIN",
                                                           os.path.join(REPO, ".build", "debug", "candor")))
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--per-message", type=int, default=20)
    parser.add_argument("--max-frames", type=int, default=2000)
    parser.add_argument("--only", help="substring of the DBC file names to test")
    parser.add_argument("--min-files", type=int, default=None,
                        help="fail unless cantools loads at least this many files (default 90; 1 with --only)")
    parser.add_argument("--min-frames", type=int, default=None,
                        help="fail unless at least this many frames are compared (default 40000; 1 with --only)")
    args = parser.parse_args()
    if not os.access(args.candor, os.X_OK):
        print(f"candor executable not found: {args.candor} (build it, or pass --candor / CANDOR_BIN)")
        return 2

    started = time.monotonic()
    files, root = opendbc_files()
    if args.only:
        files = [f for f in files if args.only in f]
    print(f"opendbc {root}: {len(files)} DBC files; cantools {cantools.__version__}; seed {args.seed} "
          f"(per file: seed ^ crc32(relative path)); candor {args.candor}")

    loaded = refused = compared = mismatches = crashes = skipped = 0
    refused_decoded = 0
    problems = []
    unspecified_notes = set()
    with tempfile.TemporaryDirectory(prefix="candor-opendbc-") as tmp:
        for path in files:
            rel = os.path.relpath(path, root)
            seed = args.seed ^ zlib.crc32(rel.encode())
            rng = random.Random(seed)
            log_path = os.path.join(tmp, os.path.basename(path) + ".log")
            try:
                db = cantools.database.load_file(path, strict=False)
            except Exception as error:  # cantools raises several error types
                refused += 1
                reason = str(error).splitlines()[0][:120]
                check = run([args.candor, "dbc", "check", path])
                if crashed(check) or check.returncode == 1:
                    crashes += 1
                    problems.append(f"{rel}: candor dbc check exit {check.returncode}: {check.stderr.strip()[:300]}")
                    print(f"  CRASH {rel}: dbc check exit {check.returncode}")
                    continue
                messages = raw_messages(path)
                lines = []
                micros = 1_700_000_000_000_000
                for frame_id, extended, _name, length in messages:
                    for _ in range(min(args.per_message, 5)):
                        micros += rng.randrange(1, 5000)
                        size = corner.frame_length(length)
                        data = bytes(rng.getrandbits(8) for _ in range(size))
                        lines.append(log_line(micros, frame_id, extended, data, size > 8))
                with open(log_path, "w") as f:
                    f.write("\n".join(lines) + "\n")
                decode = run([args.candor, "decode", "--dbc", path, "--format", "jsonl", log_path])
                out = decode.stdout.splitlines()
                unknown = sum(1 for line in out if '"msg":null' in line)
                ok = decode.returncode == 0 and len(out) == len(lines) and unknown == 0
                refused_decoded += len(out) if ok else 0
                status = "ok" if ok else "FAIL"
                print(f"  refused by cantools ({reason}); candor check exit {check.returncode}, "
                      f"decode exit {decode.returncode}, {len(out)}/{len(lines)} lines, {unknown} unknown: {status} {rel}")
                if not ok:
                    crashes += 1
                    problems.append(f"{rel}: candor decode exit {decode.returncode}, {len(out)} of {len(lines)} lines, "
                                    f"{unknown} with msg null; stderr: {decode.stderr.strip()[:300]}")
                continue

            loaded += 1
            check = run([args.candor, "dbc", "check", path])
            if check.returncode != 0:  # cantools reads this file: candor must lose nothing either
                crashes += 1
                problems.append(f"{rel}: cantools loads it but candor dbc check exits {check.returncode}: "
                                f"{(check.stdout + check.stderr).strip()[:300]}")
            oracle = canonical_lines.Oracle(db)
            expected, kept = [], []
            for line in loaded_frames(rng, db, args.per_message, args.max_frames):
                frame = candump_log.parse_line(line)
                try:
                    expected.append(oracle.line(frame))
                    kept.append(line)
                except canonical_lines.Unspecified as unspecified:
                    skipped += 1
                    unspecified_notes.add(f"{rel}: {unspecified}")
            with open(log_path, "w") as f:
                f.write("\n".join(kept) + "\n")
            decode = run([args.candor, "decode", "--dbc", path, "--format", "jsonl", log_path])
            if crashed(decode) or decode.returncode != 0:
                crashes += 1
                problems.append(f"{rel}: candor decode exit {decode.returncode}: {decode.stderr.strip()[:300]}")
                print(f"  CRASH {rel}: decode exit {decode.returncode}")
                continue
            got = decode.stdout.splitlines()
            file_mismatches = 0
            for number in range(max(len(expected), len(got))):
                want = expected[number] if number < len(expected) else "<no line>"
                have = got[number] if number < len(got) else "<no line>"
                compared += 1
                if want != have:
                    file_mismatches += 1
                    if file_mismatches <= SHOW_PER_FILE:
                        problems.append(f"{rel}: line {number + 1} (log line: {kept[number] if number < len(kept) else '-'})\n"
                                        + describe(want, have))
            mismatches += file_mismatches
            print(f"  {'ok  ' if file_mismatches == 0 else 'DIFF'} {rel}: {len(expected)} frames, "
                  f"{file_mismatches} mismatches")

    for note in sorted(unspecified_notes):
        print(f"  not compared (cantools cannot decode it, candor unspecified): {note}")
    for problem in problems:
        print(problem)
    elapsed = time.monotonic() - started
    print(f"summary: {len(files)} files; cantools loads {loaded}, refuses {refused}; "
          f"frames compared {compared}, mismatches {mismatches}; frames skipped (cantools cannot "
          f"decode, candor unspecified) {skipped}; refused files: {refused_decoded} frames decoded; "
          f"crashes/failures {crashes}; {elapsed:.1f} s")
    # An oracle that compared (almost) nothing proves nothing: a missing corpus, a cantools
    # that refuses everything or an empty decode must fail, not pass.
    min_files = args.min_files if args.min_files is not None else (1 if args.only else 90)
    min_frames = args.min_frames if args.min_frames is not None else (1 if args.only else 40000)
    print(f"compared: {loaded} files loaded by cantools (minimum {min_files}), {compared} frames (minimum {min_frames})")
    if loaded < min_files or compared < min_frames:
        print("FAIL: fewer files or frames compared than the minimum")
        return 1
    return 1 if mismatches or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
