#!/usr/bin/env python3
"""Differential test: candor's capture readers against python-can 4.6.1's (ASCReader,
CanutilsLogReader) and cantools 45.1.0's logreader, over other projects' real test data.

    $CANDOR_VENV/bin/python Tests/Oracle/capture_differential.py [--candor PATH] [--cache DIR]

The corpus is fetched at test time, never committed: the python-can and cantools source
distributions from PyPI (`pip download --no-binary python-can,cantools --no-deps`), kept in
--cache (default .build/oracle-corpus). Compared:

- every Vector ASC file of python-can's test/data (and its .asc.gz), whole files, frame by frame
  with ASCReader: id, extended, remote, error, CAN FD, BRS, ESI, data, time, channel;
- every candump line quoted in cantools' tests, one file per line: `(t) if id#data` lines with
  python-can's CanutilsLogReader and cantools' Parser, candump screen lines with the Parser
  (which alone reads them): id, data, time (when the line has one), interface.

Every frame an oracle reads, candor reads the same way, unless the difference is one of
KNOWN_DIFFERENCES below (each with its reason), which are printed. candor's own reading
is `candor convert FILE - --to log` (canonical candump log lines on stdout). Exit 1 on any
other difference, on fewer than MIN_FILES files or MIN_FRAMES frames compared, or when an
oracle package is missing. About 15 s, plus about 2 min to fetch the sdists the first time.
"""
import argparse
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

MIN_FILES = 250
MIN_FRAMES = 1800
PINS = {"python-can": "4.6.1", "cantools": "45.1.0"}

# (what the oracle reads, what candor does, why) — matched by a predicate on the line.
KNOWN_DIFFERENCES = [
    (lambda line: re.search(r"\[1\d\]|\[09\]", line) is not None and "#" not in line,
     "candump prints a two-digit [NN] length only for CAN FD, where this length has no DLC: "
     "candor counts the line malformed; cantools reads the bytes"),
]


def fail(message):
    print(f"capture differential: FAILED: {message}")
    sys.exit(1)


def fetch_corpus(cache):
    os.makedirs(cache, exist_ok=True)
    wanted = [f"{name.replace('-', '_')}-{version}.tar.gz" for name, version in PINS.items()]
    if not all(os.path.exists(os.path.join(cache, name)) for name in wanted):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", "python-can,cantools",
             "-d", cache] + [f"{name}=={version}" for name, version in PINS.items()],
            check=True, timeout=900)
    roots = {}
    for name in wanted:
        target = os.path.join(cache, name[:-len(".tar.gz")])
        if not os.path.isdir(target):
            with tarfile.open(os.path.join(cache, name)) as archive:
                archive.extractall(cache, filter="data")
        roots[name.split("-")[0]] = target
    return roots["python_can"], roots["cantools"]


def candor_frames(candor, path):
    """candor's frames of `path` as dicts, and what it said on stderr."""
    run = subprocess.run([candor, "convert", path, "-", "--to", "log"], capture_output=True, text=True, timeout=60)
    frames = []
    for line in run.stdout.splitlines():
        m = re.match(r"\((-?\d+)\.(\d+)\) (\S+) ([0-9A-F]+)#(#?)(\S*)(?: ([RT]))?$", line)
        if not m:
            fail(f"{path}: cannot read candor's output line {line!r}")
        seconds, fraction, bus, ident, fd, rest, _ = m.groups()
        raw = int(ident, 16)
        frame = {"t": float(f"{seconds}.{fraction}"), "bus": bus, "error": len(ident) == 8 and raw & 0x20000000 != 0,
                 "extended": len(ident) == 8 and raw & 0x20000000 == 0, "id": raw & 0x1FFFFFFF,
                 "fd": fd == "#", "remote": False, "brs": False, "esi": False, "data": b""}
        if frame["error"]:
            frame["id"] = 0
        if fd:
            flags = int(rest[0], 16)
            frame["brs"], frame["esi"] = bool(flags & 1), bool(flags & 2)
            frame["data"] = bytes.fromhex(rest[1:])
        elif rest.startswith("R"):
            frame["remote"] = True
        else:
            frame["data"] = bytes.fromhex(rest.split("_")[0])
        if frame["error"]:
            frame["data"] = b""
        frames.append(frame)
    return frames, run.returncode, run.stderr


def compare_asc(candor, path, can):
    plain = path
    if path.endswith(".gz"):
        plain = os.path.join(tempfile.mkdtemp(prefix="candor-asc-"), os.path.basename(path)[:-3])
        with gzip.open(path, "rb") as source, open(plain, "wb") as target:
            shutil.copyfileobj(source, target)
    oracle = list(can.ASCReader(plain))
    mine, status, stderr = candor_frames(candor, path)
    if status != 0:
        fail(f"{path}: candor convert exited {status}: {stderr.strip()}")
    if len(mine) != len(oracle):
        fail(f"{path}: python-can read {len(oracle)} frames, candor {len(mine)} ({stderr.strip()})")
    for index, (m, o) in enumerate(zip(mine, oracle)):
        expected = {"error": o.is_error_frame, "remote": o.is_remote_frame, "fd": o.is_fd,
                    "bus": str(o.channel + 1) if isinstance(o.channel, int) else str(o.channel)}
        if not o.is_error_frame:
            expected.update({"id": o.arbitration_id, "extended": o.is_extended_id, "data": bytes(o.data)})
        if o.is_fd and not o.is_error_frame and not o.is_remote_frame:
            expected.update({"brs": o.bitrate_switch, "esi": o.error_state_indicator})
        # python-can marks remote and error frames of CANFD lines is_fd; both kinds are
        # classic in candor (as in SocketCAN: no FD remote frames, error frames are can_frames).
        if o.is_remote_frame or o.is_error_frame:
            expected.pop("fd")
        for key, value in expected.items():
            if m[key] != value:
                fail(f"{path}: frame {index + 1}: {key}: python-can {value!r}, candor {m[key]!r}")
        if abs(m["t"] - o.timestamp) > 1e-6:
            fail(f"{path}: frame {index + 1}: time: python-can {o.timestamp}, candor {m['t']}")
    return len(mine), stderr


def quoted_candump_lines(cantools_root):
    """Candump log and screen lines quoted in cantools' tests (strings and test input text),
    each once, in file order."""
    log, screen = [], []
    log_line = re.compile(r"\(\d+\.\d+\)\s+\w+\s+[0-9A-Fa-f]+##?[0-9A-Fa-fR._]*(?: [RT])?(?=[\s\"'\\]|$)")
    screen_line = re.compile(
        r"(?:\(\d[\d\-: .]*\)\s+)?\b\w*can\d+\s+(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{8})\s+\[\d+\]"
        r"(?:\s+[0-9A-Fa-f]{2})*(?:\s+remote request)?(?:\s+ERRORFRAME)?(?:\s+'[^']*')?")
    for test in sorted(glob.glob(os.path.join(cantools_root, "tests", "*.py"))):
        with open(test, encoding="utf-8") as f:
            for text in f:
                for line in log_line.findall(text):
                    if line not in log:
                        log.append(line)
                for match in screen_line.finditer(text):
                    line = match.group(0)
                    if "#" not in line and line not in screen:
                        screen.append(line)
    return log, screen


def compare_lines(candor, lines, suffix, oracles, scratch):
    """One file per line; returns (files, frames, known differences met)."""
    files = frames = 0
    known = []
    for number, line in enumerate(lines):
        path = os.path.join(scratch, f"line{number}{suffix}")
        with open(path, "w") as f:
            f.write(line + "\n")
        mine, status, stderr = candor_frames(candor, path)
        files += 1
        for name, read in oracles:
            theirs = read(path, line)
            if theirs is None:
                continue  # the oracle itself does not read this line
            if "known" in theirs:
                known.append((line, name, theirs["known"]))
                continue
            reason = next((why for match, why in KNOWN_DIFFERENCES if match(line)), None)
            if len(mine) != 1:
                if reason:
                    known.append((line, name, reason))
                    continue
                fail(f"{name} reads {line!r}, candor does not (exit {status}: {stderr.strip()})")
            m = mine[0]
            frames += 1
            for key, value in theirs.items():
                expected = value
                if key == "data" and len(value) > 8 and not m["fd"]:
                    # A classic frame with more than 8 bytes: candor keeps 8 and counts the line bent.
                    if "bend the format" not in stderr:
                        fail(f"{line!r}: candor read an oversize classic frame without a note")
                    expected = value[:8]
                    known.append((line, name, "a classic frame with more than 8 bytes: candor keeps the first 8 "
                                  "and counts the line as bent; the oracle keeps them all"))
                if key == "t" and value is not None and abs(m["t"] - value) > 1e-6:
                    fail(f"{line!r}: time: {name} {value}, candor {m['t']}")
                if key != "t" and m[key] != expected:
                    fail(f"{line!r}: {key}: {name} {expected!r}, candor {m[key]!r}")
    return files, frames, known


def main():
    parser = argparse.ArgumentParser()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--candor", default=os.path.join(repo, ".build", "debug", "candor"))
    parser.add_argument("--cache", default=os.path.join(repo, ".build", "oracle-corpus"))
    args = parser.parse_args()
    try:
        import can
        import cantools
    except ImportError as error:
        fail(f"an oracle is missing ({error}); Tests/setup.sh installs python-can {PINS['python-can']} "
             f"and cantools {PINS['cantools']}")
    for module, name in ((can, "python-can"), (cantools, "cantools")):
        if module.__version__ != PINS[name]:
            fail(f"{name} {module.__version__} is installed; the corpus and this test are for {PINS[name]}")
    can.util.logging.getLogger("can").setLevel("ERROR")
    python_can_root, cantools_root = fetch_corpus(args.cache)

    files = frames = 0
    notes = []
    data = os.path.join(python_can_root, "test", "data")
    for path in sorted(glob.glob(os.path.join(data, "*.asc")) + glob.glob(os.path.join(data, "*.asc.gz"))):
        count, stderr = compare_asc(args.candor, path, can)
        print(f"  {os.path.relpath(path, python_can_root)}: {count} frames alike")
        notes += [line for line in stderr.splitlines() if line]
        files += 1
        frames += count

    log_lines, screen_lines = quoted_candump_lines(cantools_root)
    def by_cantools(path, line):
        frame = cantools.logreader.Parser().parse(line)  # a parser keeps the first line's format
        if frame is None:
            return None
        out = {"data": bytes(frame.data), "bus": frame.channel}
        if frame.frame_id is not None:
            out["id"] = frame.frame_id
        if frame.timestamp_format == cantools.logreader.TimestampFormat.ABSOLUTE:
            out["t"] = frame.timestamp.timestamp()
        elif frame.timestamp_format == cantools.logreader.TimestampFormat.RELATIVE:
            out["t"] = frame.timestamp.total_seconds()
        return out

    def by_python_can(path, line):
        messages = list(can.CanutilsLogReader(path))
        if len(messages) != 1:
            return None
        m = messages[0]
        ident = int(line.split()[2].split("#")[0], 16)
        if ident & 0x20000000 and not m.is_error_frame:
            return {"known": "python-can's CanutilsLogReader takes an id with CAN_ERR_FLAG for an error frame only "
                             "when CAN_ERR_BUSERROR is set too; candor, the kernel and cantools take every such id"}
        out = {"t": m.timestamp, "error": m.is_error_frame, "remote": m.is_remote_frame}
        if not m.is_error_frame:
            out["bus"] = m.channel
            out.update({"id": m.arbitration_id, "extended": m.is_extended_id, "data": bytes(m.data), "fd": m.is_fd})
        return out

    scratch = tempfile.mkdtemp(prefix="candor-capture-differential-")
    try:
        counts = compare_lines(args.candor, log_lines, ".log", [("python-can", by_python_can), ("cantools", by_cantools)],
                               scratch)
        print(f"  cantools tests, candump log lines: {counts[0]} files, {counts[1]} frame comparisons")
        files, frames, known = files + counts[0], frames + counts[1], counts[2]
        counts = compare_lines(args.candor, screen_lines, ".txt", [("cantools", by_cantools)], scratch)
        print(f"  cantools tests, candump screen lines: {counts[0]} files, {counts[1]} frame comparisons")
        files, frames, known = files + counts[0], frames + counts[1], known + counts[2]
    finally:
        shutil.rmtree(scratch)

    print("known differences (each reason, with the first line it was met on):")
    for reason in sorted({why for _, _, why in known}):
        line, name = next((line, name) for line, name, why in known if why == reason)
        print(f"  - {reason} [{name}: {line.strip()!r}, {sum(why == reason for _, _, why in known)}x]")
    for note in notes:
        print(f"  candor note: {note}")
    print(f"capture differential: {files} files, {frames} frames compared with python-can {PINS['python-can']} "
          f"and cantools {PINS['cantools']}")
    if files < MIN_FILES or frames < MIN_FRAMES:
        fail(f"compared {files} files and {frames} frames; expected at least {MIN_FILES} and {MIN_FRAMES}")
    print("capture differential: passed")


if __name__ == "__main__":
    main()
