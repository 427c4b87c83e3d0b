import CANCore
import Foundation
import TestSupport
@testable import Telemetry
import Testing
@testable import Gateway

/// `kill -9` of a process writing the store: this test binary runs itself as the writer
/// (`sinksKillChildWriter`, active only with `CANDOR_STORE_KILL_CHILD` set), which logs
/// "committed N" after each committed batch; the parent kills it with SIGKILL after a
/// seeded number of batches and checks the file.
@Suite struct SinksKillTests {
    @Test func sinksKillChildWriter() throws {
        guard let path = ProcessInfo.processInfo.environment["CANDOR_STORE_KILL_CHILD"] else { return }
        let store = try SQLiteStore(path: path)
        var committed = 0
        for batch in 0..<1_000_000 {
            let start = SinksFixtures.t0 + Int64(batch) * SinksFixtures.second
            try store.write((0..<20).map { .signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: start)) })
            committed += 20
            let line = Array("committed \(committed)\n".utf8)
            _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
        }
    }

    /// The writer under `ulimit -f` (started by `aFullDiskStopsTheStoreWithAnErrorAndKeepsCommittedBatches`):
    /// writes until the store throws, then logs the error.
    @Test func sinksFullDiskChildWriter() throws {
        guard let path = ProcessInfo.processInfo.environment["CANDOR_STORE_FULL_CHILD"] else { return }
        let store = try SQLiteStore(path: path)
        var committed = 0
        func log(_ text: String) {
            let line = Array((text + "\n").utf8)
            _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
        }
        do {
            for batch in 0..<1_000_000 {
                let start = SinksFixtures.t0 + Int64(batch) * SinksFixtures.second
                try store.write((0..<50).map { .signalWindow(SinksFixtures.signalWindow(signal: "S\($0)", start: start)) })
                committed += 50
                log("committed \(committed)")
            }
        } catch {
            log("error \(error.kind.rawValue) \(error.description)")
        }
    }

    @Test func aFullDiskStopsTheStoreWithAnErrorAndKeepsCommittedBatches() throws {
        guard ProcessInfo.processInfo.environment["CANDOR_STORE_FULL_CHILD"] == nil,
              ProcessInfo.processInfo.environment["CANDOR_STORE_KILL_CHILD"] == nil else { return }
        let binary = CommandLine.arguments[0]
        guard binary.hasSuffix(".xctest") || binary.contains("PackageTests") else { return }
        let path = SinksFixtures.directory("full") + "/m.db"
        // 2 MiB file-size limit; SIGXFSZ ignored so that writes fail with EFBIG instead.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "trap '' XFSZ; ulimit -f 4096; exec \"$0\" --testing-library swift-testing --filter sinksFullDiskChildWriter", binary]
        child.environment = ProcessInfo.processInfo.environment.merging(["CANDOR_STORE_FULL_CHILD": path]) { $1 }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = ProcessDeadline(child, seconds: 300)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        try deadline.check()
        let lines = output.split(separator: "\n").map(String.init)
        let lastCommitted = lines.last(where: { $0.hasPrefix("committed ") }).flatMap { Int($0.dropFirst(10)) } ?? 0
        let error = lines.first(where: { $0.hasPrefix("error ") })
        print("SinksKillTests full disk: \(lastCommitted) rows committed, then \(error ?? "no error")")
        #expect(lastCommitted > 0)
        #expect(error?.hasPrefix("error sqlite \(path): step: ") == true)
        #expect(try StoreReader.rows(path, "PRAGMA integrity_check") == [["ok"]])
        #expect(try StoreReader.count(path, "signal_window") == Int64(lastCommitted))
    }

    @Test func committedBatchesSurviveKillMinus9() throws {
        // Never from inside a writer (no recursion if the filter were ignored).
        guard ProcessInfo.processInfo.environment["CANDOR_STORE_KILL_CHILD"] == nil,
              ProcessInfo.processInfo.environment["CANDOR_STORE_FULL_CHILD"] == nil else { return }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        print("SinksKillTests binary \(binary.path)")
        guard binary.lastPathComponent.hasSuffix(".xctest") || binary.lastPathComponent.contains("PackageTests") else {
            return  // not run from the test bundle: cannot spawn the writer
        }
        var rng = SplitMix64(seed: 20261126)
        print("SinksKillTests seed 20261126")
        let directory = SinksFixtures.directory("kill9")
        for round in 0..<4 {
            let path = directory + "/round\(round).db"
            let killAfter = 5 + Int(rng.next() % 150)
            let child = Process()
            child.executableURL = binary
            child.arguments = ["--testing-library", "swift-testing", "--filter", "sinksKillChildWriter"]
            child.environment = ProcessInfo.processInfo.environment.merging(["CANDOR_STORE_KILL_CHILD": path]) { $1 }
            let pipe = Pipe()
            child.standardOutput = pipe
            child.standardError = FileHandle.nullDevice
            try child.run()
            let deadline = ProcessDeadline(child, seconds: 300)
            var lastLogged = 0
            var text = ""
            let handle = pipe.fileHandleForReading
            while lastLogged < killAfter * 20 {
                let data = handle.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
                let lines = text.split(separator: "\n")
                if let last = lines.last(where: { $0.hasPrefix("committed ") }), let n = Int(last.dropFirst(10)) { lastLogged = n }
            }
            // Another process reads the store while the writer is still running.
            let seenWhileRunning = try StoreReader.count(path, "signal_window")
            #expect(seenWhileRunning >= Int64(lastLogged), "round \(round): a reader saw \(seenWhileRunning) rows")
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            try deadline.check()
            #expect(child.terminationReason == .uncaughtSignal, "round \(round)")
            #expect(lastLogged >= killAfter * 20, "round \(round): the writer stopped early")
            #expect(try StoreReader.rows(path, "PRAGMA integrity_check") == [["ok"]], "round \(round)")
            let rows = try StoreReader.count(path, "signal_window")
            #expect(rows >= Int64(lastLogged), "round \(round): \(rows) rows, \(lastLogged) logged as committed")
            // And the store opens again and takes more.
            let store = try SQLiteStore(path: path)
            try store.write([.signalWindow(SinksFixtures.signalWindow(start: -SinksFixtures.second))])
            try store.close()
            #expect(try StoreReader.count(path, "signal_window") == rows + 1)
            print("SinksKillTests round \(round): killed after \(lastLogged) rows logged as committed, \(rows) rows stored, integrity ok")
        }
    }
}

