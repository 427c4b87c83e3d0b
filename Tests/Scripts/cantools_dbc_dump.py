#!/usr/bin/env python3
"""Print cantools' view of DBC files, one line per message and per signal.

Usage: cantools_dbc_dump.py OUT_DIR FILE...
For each FILE, writes OUT_DIR/<index>.txt with the dump, or a first line "FAIL <reason>"
when cantools (strict=False) refuses the file. The candor parser tests print the same
lines from candor's model and compare them (ParserCantoolsTests.swift).
"""
import os
import sys

import cantools


def esc(s):
    if s is None:
        return "-"
    return (s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
             .replace("\t", "\\t").replace(" ", "\\s"))


def num(v):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def conversion_kind(signal):
    """Which conversion cantools built, without the choices wrapper: decides int vs float output."""
    conversion = signal.conversion
    inner = getattr(conversion, "_conversion", conversion)
    return type(inner).__name__.replace("Conversion", "")


def dump(db):
    lines = []
    for m in db.messages:
        lines.append(" ".join([
            "M", str(m.frame_id), str(int(m.is_extended_frame)), esc(m.name), str(m.length),
            # candor's documented rule: a length over 8 bytes is CAN FD whatever VFrameFormat says.
            esc(",".join(m.senders)), num(m.cycle_time), str(int(m.is_fd or m.length > 8)), esc(m.comment)]))
        for s in sorted(m.signals, key=lambda s: (s.name, s.start)):
            choices = "-"
            if s.choices:
                choices = esc(";".join(f"{int(k)}={v}" for k, v in s.choices.items()))
            ids = "-" if not s.multiplexer_ids else ",".join(str(i) for i in sorted(set(s.multiplexer_ids)))
            lines.append(" ".join([
                "S", esc(m.name), esc(s.name), str(s.start), str(s.length),
                "be" if s.byte_order == "big_endian" else "le", str(int(s.is_signed)),
                str(int(s.is_float)), conversion_kind(s), repr(float(s.scale)), repr(float(s.offset)),
                "-" if s.minimum is None else repr(float(s.minimum)),
                "-" if s.maximum is None else repr(float(s.maximum)),
                esc(s.unit or ""), esc(",".join(s.receivers)), str(int(s.is_multiplexer)),
                esc(s.multiplexer_signal), ids, choices, esc(s.comment),
                "-" if s.raw_initial is None else repr(float(s.raw_initial))]))
    return lines


def main():
    out = sys.argv[1]
    for index, path in enumerate(sys.argv[2:]):
        try:
            with open(path, "rb") as f:
                data = f.read()
            try:
                data.decode("utf-8")
                encoding = "utf-8"  # candor reads valid UTF-8 as UTF-8, else cp1252
            except UnicodeDecodeError:
                encoding = "cp1252"
            db = cantools.database.load_file(path, strict=False, encoding=encoding)
            text = "\n".join(dump(db)) + "\n"
        except Exception as e:  # noqa: BLE001 - any refusal is reported, not raised
            text = "FAIL " + esc(str(e).splitlines()[0] if str(e) else type(e).__name__) + "\n"
        with open(os.path.join(out, f"{index}.txt"), "w", encoding="utf-8") as f:
            f.write(text)


main()
