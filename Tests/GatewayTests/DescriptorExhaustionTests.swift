import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint and the tail socket when the process runs out of file descriptors
/// (issue 10, items 3 and 4): `accept` fails with EMFILE; the failure is logged, the thread
/// neither dies (the metrics endpoint before) nor spins (the tail hub before), and both serve
/// again once descriptors are free. The limit is lowered in a child test process (this test
/// binary run again with a filter), so no other test ever sees EMFILE.
@Suite struct DescriptorExhaustionTests {
    static let childVariable = "CANDOR_FD_EXHAUSTION_CHILD"
    static var inChild: Bool { ProcessInfo.processInfo.environment[childVariable] != nil }

    /// Runs this suite's `test` in a child process of this test binary; its output is printed.
    static func runInChild(_ test: String) throws -> Int32 {
        let directory = try TemporaryDirectory.make("fd-child")
        let outputPath = directory + "/output.txt"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            throw TestFailure("cannot create \(outputPath)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["--testing-library", "swift-testing", "--filter", "DescriptorExhaustionTests/\(test)"]
        process.environment = ProcessInfo.processInfo.environment.merging([childVariable: "1"]) { $1 }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = monotonicSeconds() + 120
        while process.isRunning && monotonicSeconds() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            print("child \(test) killed after 120 s")
        }
        process.waitUntilExit()
        print(try String(contentsOfFile: outputPath, encoding: .utf8))
        return process.terminationStatus
    }

    /// Lowers the soft descriptor limit to what is open now plus `headroom`, then fills the
    /// headroom with duplicates of `fd` until `dup` fails; returns the duplicates.
    static func exhaustDescriptors(copying fd: Int32, headroom: Int = 32) throws -> [Int32] {
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestFailure("getrlimit: errno \(errno)") }
        limit.rlim_cur = rlim_t(open + headroom)
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestFailure("setrlimit: errno \(errno)") }
        var fillers: [Int32] = []
        while true {
            let copy = dup(fd)
            if copy < 0 { break }
            fillers.append(copy)
        }
        guard errno == EMFILE else { throw TestFailure("dup stopped with errno \(errno), not EMFILE") }
        return fillers
    }

    static func release(_ fillers: [Int32]) {
        for fd in fillers { close(fd) }
    }

    /// Waits (at most 10 s) until `capture` holds a line containing `text`.
    static func awaitLine(_ capture: LogCapture, containing text: String) -> Bool {
        let deadline = monotonicSeconds() + 10
        while monotonicSeconds() < deadline {
            if capture.all.contains(where: { $0.contains(text) }) { return true }
            usleep(5_000)
        }
        return false
    }

    /// Once `capture` shows the accept failure: the CPU seconds this process uses in the next
    /// 0.5 s (a spinning thread would use about 0.5), then the descriptors are released.
    static func cpuWhileExhausted(_ capture: LogCapture, awaiting text: String, fillers: [Int32]) -> Double {
        #expect(awaitLine(capture, containing: text))
        let before = processCPUSeconds()
        usleep(500_000)
        let cpu = processCPUSeconds() - before
        release(fillers)
        print("log: \(capture.all)\nCPU while descriptors were exhausted: \(cpu) s in 0.5 s")
        return cpu
    }

    /// User plus system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func connectIPv4(_ fd: Int32, port: UInt16) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    @Test func metricsEndpointAnswersAgainAfterDescriptorsRunOut() throws {
        guard Self.inChild else {
            #expect(try Self.runInChild("metricsEndpointAnswersAgainAfterDescriptorsRunOut") == 0)
            return
        }
        let capture = LogCapture()
        let server = try PrometheusServer(listen: "127.0.0.1:0", metrics: try PrometheusHardeningTests.metrics(), log: PrometheusHardeningTests.log(capture))
        defer { server.close() }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(client >= 0)
        defer { close(client) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        #expect(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0)
        let fillers = try Self.exhaustDescriptors(copying: client)
        // The kernel completes the connection; the server's accept then fails with EMFILE.
        #expect(Self.connectIPv4(client, port: server.port))
        let cpu = Self.cpuWhileExhausted(capture, awaiting: "cannot accept connections", fillers: fillers)
        #expect(capture.all.first?.contains("Too many open files") == true)
        #expect(cpu < 0.2)
        // Descriptors are back: the waiting connection is accepted and answered.
        #expect(MetricsTestClient.send(Array("GET /metrics HTTP/1.1\r\n\r\n".utf8), to: client))
        #expect(MetricsTestClient.readAll(client).hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(try MetricsTestClient.scrape(port: server.port).hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    /// The mechanism, not the CPU it saves (CPU time on a busy host proves nothing: a spinning
    /// thread that gets little CPU passed the old check): while `accept` fails, the I/O
    /// thread's loop runs only when the back-off (50 ms doubling to 1 s) expires, so in W
    /// seconds it makes at most a few passes per 50 ms; polling the listener regardless (the
    /// bug) makes thousands in any fraction of a second it gets to run.
    @Test func tailHubNeitherSpinsNorStopsWhenDescriptorsRunOut() throws {
        guard Self.inChild else {
            #expect(try Self.runInChild("tailHubNeitherSpinsNorStopsWhenDescriptorsRunOut") == 0)
            return
        }
        let directory = try TemporaryDirectory.make("tail-emfile")
        let capture = LogCapture()
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock"), log: TailHubLimitTests.silentLog(capture))
        defer { hub.close() }
        let client = try UnixSocket.streamSocket(hub.options.path)
        defer { close(client) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        #expect(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0)
        let fillers = try Self.exhaustDescriptors(copying: client)
        #expect(try UnixSocket.withAddress(hub.options.path) { connect(client, $0, $1) } == 0)
        #expect(Self.awaitLine(capture, containing: "cannot accept clients"))
        let (passesBefore, start) = (hub.loopPasses, monotonicSeconds())
        usleep(500_000)
        let (passes, seconds) = (hub.loopPasses - passesBefore, monotonicSeconds() - start)
        Self.release(fillers)
        // Two passes per back-off (its timeout, then the failing accept), the shortest 50 ms.
        let allowed = 10 + Int(seconds / 0.05) * 2
        print("log: \(capture.all)\nI/O loop passes while descriptors were exhausted: \(passes) in \(seconds) s (at most \(allowed))")
        #expect(passes <= allowed)
        hub.awaitClients(1)
        hub.publish(frameLine(3))
        var line = [UInt8](repeating: 0, count: 4096)
        let n = read(client, &line, line.count)
        #expect(n > 0 && String(decoding: line[0..<max(n, 0)], as: UTF8.self) == frameLine(3) + "\n")
    }
}
