import Foundation
@testable import Gateway
import TestSupport
import Testing

/// The official Python client's parser (prometheus_client, independent of swift-prometheus)
/// reads the endpoint's text with every family populated and finds the same series, values
/// and types. Python found (or the test skipped) by `PythonOracle`.
@Suite struct PrometheusClientOracleTests {
    @Test func prometheusClientParsesTheSameSeries() throws {
        guard let python = PythonOracle.find(importing: ["prometheus_client.parser"]) else { return }
        let (metrics, _, bundle) = try PrometheusTests.fedMetrics()
        for (i, stage) in ["queue", "kernel", "recorder", "tail", "decoded_log"].enumerated() { metrics.setDropped(stage: stage, total: i) }
        metrics.setController(bus: "can0", ControllerFigures(state: "error-warning", transmitErrors: 97, receiveErrors: 2, busOffEpisodes: 1,
                                                             events: ["bus_error": 40, "error_warning": 1]))
        metrics.setController(bus: "odd \"bus\"\\\n", ControllerFigures(state: "state-9", transmitErrors: nil, receiveErrors: 0, busOffEpisodes: 0))
        let text = metrics.exposition()
        let path = bundle.directory + "/metrics.txt"
        try TestFile.write(text, to: path)
        let result = try PythonOracle.run(python, script: Self.script, arguments: [path])
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: result.output) as! [String: [Any]]
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
