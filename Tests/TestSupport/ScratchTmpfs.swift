import Foundation

/// A filesystem a test mounts on a fresh directory of its own, to break the disk under what it
/// tests: `ScratchTmpfs` (a small tmpfs that fills up) and `FailingFilesystem` (writes that fail
/// with EIO on demand). Mounting needs root; under `Tests/run.sh` a refused mount fails the test.
public struct MountError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A tmpfs of a given size mounted by a test on a fresh directory of its own (needs root:
/// `mount`), grown or shrunk with `resize`, unmounted by `unmount` or at deinit. Every `mount`
/// and `umount` runs under a 60 s deadline.
public final class ScratchTmpfs {
    public let path: String
    private var mounted = false

    /// True when the test may mount: root, or the suite requires it (`Tests/run.sh`).
    public static var mayMount: Bool { getuid() == 0 || OracleTool.isRequired }

    public init(_ name: String, size: String) throws {
        path = try Self.freshDirectory("tmpfs-\(name)")
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

    /// A new directory for a mount point or its backing store.
    static func freshDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "candor-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `mount`/`umount` under a deadline; throws with their exit status and output.
    static func tool(_ name: String, _ arguments: [String]) throws {
        let (status, output) = try runTool(try OracleTool.require(name), arguments, timeout: 60)
        guard status == 0 else {
            throw MountError("\(name) \(arguments.joined(separator: " ")): exit \(status) \(output) (mounting needs root / CAP_SYS_ADMIN)")
        }
    }
}

/// `Tests/Faults/eiofs.py` (a pass-through FUSE filesystem, Debian's fuse3 and python3-fusepy)
/// mounted on a fresh directory over a backing one; `fail(true)` makes every write, fsync,
/// truncation, creation and rename on it fail with EIO until `fail(false)`
/// (`fail(true, intermittentSeed: N)`: writes only at random, one in two). The script runs
/// under a 900 s deadline; `unmount` (or deinit) ends it.
public final class FailingFilesystem {
    public let path: String
    private let backing: String
    private let process = Process()
    private var deadline: ProcessDeadline?

    public init(_ name: String) throws {
        backing = try ScratchTmpfs.freshDirectory(name + "-backing")
        path = try ScratchTmpfs.freshDirectory(name)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw MountError("/usr/bin/python3 is missing (Tests/setup.sh installs python3-fusepy for it)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")  // Debian's, which has fusepy
        process.arguments = [PythonOracle.repositoryRoot.appendingPathComponent("Tests/Faults/eiofs.py").path, backing, path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        deadline = ProcessDeadline(process, seconds: 900)
        let until = Date().addingTimeInterval(30)
        while process.isRunning && Date() < until {
            if ((try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "").contains(" \(path) ") { return }
            usleep(20_000)
        }
        try? unmount()
        throw MountError("eiofs.py did not mount \(path) (needs /dev/fuse, root, fuse3 and python3-fusepy)")
    }

    /// Writes fail with EIO from now on (`true`; with `intermittentSeed`, writes only at random,
    /// one in two, in the sequence of that seed) or work again (`false`).
    public func fail(_ on: Bool, intermittentSeed: UInt64? = nil) throws {
        if on {
            guard FileManager.default.createFile(atPath: backing + "/.fail", contents: Data((intermittentSeed.map { "intermittent \($0)" } ?? "").utf8)) else {
                throw MountError("cannot create \(backing)/.fail")
            }
        } else {
            try FileManager.default.removeItem(atPath: backing + "/.fail")
        }
    }

    /// Unmounts, waits for the script and removes both directories; throws when the deadline
    /// had to kill the script or `umount` failed.
    public func unmount() throws {
        guard let deadline else { return }
        self.deadline = nil
        defer { for d in [path, backing] { try? FileManager.default.removeItem(atPath: d) } }
        var refused: Error?
        if process.isRunning {
            do { try ScratchTmpfs.tool("umount", [path]) } catch {
                refused = error
                process.terminate()
            }
        }
        process.waitUntilExit()
        try deadline.check()
        if let refused { throw refused }
    }

    deinit { try? unmount() }
}
