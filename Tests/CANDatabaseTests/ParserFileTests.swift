import Foundation
import Testing
@testable import CANDatabase

/// `DBCFile.load`: the environment errors, and a normal load.
@Suite struct ParserFileTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("candor-dbcfile-\(getpid())-\(name)").path
    }

    @Test func loadsAFile() throws {
        let path = temporaryPath("ok.dbc")
        try Data("BO_ 1 M: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" Y\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try DBCFile.load(path: path)
        #expect(r.database.messages.count == 1)
        #expect(r.database.messages[0].location?.file == path)
    }

    func expectError(_ path: String, _ message: String) {
        #expect(throws: DBCFileError(path: path, message: message)) { try DBCFile.load(path: path) }
    }

    @Test func missingFile() {
        let path = temporaryPath("missing.dbc")
        expectError(path, "cannot open: No such file or directory")
    }

    @Test func directory() throws {
        let path = temporaryPath("dir.dbc")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectError(path, "is a directory, not a DBC file")
    }

    @Test func emptyAndBlankFiles() throws {
        for (name, text) in [("empty.dbc", ""), ("blank.dbc", " \n\t\r\n")] {
            let path = temporaryPath(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            expectError(path, "no DBC content (the file is empty)")
        }
    }

    @Test func binaryFiles() throws {
        let nul = temporaryPath("nul.dbc")
        try Data([0x42, 0x4F, 0x5F, 0x00, 0x01]).write(to: URL(fileURLWithPath: nul))
        defer { try? FileManager.default.removeItem(atPath: nul) }
        expectError(nul, "not a DBC file (contains NUL bytes)")
        let controls = temporaryPath("controls.dbc")
        try Data([0x01, 0x02, 0x03, 0x41, 0x1B, 0x7F, 0x05]).write(to: URL(fileURLWithPath: controls))
        defer { try? FileManager.default.removeItem(atPath: controls) }
        expectError(controls, "not a DBC file (mostly non-text bytes)")
    }

    @Test func tooLargeFile() throws {
        let path = temporaryPath("huge.dbc")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("BO_".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(DBCFile.maximumSize) + 1)  // sparse: nothing is written
        try handle.close()
        expectError(path, "is \(DBCFile.maximumSize + 1) bytes; DBC files over 64 MiB are refused")
    }

    @Test func errorDescriptionNamesThePath() {
        #expect(DBCFileError(path: "a.dbc", message: "not a DBC file").description == "a.dbc: not a DBC file")
    }
}
