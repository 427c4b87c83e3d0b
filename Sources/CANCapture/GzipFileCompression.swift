#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemIO

/// Compresses a finished file into a `.gz` file (gzip level 1, as the capture writer), for
/// rotated logs: the gateway's decoded-frame log compresses a file once it stops growing.
public enum GzipFileCompression {
    /// Reads `source` to its end and writes it, gzip-compressed, to `destination` (created or
    /// truncated). `source` is left in place; the caller removes it once this returned.
    public static func compress(_ source: String, to destination: String) throws(CaptureError) {
        let input: FileDescriptor
        do {
            input = try .open(source, O_RDONLY)
        } catch {
            throw CaptureError(file: source, message: "cannot open for compression: \(error.reason)")
        }
        let output = try GzipFileSink(path: destination, gzip: true)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count: Int
            do {
                count = try input.read(into: &chunk)
            } catch {
                try? output.close()
                throw CaptureError(file: source, message: "read failed: \(error.reason)")
            }
            if count == 0 { break }
            try output.write(count == chunk.count ? chunk : Array(chunk[0..<count]))
        }
        try output.close()
    }
}
