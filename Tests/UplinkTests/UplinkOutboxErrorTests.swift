import Foundation
@testable import Gateway
import MQTT
import Outbox
import Testing
import TestSupport

/// The link when the outbox's disk fails its writes (EIO) just as the broker acknowledges:
/// the outbox sits on `Tests/Faults/eiofs.py` (FUSE, fails writes while a switch file exists).
/// Each failed removal is counted (`outboxErrors`), logged with the cause, and not fatal: the
/// broker has the messages, they count as acknowledged; once the disk works again the same
/// link goes on delivering. Needs root and /dev/fuse (required under `Tests/run.sh`); ~2 s.
@Suite(.serialized) struct UplinkOutboxErrorTests {
    @Test(.enabled(if: ScratchTmpfs.mayMount, "mounting a FUSE filesystem needs root"))
    func anOutboxWriteErrorOnAcknowledgeIsCountedLoggedAndNotFatal() throws {
        let disk = try FailingFilesystem("uplink-eio")
        defer { #expect((try? disk.unmount()) != nil, "eiofs.py did not end cleanly") }
        let broker = FakeBroker()
        broker.answer { $0.topic.hasSuffix("/status") ? 0 : 0x87 }
        let events = EventLog()
        let settings = UplinkSettings(broker: MQTTClientOptions(host: "127.0.0.1", port: 1883, clientID: "t"), fleet: "f",
                                      outboxPath: disk.path + "/outbox")
        let link = UplinkLink(settings: settings, outbox: try Outbox(directory: settings.outboxPath), client: broker, broker: "fake",
                              seed: 5, holdBaseMillis: 20, notify: { events.add($0) })
        link.start()
        func store(_ range: ClosedRange<Int>) throws {
            try link.store(range.map { UplinkMessage(label: "candor/v1/f/v/health|run|\($0)|\($0)", payload: Array("m\($0)".utf8),
                                                     outboxClass: .health, records: 1) })
        }
        try store(1...5)
        #expect(broker.await { link.statistics.refusedTotal >= 5 })
        try disk.fail(true)
        broker.answer { _ in 0 }
        #expect(broker.await { link.statistics.acknowledged == 5 })
        var s = link.statistics
        print("UplinkOutboxErrorTests: \(s.outboxErrors) outbox errors while writes failed; last: \(s.lastError ?? "-")")
        #expect(s.outboxErrors >= 1 && s.outbox.messages == 0 && s.lastError?.contains("Input/output error") == true)
        let lines = events.all.filter { if case .outboxFailed = $0 { true } else { false } }.map(\.logLine)
        #expect(!lines.isEmpty && lines.count <= Int(s.outboxErrors) && lines.allSatisfy { $0.contains("Input/output error") }, "\(lines)")
        // The disk works again: the same link stores and delivers.
        try disk.fail(false)
        try store(6...8)
        #expect(broker.await { link.statistics.acknowledged == 8 })
        s = link.finish(timeout: 0)
        try link.close()
        #expect(s.outbox.messages == 0)
        let taken = broker.log.filter { $0.reason == 0 && !$0.topic.hasSuffix("/status") }.map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(taken == (1...8).map { "m\($0)" })
        let reopened = try Outbox(directory: settings.outboxPath)
        #expect(reopened.takeEvents() == [] && reopened.currentStatistics.messages == 0)
        try reopened.close()
    }
}
