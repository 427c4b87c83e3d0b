/// Where and how the recorder writes raw frames. One immutable value, from candor.yaml.
public struct RecorderOptions: Sendable, Equatable {
    /// Files `<prefix>-<start>-<sequence>.log[.gz]`, candump text, each within `maxFileBytes`
    /// of candump text (uncompressed); retention counts all files with the prefix. A growing
    /// `.gz` cannot be followed line by line.
    public var rotation: RotationPolicy
    /// Frames waiting between ingest and the writer thread; beyond it frames are dropped and
    /// counted (`dropped{stage="recorder"}`).
    public var queueCapacity: Int

    public init(
        directory: String, prefix: String = "candor", maxFileBytes: Int = 64 << 20,
        maxFileAge: Duration = .seconds(3600), retentionBytes: Int = 2 << 30, gzip: Bool = false,
        queueCapacity: Int = 65_536
    ) {
        precondition(queueCapacity > 0, "invalid recorder options")
        rotation = RotationPolicy(
            directory: directory, prefix: prefix, maxFileBytes: maxFileBytes, maxFileAge: maxFileAge,
            retentionBytes: retentionBytes, gzip: gzip)
        self.queueCapacity = queueCapacity
    }
}
