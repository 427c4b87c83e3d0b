import GBT32960
import Outbox

/// The terminal's reissue store on the uplinks' durable `Outbox`: a report produced while the
/// platform is unreachable is on disk before the session moves on, survives `kill -9`, and
/// leaves only when the platform confirmed it. The outbox's age bound is the edition's
/// retention (3 days 2016, 7 days 2025); the session also drops older reports by their
/// collection time.
public final class OutboxReportStore: ReportStore {
    public let outbox: Outbox
    static let label = "gbt32960"

    public init(outbox: Outbox) { self.outbox = outbox }

    public func append(_ report: [UInt8]) throws {
        _ = try outbox.append(label: Self.label, payload: report, class: .essential)
    }

    public func next(limit: Int) throws -> [(id: UInt64, report: [UInt8])] {
        try outbox.next(limit: limit).map { ($0.sequence, $0.payload) }
    }

    public func acknowledge(_ id: UInt64) throws { try outbox.acknowledge(id) }

    public func rewind() { outbox.resend() }
}
