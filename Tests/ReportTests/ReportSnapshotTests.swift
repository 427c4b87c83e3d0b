import Foundation
import Testing

/// The HTML of a fixed store, byte for byte. The store is Snapshots/fixed-store.sql (the
/// fixture bundles' store and a simulated bus whose ACC disengages by each cause and whose
/// AEB brakes, trimmed to the rows the report reads, loaded by `sqlite3`), so the snapshot
/// changes only when the report does. After an intended change of the report:
///
///     CANDOR_UPDATE_SNAPSHOTS=1 swift test --skip-build --filter ReportSnapshotTests
///
/// and review the diff of Snapshots/fixed-store.html. After a change of the store (its schema,
/// the figures Telemetry writes, the simulator), first remake the SQL with
///
///     bash Tests/ReportTests/Snapshots/make-fixed-store.sh .build/debug/candor
@Suite struct ReportSnapshotTests {
    static let folder = Tool.root.appendingPathComponent("Tests/ReportTests/Snapshots")

    @Test func fixedStoreGivesTheCommittedHTML() throws {
        let work = try Tool.temporaryDirectory("snapshot")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let store = work + "/fixed.db"
        // Read by the shell from the file (the SQL is larger than one argument may be).
        _ = try Tool.sqlite(store, ".read '\(Self.folder.appendingPathComponent("fixed-store.sql").path)'")
        var outputs: [Data] = []
        for name in ["a.html", "b.html"] {
            let run = try Tool.run(Tool.candor, ["report", "--store", store, "--output", work + "/" + name], timeout: 60)
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: work + "/" + name)))
        }
        #expect(outputs[0] == outputs[1], "two processes wrote different bytes")
        // The smart-connected page is a real one: bus02's events, every cause, no "no data".
        let html = String(decoding: outputs[0], as: UTF8.self)
        #expect(html.contains("id=\"assistance-events\"") && !html.contains("id=\"smart-none\""))
        for cause in ["driver_brake", "driver_steer", "system_fault", "AEB activation"] {
            #expect(html.contains("<td>\(cause)</td>"), "the snapshot's store has no \(cause)")
        }
        let expected = Self.folder.appendingPathComponent("fixed-store.html")
        if ProcessInfo.processInfo.environment["CANDOR_UPDATE_SNAPSHOTS"] == "1" {
            try outputs[0].write(to: expected)
            print("updated \(expected.path)")
        }
        let committed = try Data(contentsOf: expected)
        #expect(outputs[0] == committed, "the report of fixed-store.sql differs from Snapshots/fixed-store.html (see the suite's comment to update it)")
    }
}
