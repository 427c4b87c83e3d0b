/// `live:` — how `candor run` reads its buses: the receive buffer of each bus's socket and
/// the queue between the reader threads and the pipeline.
///
///     live: { receive_buffer: 4MiB, queue: 16384, reorder: 100ms, receive_batch: 32 }
///
/// A bigger receive buffer absorbs the moments the reader thread is not scheduled (a
/// loaded or emulated machine); frames that still do not fit are counted as kernel drops.
/// `reorder` is how far behind another bus's frames one bus's reader may fall and still
/// have its frames aggregated in time order (see `ReorderedInput`); it is also the delay
/// `candor tail` lines have.
public struct LiveInputOptions: Sendable, Hashable {
    /// Bytes of `SO_RCVBUF` (`SO_RCVBUFFORCE` when permitted) per bus socket; nil keeps the
    /// kernel's default (`net.core.rmem_default`, about 200 frames).
    public var receiveBufferBytes: Int?
    /// Frames buffered between the readers and the pipeline; beyond that they are queue drops.
    /// 16,384 by default: 0.45 s of the pipeline stalling at 4 buses × 9,000 frames/s, and
    /// about 1.8 MiB of memory once the ring has cycled (65,536 would be 7 MiB).
    public var queueCapacity: Int
    /// Nanoseconds frames are held to put several buses' frames in timestamp order; 0: none.
    public var reorderNanoseconds: Int64
    /// `kernel_filter`: each bus's socket passes only the ids of its DBC (`CAN_RAW_FILTER`).
    /// The recorder, bus load and frame counts then see only those frames.
    public var kernelFilter = false
    /// `receive_batch`: most frames a bus's reader takes in one system call (`recvmmsg`), each
    /// with its own timestamp and drop count; 1 is one system call per frame.
    public var receiveBatch = 32

    public init(receiveBufferBytes: Int? = nil, queueCapacity: Int = 16_384, reorderNanoseconds: Int64 = 100_000_000) {
        self.receiveBufferBytes = receiveBufferBytes
        self.queueCapacity = queueCapacity
        self.reorderNanoseconds = reorderNanoseconds
    }
}

extension GatewayConfig {
    static func decodeLive(_ node: ConfigNode) throws(ConfigError) -> LiveInputOptions {
        let f = try node.fields(["receive_buffer", "queue", "reorder", "kernel_filter", "receive_batch"])
        var options = LiveInputOptions()
        if let n = f["receive_buffer"] {
            let text = try n.text()
            guard let bytes = byteCount(text), bytes > 0, bytes <= Int(Int32.max) else {
                throw n.error("expected a byte count (4194304, 512KiB, 4MiB), found \"\(text)\"")
            }
            options.receiveBufferBytes = bytes
        }
        if let n = f["queue"] { options.queueCapacity = try n.int(in: ConfigRanges.liveQueue, "a frame count") }
        if let n = f["kernel_filter"] { options.kernelFilter = try n.bool() }
        if let n = f["receive_batch"] { options.receiveBatch = try n.int(in: ConfigRanges.receiveBatch, "a frame count") }
        if let n = f["reorder"] {
            let text = try n.text()
            if text == "0" || text == "off" {
                options.reorderNanoseconds = 0
            } else {
                options.reorderNanoseconds = try n.duration(in: ConfigRanges.reorder)
            }
        }
        return options
    }

    /// `4194304`, `512KiB`, `4MiB`, `1GiB` → bytes; nil when not one of those.
    static func byteCount(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("", 1)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Int(text.dropLast(unit.suffix.count)), value >= 0 else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : bytes
        }
        return nil
    }
}
