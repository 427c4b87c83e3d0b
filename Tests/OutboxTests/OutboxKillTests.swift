import CANCore
import Foundation
import Testing
@testable import Outbox

/// `kill -9` of a process appending to the outbox: this test binary runs itself as the
/// writer (`outboxKillChildWriter`, active only with `CANDOR_OUTBOX_KILL_CHILD` set). It logs
/// "stored S" after each append returned, acknowledges every message whose sequence is not a
/// multiple of 4 at once and the multiples of 4 only 64 messages later (a receiver that is
/// slow, with acknowledgements out of order). The parent kills it with SIGKILL after a seeded
/// number of messages, reopens the outbox and checks: every logged multiple of 4 that cannot
/// have been acknowledged yet is there with its payload, everything there is intact and in
/// order, the cursor moved (few acknowledged messages come again), and appending continues.
@Suite struct OutboxKillTests {
    @Test func outboxKillChildWriter() throws {
        guard let spec = ProcessInfo.processInfo.environment["CANDOR_OUTBOX_KILL_CHILD"] else { return }
        let parts = spec.split(separator: "|").map(String.init)
        let durability = OutboxDurability(rawValue: parts[1])!
        let outbox = try Outbox(directory: parts[0], options: OutboxOptions(maxBytes: 1 << 30, durability: durability, segmentBytes: 16_384))
        var slow: [UInt64] = []
        while true {
            let s = outbox.upcomingSequence
            guard try outbox.append(label: "candor/v1/f/v/\(s)", payload: OutboxFixtures.payload(s), class: OutboxFixtures.outboxClass(s)) == s else {
                fatalError("append refused")
            }
            let line = Array("stored \(s)\n".utf8)
            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            for m in try outbox.next(limit: 16) {
                if m.sequence % 4 != 0 { try outbox.acknowledge(m.sequence) } else { slow.append(m.sequence) }
            }
            while let first = slow.first, first + 64 <= s {
                try outbox.acknowledge(first)
                slow.removeFirst()
            }
        }
    }

    @Test func storedMessagesSurviveKillMinus9() throws {
        guard ProcessInfo.processInfo.environment["CANDOR_OUTBOX_KILL_CHILD"] == nil else { return }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        guard binary.lastPathComponent.hasSuffix(".xctest") || binary.lastPathComponent.contains("PackageTests") else { return }
        let seed: UInt64 = 20261206
        print("OutboxKillTests seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let dir = OutboxFixtures.directory("kill9")
        var logged: [UInt64] = []  // across rounds: the same outbox is reopened and appended to
        for round in 0..<6 {
            let durability: OutboxDurability = round % 3 == 2 ? .full : .normal
            let killAfter = 50 + Int(rng.next() % 800)
            let child = Process()
            child.executableURL = binary
            child.arguments = ["--testing-library", "swift-testing", "--filter", "outboxKillChildWriter"]
            child.environment = ProcessInfo.processInfo.environment.merging(["CANDOR_OUTBOX_KILL_CHILD": "\(dir)|\(durability.rawValue)"]) { $1 }
            let pipe = Pipe()
            child.standardOutput = pipe
            child.standardError = FileHandle.nullDevice
            try child.run()
            var text = ""
            var thisRound = 0
            let handle = pipe.fileHandleForReading
            let deadline = Date().addingTimeInterval(120)
            while thisRound < killAfter && Date() < deadline {
                let data = handle.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                text = String(lines.removeLast())
                for line in lines where line.hasPrefix("stored ") {
                    logged.append(UInt64(line.dropFirst(7))!)
                    thisRound += 1
                }
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal, "round \(round)")
            #expect(thisRound >= killAfter, "round \(round): the writer stopped early after \(thisRound)")
            let outbox = try Outbox(directory: dir, options: OutboxOptions(maxBytes: 1 << 30, durability: durability, segmentBytes: 16_384))
            let events = outbox.takeEvents()
            #expect(!events.contains { if case .corruptSegment = $0 { true } else { false } }, "round \(round): \(events)")
            let present = try outbox.next(limit: .max)
            #expect(present.map(\.sequence) == present.map(\.sequence).sorted(), "round \(round): out of order")
            #expect(present.allSatisfy { $0.payload == OutboxFixtures.payload($0.sequence) && $0.label == "candor/v1/f/v/\($0.sequence)" },
                    "round \(round): a message came back changed")
            let have = Set(present.map(\.sequence))
            let newest = logged.max()!
            let missing = logged.filter { $0 % 4 == 0 && $0 + 64 > newest && !have.contains($0) }
            #expect(missing.isEmpty, "round \(round): stored and never acknowledged, yet missing: \(missing.prefix(10))")
            // The cursor moved: what comes again starts near the oldest unacknowledged message.
            #expect(present.count < 300, "round \(round): \(present.count) messages came back")
            #expect(outbox.upcomingSequence > logged.max()!, "round \(round): a sequence would be reused")
            print("OutboxKillTests round \(round) (\(durability)): killed after \(thisRound) appends, \(present.count) back after reopening, events \(events.count)")
            try outbox.close()
        }
    }
}
