#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemIO

extension BenchRunner {
    /// Creates the bench directory (one that exists is fine).
    public static func makeDirectory(_ path: String) throws(SystemError) {
        try Syscall.makeDirectory(path, mode: 0o755)
    }

    /// The second workload, shaped like a real car: `dbc` when given; otherwise, when the
    /// Python peer has opendbc, its toyota_nodsu_pt_generated.dbc made into `directory`.
    public mutating func addSecondWorkload(dbc: String?, seed: UInt64) throws {
        if let dbc {
            let file = dbc.split(separator: "/").last.map(String.init) ?? dbc
            let name = file.hasSuffix(".dbc") ? String(file.dropLast(4)) : file
            extraWorkloads = [try BenchWorkload(name: name, dbcPath: dbc, seed: seed)]
        } else if let peer {
            let toyota = directory + "/toyota_nodsu_pt_generated.dbc"
            if try peer.writeOpendbcToyotaDBC(to: toyota) {
                extraWorkloads = [try BenchWorkload(name: "toyota_nodsu_pt_generated", dbcPath: toyota, seed: seed)]
            }
        }
    }
}

extension BenchResult {
    /// The results as `candor bench` prints them, a line each: the name padded to the
    /// longest, the value and unit, and the ratio to cantools when the peer measured one.
    public static func table(_ results: [BenchResult]) -> String {
        let width = results.map(\.name.count).max() ?? 0
        var out = ""
        for result in results {
            out += result.name + String(repeating: " ", count: width - result.name.count)
            out += "  " + number(result.value) + " " + result.unit
            if let ratio = result.ratio { out += "  (" + number(ratio) + "× cantools)" }
            out += "\n"
        }
        return out
    }

    /// Whole numbers from 100 up, else two decimals cut (not rounded).
    static func number(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 100)) / 100)
    }
}
