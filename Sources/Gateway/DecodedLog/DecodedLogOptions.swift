/// Where and how the daemon writes its decoded-frame log: the canonical JSON lines of the
/// frames it reads, optionally only some buses and messages. One immutable value, from the
/// `decoded_log:` section of candor.yaml.
///
/// Lines go to `<directory>/<prefix>.jsonl`, which keeps its name: a full file is renamed to
/// `<prefix>-<UTC start of its first line>-<sequence>.jsonl` (then gzipped when `gzip`) and a
/// new `<prefix>.jsonl` is started, which is what `tail -F` and log shippers follow.
public struct DecodedLogOptions: Sendable, Equatable {
    /// The directory holding the log (created, mode 0750, when missing).
    public var directory: String
    /// The current file is `<prefix>.jsonl`; rotated files are `<prefix>-<start>-<sequence>.jsonl[.gz]`.
    public var prefix: String
    /// A file is rotated before a line would take it past this many bytes. At least one
    /// line is written per file; a line is never split across files.
    public var maxFileBytes: Int
    /// A file is rotated when a line arrives this long (event time, the frames' timestamps)
    /// after the file's first line.
    public var maxFileAge: Duration
    /// After each rotation the oldest rotated files are deleted until the log (rotated files
    /// and the current one) takes at most this many bytes on disk. 0: keep all.
    public var retentionBytes: Int
    /// gzip rotated files (level 1, `.jsonl.gz`); the current file is always plain text.
    public var gzip: Bool
    /// Only frames of these buses (interface names); nil: every configured bus.
    public var buses: [String]?
    /// Only frames whose DBC message name matches one of these shell globs (as
    /// `candor tail --message`); nil: every frame, unknown ids included.
    public var messages: [String]?
    /// Bytes of lines waiting between ingest and the writer thread; a line that does not fit
    /// is dropped and counted (`dropped{stage="decoded_log"}`).
    public var queueBytes: Int

    public init(
        directory: String, prefix: String = "decoded", maxFileBytes: Int = 64 << 20,
        maxFileAge: Duration = .seconds(3600), retentionBytes: Int = 1 << 30, gzip: Bool = false,
        buses: [String]? = nil, messages: [String]? = nil, queueBytes: Int = 4 << 20
    ) {
        precondition(maxFileBytes > 0 && queueBytes > 0 && retentionBytes >= 0, "invalid decoded log options")
        self.directory = directory
        self.prefix = prefix
        self.maxFileBytes = maxFileBytes
        self.maxFileAge = maxFileAge
        self.retentionBytes = retentionBytes
        self.gzip = gzip
        self.buses = buses
        self.messages = messages
        self.queueBytes = queueBytes
    }

    /// `<directory>/<prefix>.jsonl`, the file being written.
    public var currentPath: String { directory + "/" + prefix + ".jsonl" }
}
