import Foundation
import Testing
import TestSupport
@testable import Outbox

/// The outbox on a disk that fills up: a 256 KiB tmpfs of the test's own, filled by the
/// outbox's own messages while nothing is delivered (the broker unreachable). A write the
/// disk refuses (ENOSPC) never reaches the caller as an error: the oldest segment of the
/// least important class is given up (counted under `disk`, an event naming the errno and
/// the file), or, when nothing may be given up, the new message is not stored (counted under
/// `rejected`, an event too). Every message `append` took is either still there, byte for
/// byte (also after reopening: no partial record was left behind), or counted; essentials
/// outlive signal windows; when space returns (the tmpfs grown by a remount) every append
/// succeeds again. About 1 s; needs root for the mount (required under `Tests/run.sh`).
@Suite(.serialized) struct OutboxDiskFullTests {
    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a tmpfs needs root"))
    func aFullDiskGivesUpCountedSegmentsAndWritingResumesWhenSpaceReturns() throws {
        let disk = try ScratchTmpfs("outbox", size: "256k")
        defer { try? disk.unmount() }
        let dir = disk.path + "/outbox"
        let options = OutboxOptions(maxBytes: 64 << 20, segmentBytes: 16 << 10)
        var outbox = try Outbox(directory: dir, options: options)
        // Seeded payloads (OutboxFixtures.payload, 10…3009 bytes); every 10th message essential,
        // the others signal windows and health: about 3 × the disk.
        var stored: [UInt64: (payload: [UInt8], outboxClass: OutboxClass)] = [:]
        var refused = 0
        for n in 0..<UInt64(500) {
            let outboxClass: OutboxClass = n % 10 == 0 ? .essential : (n % 2 == 0 ? .signals : .health)
            let payload = OutboxFixtures.payload(n)
            if let sequence = try outbox.append(label: "t/\(n)", payload: payload, class: outboxClass) {
                stored[sequence] = (payload, outboxClass)
            } else {
                refused += 1
            }
        }
        let s = outbox.currentStatistics
        let events = outbox.takeEvents()
        print("OutboxDiskFullTests: \(stored.count) stored, \(refused) not stored, evicted \(s.evicted), by class \(s.evictedByClass), \(s.messages) left, \(s.diskBytes) bytes on disk")
        #expect(s.evicted[.disk, default: 0] > 0 && s.evictedByClass[.essential, default: 0] == 0)
        #expect(Int(s.evicted[.rejected, default: 0]) == refused)
        #expect(events.contains { if case .diskFull(_, ENOSPC, .signals, let n) = $0 { n > 0 } else { false } }, "\(events)")
        #expect(events.count { if case .diskRejected(_, ENOSPC, _) = $0 { true } else { false } } == refused)
        let gone = Int(s.evictedTotal) - refused
        #expect(s.messages == stored.count - gone && s.stored == UInt64(stored.count))
        // What is left is what was stored, byte for byte; essentials all there.
        func check(_ outbox: Outbox) throws -> Set<UInt64> {
            let left = try OutboxFixtures.drain(outbox)
            #expect(left.allSatisfy { stored[$0.sequence]?.payload == $0.payload && stored[$0.sequence]?.outboxClass == $0.outboxClass })
            #expect(Set(stored.filter { $0.value.outboxClass == .essential }.keys).isSubset(of: Set(left.map(\.sequence))))
            return Set(left.map(\.sequence))
        }
        let left = try check(outbox)
        #expect(left.count == s.messages)
        try outbox.close()
        outbox = try Outbox(directory: dir, options: options)
        #expect(outbox.takeEvents() == [], "a refused write left something behind")
        #expect(try check(outbox) == left)
        // Space returns: every append succeeds, nothing more is given up.
        try disk.resize("4m")
        outbox.resend()
        for n in 500..<UInt64(600) {
            let payload = OutboxFixtures.payload(n)
            let sequence = try #require(try outbox.append(label: "t/\(n)", payload: payload, class: .signals))
            stored[sequence] = (payload, .signals)
        }
        let after = outbox.currentStatistics
        #expect(after.evictedTotal == 0 && after.messages == left.count + 100 && outbox.takeEvents() == [])
        _ = try check(outbox)
        try outbox.close()
    }
}
