#!/usr/bin/env python3
"""Writes the demonstration fleet's DBC files from the matrices below.

The matrices are the source; the .dbc files next to this script are generated from them,
and Sources/FleetSimulator/DBC/EmbeddedDBC.swift embeds the same text so that
`candor simulate` needs no files at run time. Regenerate both after any change:

    python3 Fixtures/dbc/fleet/make_fleet_dbcs.py

Conventions: signal tuples are
    (name, start, length, order, signed, factor, offset, min, max, unit, start_physical,
     comment, values, mux)
order 'I' = Intel (@1), 'M' = Motorola (@0, start = most significant bit, DBC sawtooth).
GenSigStartValue is written as a RAW value, (start_physical - offset) / factor.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

from make_fleet_dbcs_lib import *  # noqa: F401,F403
sys.path.insert(0, HERE)


def num(x):
    if isinstance(x, int):
        return str(x)
    r = repr(float(x))
    if r.endswith(".0"):
        r = r[:-2]
    return r


def render(db):
    lines = []
    w = lines.append
    w('VERSION "%s"' % db["version"])
    w("")
    w("")
    w("NS_ :")
    for ns in ["NS_DESC_", "CM_", "BA_DEF_", "BA_", "VAL_", "CAT_DEF_", "CAT_", "FILTER", "BA_DEF_DEF_",
               "EV_DATA_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
               "SIG_TYPE_REF_", "VAL_TABLE_", "SIG_GROUP_", "SIG_VALTYPE_", "SIGTYPE_VALTYPE_",
               "BO_TX_BU_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_", "BU_SG_REL_", "BU_EV_REL_",
               "BU_BO_REL_", "SG_MUL_VAL_"]:
        w("\t" + ns)
    w("")
    w("BS_:")
    w("")
    w("BU_: " + " ".join(n for n, _ in db["nodes"]))
    w("")
    for tname, table in db.get("tables", {}).items():
        w("VAL_TABLE_ %s %s ;" % (tname, " ".join('%d "%s"' % (k, v) for k, v in sorted(table.items(), reverse=True))))
    w("")
    w("")
    all_nodes = [n for n, _ in db["nodes"]]
    for m in db["messages"]:
        raw_id = m["id"] | (0x80000000 if m["ext"] else 0)
        w("BO_ %d %s: %d %s" % (raw_id, m["name"], m["length"], m["sender"]))
        receivers = m["receivers"] or [n for n in all_nodes if n != m["sender"]][:3] or ["Vector__XXX"]
        for s in m["signals"]:
            mux = ""
            if s["mux"] == "M":
                mux = " M"
            elif s["mux"] is not None:
                mux = " m%d" % s["mux"]
            order = "1" if s["order"] == "I" else "0"
            sign = "-" if s["signed"] else "+"
            w(' SG_ %s%s : %d|%d@%s%s (%s,%s) [%s|%s] "%s" %s' % (
                s["name"], mux, s["start"], s["length"], order, sign, num(s["factor"]), num(s["offset"]),
                num(s["min"]), num(s["max"]), s["unit"], ",".join(receivers)))
        w("")
    w("")
    w('CM_ "%s";' % db["comment"])
    for n, c in db["nodes"]:
        w('CM_ BU_ %s "%s";' % (n, c))
    for m in db["messages"]:
        raw_id = m["id"] | (0x80000000 if m["ext"] else 0)
        w('CM_ BO_ %d "%s";' % (raw_id, m["comment"]))
        for s in m["signals"]:
            if s["comment"]:
                w('CM_ SG_ %d %s "%s";' % (raw_id, s["name"], s["comment"]))
    # attribute definitions
    w('BA_DEF_  "BusType" STRING ;')
    w('BA_DEF_  "DBName" STRING ;')
    w('BA_DEF_  "Baudrate" INT 0 1000000;')
    if db.get("fd"):
        w('BA_DEF_  "BaudrateCANFD" INT 0 8000000;')
    if db.get("j1939"):
        w('BA_DEF_  "ProtocolType" STRING ;')
    w('BA_DEF_ BU_  "NodeLayerModules" STRING ;')
    if db.get("j1939"):
        w('BA_DEF_ BU_  "NmStationAddress" INT 0 254;')
    w('BA_DEF_ BO_  "GenMsgCycleTime" INT 10 1000;')
    w('BA_DEF_ BO_  "GenMsgSendType" ENUM  "Cyclic","NotUsed","NotUsed","NotUsed","NotUsed","NotUsed","NotUsed","IfActive","NoMsgSendType";')
    w('BA_DEF_ BO_  "VFrameFormat" ENUM  "StandardCAN","ExtendedCAN","reserved","J1939PG","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","reserved","StandardCAN_FD","ExtendedCAN_FD";')
    if db.get("fd"):
        w('BA_DEF_ BO_  "CANFD_BRS" ENUM  "0","1";')
    w('BA_DEF_ SG_  "GenSigStartValue" FLOAT -1e+100 1e+100;')
    w('BA_DEF_ SG_  "GenSigSendType" ENUM  "Cyclic","OnWrite","OnWriteWithRepetition","OnChange","OnChangeWithRepetition","IfActive","IfActiveWithRepetition","NoSigSendType";')
    w('BA_DEF_DEF_  "BusType" "%s";' % ("CAN FD" if db.get("fd") else "CAN"))
    w('BA_DEF_DEF_  "DBName" "";')
    w('BA_DEF_DEF_  "Baudrate" 500000;')
    if db.get("fd"):
        w('BA_DEF_DEF_  "BaudrateCANFD" 2000000;')
    if db.get("j1939"):
        w('BA_DEF_DEF_  "ProtocolType" "";')
    w('BA_DEF_DEF_  "NodeLayerModules" "";')
    if db.get("j1939"):
        w('BA_DEF_DEF_  "NmStationAddress" 254;')
    w('BA_DEF_DEF_  "GenMsgCycleTime" 100;')
    w('BA_DEF_DEF_  "GenMsgSendType" "Cyclic";')
    w('BA_DEF_DEF_  "VFrameFormat" "StandardCAN";')
    if db.get("fd"):
        w('BA_DEF_DEF_  "CANFD_BRS" "1";')
    w('BA_DEF_DEF_  "GenSigStartValue" 0;')
    w('BA_DEF_DEF_  "GenSigSendType" "Cyclic";')
    w('BA_ "BusType" "%s";' % ("CAN FD" if db.get("fd") else "CAN"))
    w('BA_ "DBName" "%s";' % db["dbname"])
    w('BA_ "Baudrate" %d;' % db["baudrate"])
    if db.get("fd"):
        w('BA_ "BaudrateCANFD" %d;' % db["fd_baudrate"])
    if db.get("j1939"):
        w('BA_ "ProtocolType" "J1939";')
        for n, _ in db["nodes"]:
            if n in db["addresses"]:
                w('BA_ "NmStationAddress" BU_ %s %d;' % (n, db["addresses"][n]))
    for m in db["messages"]:
        raw_id = m["id"] | (0x80000000 if m["ext"] else 0)
        w('BA_ "GenMsgCycleTime" BO_ %d %d;' % (raw_id, m["cycle"]))
        if db.get("j1939"):
            w('BA_ "VFrameFormat" BO_ %d 3;' % raw_id)
        elif m["fd"]:
            w('BA_ "VFrameFormat" BO_ %d %d;' % (raw_id, 15 if m["ext"] else 14))
            w('BA_ "CANFD_BRS" BO_ %d 1;' % raw_id)
        elif m["ext"]:
            w('BA_ "VFrameFormat" BO_ %d 1;' % raw_id)
    for m in db["messages"]:
        raw_id = m["id"] | (0x80000000 if m["ext"] else 0)
        for s in m["signals"]:
            raw = (s["init"] - s["offset"]) / s["factor"]
            raw = int(round(raw))
            if raw != 0:
                w('BA_ "GenSigStartValue" SG_ %d %s %d;' % (raw_id, s["name"], raw))
    for m in db["messages"]:
        raw_id = m["id"] | (0x80000000 if m["ext"] else 0)
        for s in m["signals"]:
            if s["values"]:
                w('VAL_ %d %s %s ;' % (raw_id, s["name"], " ".join('%d "%s"' % (k, v) for k, v in sorted(s["values"].items(), reverse=True))))
    w("")
    return "\n".join(lines) + "\n"


def check_layout(db):
    """Overlap check per message (per multiplexer branch)."""
    for m in db["messages"]:
        branches = {}
        for s in m["signals"]:
            bits = set()
            if s["order"] == "I":
                bits = set(range(s["start"], s["start"] + s["length"]))
            else:
                b = s["start"]
                for _ in range(s["length"]):
                    bits.add(b)
                    b = b - 1 if b % 8 else b + 15
            for b in bits:
                assert 0 <= b < m["length"] * 8, (m["name"], s["name"], "beyond length")
            key = s["mux"] if isinstance(s["mux"], int) else None
            branches.setdefault(key, []).append((s["name"], bits))
        common = branches.get(None, [])
        for key, sigs in branches.items():
            group = sigs if key is None else sigs + common
            seen = {}
            for name, bits in group:
                for b in bits:
                    assert b not in seen, (m["name"], name, seen.get(b), b)
                    seen[b] = name


sys.path.insert(0, HERE)
from fleet_matrices import ALL  # noqa: E402

swift = ["// Generated by Fixtures/dbc/fleet/make_fleet_dbcs.py from its matrices; do not edit.",
         "// The same text as Fixtures/dbc/fleet/*.dbc (a test checks they agree).", "",
         "/// The demonstration fleet's DBC files, embedded so `candor simulate` needs no files.",
         "public enum FleetDBC {"]
for db in ALL:
    check_layout(db)
    text = render(db)
    with open(os.path.join(HERE, db["file"]), "w") as f:
        f.write(text)
    ident = db["swift"]
    swift.append("    /// `%s`" % db["file"])
    swift.append('    public static let %s: String = #"""' % ident)
    swift.extend(text[:-1].split("\n"))
    swift.append('"""#')
    swift.append("")
swift.append("    /// File name → text, for every fleet DBC (as written to disk: a final newline).")
swift.append("    public static let files: [(name: String, text: String)] = [")
for db in ALL:
    swift.append('        ("%s", %s + "\\n"),' % (db["file"], db["swift"]))
swift.append("    ]")
swift.append("}")
out = os.path.join(ROOT, "Sources", "FleetSimulator", "DBC", "EmbeddedDBC.swift")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write("\n".join(swift) + "\n")
print("wrote", ", ".join(db["file"] for db in ALL), "and", os.path.relpath(out, ROOT))
