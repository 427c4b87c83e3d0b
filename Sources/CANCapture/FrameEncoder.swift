import CANCore

/// One format's writer: bytes for the start, each frame, and the end of a capture.
protocol FrameEncoder {
    mutating func begin(into out: inout [UInt8])
    mutating func encode(_ frame: CANFrame, into out: inout [UInt8])
    mutating func end(into out: inout [UInt8])
}

struct CandumpLogEncoder: FrameEncoder {
    mutating func begin(into out: inout [UInt8]) {}
    mutating func encode(_ frame: CANFrame, into out: inout [UInt8]) {
        CandumpLogFormatter.appendLine(frame, to: &out)
    }
    mutating func end(into out: inout [UInt8]) {}
}
