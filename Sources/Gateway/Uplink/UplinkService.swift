import MQTT
import Outbox
import Synchronization
import SystemIO
import Telemetry

/// The uplink as a record service: ingest hands batches to a `QueuedRecordService` (bounded,
/// drops counted, never waits); its thread encodes them (`UplinkEncoder`) into the durable
/// outbox; `UplinkLink`'s thread sends the outbox to the broker. `close` waits, at most
/// `drain_timeout`, for the outbox to drain, and leaves what was not delivered in it for the
/// next start; `report` says what happened.
public final class UplinkService: AsyncRecordConsumer, @unchecked Sendable {
    public static let version = "0.1.0"
    public let name = "mqtt"
    public let settings: UplinkSettings
    private let encoder: UplinkEncoder
    private let link: UplinkLink
    /// The capture thread, with `uplink.captures`.
    private let captures: CaptureUploader?
    /// What the captures did (the ingest side's `CaptureWatch` counts into it too).
    public let captureCounters = CaptureCounters()
    /// The statistics as the link ended (after `close`) and the events kept without a `log`.
    private struct Kept {
        var final: UplinkStatistics?
        var events: [UplinkEvent] = []
        var eventsLost = 0
    }
    private let kept = Mutex(Kept())

    /// The record service `SinkSet` runs: this uplink behind a bounded queue.
    public static func make(_ settings: UplinkSettings, log: (@Sendable (UplinkEvent) -> Void)? = nil,
                            client: MQTTConnection? = nil) throws(SinkError) -> QueuedRecordService {
        QueuedRecordService(try UplinkService(settings, log: log, client: client), capacity: settings.queueRecords,
                            closeTimeout: .milliseconds(Int64(settings.drainTimeoutSeconds * 1000) + 5000))
    }

    /// `log` receives link transitions and outbox events; without it they are kept (the last
    /// 100) for `takeEvents`.
    public init(_ settings: UplinkSettings, log: (@Sendable (UplinkEvent) -> Void)? = nil, client: MQTTConnection? = nil) throws(SinkError) {
        self.settings = settings
        encoder = UplinkEncoder(settings)
        var options = settings.broker
        let outbox: Outbox
        do {
            outbox = try Outbox(directory: settings.outboxPath, options: OutboxOptions(
                maxBytes: settings.outboxMaxBytes, maxAgeMillis: max(1, settings.outboxMaxAge / 1_000_000),
                durability: settings.outboxDurability))
        } catch {
            throw SinkError(.io, path: settings.outboxPath, message: error.description)
        }
        options.will = UplinkLink.status("offline", settings)
        var seed = SystemRandomNumberGenerator()
        let keep = Keep()
        link = UplinkLink(settings: settings, outbox: outbox, client: client ?? MosquittoClient(options: options),
                          broker: options.broker, seed: seed.next(), notify: log ?? { keep.service?.keep($0) })
        if let c = settings.captures {
            let link = link
            captures = CaptureUploader(encoder: CaptureEncoder(fleet: settings.fleet, chunkBytes: c.chunkBytes, before: c.before, after: c.after),
                                       counters: captureCounters, store: { try link.store($0) })
        } else {
            captures = nil
        }
        keep.service = self
        link.start()
    }

    /// A capture cut on the ingest side, queued for the capture thread; `wait`: wait for room
    /// in the queue instead of dropping it (replay only).
    public func capture(_ cut: CaptureCut, wait: Bool = false) {
        captures?.submit(cut, wait: wait)
    }

    /// Only the records that go up are queued: most of a batch is 1 s windows that stay on the
    /// vehicle, and leaving them to ingest keeps their release (every record's names) on the
    /// thread that would release them without an uplink.
    public func select(_ batch: RecordBatch) -> RecordBatch? {
        batch.selecting(encoder.uplinked(batch))
    }

    /// `batch` is what `select` kept (the queue carries nothing else): every record goes up.
    public func consume(_ batch: RecordBatch) throws(SinkError) {
        do { try link.store(encoder.messages(batch, selected: true)) } catch {
            throw SinkError(.io, path: settings.outboxPath, message: error.description)
        }
    }

    /// The queue's last call, on the record thread: its CPU time is read here.
    public func close() throws(SinkError) {
        captures?.finish()
        var end = link.finish(timeout: settings.drainTimeoutSeconds)
        end.cpu.encoding = CPUTime.thread()
        end.cpu.captures = captures?.finalCPU ?? 0
        kept.withLock { $0.final = end }
        do { try link.close() } catch { throw SinkError(.io, path: settings.outboxPath, message: error.description) }
    }

    public func interrupt() {}

    private func keep(_ event: UplinkEvent) {
        kept.withLock { kept in
            if kept.events.count >= 100 {
                kept.events.removeFirst()
                kept.eventsLost += 1
            }
            kept.events.append(event)
        }
    }

    /// The events kept since the last call (when no `log` was given).
    public func takeEvents() -> [UplinkEvent] {
        kept.withLock { kept in
            defer { kept.events.removeAll() }
            return kept.events
        }
    }

    /// Now, or as it ended after `close`.
    public var statistics: UplinkStatistics {
        kept.withLock { $0.final } ?? link.statistics
    }

    /// The link and the backlog now, for `STATUS=` (`UplinkStatistics.statusLine`).
    public var statusLine: String {
        statistics.statusLine(broker: settings.broker.broker, nowMillis: Outbox.wallClockMillis())
    }

    /// One line: what was delivered, what is left in the outbox for the next start.
    public var report: String {
        let s = statistics
        return "uplink: \(s.recordsStored) records in \(s.outbox.stored) messages stored, \(s.acknowledged) acknowledged (\(s.acknowledgedBytes) payload bytes), "
            + (settings.confirmation == .collector ? "\(s.confirmed) confirmed by a collector (\(s.confirmTimeouts) sent again when their confirmation was overdue), " : "")
            + "\(s.outbox.messages) not delivered (kept in \(settings.outboxPath)), \(s.outbox.evictedTotal) evicted"
            + (s.resent > 0 ? ", \(s.resent) sent again" : "")
            + (s.unmatched > 0 ? ", \(s.unmatched) answered without a subscriber and sent again" : "")
            + (s.refusedTotal > 0 ? ", \(s.refusedTotal) refused by the broker (\(Self.reasons(s.refused))) and kept" : "")
            + (s.outboxErrors > 0 ? ", \(s.outboxErrors) outbox errors" : "")
            + (s.lastError.map { ", last error: \($0)" } ?? "")
            + (settings.captures == nil ? "" : "; " + Self.captureReport(captureCounters.statistics))
    }

    /// The uplink's threads' CPU time beside the process's (`CPUTime.process()`, read by the
    /// caller after `close`), for `candor replay` (`UplinkCPU.line`).
    public func cpuLine(processNanoseconds: UInt64) -> String {
        statistics.cpu.line(processNanoseconds: processNanoseconds, captures: settings.captures != nil)
    }

    /// `captures: 1 taken (8123 frames, 2 chunks, 101234 bytes gzip'd), 1 over the hourly limit, …`
    static func captureReport(_ c: TriggeredCaptureStatistics) -> String {
        "captures: \(c.taken) taken, \(c.stored) stored (\(c.frames) frames, \(c.chunks) chunks, \(c.bytes) bytes gzip'd)"
            + (c.limited > 0 ? ", \(c.limited) over the hourly limit" : "")
            + (c.covered > 0 ? ", \(c.covered) inside a capture already taken" : "")
            + (c.dropped > 0 ? ", \(c.dropped) dropped before the outbox" : "")
    }
}

extension UplinkService {
    /// `0x87 Not authorized: 12, …` in code order.
    static func reasons(_ refused: [Int: UInt64]) -> String {
        refused.sorted { $0.key < $1.key }.map { "\(MQTTReasonCode.hex($0.key)) \(MQTTReasonCode.pubackName($0.key)): \($0.value)" }
            .joined(separator: ", ")
    }
}

/// The uplink's link thread reports to its service, which it must not keep alive.
private final class Keep: @unchecked Sendable {
    weak var service: UplinkService?
}
