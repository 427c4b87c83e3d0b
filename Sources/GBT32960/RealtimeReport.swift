/// The data unit of a real-time (0x02) or reissue (0x03) report: the collection time, one or
/// more info bodies in any order, and in 2025 the vehicle's signature (info type 0xFF), which
/// covers the bytes from the collection time up to, not including, the 0xFF marker.
public struct RealtimeReport: Equatable, Sendable {
    public var time: BeijingTime
    public var items: [InfoItem]
    /// 2025 only; absent when the terminal has no security chip to sign with.
    public var signature: Signature?

    public init(time: BeijingTime, items: [InfoItem], signature: Signature? = nil) {
        self.time = time
        self.items = items
        self.signature = signature
    }

    /// The bytes a 2025 signature covers: the data unit without the signature block.
    public func signedBytes(edition: Edition) -> [UInt8] {
        var w = WireWriter()
        w.time(time)
        for item in items { item.encode(to: &w, edition: edition) }
        return w.bytes
    }

    public func encode(edition: Edition) -> [UInt8] {
        var bytes = signedBytes(edition: edition)
        if let signature {
            var w = WireWriter()
            w.u8(0xFF)
            signature.encode(to: &w)
            bytes += w.bytes
        }
        return bytes
    }

    public static func decode(_ data: [UInt8], edition: Edition) throws(BodyError) -> RealtimeReport {
        var r = WireReader(data)
        var report = RealtimeReport(time: try r.time("collection time"), items: [])
        while !r.isAtEnd {
            let start = r.offset
            let type = try r.u8("info type")
            if type == 0xFF && edition == .v2025 {
                report.signature = try Signature(from: &r)
                if !r.isAtEnd { throw BodyError(offset: r.offset, message: "\(r.remaining) byte(s) after the signature") }
                break
            }
            do {
                report.items.append(try InfoItem.decode(type: type, from: &r, edition: edition))
            } catch {
                throw BodyError(offset: error.offset, message: "info type 0x\(hex([type])) at byte \(start): \(error.message)")
            }
        }
        return report
    }

    func json(_ edition: Edition) -> JSON {
        var pairs: [(String, JSON)] = [("collection_time", .string(time.description))]
        pairs.append(("items", .array(items.map { $0.json(edition) })))
        if let signature { pairs.append(("signature", signature.json())) }
        return .object(pairs)
    }
}

/// The 2025 vehicle signature block (after the 0xFF marker): type BYTE (1 SM2, 2 RSA, 3 ECC),
/// R length WORD, R, S length WORD, S. candor never fabricates one: it comes from a
/// `ReportSigner` backed by the vehicle's security chip.
public struct Signature: Equatable, Sendable {
    public var algorithm: UInt8
    public var r: [UInt8]
    public var s: [UInt8]

    public init(algorithm: UInt8, r: [UInt8], s: [UInt8]) {
        self.algorithm = algorithm
        self.r = r
        self.s = s
    }

    static let algorithms = CodeSpec(name: "algorithm", meanings: [1: "sm2", 2: "rsa", 3: "ecc"], sentinels: false)

    init(from reader: inout WireReader) throws(BodyError) {
        algorithm = try reader.u8("signature type")
        r = try reader.take(Int(try reader.u16("signature R length")), "signature R")
        s = try reader.take(Int(try reader.u16("signature S length")), "signature S")
    }

    func encode(to w: inout WireWriter) {
        w.u8(algorithm)
        w.u16(UInt16(r.count)); w.append(r)
        w.u16(UInt16(s.count)); w.append(s)
    }

    func json() -> JSON {
        .object([Self.algorithms.pair(algorithm), ("r", .string(hex(r))), ("s", .string(hex(s)))])
    }
}

/// Signs a 2025 report with the vehicle's security chip (SM2 in practice). candor ships no
/// implementation: without a chip, 2025 reports go out unsigned, and a platform that checks
/// signatures answers "signature error" (0x05).
public protocol ReportSigner: Sendable {
    /// The signature over `bytes` (the report from the collection time to the byte before 0xFF).
    func sign(_ bytes: [UInt8]) throws -> Signature
}
