#!/usr/bin/env python3
"""The same workload as `candor bench`, measured with cantools, for README's comparison table.

Usage: candor bench --directory DIR  (writes DIR/bench.dbc and DIR/bench-N.log), then
       .venv/bin/python Tests/Bench/cantools_bench.py DIR [--frames N] [--repetitions R]

Reports medians of CPU time (time.process_time, as candor bench uses thread CPU time): DBC load (ms), decode-only (ns/signal, frames already parsed), and end to end
(frames/s: candump log lines parsed in Python and decoded with cantools, results discarded).
cantools is slow, so by default only the first 200 000 lines of the capture are used.
"""
import argparse
import re
import statistics
import sys
import time

import cantools

LINE = re.compile(r"^\((\d+)\.(\d+)\)\s+(\S+)\s+([0-9A-Fa-f]+)#(#?)([0-9A-Fa-f]*)")


def parse(line):
    m = LINE.match(line)
    if not m:
        return None
    ident = m.group(4)
    data = m.group(6)
    if m.group(5):
        data = data[1:]  # the FD flags nibble
    return int(ident, 16), bytes.fromhex(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--frames", type=int, default=1_000_000, help="N of bench-N.log")
    ap.add_argument("--lines", type=int, default=200_000, help="lines of the capture to use")
    ap.add_argument("--repetitions", type=int, default=3)
    args = ap.parse_args()

    dbc = f"{args.directory}/bench.dbc"
    log = f"{args.directory}/bench-{args.frames}.log"

    loads = []
    for _ in range(args.repetitions):
        t0 = time.process_time()
        db = cantools.database.load_file(dbc, strict=False)
        loads.append((time.process_time() - t0) * 1e3)

    with open(log) as f:
        lines = [next(f) for _ in range(args.lines)]
    frames = [parse(l) for l in lines]
    by_id = {m.frame_id: m for m in db.messages}

    decode_ns = []
    for _ in range(args.repetitions):
        signals = 0
        t0 = time.process_time()
        for ident, data in frames:
            values = by_id[ident].decode(data, decode_choices=False)
            signals += len(values)
        decode_ns.append((time.process_time() - t0) * 1e9 / signals)

    e2e = []
    for _ in range(args.repetitions):
        t0 = time.process_time()
        n = 0
        for line in lines:
            parsed = parse(line)
            if parsed is None:
                continue
            message = by_id.get(parsed[0])
            if message is not None:
                message.decode(parsed[1], decode_choices=False)
            n += 1
        e2e.append(n / (time.process_time() - t0))

    print(f"cantools {cantools.__version__}, {len(frames)} frames of {log}")
    print(f"dbc load                      {statistics.median(loads):.1f} ms")
    print(f"decode only                   {statistics.median(decode_ns):.0f} ns/signal")
    print(f"end to end, candump log       {statistics.median(e2e):.0f} frames/s")


if __name__ == "__main__":
    sys.exit(main())
