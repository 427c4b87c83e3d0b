import Telemetry

/// The sinks of one run of the pipeline (`candor replay` or `candor run`): those the config
/// names, with command-line overrides applied.
///
/// The SQLite store is opened first, so that a file that is not a candor database (or has a
/// newer schema) stops the replay before any other output file is created or truncated.
/// JSON lines and line protocol files are truncated by default: a replay writes the whole
/// output again, byte for byte the same for the same inputs. The live daemon appends instead,
/// so that a restart loses nothing. The store ignores records it already has.
public final class SinkSet {
    public let settings: SinkSettings
    private var sinks: [any MetricSink] = []
    private var closed = false

    /// `settings`: the config's `sinks:` merged with overrides (`SinkSettings.overridden`);
    /// `fileMode`: what the JSON lines and line protocol sinks do with an existing file.
    public init(_ settings: SinkSettings, fileMode: FileSinkMode = .truncate) throws(SinkError) {
        self.settings = settings
        do {
            if let path = settings.sqlitePath { sinks.append(try SQLiteStore(path: path, durability: settings.sqliteDurability)) }
            if let path = settings.jsonlPath { sinks.append(try JSONLinesSink(path: path, mode: fileMode)) }
            if let path = settings.lineProtocolPath { sinks.append(try LineProtocolSink(path: path, mode: fileMode)) }
        } catch {
            for sink in sinks { try? sink.close() }
            throw error
        }
    }

    public var isEmpty: Bool { sinks.isEmpty }

    /// One batch of records to every sink (the store commits it as one transaction).
    public func write(_ records: [TelemetryRecord]) throws(SinkError) {
        for sink in sinks { try sink.write(records) }
    }

    /// Flushes and closes every sink; idempotent.
    public func close() throws(SinkError) {
        guard !closed else { return }
        closed = true
        var first: SinkError?
        for sink in sinks {
            do { try sink.close() } catch { first = first ?? error }
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
