import GBT32960

extension FuzzTargets {
    /// GB/T 32960 as `candor gbt32960 decode` and the terminal read it: the input taken as hex
    /// lines, raw bytes or a pcap/pcapng TCP capture (whichever it looks like), every frame
    /// found decoded (header, data unit, JSON). Two properties trap when broken:
    /// - the stream framer cuts the same units whatever the chunks the bytes arrive in (the
    ///   chunk sizes come from the input's first byte), as TCP may split them anywhere;
    /// - a decoded message, encoded again, decodes to the same message, when its text fields
    ///   are ASCII as the standard has them (a VIN byte over 0x7F is shown as U+FFFD, which
    ///   does not encode back to the byte sent).
    public static func gbt32960(_ bytes: [UInt8]) {
        var skipped = 0
        if let frames = try? FrameInput.frames(bytes, file: "fuzz", skipped: &skipped) {
            for located in frames.prefix(256) { gbt32960Frame(located.bytes) }
        }
        let whole = gbt32960Units(bytes, chunk: bytes.count)
        let chunk = 1 + Int(bytes.first ?? 0) % 29
        let chunked = gbt32960Units(bytes, chunk: chunk)
        precondition(whole == chunked, "StreamFramer: units differ when the stream arrives in \(chunk)-byte chunks")
    }

    static func gbt32960Frame(_ raw: [UInt8]) {
        guard let decoded = try? Frame.decode(raw), let message = try? Message(frame: decoded.frame) else { return }
        let json = message.json().rendered
        guard decoded.frame.identity.allSatisfy({ $0 < 0x80 }) else { return }
        guard let again = try? Message(frame: Frame.decode(message.frame.bytes).frame) else {
            preconditionFailure("a decoded message, encoded again, does not decode")
        }
        let second = again.json().rendered
        precondition(second == json, "a decoded message, encoded again, decodes differently:\n\(json)\n\(second)")
    }

    /// The units a framer cuts from `bytes` fed `chunk` bytes at a time, then what is left.
    static func gbt32960Units(_ bytes: [UInt8], chunk: Int) -> [StreamFramer.Unit] {
        var framer = StreamFramer()
        var units: [StreamFramer.Unit] = []
        var at = 0
        repeat {
            let end = min(bytes.count, at + max(chunk, 1))
            framer.append(bytes[at..<end])
            at = end
            while let unit = framer.next() { units.append(unit) }
        } while at < bytes.count
        units.append(.badChecksum(framer.finish()))
        return units
    }
}
