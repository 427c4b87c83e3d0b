import Foundation
import Testing
@testable import CANDatabase

/// Measures (does not assert) how long a 300-message DBC takes to load. Run it in release
/// to get the number in the README: `swift test -c release --filter ParserSpeedTests`.
@Suite struct ParserSpeedTests {
    @Test func threeHundredMessagesLoad() {
        let text = ParserSupport.syntheticDBC(messages: 300)
        let bytes = Array(text.utf8)
        var best = Duration.seconds(1000)
        var result: DBCLoadResult?
        let clock = ContinuousClock()
        for _ in 0..<10 {
            let elapsed = clock.measure { result = DBCParser.parse(bytes, file: "synthetic.dbc") }
            best = min(best, elapsed)
        }
        #expect(result?.database.messages.count == 300)
        #expect(result?.database.messages.reduce(0) { $0 + $1.signals.count } == 2400)
        #expect(result?.hasErrors == false)
        let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
        print("ParserSpeedTests: 300 messages, 2400 signals, \(bytes.count) bytes: best of 10 loads \(String(format: "%.2f", ms)) ms")
    }
}
