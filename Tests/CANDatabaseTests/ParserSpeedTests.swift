import Foundation
import Testing
@testable import CANDatabase

/// Measures (does not assert) how long DBCs take to load: best of 10, wall clock and CPU time
/// of this thread. For the README number run it in release:
/// `swift build -c release --build-tests -Xswiftc -enable-testing &&
///  swift test -c release --skip-build -Xswiftc -enable-testing --filter ParserSpeedTests`
@Suite struct ParserSpeedTests {
    static func threadCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    /// Best wall and CPU milliseconds of 10 loads.
    static func measure(_ bytes: [UInt8], file: String) -> (wall: Double, cpu: Double, result: DBCLoadResult) {
        var wall = Double.infinity
        var cpu = Double.infinity
        var result = DBCParser.parse(bytes, file: file)
        let clock = ContinuousClock()
        for _ in 0..<10 {
            let cpuStart = threadCPUTime()
            let start = clock.now
            result = DBCParser.parse(bytes, file: file)
            let elapsed = clock.now - start
            cpu = min(cpu, threadCPUTime() - cpuStart)
            wall = min(wall, Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
        }
        return (wall, cpu, result)
    }

    @Test func threeHundredMessagesLoad() throws {
        let bytes = Array(ParserSupport.syntheticDBC(messages: 300).utf8)
        let (wall, cpu, result) = Self.measure(bytes, file: "synthetic.dbc")
        #expect(result.database.messages.count == 300)
        #expect(result.database.messages.reduce(0) { $0 + $1.signals.count } == 2400)
        #expect(!result.hasErrors)
        print("ParserSpeedTests: synthetic 300 messages, 2400 signals, \(bytes.count) bytes: best of 10: \(String(format: "%.2f", wall)) ms wall, \(String(format: "%.2f", cpu)) ms CPU")
        guard let dir = ParserSupport.opendbcDirectory() else { return }
        for name in ["ford_lincoln_base_pt.dbc", "bmw_e9x_e8x.dbc", "gm_global_a_lowspeed_1818125.dbc", "vw_mqb.dbc"] {
            let path = "\(dir)/\(name)"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let fileBytes = try ParserSupport.readBytes(path)
            let (w, c, r) = Self.measure(fileBytes, file: path)
            let signals = r.database.messages.reduce(0) { $0 + $1.signals.count }
            print("ParserSpeedTests: \(name) \(r.database.messages.count) messages, \(signals) signals, \(fileBytes.count) bytes: best of 10: \(String(format: "%.2f", w)) ms wall, \(String(format: "%.2f", c)) ms CPU")
        }
    }
}
