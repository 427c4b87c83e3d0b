#!/usr/bin/env python3
"""Writes the GB/T 32960 fuzz seeds (Tests/Fuzz/seeds/FuzzGBT32960/) from the sample frames
quoted in Tests/GBT32960Tests/SampleFrameTests.swift (real production frames, rtm_con's and
other projects' samples, reference/gbt32960.md section 4.3):
  samples.hex   every frame as a hex line (what `candor gbt32960 decode` reads from text)
  samples.bin   the frames back to back as raw bytes, with garbage between two of them
  samples.pcap  the raw stream as a TCP session (Ethernet/IPv4), frames split across segments
Run from the repository root: python3 Tests/Fuzz/gbt32960_seeds.py"""
import re
import struct
from pathlib import Path

out = Path("Tests/Fuzz/seeds/FuzzGBT32960")
text = Path("Tests/GBT32960Tests/SampleFrameTests.swift").read_text()
frames = [bytes.fromhex(h) for h in re.findall(r'"((?:2323|2424)[0-9a-fA-F]{40,})"', text)]
assert len(frames) >= 5, f"only {len(frames)} sample frames found"
out.mkdir(parents=True, exist_ok=True)
(out / "samples.hex").write_text("".join(f.hex() + "\n" for f in frames))
stream = b"".join(frames[:3]) + b"\x00#$garbage" + b"".join(frames[3:])
(out / "samples.bin").write_bytes(stream)

def checksum(words):
    total = sum(struct.unpack(f"!{len(words) // 2}H", words))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF

def packet(seq, payload):
    tcp = struct.pack("!HHIIBBHHH", 40000, 32960, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    length = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, 1, 0x4000, 64, 6, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    ether = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return ether + ip + tcp + payload

pcap = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
seq, at, sizes = 1000, 0, [17, 90, 400, 33]
for i in range(len(stream)):
    if at >= len(stream):
        break
    chunk = stream[at:at + sizes[i % len(sizes)]]
    data = packet(seq, chunk)
    pcap += struct.pack("<IIII", 1_700_000_000 + i, 0, len(data), len(data)) + data
    seq += len(chunk)
    at += len(chunk)
(out / "samples.pcap").write_bytes(pcap)
print(f"{len(frames)} frames, {len(stream)} stream bytes -> {out}")
