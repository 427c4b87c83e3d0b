/// Where and how the recorder writes raw frames. One immutable value, from candor.yaml.
public struct RecorderOptions: Sendable, Equatable {
    /// The directory holding the recordings (created by systemd's StateDirectory, or by hand).
    public var directory: String
    /// The file name prefix; files are `<prefix>-<start>-<sequence>.log[.gz]`.
    public var prefix: String
    /// A file is closed and the next one started before it would exceed this many bytes of
    /// candump text (uncompressed). At least one frame is written per file.
    public var maxFileBytes: Int
    /// A file is closed when a frame arrives this long (event time) after the file's first frame.
    public var maxFileAge: Duration
    /// After each rotation the oldest recordings are deleted until all files with this prefix
    /// take at most this many bytes on disk (the file being written is never deleted). 0: keep all.
    public var retentionBytes: Int
    /// gzip the files (level 1, `.log.gz`). A growing `.gz` cannot be followed line by line.
    public var gzip: Bool
    /// Frames waiting between ingest and the writer thread; beyond it frames are dropped and
    /// counted (`dropped{stage="recorder"}`).
    public var queueCapacity: Int

    public init(
        directory: String, prefix: String = "candor", maxFileBytes: Int = 64 << 20,
        maxFileAge: Duration = .seconds(3600), retentionBytes: Int = 2 << 30, gzip: Bool = false,
        queueCapacity: Int = 65_536
    ) {
        precondition(maxFileBytes > 0 && queueCapacity > 0 && retentionBytes >= 0, "invalid recorder options")
        self.directory = directory
        self.prefix = prefix
        self.maxFileBytes = maxFileBytes
        self.maxFileAge = maxFileAge
        self.retentionBytes = retentionBytes
        self.gzip = gzip
        self.queueCapacity = queueCapacity
    }
}
