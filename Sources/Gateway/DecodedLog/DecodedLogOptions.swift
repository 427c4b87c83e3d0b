/// Where and how the daemon writes its decoded-frame log: the canonical JSON lines of the
/// frames it reads, optionally only some buses and messages. One immutable value, from the
/// `decoded_log:` section of candor.yaml.
///
/// Lines go to `<directory>/<prefix>.jsonl`, which keeps its name: a full file is renamed to
/// `<prefix>-<UTC start of its first line>-<sequence>.jsonl` (then gzipped when `gzip`) and a
/// new `<prefix>.jsonl` is started, which is what `tail -F` and log shippers follow.
public struct DecodedLogOptions: Sendable, Equatable {
    /// The directory (created, mode 0750, when missing), the current file `<prefix>.jsonl`,
    /// rotated files `<prefix>-<start>-<sequence>.jsonl[.gz]` (the current file is always
    /// plain text); retention counts the rotated files and the current one.
    public var rotation: RotationPolicy
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
        precondition(queueBytes > 0, "invalid decoded log options")
        rotation = RotationPolicy(
            directory: directory, prefix: prefix, maxFileBytes: maxFileBytes, maxFileAge: maxFileAge,
            retentionBytes: retentionBytes, gzip: gzip)
        self.buses = buses
        self.messages = messages
        self.queueBytes = queueBytes
    }

    /// `<directory>/<prefix>.jsonl`, the file being written.
    public var currentPath: String { rotation.directory + "/" + rotation.prefix + ".jsonl" }
}
