import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Issue 10 through the command line: what a hostile but realistic user gives candor is a
/// clear error (exit 2) or a counted note, the same in every command.
@Suite struct HostileInputTests {
    static let bundle = FixturePaths.root.appendingPathComponent("Fixtures/captures/fleet/van-urban-faults")

    /// A scratch folder with the bundle's DBC and its config with `extra` appended.
    func folder(config extra: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.bundle.appendingPathComponent("van.dbc"), to: folder.appendingPathComponent("van.dbc"))
        let config = try String(contentsOf: Self.bundle.appendingPathComponent("candor.yaml"), encoding: .utf8)
        try (config + "\n" + extra).write(to: folder.appendingPathComponent("candor.yaml"), atomically: true, encoding: .utf8)
        try "(1700000000.000000) can0 123#11\n".write(
            to: folder.appendingPathComponent("one.log"), atomically: true, encoding: .utf8)
        return folder
    }

    /// `localhost:9464` once passed `replay --config` and made `run` exit 1: one validation now.
    @Test func replayAndRunRefuseTheSameListenAddress() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "sinks:\n  prometheus: { listen: \"localhost:9464\" }\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("candor.yaml").path
        let replay = try candor.run(["replay", "--config", config, folder.appendingPathComponent("one.log").path])
        let run = try candor.run(["run", "--config", config])
        for (name, result) in [("replay", replay), ("run", run)] {
            print("\(name): status \(result.status), stderr: \(result.stderr)")
            #expect(!result.crashed)
            #expect(result.status == 2, "\(name)")
            #expect(result.stderr.contains("sinks.prometheus.listen: expected an IPv4 address and a port"), "\(name)")
        }
    }

    /// An output that is an input, or two outputs that are one file: exit 2 naming both,
    /// before anything is opened for writing (issue 10, item 8).
    @Test func outputsThatAreInputsOrEachOtherAreRefused() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("candor.yaml").path
        let capture = folder.appendingPathComponent("one.log").path
        let before = try Data(contentsOf: URL(fileURLWithPath: capture))
        let cases: [([String], String)] = [
            (["replay", "--config", config, capture, "--jsonl", capture], "the output \(capture) is the input \(capture)"),
            (["replay", "--config", config, capture, "--sqlite", folder.path + "/s.db", "--jsonl", folder.path + "/./s.db"],
             "the outputs \(folder.path)/s.db and \(folder.path)/./s.db are the same file"),
            (["replay", "--config", config, capture, "--summary", config], "is the input \(config)"),
            (["convert", capture, folder.path + "/../" + folder.lastPathComponent + "/one.log"], "is the input \(capture)"),
        ]
        for (arguments, expected) in cases {
            let result = try candor.run(arguments)
            #expect(!result.crashed)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: capture)) == before, "the capture is untouched")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/s.db"))
    }

    /// The DBCs a config names are inputs too, and a SQLite store's `-journal`, `-wal` and
    /// `-shm` files are outputs beside it: JSONL over the DBC, or into the store's WAL, is
    /// refused before anything is opened for writing.
    @Test func outputsOverTheConfigsDBCsOrBesideTheSQLiteStoreAreRefused() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let f = folder.path
        let config = f + "/candor.yaml"
        let capture = f + "/one.log"
        try FileManager.default.copyItem(atPath: capture, toPath: f + "/x.db-shm")
        let dbc = try Data(contentsOf: URL(fileURLWithPath: f + "/van.dbc"))
        let cases: [([String], String)] = [
            (["replay", "--config", config, capture, "--jsonl", f + "/van.dbc"], "the output \(f)/van.dbc is the input \(f)/van.dbc"),
            (["replay", "--config", config, capture, "--summary", f + "/./van.dbc"], "the output \(f)/./van.dbc is the input \(f)/van.dbc"),
            (["replay", "--config", config, capture, "--sqlite", f + "/s.db", "--jsonl", f + "/s.db-wal"],
             "the outputs \(f)/s.db-wal (beside \(f)/s.db) and \(f)/s.db-wal are the same file"),
            (["replay", "--config", config, capture, "--sqlite", f + "/s.db", "--line-protocol", f + "/s.db-journal"],
             "the outputs \(f)/s.db-journal (beside \(f)/s.db) and \(f)/s.db-journal are the same file"),
            (["replay", "--config", config, f + "/x.db-shm", "--sqlite", f + "/x.db"],
             "the output \(f)/x.db-shm (beside \(f)/x.db) is the input \(f)/x.db-shm"),
        ]
        for (arguments, expected) in cases {
            let result = try candor.run(arguments)
            print("\(arguments.suffix(4)): status \(result.status), \(result.stderr)")
            #expect(!result.crashed)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: f + "/van.dbc")) == dbc, "the DBC is untouched")
        for name in ["s.db", "s.db-wal", "s.db-journal", "x.db"] {
            #expect(!FileManager.default.fileExists(atPath: f + "/" + name), "\(name) created")
        }
        // Apart, the same outputs are fine.
        let fine = try candor.run(["replay", "--config", config, capture, "--sqlite", f + "/s.db", "--jsonl", f + "/s.jsonl"])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    /// `convert` that fails half-way (a gzip capture cut short, after more than one buffer of
    /// output was written) leaves no partial capture: the destination is absent, or the file it
    /// was before; a finished convert leaves no temporary file; a device is written in place.
    @Test func aConvertThatFailsLeavesTheDestinationAsItWas() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let f = folder.path
        let whole = try Data(contentsOf: Self.bundle.appendingPathComponent("capture.log.gz"))
        try whole.prefix(200_000).write(to: URL(fileURLWithPath: f + "/cut.log.gz"))
        try "precious\n".write(toFile: f + "/old.asc", atomically: true, encoding: .utf8)
        for destination in ["new.asc", "old.asc", "new.pcapng.gz"] {
            let result = try candor.run(["convert", f + "/cut.log.gz", f + "/" + destination])
            print("convert cut.log.gz \(destination): status \(result.status), \(result.stderr)")
            #expect(result.status == 2 && !result.crashed)
            #expect(result.stderr.contains("truncated gzip data"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: f + "/new.asc"))
        #expect(!FileManager.default.fileExists(atPath: f + "/new.pcapng.gz"))
        #expect(try String(contentsOfFile: f + "/old.asc", encoding: .utf8) == "precious\n")
        let ok = try candor.run(["convert", f + "/one.log", f + "/old.asc"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try String(contentsOfFile: f + "/old.asc", encoding: .utf8).contains("123"))
        let device = try candor.run(["convert", "--to", "asc", f + "/one.log", "/dev/null"])
        #expect(device.status == 0, "\(device.stderr)")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "/dev/null is still a device")
        let left = try FileManager.default.contentsOfDirectory(atPath: f).filter { $0.hasSuffix(".partial") }
        #expect(left.isEmpty, "temporary files left: \(left)")
        try FileManager.default.createSymbolicLink(atPath: f + "/link.asc", withDestinationPath: f + "/old.asc")
        let link = try candor.run(["convert", f + "/one.log", f + "/link.asc"])
        #expect(link.status == 2 && link.stderr.contains("it is a symbolic link"), "\(link.stderr)")
    }

    /// `convert` over an existing capture keeps what `cp` keeps: its permission bits (a 0600
    /// capture does not become 0644) and, when root converts, its owner and group. A new file
    /// gets 0644 less the umask. Before: every replaced file came out 0644, owned by root.
    @Test func aConvertKeepsTheModeAndOwnerOfTheFileItReplaces() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let f = folder.path
        func mode(_ path: String) -> (mode: mode_t, uid: uid_t, gid: gid_t)? {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            return (info.st_mode & 0o7777, info.st_uid, info.st_gid)
        }
        for (name, wanted) in [("secret.asc", mode_t(0o600)), ("shared.pcapng", 0o640), ("open.log.gz", 0o664)] {
            try "old\n".write(toFile: f + "/" + name, atomically: true, encoding: .utf8)
            #expect(chmod(f + "/" + name, wanted) == 0)
            let result = try candor.run(["convert", f + "/one.log", f + "/" + name])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(mode(f + "/" + name)?.mode == wanted, "\(name)")
        }
        let mask = umask(0o022)
        umask(mask)
        let created = try candor.run(["convert", f + "/one.log", f + "/new.asc"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(mode(f + "/new.asc")?.mode == 0o644 & ~mask)
        guard geteuid() == 0 else { print("not root: the owner is not checked"); return }
        try "old\n".write(toFile: f + "/theirs.asc", atomically: true, encoding: .utf8)
        #expect(chown(f + "/theirs.asc", 1000, 1000) == 0 && chmod(f + "/theirs.asc", 0o640) == 0)
        let theirs = try candor.run(["convert", f + "/one.log", f + "/theirs.asc"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let after = mode(f + "/theirs.asc")
        #expect(after?.uid == 1000 && after?.gid == 1000 && after?.mode == 0o640)
        #expect(try String(contentsOfFile: f + "/theirs.asc", encoding: .utf8).contains("123"))
    }

    /// A capture cut inside its gzip data: replay writes the records of the frames before the
    /// cut and then fails like decode, which prints those frames (issue 10, item 11).
    @Test func replayOfATruncatedGzipKeepsWhatCameBeforeTheCut() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try Data(contentsOf: Self.bundle.appendingPathComponent("capture.log.gz"))
        let cut = folder.appendingPathComponent("cut.log.gz")
        try whole.prefix(200_000).write(to: cut)
        let dbc = folder.appendingPathComponent("van.dbc").path
        let jsonl = folder.appendingPathComponent("r.jsonl").path
        let replay = try candor.run(["replay", "--dbc", dbc, cut.path, "--jsonl", jsonl])
        let decode = try candor.run(["decode", "--dbc", dbc, cut.path])
        for result in [replay, decode] {
            #expect(result.status == 2 && !result.crashed)
            #expect(result.stderr.contains("truncated gzip data"), "\(result.stderr)")
        }
        let records = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n").count
        let frames = decode.stdout.split(separator: "\n").count
        print("truncated gzip: decode printed \(frames) frames, replay wrote \(records) records")
        #expect(frames > 10_000 && records > 1_000)
    }

    /// One capture with a skipped and a bent line: decode, convert and replay tell the same.
    @Test func everyCommandReportsSkippedAndBentLinesAlike() throws {
        let candor = CandorExecutable.located()
        let folder = try folder(config: "")
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("odd.log").path
        try "(1.000000) can0 123##1112233445566778899\n(1.100000) can0 123#00112233445566778899\n(1.2) can0 124#11\n"
            .write(toFile: capture, atomically: true, encoding: .utf8)
        let dbc = folder.appendingPathComponent("van.dbc").path
        let runs = [
            try candor.run(["decode", "--dbc", dbc, capture]),
            try candor.run(["convert", capture, folder.path + "/out.asc"]),
            try candor.run(["replay", "--dbc", dbc, capture]),
        ]
        for result in runs {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("\(capture): skipped 1 malformed line(s); first at line 1"), "\(result.stderr)")
            #expect(result.stderr.contains("\(capture): read 1 frame(s) from line(s) that bend the format; first at line 2"))
        }
    }
}
