#!/usr/bin/env python3
"""Regenerates every file in Fixtures/expected/ from cantools 45.1.0 (the oracle).

    .venv/bin/python Fixtures/tools/cantools_expected.py       # or $CANDOR_VENV/bin/python

For each Fixtures/dbc/corner/<name>.dbc with a capture Fixtures/captures/corner/<name>.log:
  - cantools loads it (strict=False): <name>.jsonl is what cantools decodes, as canonical lines
    (`candor decode --dbc <name>.dbc --format jsonl <name>.log` must print exactly this);
  - cantools refuses it: <name>.refused holds cantools' exception text, and <name>.jsonl is decoded
    from the reviewed equivalent DBC (corner_fixtures.EQUIVALENTS: what candor is specified to do);
  - <name>.j1939.jsonl for DBCs with J1939 messages: the same capture decoded with `--j1939`.
Canonical line rules: Fixtures/tools/canonical_lines.py. Decode options mirror cantools'
defaults with decode_choices=False: scaling on, excess bytes ignored, no truncated decoding.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import canonical_lines  # noqa: E402
import candump_log  # noqa: E402
import corner_fixtures as corner  # noqa: E402

J1939_FIXTURES = {"j1939_pgn", "j1939_same_pgn"}


def expected_lines(db, capture, j1939=False, rename=None):
    oracle = canonical_lines.Oracle(db, j1939=j1939)
    lines = []
    for frame in candump_log.read_log(capture):
        line = oracle.line(frame)
        if line is None:
            continue
        if rename is not None:
            line = rename(line)
        lines.append(line)
    return lines


def rename_digit_names(line):
    """Undo the DIGITLEAD_ prefix of the digit_leading_names equivalent and re-sort the signals."""
    import json
    head, t_text = line.rsplit(',"t":', 1)
    record = json.loads(head + "}")
    if record.get("msg"):
        record["msg"] = corner.rename_back(record["msg"])
    if "signals" in record:
        record["signals"] = {corner.rename_back(k): v for k, v in record["signals"].items()}
    if "error" in record:
        record["error"] = record["error"].replace(corner.DIGIT_PREFIX, "")
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text[:-1] + ',"t":' + t_text


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def main():
    os.makedirs(corner.EXPECTED_DIR, exist_ok=True)
    for name in corner.fixture_names():
        capture = os.path.join(corner.CAPTURE_DIR, name + ".log")
        db, refusal, semantics = corner.load(name)
        refused_path = os.path.join(corner.EXPECTED_DIR, name + ".refused")
        if refusal is not None:
            with open(refused_path, "w", encoding="utf-8") as f:
                f.write(refusal.rstrip("\n") + "\n")
        elif os.path.exists(refused_path):
            os.remove(refused_path)
        if db is None or not os.path.exists(capture):
            print(f"  {name}: refused by cantools, no expected decode")
            continue
        rename = rename_digit_names if name == "digit_leading_names" else None
        try:
            lines = expected_lines(db, capture, rename=rename)
        except canonical_lines.Unspecified as unspecified:
            stale = os.path.join(corner.EXPECTED_DIR, name + ".jsonl")
            if os.path.exists(stale):
                os.remove(stale)
            print(f"  {name}: no expected decode: {unspecified}")
            continue
        write(os.path.join(corner.EXPECTED_DIR, name + ".jsonl"), lines)
        note = f" (refused; equivalent: {semantics})" if refusal else ""
        print(f"  {name}.jsonl: {len(lines)} lines{note}")
        if name in J1939_FIXTURES:
            lines = expected_lines(db, capture, j1939=True)
            write(os.path.join(corner.EXPECTED_DIR, name + ".j1939.jsonl"), lines)
            print(f"  {name}.j1939.jsonl: {len(lines)} lines")


if __name__ == "__main__":
    main()
