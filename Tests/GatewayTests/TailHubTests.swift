import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A test's `candor tail` client: a connected socket read with blocking reads.
final class TailTestClient: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws { fd = try UnixSocket.connect(to: path) }
    deinit { close(fd) }

    /// The next line, waiting for it; nil at end of stream.
    func line() -> String? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let text = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return text
            }
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            pending += chunk[0..<n]
        }
    }

    /// Lines until (and without) `last`, and the missed counts reported on the way.
    func read(until last: String) -> (lines: [String], missed: UInt64) {
        var lines: [String] = []
        var missed: UInt64 = 0
        while let text = line(), text != last {
            if case .missed(let n)? = TailLine.parse(text[...]) { missed += n } else { lines.append(text) }
        }
        return (lines, missed)
    }
}

func frameLine(_ i: Int) -> String {
    "{\"bus\":\"can0\",\"ext\":false,\"id\":\(i % 2048),\"msg\":\"M\",\"signals\":{\"N\":\(i)},\"t\":\(i).000000}"
}

@Suite struct TailHubTests {
    @Test func everyClientGetsEveryLineInOrder() throws {
        let directory = try TemporaryDirectory.make("tail-hub")
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock", clientCapacity: 100_000))
        defer { hub.close() }
        let clients = try (0..<3).map { _ in try TailTestClient(path: hub.options.path) }
        hub.awaitClients(3)
        let sent = (0..<5000).map(frameLine)
        for line in sent { hub.publish(line) }
        hub.publish("END")
        for client in clients {
            let got = client.read(until: "END")
            #expect(got.lines == sent)
            #expect(got.missed == 0)
        }
    }

    @Test func socketModeAndGroup() throws {
        let directory = try TemporaryDirectory.make("tail-mode")
        let gid = getegid()
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock", mode: 0o660, group: String(gid)))
        var info = stat()
        #expect(stat(hub.options.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_gid == gid)
        hub.close()
        #expect(access(hub.options.path, F_OK) != 0)  // removed on close
        #expect(throws: TailError.self) {
            _ = try TailHub(options: TailHubOptions(path: directory + "/x.sock", group: "no-such-group-candor"))
        }
    }

    @Test func secondHubOnALiveSocketIsRefused() throws {
        let directory = try TemporaryDirectory.make("tail-twice")
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock"))
        defer { hub.close() }
        #expect(throws: TailError.self) { _ = try TailHub(options: TailHubOptions(path: hub.options.path)) }
    }

    @Test func stuckClientLosesOnlyItsOwnOldestLinesAndIsTold() throws {
        let directory = try TemporaryDirectory.make("tail-stuck")
        let capacity = 1000
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock", clientCapacity: capacity))
        defer { hub.close() }
        let stuck = try TailTestClient(path: hub.options.path)
        let fast = try TailTestClient(path: hub.options.path)
        hub.awaitClients(2)
        // The fast client reads on its own thread; the stuck one reads nothing until the end.
        let total = 200_000
        let sent = (0..<total).map(frameLine)
        let fastResult = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Thread { fastResult.value = fast.read(until: "END"); done.signal() }.start()
        // The producer never waits on either client: 200 000 lines go out while `stuck`
        // reads nothing at all (its socket buffer fills after a few thousand lines).
        let bytes = sent.map { Array($0.utf8) }
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        for line in bytes { hub.publish(line) }
        clock_gettime(CLOCK_MONOTONIC, &end)
        hub.publish("END")
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        print("publish with one stuck and one reading client: \(total) lines in \(seconds) s (\(Int(Double(total) / seconds)) lines/s; information only)")
        #expect(hub.missedLines > 0)
        let stuckResult = stuck.read(until: "END")
        done.wait()
        // Every line is either received or reported missed, and what arrives is in order.
        #expect(UInt64(stuckResult.lines.count) + stuckResult.missed == UInt64(total))
        #expect(stuckResult.missed > 0)
        #expect(stuckResult.lines.count >= capacity - 1)
        #expect(stuckResult.lines.suffix(capacity - 1) == sent.suffix(capacity - 1))
        let order = Dictionary(uniqueKeysWithValues: sent.enumerated().map { ($1, $0) })
        let indices = stuckResult.lines.map { order[$0] ?? -1 }
        #expect(indices.first ?? -1 >= 0 && zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 })
        print("stuck client: \(stuckResult.lines.count) lines received, \(stuckResult.missed) reported missed; fast client missed \(fastResult.value.missed)")
        #expect(UInt64(fastResult.value.lines.count) + fastResult.value.missed == UInt64(total))
    }

    @Test func tailConnectionReadsLinesAndSeesTheHubClose() throws {
        let directory = try TemporaryDirectory.make("tail-connection")
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock"))
        let connection = try TailConnection(path: hub.options.path)
        hub.awaitClients(1)
        for i in 0..<10 { hub.publish(frameLine(i)) }
        hub.publish("END")
        var received: [String] = []
        while let line = try connection.nextLine(), line != "END" { received.append(String(line)) }
        #expect(received == (0..<10).map(frameLine))
        hub.close()
        #expect(try connection.nextLine() == nil)
    }

    @Test func clientQueueDropsOldestAndReportsTheGap() {
        var queue = TailClientQueue(capacity: 3)
        for i in 0..<5 { queue.push(Array("L\(i)".utf8)) }
        var out: [UInt8] = []
        queue.take(into: &out, limit: 1 << 20)
        #expect(String(decoding: out, as: UTF8.self) == "{\"missed\":2}\nL2\nL3\nL4\n")
        #expect(queue.isEmpty && queue.totalMissed == 2)
    }
}

final class ResultBox: @unchecked Sendable {
    var value: (lines: [String], missed: UInt64) = ([], 0)
}
