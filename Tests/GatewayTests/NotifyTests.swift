import Gateway
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real AF_UNIX datagram socket bound by the test plays systemd.
final class FakeSystemdSocket {
    let descriptor: Int32
    let name: String

    init(name: String) throws {
        self.name = name
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else { throw TestFailure("bind \(name) failed: errno \(errno)") }
    }

    /// The next datagram (the notifier has already sent it, so this does not wait).
    func receive() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count < 0 ? "<nothing: errno \(errno)>" : String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit {
        close(descriptor)
        if !name.hasPrefix("@") { unlink(name) }
    }
}

@Suite struct NotifyTests {
    @Test func filesystemSocketReceivesEachState() throws {
        let directory = try TemporaryDirectory.make("notify")
        let systemd = try FakeSystemdSocket(name: directory + "/notify")
        let notifier = try #require(ServiceNotifier(environment: ["NOTIFY_SOCKET": systemd.name]))
        try notifier.ready(status: "2 buses up")
        #expect(systemd.receive() == "READY=1\nSTATUS=2 buses up")
        try notifier.status("draining\nsinks")
        #expect(systemd.receive() == "STATUS=draining sinks")
        try notifier.watchdog()
        #expect(systemd.receive() == "WATCHDOG=1")
        try notifier.stopping()
        #expect(systemd.receive() == "STOPPING=1")
        try notifier.reloading()
        let reload = systemd.receive().split(separator: "\n")
        #expect(reload.first == "RELOADING=1")
        #expect(reload.count == 2 && reload[1].hasPrefix("MONOTONIC_USEC=") && UInt64(reload[1].dropFirst(15)) != nil)
    }

    @Test func abstractSocketName() throws {
        let name = "@candor-notify-test-\(getpid())"
        let systemd = try FakeSystemdSocket(name: name)
        let notifier = try #require(ServiceNotifier(environment: ["NOTIFY_SOCKET": name]))
        try notifier.ready()
        #expect(systemd.receive() == "READY=1")
    }

    @Test func absentSocketMeansNoNotifier() {
        #expect(ServiceNotifier(environment: [:]) == nil)
        #expect(ServiceNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
    }

    @Test func missingSocketIsAnError() throws {
        let notifier = try #require(ServiceNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/candor/notify"]))
        #expect(throws: NotifyError.self) { try notifier.ready() }
    }

    @Test func watchdogIntervalIsHalfAndHonoursThePID() {
        let env = ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "10000000"]
        #expect(ServiceNotifier(environment: env, processID: 42)?.watchdogInterval == .seconds(5))
        var mine = env; mine["WATCHDOG_PID"] = "42"
        #expect(ServiceNotifier(environment: mine, processID: 42)?.watchdogInterval == .seconds(5))
        var other = env; other["WATCHDOG_PID"] = "43"
        #expect(ServiceNotifier(environment: other, processID: 42)?.watchdogInterval == nil)
        #expect(ServiceNotifier(environment: ["NOTIFY_SOCKET": "@x"])?.watchdogInterval == nil)
        #expect(ServiceNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "0"])?.watchdogInterval == nil)
    }
}
