import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Debian's VictoriaMetrics, started by the test on a free loopback port with its own data
/// directory (retention 100 years: the fixtures' clock is 2026-01-01), stopped by pid.
final class VictoriaMetrics {
    let port: Int
    private let process = Process()
    private let deadline: ProcessDeadline

    init(directory: String) throws {
        let binary = try OracleTool.require("victoria-metrics")
        port = try MosquittoBroker.freePort()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-storageDataPath=\(directory)/vm", "-httpListenAddr=127.0.0.1:\(port)", "-retentionPeriod=100y",
                             "-loggerLevel=ERROR"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        deadline = ProcessDeadline(process, seconds: 300)
        let up = eventually(seconds: 30) { MosquittoBroker.accepts(port) }
        guard up else { throw BrokerError("victoria-metrics did not listen on \(port) within 30 s") }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// GET `path` (with its query), the body; nil unless 200.
    func get(_ path: String) throws -> Data? {
        let target = URL(string: url + path)!
        let (status, body) = try Self.httpGet(host: "127.0.0.1", port: port, target: target.path + (target.query.map { "?" + $0 } ?? ""))
        return status == 200 ? body : nil
    }

    func stop() throws {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        try deadline.check()
    }

    /// A bare HTTP/1.0 GET over a loopback socket (FoundationNetworking is not linked here).
    static func httpGet(host: String, port: Int, target: String) throws -> (Int, Data) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw BrokerError("connect \(host):\(port): \(errno)") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(target) HTTP/1.0\r\nHost: \(host)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw BrokerError("send: \(errno)")
        }
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response.append(contentsOf: chunk[0..<n])
        }
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { throw BrokerError("no HTTP response from \(host):\(port)\(target)") }
        let status = String(decoding: response[..<split.lowerBound], as: UTF8.self).split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, response[split.upperBound...])
    }
}

/// `candor collect --influx-url` into a real VictoriaMetrics: the distance per vehicle that VM
/// answers over its query API equals the bundle's truth.json within 0.5 %.
@Suite(.serialized) struct CollectorVictoriaMetricsTests {
    @Test(.enabled(if: OracleTool.shouldRun("victoria-metrics"), "victoria-metrics is not installed"))
    func distancePerVehicleInVictoriaMetricsMatchesTheTruth() throws {
        let scratch = try Scratch("vm")
        let vm = try VictoriaMetrics(directory: scratch.path)
        let broker = try MosquittoBroker(name: "vm", extraConfig: "allow_anonymous true\nmax_queued_messages 100000")
        try broker.start()
        let observer = try Observer(port: broker.port)
        let fleet = scratch.path + "/fleet.db"
        let collector = try Child(["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--fleet", "testfleet", "--sqlite", fleet,
                                   "--client-id", "collect-vm", "--influx-url", vm.url], log: scratch.path + "/collect.log")
        #expect(eventually(seconds: 30) { collector.output.contains("subscribed") })
        let names = ["van-cltc-p", "bus-c-wtvc", "fcev-urban"]
        let gateways = try names.map { try GatewayBundle($0, in: scratch, port: broker.port) }
        for g in gateways {
            let r = try Child(g.replayArguments(), log: g.directory + "/replay.log")
            #expect(try r.wait() == 0, "\(r.output)")
        }
        try observer.poll(seconds: 3)
        let published = observer.identities.count
        #expect(try eventually(seconds: 60) { try SQLiteShell.identities(fleet).count >= published })
        collector.signal(SIGTERM)
        #expect(try collector.wait() == 0, "\(collector.output)")
        observer.close()
        _ = try vm.get("/internal/force_flush")
        for g in gateways {
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Repository.bundle(g.name) + "/truth.json"))) as! [String: Any]
            let km = (truth["distance_km"] as! NSNumber).doubleValue
            let start = (truth["capture_start"] as! NSNumber).doubleValue
            let vehicle = g.name.split(separator: "-")[0] + "01"
            let query = "candor_operations_distance_km%7Bscope%3D%22vehicle%22%2Cvehicle%3D%22\(vehicle)%22%7D"
            var answer: Double?
            _ = try eventually(seconds: 30) {
                guard let body = try vm.get("/api/v1/query?query=\(query)&time=\(Int(start) + 60)"),
                      let top = try JSONSerialization.jsonObject(with: body) as? [String: Any],
                      let data = top["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                      let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String else { return false }
                answer = Double(text)
                return true
            }
            print("CollectorVictoriaMetricsTests \(vehicle): VictoriaMetrics \(answer.map { "\($0)" } ?? "nothing") km, truth.json \(km) km")
            #expect(answer.map { abs($0 - km) <= 0.005 * km } == true, "\(vehicle): \(String(describing: answer)) km vs \(km) km")
        }
        try vm.stop()
    }
}
