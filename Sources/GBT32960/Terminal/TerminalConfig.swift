/// What a GB/T 32960 terminal needs to know (`uplink.gbt32960` in candor.yaml). Times in
/// milliseconds on the session's clock (the vehicle's event time in replay, the wall clock live).
public struct TerminalConfig: Sendable, Hashable {
    public var edition: Edition
    /// 17 characters.
    public var vin: String
    /// 20 characters, as read from the SIM.
    public var iccid: String
    /// Real-time report period: 2016 at most 30 s while driving (param 0x02 up to 600 s), 2025 1–30 s.
    public var periodMillis: Int64 = 10_000
    /// A heartbeat goes out when the platform has confirmed nothing for this long (param 0x09: 1–240 s).
    public var heartbeatMillis: Int64 = 30_000
    /// How long a login, heartbeat, time sync or logout waits for its reply (params 0x0A/0x0B: 1–600 s).
    public var responseTimeoutMillis: Int64 = 60_000
    /// After three unanswered logins (param 0x0C: 1–240 min; 30 min by the standard).
    public var loginBackoffMillis: Int64 = 30 * 60_000
    /// Between a failed connection attempt and the next.
    public var reconnectMillis: Int64 = 30_000
    /// A report the platform answered with an error is sent again after this, at most 3 times (B.2.1).
    public var errorResendMillis: Int64 = 60_000
    /// Stored reports handed out per tick in the idle time between real-time reports.
    public var reissueBatch = 20
    /// Send a time sync (0x08) after each login.
    public var timeSyncOnLogin = true

    public init(edition: Edition, vin: String, iccid: String) {
        self.edition = edition
        self.vin = vin
        self.iccid = iccid
    }

    /// Stored reports older than this (at the moment they would be sent) are dropped, counted.
    public var retentionMillis: Int64 { edition.reissueRetentionSeconds * 1000 }

    /// What is wrong with the configuration, by setting name; empty when it is usable.
    public func problems() -> [(setting: String, message: String)] {
        var out: [(String, String)] = []
        if vin.utf8.count != 17 || !vin.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            out.append(("vin", "a VIN is 17 printable ASCII characters, found \(vin.utf8.count): \"\(vin)\""))
        }
        if iccid.utf8.count != 20 || !iccid.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            out.append(("iccid", "an ICCID is 20 printable ASCII characters, found \(iccid.utf8.count): \"\(iccid)\""))
        }
        let periodRange: ClosedRange<Int64> = edition == .v2016 ? 1_000...600_000 : 1_000...30_000
        if !periodRange.contains(periodMillis) || periodMillis % 1000 != 0 {
            out.append(("period", "the \(edition.rawValue) edition allows whole seconds \(periodRange.lowerBound / 1000)–\(periodRange.upperBound / 1000) s"))
        }
        if !(1_000...240_000).contains(heartbeatMillis) { out.append(("heartbeat", "1–240 s (param 0x09)")) }
        if !(1_000...600_000).contains(responseTimeoutMillis) { out.append(("response_timeout", "1–600 s (params 0x0A/0x0B)")) }
        if !(60_000...240 * 60_000).contains(loginBackoffMillis) { out.append(("login_backoff", "1–240 min (param 0x0C)")) }
        return out
    }
}

/// The login serial: +1 on every login, 1…65531, restarting each (Beijing) day. Kept by a
/// `LoginSerialStore` so that a restart continues the day's count.
public struct LoginSerial: Equatable, Sendable {
    /// yyyymmdd of the Beijing date.
    public var day: Int
    public var serial: UInt16

    public init(day: Int, serial: UInt16) {
        self.day = day
        self.serial = serial
    }

    /// The serial of the next login on `day`.
    public func next(day today: Int) -> LoginSerial {
        guard today == day else { return LoginSerial(day: today, serial: 1) }
        return LoginSerial(day: day, serial: serial >= Login.maxSerial ? 1 : serial + 1)
    }
}

/// Where the day's login serial survives restarts.
public protocol LoginSerialStore: AnyObject {
    func load() -> LoginSerial?
    func save(_ serial: LoginSerial) throws
}

/// Reports waiting for a reissue (store-and-forward): durable in the gateway (the uplinks'
/// `Outbox`), in memory in tests. Semantics as the outbox's: `next` hands out what is not in
/// flight, `acknowledge` removes, `rewind` hands in-flight ones out again.
public protocol ReportStore: AnyObject {
    /// Stores a report's data unit (collection time first).
    func append(_ report: [UInt8]) throws
    func next(limit: Int) throws -> [(id: UInt64, report: [UInt8])]
    func acknowledge(_ id: UInt64) throws
    func rewind()
}

/// In-memory stores, for tests and for a terminal configured without a state directory.
public final class MemoryReportStore: ReportStore {
    public private(set) var reports: [(id: UInt64, report: [UInt8])] = []
    private var handedOut = 0
    private var nextID: UInt64 = 1

    public init() {}

    public func append(_ report: [UInt8]) throws {
        reports.append((nextID, report))
        nextID += 1
    }

    public func next(limit: Int) throws -> [(id: UInt64, report: [UInt8])] {
        let slice = reports[handedOut..<min(reports.count, handedOut + limit)]
        handedOut += slice.count
        return Array(slice)
    }

    public func acknowledge(_ id: UInt64) throws {
        guard let index = reports.firstIndex(where: { $0.id == id }) else { return }
        reports.remove(at: index)
        if index < handedOut { handedOut -= 1 }
    }

    public func rewind() { handedOut = 0 }
}

public final class MemoryLoginSerialStore: LoginSerialStore {
    public var value: LoginSerial?
    public init(_ value: LoginSerial? = nil) { self.value = value }
    public func load() -> LoginSerial? { value }
    public func save(_ serial: LoginSerial) throws { value = serial }
}
