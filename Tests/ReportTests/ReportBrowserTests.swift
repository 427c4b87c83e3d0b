import Foundation
import Testing
import TestSupport

/// The HTML report opened in Debian's chromium (headless), driven by
/// Tests/Oracle/report_browser.py over the DevTools protocol: no request leaves the file, no
/// console error, every chart titled, the table cells equal the store (read by Python's
/// sqlite3), the smart-connected page equal to the store and to the simulated ACC bus's
/// truth.json, each page's screenshot not blank, printing gives a page per section.
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

    func browse(_ html: String, store: String, shots: String, truth: [String] = []) throws -> (status: Int32, summary: [String: Any], raw: String) {
        guard let python = try oracle() else { return (-1, [:], "") }
        let run = try Tool.run(python, [Self.script, "--html", html, "--store", store, "--shots", shots] + truth.flatMap { ["--truth", $0] },
                               timeout: 180)
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
        let bus = FleetStore.AccBus.self
        let truth = try FleetStore.truth(bus.bundle)
        let events = (truth["disengagements"] as! [Any]).count + (truth["aeb_events"] as! [Any]).count
        let seen = try browse(html, store: store, shots: folder + "/shots", truth: ["\(bus.vehicle)=\(try FleetStore.truthPath(bus.bundle))"])
        guard seen.status != -1 else { return }
        print(seen.raw)
        #expect(seen.status == 0, "\(seen.summary["failures"] ?? seen.raw)")
        #expect((seen.summary["table_rows"] as? Int) == FleetStore.bundles.count)
        #expect((seen.summary["cells_compared"] as? Int) == 18 * FleetStore.bundles.count)  // 18 columns a row (SOC min/max, average speed, charges, charge kWh, H₂ and ambient included)
        #expect(((seen.summary["svgs"] as? Int) ?? 0) >= 12)
        // The smart-connected page: the two buses (ACC and AEB mapped) have a driver-assistance
        // row each — km, ACC km, h and share, disengagements, per 1,000 ACC km, AEB activations
        // equal the store's columns (7 a row). bus01's 60 s never reach ACC's 35 km/h; bus02
        // (simulated, `FleetStore.AccBus`) disengages by each cause and brakes for AEB: every
        // event row's speed and cause equal the store's summary_json (2 a row), and bus02's
        // row and events equal its truth.json (ACC km, h, the two counts, and each event).
        #expect((seen.summary["smart_rows"] as? Int) == 2)
        #expect((seen.summary["smart_events"] as? Int) == events)
        #expect((seen.summary["smart_cells_compared"] as? Int) == 2 * 7 + 2 * events)
        #expect((seen.summary["truth_values_compared"] as? Int) == 4 + events)
        #expect((seen.summary["smart_event_causes"] as? [String]) == ["driver_brake", "driver_steer", "system_fault"], "\(seen.summary)")
        #expect((truth["aeb_events"] as! [Any]).count >= 1, "\(bus.arguments): no AEB activation")
        // Fleet, plots, smart-connected and one page per vehicle.
        #expect(((seen.summary["pages"] as? [String: Any]) ?? [:]).count == 3 + FleetStore.bundles.count)
    }

    /// The oracle itself: a page that fetches an image, logs an error, has an untitled chart,
    /// a wrong distance and a wrong disengagement cause fails each check (so a pass above
    /// means something).
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
            .replacingOccurrences(of: "<td>driver_steer</td>", with: "<td>driver_brake</td>")
        try tampered.write(toFile: html, atomically: true, encoding: .utf8)
        let bus = FleetStore.AccBus.self
        let seen = try browse(html, store: store, shots: folder + "/shots", truth: ["\(bus.vehicle)=\(try FleetStore.truthPath(bus.bundle))"])
        guard seen.status != -1 else { return }
        let failures = (seen.summary["failures"] as? [String]) ?? []
        #expect(seen.status == 1)
        #expect(failures.contains { $0.hasPrefix("network:") && $0.contains("192.0.2.1") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("console:") && $0.contains("boom") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("svg: 1 charts without a title") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("tables: bus01 2026-01-01 km: page '0.81'") }, "\(failures)")
        // The steering takeover shown as a brake: wrong against the store and against truth.
        #expect(failures.contains { $0.hasPrefix("smart: \(bus.vehicle) ") && $0.hasSuffix("cause: page 'driver_brake', store 'driver_steer'") }, "\(failures)")
        #expect(failures.contains { $0.hasPrefix("truth: \(bus.vehicle) page ") && $0.hasSuffix("'driver_steer'") }, "\(failures)")
    }
}
