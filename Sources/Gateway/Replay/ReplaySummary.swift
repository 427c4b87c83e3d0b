import Telemetry

/// The end-of-replay outputs: the `--summary` JSON file and the table on stdout.
public enum ReplaySummary {
    /// `{"<vehicle>":{…truth.json keys…},…}`, vehicles in config order, each object as
    /// `OperationsSummaryJSON` writes it (keys sorted, no spaces), one vehicle per line.
    public static func json(_ summaries: [OperationsSummary]) -> String {
        var out: [UInt8] = Array("{".utf8)
        for (i, summary) in summaries.enumerated() {
            out.append(contentsOf: Array((i == 0 ? "\n" : ",\n").utf8))
            JSONString.append(summary.vehicle, to: &out)
            out.append(UInt8(ascii: ":"))
            OperationsSummaryJSON.append(summary, to: &out)
        }
        out.append(contentsOf: Array("\n}\n".utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// One row per vehicle. With `operations: false` (a `--dbc` replay, no semantic map)
    /// only frames and health columns, and a line saying why.
    public static func table(_ result: ReplayResult, operations: Bool) -> String {
        var rows: [[String]] = []
        if operations {
            rows.append(["vehicle", "frames", "km", "traction kWh", "regen kWh", "charge kWh", "kWh/100km", "SOC used",
                         "brakes", "trips", "faults", "silent", "checksum err", "counter err"])
            for s in result.summaries {
                rows.append([
                    s.vehicle, "\(s.frames.reduce(0) { $0 + $1.count })", fixed(s.distanceKm, 3), fixed(s.tractionEnergyKWh, 3),
                    fixed(s.regenEnergyKWh, 3), fixed(s.chargeEnergyKWh, 3), s.kWhPer100km.map { fixed($0, 2) } ?? "-",
                    s.socUsed.map { fixed($0, 2) } ?? "-", "\(s.brakeApplications)", "\(s.trips.count)", "\(s.faultEpisodes.count)",
                    "\(s.silentMessages.count)", "\(s.checksumErrors)", "\(s.counterErrors)",
                ])
            }
        } else {
            rows.append(["vehicle", "bus", "frames", "error frames", "silent"])
            for s in result.summaries {
                for (f, e) in zip(s.frames, s.errorFrames) {
                    rows.append([s.vehicle, f.name, "\(f.count)", "\(e.count)", "\(s.silentMessages.filter { $0.bus == f.name }.count)"])
                }
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 || (!operations && i == 1) ? cell + pad : pad + cell
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        if !operations { out += "(no --config: windows and health only; operations figures need a semantic map)\n" }
        return out
    }

    /// `x` with `digits` decimals, rounded half away from zero.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = (abs(x) * scale).rounded()
        guard n < 9e15 else { return "\(x)" }
        let whole = Int64(n) / Int64(scale), frac = Int64(n) % Int64(scale)
        var fracText = "\(frac)"
        while fracText.count < digits { fracText = "0" + fracText }
        let sign = x < 0 && n > 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fracText)"
    }
}

/// A JSON string literal (quotes, backslash and control characters escaped).
enum JSONString {
    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case 92: out.append(contentsOf: [92, 92])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
