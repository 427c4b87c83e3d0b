import Foundation
import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite struct LoggingTests {
    static let fixedClock: @Sendable () -> (Int, Int) = { (1_773_324_302, 123) }

    @Test func journalLinesCarryThePriorityAndNoTime() {
        let capture = LogCapture()
        let log = GatewayLog(label: "recorder", format: .journal, output: capture.append, clock: Self.fixedClock)
        log.warning("queue full,\nframes dropped", ["dropped": "12", "file": "a b.log"])
        log.error("cannot write")
        log.info("started")
        log.debug("hidden below the minimum")
        #expect(capture.all == [
            "<4>recorder: queue full, frames dropped dropped=12 file=\"a b.log\"\n",
            "<3>recorder: cannot write\n",
            "<6>recorder: started\n",
        ])
    }

    @Test func terminalLinesArePlainWithUTCTime() {
        let capture = LogCapture()
        let log = GatewayLog(label: "tail", minimum: .debug, format: .terminal, output: capture.append, clock: Self.fixedClock)
            .labelled("recorder")
        log.notice("rotated", ["file": "x.log"])
        log.debug("d")
        #expect(capture.all == [
            "2026-03-12T14:05:02.123Z notice recorder: rotated file=x.log\n",
            "2026-03-12T14:05:02.123Z debug recorder: d\n",
        ])
    }

    @Test func journalIsDetectedOnlyForTheStreamItNames() throws {
        let directory = try TemporaryDirectory.make("logging")
        let path = directory + "/stream"
        try TestFile.write("", to: path)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        let stream = "\(info.st_dev):\(info.st_ino)"
        #expect(LogLineFormat.detect(environment: ["JOURNAL_STREAM": stream], descriptor: fd) == .journal)
        #expect(LogLineFormat.detect(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"], descriptor: fd) == .terminal)
        #expect(LogLineFormat.detect(environment: [:], descriptor: fd) == .terminal)
        #expect(LogLineFormat.detect(environment: ["JOURNAL_STREAM": "garbage"], descriptor: fd) == .terminal)
    }

    @Test func levelsMapToSyslogPriorities() {
        #expect(LogLevel.allCases.map(\.rawValue) == [7, 6, 5, 4, 3, 2])
        #expect(LogLevel.error > LogLevel.info)
    }
}
