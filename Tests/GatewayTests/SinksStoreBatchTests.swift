import Foundation
@testable import Telemetry
import Testing
@testable import Gateway

/// Batches larger than one multi-row INSERT (`StoreStatements.signalWindowRows`), with a
/// signal set that changes from window to window (the signal-id memo must miss and recover).
@Suite struct SinksStoreBatchTests {
    /// Window `k` holds signals S0…S(2 + k % 5), two window lengths interleaved, the
    /// record types mixed: 100 windows, 510 signal rows, not a multiple of 64.
    static func records() -> [TelemetryRecord] {
        var out: [TelemetryRecord] = []
        for k in 0..<100 {
            let start = SinksFixtures.t0 + Int64(k) * SinksFixtures.second
            for s in 0..<(3 + k % 5) {
                out.append(.signalWindow(SinksFixtures.signalWindow(signal: "S\(s)", start: start)))
            }
            if k % 10 == 9 {
                out.append(.signalWindow(SinksFixtures.signalWindow(
                    signal: "S0", start: start - 9 * SinksFixtures.second, length: 10 * SinksFixtures.second)))
            }
            out.append(.messageHealth(SinksFixtures.messageHealth(start: start)))
        }
        return out
    }

    @Test func everyRowOfALargeBatchIsStoredOnceInOrder() throws {
        let path = SinksFixtures.directory("batch") + "/m.db"
        let records = Self.records()
        let windows = records.compactMap { if case .signalWindow(let r) = $0 { r } else { nil } }
        #expect(windows.count == 510)
        let store = try SQLiteStore(path: path)
        try store.write(records)
        try store.write(Array(records[100..<300]))  // again, part of it: ignored
        try store.close()
        let stored = try StoreReader.signalWindows(path)
        #expect(stored.count == windows.count)
        #expect(Set(stored) == Set(windows))
        #expect(try StoreReader.count(path, "signal") == 7)
        #expect(try StoreReader.count(path, "message_health") == 100)
    }

    @Test func batchesOfEverySizeAroundTheInsertWidth() throws {
        let rows = StoreStatements.signalWindowRows
        for count in [rows - 1, rows, rows + 1, 2 * rows + 3] {
            let path = SinksFixtures.directory("width\(count)") + "/m.db"
            let windows = (0..<count).map {
                SinksFixtures.signalWindow(signal: "S\($0 % 9)", start: SinksFixtures.t0 + Int64($0 / 9) * SinksFixtures.second)
            }
            let store = try SQLiteStore(path: path)
            try store.write(windows.map { .signalWindow($0) })
            try store.close()
            #expect(Set(try StoreReader.signalWindows(path)) == Set(windows), "\(count)")
            #expect(try StoreReader.count(path, "signal_window") == Int64(count), "\(count)")
        }
    }
}
