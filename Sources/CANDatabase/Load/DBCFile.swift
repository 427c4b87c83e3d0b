#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A DBC file could not be read at all (missing, a directory, empty, binary, too large).
public struct DBCFileError: Error, CustomStringConvertible, Sendable, Hashable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`
    public var description: String { "\(path): \(message)" }
}

/// Reads a DBC file from disk and parses it.
public enum DBCFile {
    /// Files larger than this are refused (the largest real DBCs are a few MiB).
    public static let maximumSize = 64 << 20

    public static func load(path: String) throws(DBCFileError) -> DBCLoadResult {
        let bytes = try readBytes(path: path)
        try checkLooksLikeText(bytes, path: path)
        return DBCParser.parse(bytes, file: path)
    }

    /// The file's bytes, with every libc failure turned into a `DBCFileError`.
    static func readBytes(path: String) throws(DBCFileError) -> [UInt8] {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw DBCFileError(path: path, message: "cannot open: \(errorText(errno))") }
        defer { _ = close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DBCFileError(path: path, message: "cannot stat: \(errorText(errno))") }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DBCFileError(path: path, message: "is a directory, not a DBC file")
        }
        if Int(info.st_size) > maximumSize {
            throw DBCFileError(path: path, message: "is \(info.st_size) bytes; DBC files over \(maximumSize >> 20) MiB are refused")
        }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(max(info.st_size, 0)) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DBCFileError(path: path, message: "cannot read: \(errorText(errno))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > maximumSize {
                throw DBCFileError(path: path, message: "is over \(maximumSize >> 20) MiB; refused")
            }
        }
        return bytes
    }

    /// Refuses empty and binary files: NUL bytes, or mostly bytes that are not text.
    static func checkLooksLikeText(_ bytes: [UInt8], path: String) throws(DBCFileError) {
        var blank = true
        var control = 0
        for b in bytes {
            if b == 0 { throw DBCFileError(path: path, message: "not a DBC file (contains NUL bytes)") }
            if b != 0x20, b != 0x09, b != 0x0A, b != 0x0D { blank = false }
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != 0x0C { control += 1 }
        }
        if blank { throw DBCFileError(path: path, message: "no DBC content (the file is empty)") }
        if control * 10 > bytes.count {
            throw DBCFileError(path: path, message: "not a DBC file (mostly non-text bytes)")
        }
    }

    private static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}
