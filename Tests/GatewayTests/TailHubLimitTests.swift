import Foundation
@testable import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile input for the tail socket (issue 10, items 4 and 9): what sits at the socket path
/// is never deleted unless it is a socket, clients beyond `tail.max_clients` are refused with
/// a reason, and a world-writable mode is warned about.
@Suite struct TailHubLimitTests {
    static func silentLog(_ capture: LogCapture) -> GatewayLog {
        GatewayLog(label: "tail", format: .terminal, output: capture.append, clock: LoggingTests.fixedClock)
    }

    @Test func aRegularFileAtTheSocketPathIsRefusedAndKept() throws {
        let directory = try TemporaryDirectory.make("tail-file")
        let path = directory + "/important.txt"
        try TestFile.write("keep me\n", to: path)
        #expect {
            _ = try TailHub(options: TailHubOptions(path: path))
        } throws: { error in
            (error as? TailError)?.message.contains("is not a socket") == true
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
    }

    @Test func aSymlinkOrADirectoryAtTheSocketPathIsRefusedAndKept() throws {
        let directory = try TemporaryDirectory.make("tail-link")
        let target = directory + "/target.txt"
        try TestFile.write("target\n", to: target)
        let link = directory + "/tail.sock"
        #expect(symlink(target, link) == 0)
        #expect(throws: TailError.self) { _ = try TailHub(options: TailHubOptions(path: link)) }
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target\n")
        let sub = directory + "/sub"
        #expect(mkdir(sub, 0o755) == 0)
        #expect(throws: TailError.self) { _ = try TailHub(options: TailHubOptions(path: sub)) }
        #expect(stat(sub, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
    }

    @Test func aStaleSocketNobodyAnswersOnIsReplaced() throws {
        let directory = try TemporaryDirectory.make("tail-stale")
        let path = directory + "/tail.sock"
        // A bound socket whose process is gone: bound, then closed without unlinking.
        let fd = try UnixSocket.streamSocket(path)
        #expect(try UnixSocket.withAddress(path) { bind(fd, $0, $1) } == 0)
        #expect(close(fd) == 0)
        let hub = try TailHub(options: TailHubOptions(path: path))
        defer { hub.close() }
        let client = try TailConnection(path: path, readTimeout: .seconds(10))
        hub.awaitClients(1)
        hub.publish(frameLine(1))
        #expect(try client.nextLine().map(String.init) == frameLine(1))
    }

    @Test func aWorldWritableSocketIsWarnedAbout() throws {
        let directory = try TemporaryDirectory.make("tail-0777")
        let capture = LogCapture()
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock", mode: 0o777), log: Self.silentLog(capture))
        hub.close()
        #expect(capture.all.count == 1)
        #expect(capture.all.first?.contains("writable by every local user (mode 777)") == true)
        let quiet = LogCapture()
        try TailHub(options: TailHubOptions(path: directory + "/tail.sock", mode: 0o660), log: Self.silentLog(quiet)).close()
        #expect(quiet.all.isEmpty)
    }

    /// Every read has a 10 s limit: a hub that neither refuses nor streams fails the test
    /// instead of hanging it.
    @Test func clientsBeyondTheLimitAreRefusedWithAReason() throws {
        let directory = try TemporaryDirectory.make("tail-limit")
        let capture = LogCapture()
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock", maxClients: 3), log: Self.silentLog(capture))
        defer { hub.close() }
        let admitted = try (0..<3).map { _ in try TailConnection(path: hub.options.path, readTimeout: .seconds(10)) }
        hub.awaitClients(3)
        // 50 more: every one is told why and closed; the three keep their stream.
        for _ in 0..<50 {
            let extra = try TailConnection(path: hub.options.path, readTimeout: .seconds(10))
            #expect {
                _ = try extra.nextLine()
            } throws: { error in
                (error as? TailError)?.message == "the daemon refused this client: too many tail clients (tail.max_clients is 3)"
            }
        }
        #expect(hub.clientCount == 3)
        #expect(hub.refusedClients == 50)
        hub.publish(frameLine(7))
        for client in admitted { #expect(try client.nextLine().map(String.init) == frameLine(7)) }
        // Throttled: the first refusal is logged at once, the other 49 within 10 s are not.
        #expect(capture.all.filter { $0.contains("tail client refused") }.count == 1)
    }

    @Test func aReadTimeoutEndsTheWaitForALineThatNeverComes() throws {
        let directory = try TemporaryDirectory.make("tail-timeout")
        let hub = try TailHub(options: TailHubOptions(path: directory + "/tail.sock"))
        defer { hub.close() }
        let client = try TailConnection(path: hub.options.path, readTimeout: .milliseconds(200))
        hub.awaitClients(1)
        #expect {
            _ = try client.nextLine()
        } throws: { error in
            (error as? TailError)?.message == "no line within 0.2 seconds"
        }
    }

    @Test func maxClientsIsAConfigKeyWithARange() throws {
        func tail(_ extra: String) throws -> TailHubOptions? {
            try GatewayConfig.decode(yaml: ConfigTests.minimal + "\ntail:\n  socket: /run/candor/tail.sock\n" + extra, file: "c.yaml", environment: [:]).tail
        }
        #expect(try tail("")?.maxClients == 32)
        #expect(try tail("  max_clients: 1024\n")?.maxClients == 1024)
        #expect(throws: ConfigError.self) { try tail("  max_clients: 0\n") }
        #expect(throws: ConfigError.self) { try tail("  max_clients: 1025\n") }
    }
}
