import GBT32960

extension FuzzTargets {
    /// GB/T 32960 as `candor gbt32960 decode` and the terminal read it: the input taken as hex
    /// lines, raw bytes or a pcap/pcapng TCP capture (whichever it looks like), every frame
    /// found decoded (header, data unit, JSON). Two properties trap when broken:
    /// - the stream framer cuts the same units whatever the chunks the bytes arrive in (the
    ///   chunk sizes come from the input's first byte), as TCP may split them anywhere;
    /// - encoding is a fixed point once a frame went through decode and encode: encoding the
    ///   decoded message gives bytes that decode and encode to themselves, and to the same
    ///   JSON. (Not "to the input": a text byte over 0x7F — VIN, ICCID, subsystem codes — is
    ///   read as U+FFFD, which encodes as EF BF BD cut to the field's width; the standard has
    ///   these fields ASCII.)
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
        _ = message.json().rendered
        let once = message.frame.bytes
        guard let again = try? Message(frame: Frame.decode(once).frame) else {
            preconditionFailure("a decoded message, encoded again, does not decode")
        }
        let twice = again.frame.bytes
        guard let third = try? Message(frame: Frame.decode(twice).frame) else {
            preconditionFailure("a message encoded twice does not decode")
        }
        precondition(twice == once, "decode and encode are not a fixed point:\n\(once)\n\(twice)")
        let first = again.json().rendered, second = third.json().rendered
        precondition(first == second, "the same bytes decode differently:\n\(first)\n\(second)")
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
