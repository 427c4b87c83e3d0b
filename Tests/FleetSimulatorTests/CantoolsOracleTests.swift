import Foundation
import TestSupport
import Testing

/// cantools, an independent decoder, reads the committed fleet fixtures and gets the
/// figures of their truth.json (J1939 matched by PGN, checksums recomputed from the DBC
/// comments' definitions). Python found (or the test skipped) by `PythonOracle`.
@Suite struct CantoolsOracleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["van-cltc-p", "bus-c-wtvc", "fcev-urban"])
    func cantoolsAgreesWithTruth(bundle: String) throws {
        guard let python = PythonOracle.find(importing: ["cantools"]) else { return }
        let directory = Self.root.appendingPathComponent("Fixtures/captures/fleet/\(bundle)").path
        let result = try PythonOracle.run(python, script: Self.script, arguments: [directory])
        #expect(result.status == 0)
        let figures = try JSONSerialization.jsonObject(with: result.output) as! [String: Double]
        let truthData = try Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))
        let truth = try JSONSerialization.jsonObject(with: truthData) as! [String: Any]
        print("\(bundle): cantools \(figures)")
        #expect(figures["unknown"] == 0 && figures["bad_checksums"] == 0 && figures["counter_errors"] == 0)
        for key in ["distance_km", "traction_energy_kwh", "regen_energy_kwh"] {
            let expected = truth[key] as! Double
            #expect(abs(figures[key]! / expected - 1) < 0.005, "\(key): cantools \(figures[key]!), truth \(expected)")
        }
    }

    /// Every mapped signal of every committed bundle, decoded by cantools
    /// (Tests/Oracle/truth_cantools.py), against truth.json — which the simulator writes from
    /// its physical state: the samples at their instants, SOC first/last, the cell and
    /// temperature extremes (within half the signal's factor) and the alarm episodes
    /// (kind, level, instants exact). About 1.3 s of CPU per bundle.
    @Test(arguments: ["van-cltc-p", "van-urban-faults", "bus-c-wtvc", "fcev-urban", "van-charging-stops"])
    func everyMappedSignalAgreesWithTruth(bundle: String) throws {
        guard let python = PythonOracle.find(importing: ["cantools"]) else { return }
        let directory = Self.root.appendingPathComponent("Fixtures/captures/fleet/\(bundle)").path
        let script = try String(contentsOfFile: Self.root.appendingPathComponent("Tests/Oracle/truth_cantools.py").path, encoding: .utf8)
        let result = try PythonOracle.run(python, script: script, arguments: [directory], timeout: 300)
        print("truth_cantools \(bundle): \(result.text)\(result.errors)")
        #expect(result.status == 0, "\(result.text)\(result.errors)")
        let summary = try JSONSerialization.jsonObject(with: result.output) as! [String: Any]
        let mapped = summary["mapped_signals"] as! Int, samples = summary["samples_compared"] as! Int
        #expect(mapped >= 30 && samples >= 200, "\(mapped) mapped signals, \(samples) samples compared")
        #expect(summary["mismatch_count"] as! Int == 0)
        if bundle == "van-urban-faults" { #expect(summary["alarm_episodes"] as! Int == 2) }
    }

    static let script = #"""
import gzip, json, re, sys, cantools
d = sys.argv[1]
dbs, j1939, roles, protected = {}, set(), {}, {}
bus = None
for line in open(d + "/candor.yaml"):
    m = re.match(r"      (can\d+):$", line)
    if m: bus = m.group(1)
    m = re.match(r"        dbc: (\S+)", line)
    if m: dbs[bus] = cantools.database.load_file(d + "/" + m.group(1))
    if re.match(r"        j1939: true", line): j1939.add(bus)
    m = re.match(r"            checksum: \{ signal: (\w+), algorithm: (\w+) \}", line)
    if m: protected[m.group(1)] = m.group(2)
    m = re.match(r"      (vehicle_speed|pack_voltage|pack_current): \{ bus: (\w+), message: (\w+), signal: (\w+)", line)
    if m: roles[m.group(1)] = (m.group(2), m.group(3), m.group(4))
def crc8(bs):
    crc = 0xFF
    for b in bs:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1D) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc ^ 0xFF
def find(db, fid, pgn):
    try:
        return db.get_message_by_frame_id(fid)
    except KeyError:
        if not pgn: return None
        key = lambda i: ((i >> 8) & 0x3FF00) if ((i >> 16) & 0xFF) < 240 else ((i >> 8) & 0x3FFFF)
        c = [m for m in db.messages if m.is_extended_frame and key(m.frame_id) == key(fid)]
        return c[-1] if c else None
out = dict(unknown=0, bad_checksums=0, counter_errors=0)
last, speed, volts, amps = {}, [], {}, []
for line in gzip.open(d + "/capture.log.gz", "rt"):
    m = re.match(r"\((\d+\.\d+)\) (\S+) ([0-9A-F]+)(##?)([0-9A-F]*)", line)
    t, b, ident, sep, data = float(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5)
    fid = int(ident, 16)
    if len(ident) == 8 and fid & 0x20000000: continue
    payload = bytes.fromhex(data[1:] if sep == "##" else data)
    msg = find(dbs[b], fid, b in j1939)
    if msg is None:
        out["unknown"] += 1; continue
    v = msg.decode(payload, decode_choices=False)
    for s in msg.signals:
        if s.name in protected:
            byte = s.start // 8
            rest = bytes(x for i, x in enumerate(payload) if i != byte)
            expected = crc8(rest) if protected[s.name] == "crc8_sae_j1850" else __import__("functools").reduce(lambda a, x: a ^ x, rest, 0)
            if v[s.name] != expected: out["bad_checksums"] += 1
            counter = [c.name for c in msg.signals if c.name.endswith("RollingCounter")][0]
            if (b, msg.name) in last and v[counter] != (last[(b, msg.name)] + 1) % 16: out["counter_errors"] += 1
            last[(b, msg.name)] = v[counter]
    if (b, msg.name) == roles["vehicle_speed"][:2]: speed.append((t, v[roles["vehicle_speed"][2]]))
    if (b, msg.name) == roles["pack_voltage"][:2]:
        amps.append((t, v[roles["pack_voltage"][2]] * v[roles["pack_current"][2]]))
def trapezoid(xs, f=lambda x: x):
    return sum((f(a) + f(c)) / 2 * (t1 - t0) for (t0, a), (t1, c) in zip(xs, xs[1:]))
out["distance_km"] = trapezoid(speed) / 3600
out["traction_energy_kwh"] = trapezoid(amps, lambda p: max(p, 0)) / 3.6e6
out["regen_energy_kwh"] = trapezoid(amps, lambda p: max(-p, 0)) / 3.6e6
print(json.dumps(out))
"""#
}
