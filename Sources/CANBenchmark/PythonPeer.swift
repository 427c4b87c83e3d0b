import Foundation

/// The Python peer of `candor bench`, run in the same session on the same files: cantools
/// decoding the same candump log, and opendbc's generator writing the Toyota DBC.
///
/// The cantools loop is the minimal one a user would write (issue #12): split the line,
/// `bytes.fromhex`, `decode_message`, nothing kept; timed in `time.process_time()` (CPU of
/// the Python process), like candor's thread CPU time.
public struct PythonPeer: Sendable {
    /// The interpreter, e.g. `$CANDOR_VENV/bin/python`.
    public let python: String

    public init(python: String) { self.python = python }

    /// The peer of a test venv, when `venv/bin/python` exists.
    public static func venv(_ venv: String) -> PythonPeer? {
        let python = venv + "/bin/python"
        return access(python, X_OK) == 0 ? PythonPeer(python: python) : nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let loop = """
        import sys, time, cantools
        db = cantools.database.load_file(sys.argv[1], strict=False)
        by_id = {(m.frame_id, m.is_extended_frame): m for m in db.messages}
        limit = int(sys.argv[3])
        with open(sys.argv[2]) as f:
            lines = [line for _, line in zip(range(limit), f)]
        t0 = time.process_time()
        n = 0
        for line in lines:
            parts = line.split()
            ident, _, data = parts[2].partition('#')
            if data.startswith('#'):
                data = data[2:]
            m = by_id.get((int(ident, 16), len(ident) == 8))
            if m is not None:
                try:
                    m.decode(bytes.fromhex(data), decode_choices=False)
                except cantools.database.errors.DecodeError:
                    pass
            n += 1
        print(n, time.process_time() - t0, cantools.__version__)
        """

    /// Frames/s of the cantools loop over the first `lines` lines of `capture`, and the
    /// cantools version.
    public func cantoolsLoop(dbc: String, capture: String, lines: Int) throws -> (rate: Double, version: String) {
        let out = try run(["-c", Self.loop, dbc, capture, String(lines)])
        let fields = out.split(separator: " ")
        guard fields.count == 3, let n = Double(fields[0]), let seconds = Double(fields[1]), seconds > 0 else {
            throw Failure(description: "cantools loop: unexpected output \(out.debugDescription)")
        }
        return (n / seconds, String(fields[2]))
    }

    /// Writes opendbc's `toyota_nodsu_pt_generated.dbc` to `path`, made by opendbc's own
    /// generator (nothing of opendbc is committed here); false when this Python has no opendbc.
    public func writeOpendbcToyotaDBC(to path: String) throws -> Bool {
        let script = """
            import sys
            try:
                from opendbc.dbc.generator.generator import generate_all
            except ImportError:
                sys.exit(3)
            with open(sys.argv[1], 'w', encoding='utf-8') as f:
                f.write(generate_all()['toyota_nodsu_pt_generated'])
            """
        do {
            _ = try run(["-c", script, path])
            return true
        } catch let failure as Failure where failure.description.hasSuffix("exit 3") {
            return false
        }
    }

    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(python): exit \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
