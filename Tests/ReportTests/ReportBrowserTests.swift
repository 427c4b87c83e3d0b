import Foundation
import Testing
import TestSupport

/// The HTML report opened in Debian's chromium (headless), driven by
/// Tests/Oracle/report_browser.py over the DevTools protocol: no request leaves the file, no
/// console error, every chart titled, the table cells equal the store (read by Python's
/// sqlite3), each page's screenshot not blank, printing gives a page per section.
@Suite(.serialized) struct ReportBrowserTests {
    static var script: String { Tool.root.appendingPathComponent("Tests/Oracle/report_browser.py").path }

    /// chromium and Python, or nil when they are absent and not required; a failure under
    /// Tests/run.sh, where CANDOR_VENV is set (`OracleTool`, `PythonOracle`).
    func oracle() throws -> String? {
        guard OracleTool.shouldRun("chromium") else {
            print("skipped: no chromium (Tests/setup.sh installs it)")
            return nil
        }
        _ = try OracleTool.require("chromium")
        return PythonOracle.find()
    }

    func browse(_ html: String, store: String, shots: String) throws -> (status: Int32, summary: [String: Any], raw: String) {
        guard let python = try oracle() else { return (-1, [:], "") }
        let run = try Tool.run(python, [Self.script, "--html", html, "--store", store, "--shots", shots], timeout: 180)
        let summary = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        return (run.status, summary, run.stdout + run.stderr)
    }

    @Test func theFleetReportAsAUserSeesIt() throws {
        let store = try FleetStore.path()
        let folder = try Tool.temporaryDirectory("browser")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let html = folder + "/report.html"
        let made = try Tool.run(Tool.candor, ["report", "--store", store, "--output", html], timeout: 60)
        #expect(made.status == 0, "\(made.stderr)")
        let seen = try browse(html, store: store, shots: folder + "/shots")
        guard seen.status != -1 else { return }
        print(seen.raw)
        #expect(seen.status == 0, "\(seen.summary["failures"] ?? seen.raw)")
        #expect((seen.summary["table_rows"] as? Int) == FleetStore.bundles.count)
        #expect((seen.summary["cells_compared"] as? Int) == 18 * FleetStore.bundles.count)  // 18 columns a row (SOC min/max, average speed, charges, charge kWh, H₂ and ambient included)
        #expect(((seen.summary["svgs"] as? Int) ?? 0) >= 12)
        // The smart-connected page: the bus (the one bundle with ACC and AEB mapped) has a
        // driver-assistance row — ACC km and h, disengagements, AEB activations equal the store;
        // its 60 s never reach ACC's 35 km/h, so no event (the oracle compares events too).
        #expect((seen.summary["smart_rows"] as? Int) == 1)
        #expect((seen.summary["smart_cells_compared"] as? Int) == 4)
        #expect((seen.summary["smart_events"] as? Int) == 0)
        // Fleet, plots, smart-connected and one page per vehicle.
        #expect(((seen.summary["pages"] as? [String: Any]) ?? [:]).count == 3 + FleetStore.bundles.count)
    }

    /// The oracle itself: a page that fetches an image, logs an error, has an untitled chart
    /// and a wrong distance fails each check (so a pass above means something).
    @Test func theBrowserChecksCatchWhatTheyLookFor() throws {
        let store = try FleetStore.path()
        let folder = try Tool.temporaryDirectory("browser-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let html = folder + "/report.html"
        let made = try Tool.run(Tool.candor, ["report", "--store", store, "--output", html], timeout: 60)
        #expect(made.status == 0)
        let tampered = try String(contentsOfFile: html, encoding: .utf8).replacingOccurrences(
            of: "</body>", with: "<img src=\"http://192.0.2.1/x.png\"><script>console.error('boom')</script><svg></svg></body>")
            .replacingOccurrences(of: "<td class=\"n\">0.18</td>", with: "<td class=\"n\">0.81</td>")
        try tampered.write(toFile: html, atomically: true, encoding: .utf8)
        let seen = try browse(html, store: store, shots: folder + "/shots")
        guard seen.status != -1 else { return }
        let failures = (seen.summary["failures"] as? [String]) ?? []
        #expect(seen.status == 1)
        #expect(failures.contains { $0.hasPrefix("network:") && $0.contains("192.0.2.1") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("console:") && $0.contains("boom") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("svg: 1 charts without a title") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("tables: bus01 2026-01-01 km: page '0.81'") }, "\(failures)")
    }
}
