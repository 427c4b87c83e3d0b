import Foundation
@testable import Gateway
import Testing

/// The official Python client's parser (prometheus_client, independent of swift-prometheus)
/// reads the endpoint's text with every family populated and finds the same series, values
/// and types. Skipped, with a message, when no Python with prometheus_client is found
/// (`$CANDOR_VENV`, `.venv`, `/tmp/venv`, `python3`).
@Suite struct PrometheusClientOracleTests {
    static func python() -> String? {
        var candidates: [String] = []
        if let venv = ProcessInfo.processInfo.environment["CANDOR_VENV"], !venv.isEmpty { candidates.append(venv + "/bin/python") }
        candidates += [SystemdUnitTests.repository + "/.venv/bin/python", "/tmp/venv/bin/python", "/usr/bin/python3"]
        for p in candidates where FileManager.default.isExecutableFile(atPath: p) {
            if (try? run(p, ["-c", "import prometheus_client.parser"]))?.status == 0 { return p }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func prometheusClientParsesTheSameSeries() throws {
        guard let python = Self.python() else {
            print("skipped: no Python with prometheus_client (set CANDOR_VENV)")
            return
        }
        let (metrics, _, bundle) = try PrometheusTests.fedMetrics()
        for (i, stage) in ["queue", "kernel", "recorder", "tail", "decoded_log"].enumerated() { metrics.setDropped(stage: stage, total: i) }
        metrics.setController(bus: "can0", ControllerFigures(state: "error-warning", transmitErrors: 97, receiveErrors: 2, busOffEpisodes: 1,
                                                             events: ["bus_error": 40, "error_warning": 1]))
        metrics.setController(bus: "odd \"bus\"\\\n", ControllerFigures(state: "state-9", transmitErrors: nil, receiveErrors: 0, busOffEpisodes: 0))
        let text = metrics.exposition()
        let path = bundle.directory + "/metrics.txt"
        try TestFile.write(text, to: path)
        let result = try Self.run(python, ["-c", Self.script, path])
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: [Any]]
        let ours = ExpositionText(text)
        #expect(ours.problems == [])
        #expect(ours.types.count == 10)
        #expect(Set(parsed.keys) == Set(ours.samples.keys))
        for (series, value) in ours.samples {
            guard let theirs = parsed[series] else { continue }
            #expect((theirs[0] as? String).flatMap(Double.init) == value, "\(series)")
            #expect(theirs[1] as? String == ours.types[String(series.prefix { $0 != "{" })], "\(series)")
        }
        print("prometheus_client read \(parsed.count) series of \(ours.types.count) families")
    }

    /// Prints {series as written: [repr of the value, family type]}, label values escaped again
    /// (the value as text: Foundation's JSON reader rounds some decimals on Linux).
    static let script = #"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
def esc(v):
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
out = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        labels = ",".join('%s="%s"' % (k, esc(v)) for k, v in s.labels.items())
        out[s.name + ("{" + labels + "}" if labels else "")] = [repr(float(s.value)), family.type]
print(json.dumps(out))
"""#
}
