#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The rotated files of one directory, prefix and extension (the recorder's capture files,
/// the decoded-frame log's rotated files), and which of them retention deletes. Shared by
/// `RotatingCaptureFiles` and `RotatingLineFiles`; each deletes with its own error type.
enum RotatedFiles {
    typealias Entry = (name: RecordingFileName, bytes: Int)

    /// The regular files named `<prefix>-<start>-<sequence>.<fileExtension>[.gz]` in
    /// `directory`, oldest first, with their sizes on disk.
    static func list(in directory: String, prefix: String, fileExtension: String) -> [Entry] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var found: [Entry] = []
        while let entry = readdir(handle) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let name = RecordingFileName(parsing: entryName, prefix: prefix, fileExtension: fileExtension) else { continue }
            // lstat, regular files only: a link or a directory named like a rotated file is
            // neither counted nor ever deleted by retention.
            var info = stat()
            guard lstat(directory + "/" + entryName, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            found.append((name, Int(info.st_size)))
        }
        return found.sorted { $0.name < $1.name }
    }

    /// The oldest entries of `files` (oldest first) to delete so that they, plus `otherBytes`
    /// (a current file not in the list), take at most `budget` bytes. Stops at `keeping`
    /// (the file being written), which is never deleted; 0 as budget keeps everything.
    static func beyondRetention(_ files: [Entry], otherBytes: Int = 0, budget: Int, keeping: RecordingFileName? = nil) -> [Entry] {
        guard budget > 0 else { return [] }
        var total = files.reduce(otherBytes) { $0 + $1.bytes }
        var doomed: [Entry] = []
        for file in files {
            guard total > budget, file.name != keeping else { break }
            doomed.append(file)
            total -= file.bytes
        }
        return doomed
    }
}
