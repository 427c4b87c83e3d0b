#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CANCapture
import CANCore
import SystemIO

/// A simulated vehicle's bundle on disk, as `candor simulate` writes it: `capture.log` (or
/// `capture.log.gz`), the vehicle's DBC files, `candor.yaml`, `truth.json` and `track.nmea`
/// (the drive's GNSS fixes, `NMEATrack`).
public enum SimulationBundle {
    /// A bundle file or directory that could not be written.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Runs `simulation` into `directory` (made, with its parents, if missing) and writes the
    /// files beside the capture; returns the ground truth (also written as truth.json).
    /// `progress` gets the simulated seconds. Throws `FileError` or the capture's `CaptureError`.
    public static func write(
        _ simulation: FleetSimulation, to directory: String, gzip: Bool, progress: ((Int) -> Void)? = nil
    ) throws -> GroundTruth {
        try makeDirectory(directory)
        let writer = try CaptureWriter(path: join(directory, gzip ? "capture.log.gz" : "capture.log"), format: .candumpLog, gzip: gzip)
        let truth = try simulation.run(progress: progress) { (frame: CANFrame) throws(CaptureError) in try writer.write(frame) }
        try writer.close()
        for bus in simulation.definition.buses {
            try writeText(bus.dbcText, to: join(directory, bus.dbcFile))
        }
        try writeText(BundleConfig.yaml(for: simulation.definition), to: join(directory, "candor.yaml"))
        try writeText(truth.json(), to: join(directory, "truth.json"))
        try writeText(track(simulation, truth).text, to: join(directory, NMEATrack.fileName))
        return truth
    }

    /// The drive's NMEA track (`track.nmea`).
    public static func track(_ simulation: FleetSimulation, _ truth: GroundTruth) -> NMEATrack {
        NMEATrack(startEpochSeconds: simulation.options.startEpochSeconds, cumulativeKm: truth.distanceEverySecondKm,
                  seed: simulation.options.seed)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// `mkdir -p`.
    static func makeDirectory(_ path: String) throws(FileError) {
        do { try Syscall.makeDirectories(path, mode: 0o755) } catch { throw FileError(path: path, reason: error.reason) }
    }

    static func writeText(_ text: String, to path: String) throws(FileError) {
        do { try FileDescriptor.write(Array(text.utf8), toNewFile: path) } catch {
            throw FileError(path: path, reason: error.reason)
        }
    }
}
