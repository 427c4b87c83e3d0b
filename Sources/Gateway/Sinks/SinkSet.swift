import Synchronization
import Telemetry

/// The record services of one run of the pipeline (`candor replay`, `candor run`, `candor
/// bench`), as one ordered list: started in order, written in order, closed in reverse. It
/// numbers the records: every batch gets the run's id and the next sequence numbers
/// (`RecordBatch`).
///
/// Built from the resolved config (`init(_:fileMode:)`): the sinks the config names, with
/// command-line overrides applied. The SQLite store is opened first, so that a file that is
/// not a candor database (or has a newer schema) stops the replay before any other output file
/// is created or truncated. JSON lines and line protocol files are truncated by default: a
/// replay writes the whole output again, byte for byte the same for the same inputs. The live
/// daemon appends instead, so that a restart loses nothing. The store ignores records it
/// already has.
public final class SinkSet {
    public let settings: SinkSettings
    public let run: RunID
    public private(set) var services: [any RecordService] = []
    private var nextSequence: UInt64 = 1
    private var closed = false

    /// `settings`: the config's `sinks:` merged with overrides (`SinkSettings.overridden`);
    /// `fileMode`: what the JSON lines and line protocol sinks do with an existing file;
    /// `before` and `after`: more services, in front of and behind the configured sinks.
    public convenience init(
        _ settings: SinkSettings, fileMode: FileSinkMode = .truncate, run: RunID = .random(),
        before: [any RecordService] = [], after: [any RecordService] = []
    ) throws(SinkError) {
        var opened = before
        do {
            opened += try Self.sinks(settings, fileMode: fileMode)
        } catch {
            // `before` was made by the caller: nothing of it is started yet, so closing it is safe.
            for service in opened.reversed() { try? service.close() }
            throw error
        }
        try self.init(services: opened + after, settings: settings, run: run)
    }

    /// Starts `services` in order; when one fails, closes those before it in reverse order
    /// (and the rest, never started) and throws its error.
    public init(services: [any RecordService], settings: SinkSettings = SinkSettings(), run: RunID = .random()) throws(SinkError) {
        self.settings = settings
        self.run = run
        for (i, service) in services.enumerated() {
            do { try service.start() } catch {
                for later in services[(i + 1)...].reversed() { try? later.close() }
                try? service.close()
                for earlier in services[..<i].reversed() { try? earlier.close() }
                closed = true
                throw error
            }
        }
        self.services = services
    }

    /// The sinks `settings` names, opened in order: SQLite, JSON lines, line protocol. When one
    /// cannot be opened, those before it are closed.
    public static func sinks(_ settings: SinkSettings, fileMode: FileSinkMode) throws(SinkError) -> [any RecordService] {
        var sinks: [any RecordService] = []
        do {
            if let path = settings.sqlitePath { sinks.append(try SQLiteStore(path: path, durability: settings.sqliteDurability)) }
            if let path = settings.jsonlPath { sinks.append(try JSONLinesSink(path: path, mode: fileMode)) }
            if let path = settings.lineProtocolPath { sinks.append(try LineProtocolSink(path: path, mode: fileMode)) }
            if let uplink = settings.uplink { sinks.append(try UplinkService.make(uplink)) }
            if let terminal = settings.gbt32960 { sinks.append(try GBT32960Service.make(terminal)) }
        } catch {
            for sink in sinks.reversed() { try? sink.close() }
            throw error
        }
        return sinks
    }

    public var isEmpty: Bool { services.isEmpty }

    /// One batch of records to every service, numbered (the store commits it as one transaction).
    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        try write(EmittedRecords(records: records, windowRuns: nil))
    }

    /// The aggregator's batch, with its window runs (`RecordBatch.windowRuns`).
    public func write(_ emitted: EmittedRecords) throws(SinkError) {
        guard let batch = numbered(emitted) else { return }
        for service in services { try service.write(batch) }
    }

    /// `emitted` as the next numbered batch; nil when there are no records.
    private func numbered(_ emitted: EmittedRecords) -> RecordBatch? {
        guard !emitted.records.isEmpty else { return nil }
        let batch = RecordBatch(run: run, firstSequence: nextSequence, records: emitted.records, windowRuns: emitted.windowRuns)
        nextSequence = batch.nextSequence
        return batch
    }

    /// Like `write`, but a service whose write throws stops neither the others nor the caller:
    /// its failure is counted (`failures`) and the batch is lost to that service alone (to a
    /// file sink, the lines it could not write). The daemon writes this way: a full disk or
    /// an I/O error under the store must not stop ingest, the other sinks or the recorder,
    /// and the next batch is tried again (so writing resumes when space returns).
    public func writeEach(_ records: [TelemetryRecord]) {
        writeEach(EmittedRecords(records: records, windowRuns: nil))
    }

    /// `writeEach` of the aggregator's batch, with its window runs.
    public func writeEach(_ emitted: EmittedRecords) {
        guard let batch = numbered(emitted) else { return }
        for service in services {
            do { try service.write(batch) } catch {
                let lost = (service as? any LosesRecords)?.recordsLost
                failureCounts.withLock { all in
                    var entry = all[service.name] ?? SinkFailures()
                    entry.failures += 1
                    entry.droppedRecords = lost ?? entry.droppedRecords + UInt64(emitted.records.count)
                    entry.lastError = error
                    all[service.name] = entry
                }
            }
        }
    }

    /// The failed writes of `writeEach` so far, per service name (read from any thread).
    public var failures: [String: SinkFailures] { failureCounts.withLock { $0 } }
    private let failureCounts = Mutex<[String: SinkFailures]>([:])

    public func flush() throws(SinkError) {
        for service in services { try service.flush() }
    }

    /// Flushes and closes every service, in reverse order; idempotent. Throws the first error
    /// after trying them all.
    public func close() throws(SinkError) {
        guard !closed else { return }
        closed = true
        var first: SinkError?
        for service in services.reversed() {
            do { try service.close() } catch { first = first ?? error }
        }
        if let first { throw first }
    }

    deinit { try? close() }
}

extension SinkSettings {
    /// These settings with each non-nil override replacing its sink's path.
    public func overridden(sqlite: String?, jsonl: String?, lineProtocol: String?) -> SinkSettings {
        var out = self
        if let sqlite { out.sqlitePath = sqlite }
        if let jsonl { out.jsonlPath = jsonl }
        if let lineProtocol { out.lineProtocolPath = lineProtocol }
        return out
    }
}

extension SQLiteStore { public var name: String { "sqlite" } }

/// What `SinkSet.writeEach` counted for one service.
public struct SinkFailures: Sendable, Hashable {
    /// Writes that threw.
    public var failures: UInt64 = 0
    /// Records lost: the batches whose write threw, or what the sink itself counted as lost.
    public var droppedRecords: UInt64 = 0
    public var lastError: SinkError?
}

/// A sink that counts the records it gave up on a failed write (the file sinks: a failed
/// write loses buffered lines of earlier batches, and not always the whole batch).
protocol LosesRecords { var recordsLost: UInt64 { get } }
extension RecordFileSink: LosesRecords {}
