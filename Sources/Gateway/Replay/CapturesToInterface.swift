import CANCapture
import CANCore
import SocketCAN

/// `candor replay CAPTURE... --to IFACE`: the captures' data and remote frames sent onto one
/// SocketCAN interface, like canplayer, whatever bus each frame names; error frames are
/// skipped (and counted). As fast as the interface takes them (waiting when its transmit
/// queue is full), or with the captures' own spacing (`realtime`).
public enum CapturesToInterface {
    /// A capture that cannot be read (the input, exit 2) or an interface that fails (exit 1).
    public enum Failure: Error, Sendable {
        case input(String)
        case runtime(String)
    }

    public static func send(
        _ paths: [String], format: CaptureFormat?, strict: Bool, interface: String, realtime: Bool
    ) throws(Failure) -> ReplayToInterface.Statistics {
        let replay: ReplayToInterface
        do { replay = try ReplayToInterface(interface: interface, options: .init(realtime: realtime)) } catch {
            throw .runtime(error.description)
        }
        defer { replay.close() }
        for path in paths {
            let reader: CaptureReader
            do { reader = try CaptureReader(path: path, format: format, strict: strict) } catch { throw .input(error.description) }
            while true {
                let frame: CANFrame?
                do { frame = try reader.next() } catch { throw .input(error.description) }
                guard let frame else { break }
                do { try replay.send(frame) } catch { throw .runtime(error.description) }
            }
        }
        return replay.statistics
    }
}
