import ArgumentParser
import CANCapture
import CANCore
import SocketCAN
import Telemetry

/// `candor-probe send --from CAPTURE`: the data and remote frames of a capture, cycled,
/// sent on one interface. Paced either at wire speed (`--bitrate`: each frame starts when the
/// previous one has left the wire, after the kernel's frame-length model without stuff bits,
/// which is the most frames a bus of that bit rate can carry) or at `--rate` frames per
/// second, or unpaced. Stops after `--duration` seconds of send time, else after `--count`.
struct CaptureCycleSender {
    let frames: [CANFrame]
    let interface: String
    let bitrate: Int?
    let dataBitrate: Int?
    let rate: Double
    let durationNanoseconds: Int64?
    let count: Int
    let printBus: String?
    let print: Bool
    /// Real time after which sending stops even when behind the pace (`SENT` says so).
    var wallLimit: Duration? = nil

    /// Data and remote frames of `path`, in capture order.
    static func load(_ path: String) throws(CommandFailure) -> [CANFrame] {
        var frames: [CANFrame] = []
        do {
            let reader = try CaptureReader(path: path)
            while let frame = try reader.next() {
                if frame.kind != .error { frames.append(frame) }
            }
        } catch {
            throw .input(error.description)
        }
        guard !frames.isEmpty else { throw .input("\(path): no data or remote frames to send") }
        return frames
    }

    /// Nanoseconds from this frame's start to the next frame's start.
    func spacing(of frame: CANFrame) -> Double {
        if let bitrate {
            return FrameBits.of(frame, worstCase: false).seconds(bitrate: bitrate, dataBitrate: dataBitrate ?? bitrate) * 1e9
        }
        return rate > 0 ? 1e9 / rate : 0
    }

    func run() throws(CommandFailure) {
        var log = LiveOutput(descriptor: 2)
        log.line("SEND \(interface) from-capture frames=\(frames.count) bitrate=\(bitrate ?? 0) rate=\(rate) "
            + "duration=\(durationNanoseconds.map { String(Double($0) / 1e9) } ?? "-")")
        log.flush()
        let replay: ReplayToInterface
        do { replay = try ReplayToInterface(interface: interface, options: .init(realtime: bitrate != nil || rate > 0)) } catch {
            throw .runtime(error.description)
        }
        var out = LiveOutput(descriptor: 1)
        var due = 0.0        // nanoseconds since the first frame's start
        var wireBits = 0
        var sent = 0
        let clock = ContinuousClock()
        let started = clock.now
        while durationNanoseconds != nil || sent < count {
            var frame = frames[sent % frames.count]
            let next = due + spacing(of: frame)
            if let durationNanoseconds, next > Double(durationNanoseconds) { break }
            if let wallLimit, sent % 256 == 0, started.duration(to: clock.now) > wallLimit { break }
            frame.timestamp = CANTimestamp(totalNanoseconds: Int64(due.rounded()), fractionDigits: 6)
            do { try replay.send(frame) } catch { throw .runtime(error.description) }
            wireBits += FrameBits.of(frame, worstCase: false).total
            sent += 1
            due = next
            if print {
                frame.timestamp = .zero
                frame.bus = printBus ?? interface
                out.append(frame)
            }
        }
        out.flush()
        let took = started.duration(to: clock.now)
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        let stats = replay.statistics
        log.line("SENT \(interface) frames=\(stats.framesSent) enobufs_waits=\(stats.noBufferSpaceWaits) "
            + "seconds=\(seconds) rate=\(Int(Double(stats.framesSent) / max(seconds, 1e-9))) "
            + "wire_seconds=\(due / 1e9) wire_bits=\(wireBits)")
        log.flush()
        replay.close()
    }
}
