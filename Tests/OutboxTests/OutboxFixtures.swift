import CANCore
import Foundation
@testable import Outbox

enum OutboxFixtures {
    /// A fresh directory under the system's temp dir, unique per call.
    static func directory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "candor-outbox-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    /// The payload of message `sequence` in the generated workloads: 10…3009 bytes, seeded by it.
    static func payload(_ sequence: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: sequence &* 0x9E37)
        let count = 10 + Int(sequence &* 7919 % 3000)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static func outboxClass(_ sequence: UInt64) -> OutboxClass {
        OutboxClass(rawValue: Int(sequence % 3))!
    }

    /// A settable clock.
    final class Clock: @unchecked Sendable {
        var now: Int64 = 1_780_000_000_000
        var read: () -> Int64 { { self.now } }
    }

    static func drain(_ outbox: Outbox) throws -> [OutboxMessage] {
        try outbox.next(limit: .max)
    }

    static func segmentFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
    }
}
