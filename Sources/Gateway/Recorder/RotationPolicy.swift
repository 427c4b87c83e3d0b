/// Where a rotating set of files lives and when a file is closed and the next one started:
/// the recorder's candump files and the decoded-frame log share it (their `recorder:` and
/// `decoded_log:` sections read the same six keys). One immutable value, from candor.yaml.
///
/// Rotated files are named `<prefix>-<UTC start of the first line>-<sequence>.<ext>[.gz]`
/// (`RecordingFileName`); which of them retention deletes is `RotatedFiles`' rule.
public struct RotationPolicy: Sendable, Equatable {
    /// The directory holding the files.
    public var directory: String
    /// The file name prefix (checked by `RecordingFileName.problem(withPrefix:)`).
    public var prefix: String
    /// A file is closed before the next line would take it past this many bytes
    /// (uncompressed). At least one line is written per file; a line is never split.
    public var maxFileBytes: Int
    /// A file is closed when a line arrives this long (event time, the frames' timestamps)
    /// after the file's first line.
    public var maxFileAge: Duration
    /// After each rotation the oldest rotated files are deleted until the set (the file
    /// being written included, never deleted) takes at most this many bytes. 0: keep all.
    public var retentionBytes: Int
    /// gzip the files (level 1, `.gz`).
    public var gzip: Bool

    public init(directory: String, prefix: String, maxFileBytes: Int, maxFileAge: Duration, retentionBytes: Int, gzip: Bool) {
        precondition(maxFileBytes > 0 && retentionBytes >= 0, "invalid rotation policy")
        self.directory = directory
        self.prefix = prefix
        self.maxFileBytes = maxFileBytes
        self.maxFileAge = maxFileAge
        self.retentionBytes = retentionBytes
        self.gzip = gzip
    }

    /// `maxFileAge` in nanoseconds, the unit of frame timestamps.
    public var maxAgeNanoseconds: Int64 {
        let (seconds, attoseconds) = maxFileAge.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
