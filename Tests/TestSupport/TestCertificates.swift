import Foundation

/// A throwaway PKI made by `openssl` for the TLS tests (prime256v1 keys, valid 2 days):
/// `ca` and `rogue-ca`; `server` signed by ca, issued to IP 127.0.0.1 (subjectAltName);
/// `client` signed by ca; `rogue` signed by rogue-ca. Each as `NAME.crt` and `NAME.key`.
public struct TestCertificates {
    public let directory: String

    public func path(_ name: String) -> String { directory + "/" + name }
    public func certificate(_ name: String) -> String { path(name + ".crt") }
    public func key(_ name: String) -> String { path(name + ".key") }

    /// Makes the files in `directory` (which exists).
    public init(in directory: String) throws {
        self.directory = directory
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "rogue-ca"] {
            try Self.openssl(["req", "-x509"] + curve + ["-keyout", path("\(ca).key"), "-out", path("\(ca).crt"), "-subj", "/CN=candor-test-\(ca)", "-days", "2"])
        }
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        for (name, ca) in [("server", "ca"), ("client", "ca"), ("rogue", "rogue-ca")] {
            try Self.openssl(["req"] + curve + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=candor-\(name)"])
            try Self.openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).crt"), "-CAkey", path("\(ca).key"),
                              "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2"]
                             + (name == "server" ? ["-extfile", path("server.ext")] : []))
        }
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try runTool("/usr/bin/openssl", arguments)
        if result.status != 0 { throw BrokerError("openssl \(arguments.joined(separator: " ")) failed: \(result.output)") }
    }
}
