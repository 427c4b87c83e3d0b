#!/usr/bin/env python3
"""Writes Fixtures/captures/corner/<name>.log: a small candump log for every corner DBC that
cantools loads (directly, or through its reviewed equivalent, see corner_fixtures.EQUIVALENTS).

    .venv/bin/python Fixtures/tools/make_corner_captures.py        # or $CANDOR_VENV/bin/python

Needs cantools 45.1.0 (Tests/setup.sh installs it). The seed is fixed and printed; the same
cantools version writes the same files byte for byte. Each log holds, per message: random valid
payloads (multiplexed messages: valid switch values, nested), edge payloads (all 0x00, all 0xFF,
0x80 and 0x7F in every byte, 0x55), a short payload, an over-long payload, a remote frame (classic
messages), an extended-id frame for a standard message (fallback), an FD frame, undefined
multiplexer values; plus unknown ids, error frames, 9-digit timestamps and a second bus.
runtime_dlc.log also carries the candump grammar corners (direction suffix, raw DLC, lower-case
hex, DROPCOUNT line, padded interface names, zero-padded seconds, "." byte separators).
"""

import os
import random
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corner_fixtures as corner  # noqa: E402

SEED = 20261125


FLOAT_SPECIALS = [  # IEEE 754 bit patterns by signal length: +inf, -inf, -0.0, smallest subnormal, max, 0.1
    {16: 0x7C00, 32: 0x7F800000, 64: 0x7FF0000000000000},
    {16: 0xFC00, 32: 0xFF800000, 64: 0xFFF0000000000000},
    {16: 0x8000, 32: 0x80000000, 64: 0x8000000000000000},
    {16: 0x0001, 32: 0x00000001, 64: 0x0000000000000001},
    {16: 0x7BFF, 32: 0x7F7FFFFF, 64: 0x7FEFFFFFFFFFFFFF},
    {16: 0x2E66, 32: 0x3DCCCCCD, 64: 0x3FB999999999999A},
]


def id_text(frame_id, extended):
    return f"{frame_id:08X}" if extended else f"{frame_id:03X}"


def data_frame(frame_id, extended, data, fd_flags=None):
    if fd_flags is None and len(data) <= 8:
        return f"{id_text(frame_id, extended)}#{data.hex().upper()}"
    flags = 4 if fd_flags is None else fd_flags
    return f"{id_text(frame_id, extended)}##{flags:X}{data.hex().upper()}"


def frames_for(rng, db, name):
    """(bus, frame text) pairs, unordered."""
    out = []
    extended_ids = {m.frame_id for m in db.messages if m.is_extended_frame}
    standard_ids = {m.frame_id for m in db.messages if not m.is_extended_frame}
    for message in db.messages:
        fid, ext, length = message.frame_id, message.is_extended_frame, message.length
        fd = length > 8 or message.is_fd
        full = corner.frame_length(length)
        flags = 5 if fd else None
        muxed = corner.is_multiplexed(message)
        for _ in range(16 if muxed else 8):
            out.append(data_frame(fid, ext, corner.random_payload(rng, message), flags))
        for byte in (0x00, 0xFF, 0x80, 0x7F, 0x55):
            out.append(data_frame(fid, ext, bytes([byte]) * full, flags))
        if length >= 1:  # short payload
            short = max(0, length - 1) if not fd else 8
            out.append(data_frame(fid, ext, corner.random_payload(rng, message, short),
                                  None if short <= 8 and not fd else flags))
        if full < 64:  # over-long payload: bytes past the DBC length are ignored
            longer = 8 if full < 8 else 64
            out.append(data_frame(fid, ext, corner.random_payload(rng, message, longer),
                                  None if longer == 8 else 4))
        out.append(f"{id_text(fid, ext)}#R")  # CAN FD has no RTR, but the id can still arrive as one
        if not fd:
            out.append(f"{id_text(fid, ext)}#R{min(length, 8)}")
            out.append(data_frame(fid, ext, corner.random_payload(rng, message, 12), 0))
        if ext and fid <= 0x7FF and fid not in standard_ids:  # a standard frame never matches an extended message
            out.append(data_frame(fid, False, corner.random_payload(rng, message, min(full, 8))))
        if not ext and fid not in extended_ids:  # extended frame falls back to the standard message
            out.append(data_frame(fid, True, corner.random_payload(rng, message), flags))
        floats = [s for s in message.signals if s.conversion.is_float]
        for pattern in FLOAT_SPECIALS if floats else ():
            payload = bytearray(corner.random_payload(rng, message))
            for signal in floats:
                corner.set_raw(payload, signal, pattern[signal.length])
            out.append(data_frame(fid, ext, bytes(payload), flags))
        if muxed:
            for _ in range(3):
                payload = bytearray(corner.random_payload(rng, message))
                if corner.set_undefined_mux(rng, message, payload):
                    out.append(data_frame(fid, ext, bytes(payload), flags))
    for _ in range(3):  # unknown ids
        unknown = rng.randrange(0x800)
        if unknown not in standard_ids:
            out.append(data_frame(unknown, False, bytes(rng.getrandbits(8) for _ in range(8))))
            out.append(f"{id_text(unknown, False)}#R")
        unknown_ext = rng.randrange(0x800, 0x20000000)
        if unknown_ext not in extended_ids:
            out.append(data_frame(unknown_ext, True, bytes(rng.getrandbits(8) for _ in range(5))))
    out.append("20000004#0004000000000000")  # error frames: no output line
    out.append("20000080#0000000000000000")
    if name.startswith("j1939_"):
        out.extend(j1939_variants(rng, db))
    return out


def j1939_variants(rng, db):
    """Same PGN, another source address / priority / PDU1 destination: unknown by exact id,
    matched with --j1939."""
    out = []
    for message in db.messages:
        if not message.is_extended_frame:
            continue
        fid = message.frame_id
        pf = (fid >> 16) & 0xFF
        variants = [(fid & ~0xFF) | 0x21, (fid & ~(0x7 << 26)) | (6 << 26)]
        if pf < 240:
            variants.append((fid & ~0xFF00) | (0x17 << 8))
        for variant in variants:
            for _ in range(3):
                out.append(data_frame(variant, True, corner.random_payload(rng, message)))
    return out


GRAMMAR_LINES = [  # candump log grammar corners; decoded with runtime_dlc.dbc (ids 0x1F4, 0x1F5)
    "(1700000100.000001) can0 1F5#0102030405060708 R",
    "(1700000100.000002) can0 1F5#0102030405060708 T",
    "(1700000100.000003) can0 1F5#8877665544332211_9",
    "(1700000100.000004) can0 1f5#aabbccddeeff0011",
    "(1700000100.000005) can0 1F4#R8_9",
    "DROPCOUNT: dropped 3 CAN frames on 'can0' socket (total drops 7)",
    "(1700000100.000006)   can0 1F4#010203040506",
    "(1700000100.000007) vcan10 1F4#0A0B0C0D0E0F",
    "(0000000012.345678) can0 1F4#FFFFFFFFFFFF",
    "(000.000001) can0 1F5#0000000000000001",
    "(1700000100.000008) can0 1F4#01.02.03.04.05.06",
    "(1700000100.000009) can0 1F5##0112233445566778899AABBCC",
    "(1700000100.000010) can0 000001F5#R",
    "",
]


def write_capture(name, db):
    seed = SEED ^ zlib.crc32(name.encode())
    rng = random.Random(seed)
    frames = frames_for(rng, db, name)
    rng.shuffle(frames)
    lines = []
    micros = 1_700_000_000_000_000 + rng.randrange(1_000_000)
    for index, frame in enumerate(frames):
        micros += rng.randrange(1, 20_000)
        bus = "can1" if index % 11 == 5 else "can0"
        secs, frac = divmod(micros, 1_000_000)
        stamp = f"{secs}.{frac:06d}" if index % 10 != 3 else f"{secs}.{frac:06d}{rng.randrange(1000):03d}"
        lines.append(f"({stamp}) {bus} {frame}")
    if name == "runtime_dlc":
        lines.extend(line for line in GRAMMAR_LINES if line)
    path = os.path.join(corner.CAPTURE_DIR, name + ".log")
    with open(path, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    return seed, len(lines)


def main():
    os.makedirs(corner.CAPTURE_DIR, exist_ok=True)
    print(f"seed {SEED} (per file: seed ^ crc32(name))")
    for name in corner.fixture_names():
        db, _refusal, _semantics = corner.load(name)
        if db is None:
            print(f"  {name}: no capture (cantools refuses it and no equivalent is specified)")
            continue
        seed, count = write_capture(name, db)
        print(f"  {name}.log: {count} lines, seed {seed}")


if __name__ == "__main__":
    main()
