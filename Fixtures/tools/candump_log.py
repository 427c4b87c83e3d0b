"""A small, strict reader for candump log lines (`candump -l` / `-L`), independent of candor.

Only what the oracle needs: timestamp text, interface, id, frame kind, payload bytes.
Grammar (can-utils lib.h): "(" secs "." frac ") " ifname " " frame [" " R|T]
  frame = 3 hex digits (standard) or 8 hex digits (extended; CAN_ERR_FLAG 0x20000000 = error frame)
          "#" data bytes [ "_" raw DLC ] | "#R" [len] [ "_" raw DLC ] | "##" flags nibble + data (CAN FD)
Lines that are not frames (DROPCOUNT, blank, comments) yield None.
"""

import re
from dataclasses import dataclass

_LINE = re.compile(r"^\((\d+)\.(\d+)\)\s+(\S+)\s+(\S+?)(?:\s+([RT]))?\s*$")
_HEX = re.compile(r"^[0-9A-Fa-f]*$")

CAN_ERR_FLAG = 0x20000000


@dataclass(frozen=True)
class LogFrame:
    t_text: str          # seconds without leading zeros, "." and the fraction digits as written
    bus: str
    can_id: int          # without flag bits
    extended: bool
    kind: str            # "classic", "fd", "remote" or "error"
    data: bytes


def timestamp_text(secs: str, frac: str) -> str:
    return f"{int(secs)}.{frac}"


def parse_line(line: str):
    """Returns a LogFrame, or None for a line that is not a frame."""
    m = _LINE.match(line.rstrip("\n"))
    if m is None:
        return None
    secs, frac, bus, frame = m.group(1), m.group(2), m.group(3), m.group(4)
    if len(frac) not in (6, 9):
        return None
    t_text = timestamp_text(secs, frac)
    if "#" not in frame:
        return None
    id_text, rest = frame.split("#", 1)
    if len(id_text) not in (3, 8) or not _HEX.match(id_text) or id_text == "":
        return None
    raw_id = int(id_text, 16)
    extended = len(id_text) == 8
    if extended and raw_id & CAN_ERR_FLAG:
        return LogFrame(t_text, bus, raw_id & 0x1FFFFFFF, True, "error", b"")
    can_id = raw_id & (0x1FFFFFFF if extended else 0x7FF)
    if not extended and raw_id > 0x7FF:
        return None
    if rest.startswith("#"):  # CAN FD: flags nibble then data
        body = rest[1:]
        if len(body) < 1 or not _HEX.match(body) or len(body[1:]) % 2:
            return None
        data = bytes.fromhex(body[1:])
        if len(data) > 64:
            return None
        return LogFrame(t_text, bus, can_id, extended, "fd", data)
    if rest[:1] in ("R", "r"):
        return LogFrame(t_text, bus, can_id, extended, "remote", b"")
    if "_" in rest:
        rest, _raw_dlc = rest.split("_", 1)
    rest = rest.replace(".", "")
    if not _HEX.match(rest) or len(rest) % 2 or len(rest) > 16:
        return None
    return LogFrame(t_text, bus, can_id, extended, "classic", bytes.fromhex(rest))


def read_log(path: str):
    with open(path, encoding="ascii") as f:
        for line in f:
            frame = parse_line(line)
            if frame is not None:
                yield frame
