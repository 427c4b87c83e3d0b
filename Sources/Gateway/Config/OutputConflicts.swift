#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A command's output that would destroy one of its inputs or another output: `--jsonl
/// cap.log` over the capture being replayed, SQLite and JSONL into one file, JSONL into the
/// SQLite store's `-wal` file.
public struct OutputConflict: Error, Sendable, CustomStringConvertible {
    /// The output, or a file written beside it (`s.db-wal (beside the SQLite store s.db)`).
    public let output: String
    public let other: String
    /// Whether `other` is an input (else another output).
    public let otherIsInput: Bool

    public var description: String {
        otherIsInput
            ? "the output \(output) is the input \(other); refusing to overwrite it"
            : "the outputs \(output) and \(other) are the same file"
    }
}

/// A file a command writes, with the files written beside it: SQLite's rollback journal and
/// write-ahead log (`-journal`, `-wal`, `-shm` after the store's name).
public struct OutputFile: Sendable {
    public let path: String
    public let companions: [String]

    public init(_ path: String, companions: [String] = []) {
        self.path = path
        self.companions = companions
    }

    public static func sqlite(_ path: String) -> OutputFile {
        OutputFile(path, companions: ["-journal", "-wal", "-shm"].map { path + $0 })
    }
}

/// Checks a command's files before any output is opened. Two names are the same file when
/// they have the same device and inode, or — for a file not yet created — the same absolute
/// path once the directory is resolved (`./a/../x.jsonl` and `x.jsonl`). `-` (standard
/// input or output) is never a conflict. An output's companions conflict like the output.
public enum OutputConflicts {
    public static func check(inputs: [String], outputs: [String]) throws(OutputConflict) {
        try check(inputs: inputs, outputs: outputs.map { OutputFile($0) })
    }

    public static func check(inputs: [String], outputs: [OutputFile]) throws(OutputConflict) {
        let inputKeys = inputs.filter { $0 != "-" }.map { ($0, identity(of: $0)) }
        // Every file written: (its name in messages, which output it belongs to, identity).
        var seen: [(String, Int, FileIdentity)] = []
        for (owner, output) in outputs.enumerated() where output.path != "-" {
            let files = [output.path] + output.companions
            for (index, file) in files.enumerated() {
                let name = index == 0 ? file : "\(file) (beside \(output.path))"
                let key = identity(of: file)
                if let input = inputKeys.first(where: { $0.1 == key }) {
                    throw OutputConflict(output: name, other: input.0, otherIsInput: true)
                }
                if let earlier = seen.first(where: { $0.1 != owner && $0.2 == key }) {
                    throw OutputConflict(output: earlier.0, other: name, otherIsInput: false)
                }
                seen.append((name, owner, key))
            }
        }
    }

    enum FileIdentity: Equatable {
        case inode(device: UInt64, inode: UInt64)
        case path(String)
    }

    static func identity(of path: String) -> FileIdentity {
        var info = stat()
        if stat(path, &info) == 0 { return .inode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
        // Not there yet: the resolved directory plus the name.
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let resolved = realpath(directory, nil) else { return .path(path) }
        defer { free(resolved) }
        return .path(String(cString: resolved) + "/" + name)
    }
}
