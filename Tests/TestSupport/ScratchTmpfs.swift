import Foundation

/// A tmpfs of a given size mounted by a test on a fresh directory of its own (needs root:
/// `mount`), grown or shrunk with `resize`, unmounted by `unmount` or at deinit. Every `mount`
/// and `umount` runs under a 60 s deadline.
public final class ScratchTmpfs {
    public let path: String
    private var mounted = false

    /// True when the test may mount: root, or the suite requires it (`Tests/run.sh`).
    public static var mayMount: Bool { getuid() == 0 || OracleTool.isRequired }

    public init(_ name: String, size: String) throws {
        path = NSTemporaryDirectory() + "candor-tmpfs-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.tool("mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", path])
        mounted = true
    }

    /// `mount -o remount,size=…`: more (or less) room, the files stay.
    public func resize(_ size: String) throws {
        try Self.tool("mount", ["-o", "remount,size=\(size)", path])
    }

    public func unmount() throws {
        guard mounted else { return }
        mounted = false
        try Self.tool("umount", [path])
        try FileManager.default.removeItem(atPath: path)
    }

    deinit { try? unmount() }

    private static func tool(_ name: String, _ arguments: [String]) throws {
        let (status, output) = try runTool(try OracleTool.require(name), arguments, timeout: 60)
        guard status == 0 else {
            throw BrokerError("\(name) \(arguments.joined(separator: " ")): exit \(status) \(output) (mounting needs root)")
        }
    }
}
