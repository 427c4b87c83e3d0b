#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemIO

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
        let fd: FileDescriptor
        do { fd = try .open(path, O_RDONLY) } catch { throw DBCFileError(path: path, message: "cannot open: \(error.reason)") }
        let info: stat
        do { info = try fd.status() } catch { throw DBCFileError(path: path, message: "cannot stat: \(error.reason)") }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DBCFileError(path: path, message: "is a directory, not a DBC file")
        }
        if Int(info.st_size) > maximumSize {
            throw DBCFileError(path: path, message: "is \(info.st_size) bytes; DBC files over \(maximumSize >> 20) MiB are refused")
        }

        let read: [UInt8]?
        do { read = try fd.readAll(limit: maximumSize) } catch { throw DBCFileError(path: path, message: "cannot read: \(error.reason)") }
        guard let bytes = read else { throw DBCFileError(path: path, message: "is over \(maximumSize >> 20) MiB; refused") }
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
}
