import Foundation

/// Python's verdict on a capture the uplink sent (`uplink.captures`): the CRC-32 of the gzip
/// (`zlib.crc32`), then the candump log (gunzipped by Python's `gzip`) read by python-can's
/// `CanutilsLogReader`, compared with the frames of `bundle` (a gzip'd candump log read the
/// same way) timed `from...to` (nanoseconds; microsecond timestamps). Shared by the uplink's
/// and the collector's capture tests.
public enum CaptureLogOracle {
    static let script = #"""
    import sys, gzip, zlib, tempfile, can
    got, bundle, lo, hi, crc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5], 16)
    raw = open(got, 'rb').read()
    if zlib.crc32(raw) != crc:
        print('crc mismatch'); sys.exit(0)
    def frames(path, window):
        out = []
        for m in can.CanutilsLogReader(path):
            us = round(m.timestamp * 1e6)
            if window and not (lo <= us * 1000 <= hi):
                continue
            out.append((us, m.channel, m.arbitration_id, m.is_extended_id, m.is_error_frame, m.is_remote_frame, m.is_fd, bytes(m.data).hex()))
        return out
    with tempfile.TemporaryDirectory() as d:
        open(d + '/got.log', 'wb').write(gzip.decompress(raw))
        open(d + '/bundle.log', 'wb').write(gzip.decompress(open(bundle, 'rb').read()))
        mine, want = frames(d + '/got.log', False), frames(d + '/bundle.log', True)
    if mine == want:
        print('frames', len(mine))
    else:
        extra = [f for f in mine if f not in set(want)][:3]
        missing = [f for f in want if f not in set(mine)][:3]
        print('differ: got', len(mine), 'want', len(want), 'extra', extra, 'missing', missing)
    """#

    /// `frames <n>` when the capture at `path` holds exactly the bundle's frames of the
    /// window, else what differs (`crc mismatch`, `differ: …`), with Python's errors.
    public static func verdict(python: String, capture path: String, bundle: String, from: Int64, to: Int64, crc32: String) throws -> String {
        let result = try PythonOracle.run(python, script: script, arguments: [path, bundle, String(from), String(to), crc32])
        return (result.text + result.errors).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
