#!/usr/bin/env python3
"""Writes sample.pcap and sample.pcapng from sample.log with the standard library only.

An implementation independent of candor's Swift writer, so that candor's readers are
checked against files it did not write. sample.pcap is big-endian with microseconds
(magic a1b2c3d4); sample.pcapng is big-endian with nanosecond interfaces (if_tsresol 9)
named after the candump interfaces. CAN FD packets are 72 bytes with CANFD_FDF set.

    python3 make_pcaps.py sample.log sample.pcap sample.pcapng
"""
import struct
import sys

EFF, RTR, ERR, FDF = 0x80000000, 0x40000000, 0x20000000, 0x04


def frames(path):
    for line in open(path):
        if not line.startswith("("):
            continue
        stamp, bus, token = line.split()[:3]
        secs, frac = stamp[1:-1].split(".")
        nanos = int(frac) * 10 ** (9 - len(frac))
        ident, _, rest = token.partition("#")
        can_id = int(ident, 16)
        if len(ident) == 8 and not can_id & ERR:
            can_id |= EFF
        flags, len8, fd = 0, 0, rest.startswith("#")
        if fd:
            flags = int(rest[1], 16) | FDF
            data = bytes.fromhex(rest[2:])
            length = len(data)
        elif rest[:1] in ("R", "r"):
            can_id |= RTR
            length = int(rest[1], 16) if len(rest) > 1 else 0
            len8 = int(rest[3], 16) if "_" in rest else 0
            data = b""
        else:
            hexdata, _, dlc = rest.partition("_")
            data = bytes.fromhex(hexdata)
            length, len8 = len(data), (int(dlc, 16) if dlc else 0)
        size = 64 if fd else 8
        packet = struct.pack(">IBBBB", can_id, length, flags, 0, len8) + data.ljust(size, b"\0")
        yield int(secs), nanos, bus, packet


def main(log, pcap, pcapng):
    items = list(frames(log))
    with open(pcap, "wb") as out:
        out.write(struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 72, 227))
        for secs, nanos, _, packet in items:
            out.write(struct.pack(">IIII", secs, nanos // 1000, len(packet), len(packet)) + packet)
    with open(pcapng, "wb") as out:
        out.write(struct.pack(">IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28))
        interfaces = {}
        for secs, nanos, bus, packet in items:
            if bus not in interfaces:
                interfaces[bus] = len(interfaces)
                name = bus.encode()
                padded = name.ljust((len(name) + 3) // 4 * 4, b"\0")
                options = struct.pack(">HH", 2, len(name)) + padded
                options += struct.pack(">HHB3x", 9, 1, 9) + struct.pack(">HH", 0, 0)
                length = 20 + len(options)
                out.write(struct.pack(">IIHHI", 1, length, 227, 0, 72) + options + struct.pack(">I", length))
            units = secs * 1_000_000_000 + nanos
            length = 32 + len(packet)
            out.write(struct.pack(">IIIIIII", 6, length, interfaces[bus], units >> 32, units & 0xFFFFFFFF,
                                  len(packet), len(packet)) + packet + struct.pack(">I", length))


if __name__ == "__main__":
    main(*sys.argv[1:4])
