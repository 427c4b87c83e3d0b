import Foundation
import Gateway
import Synchronization
import Telemetry
import Testing

/// The service seam: record identity (run id, sequence numbers), the list's start/close order,
/// and the asynchronous form's bounded queue, which never blocks the caller.
@Suite struct RecordServiceTests {
    /// Notes every call in a shared journal; `failStart` makes `start` throw.
    final class Probe: RecordService, @unchecked Sendable {
        let name: String
        let journal: Journal
        var failStart = false
        var batches: [RecordBatch] = []

        init(_ name: String, journal: Journal, failStart: Bool = false) {
            self.name = name
            self.journal = journal
            self.failStart = failStart
        }

        func start() throws(SinkError) {
            journal.add("start \(name)")
            if failStart { throw SinkError(.io, path: name, message: "cannot start") }
        }
        func write(_ batch: RecordBatch) { batches.append(batch) }
        func flush() {}
        func close() { journal.add("close \(name)") }
    }

    final class Journal: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    static func records(_ vehicles: [String]) -> [TelemetryRecord] {
        vehicles.enumerated().map { i, vehicle in
            .faultEpisode(FaultEpisode(vehicle: vehicle, kind: "k", level: 1, start: Int64(i), end: Int64(i + 1), open: false))
        }
    }

    @Test func runIdsAreRandomVersion4UUIDs() {
        let a = RunID.random(), b = RunID.random()
        #expect(a != b)
        let text = a.description
        #expect(text.count == 36)
        #expect(text.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(text)[14] == "4")
        #expect("89ab".contains(Array(text)[19]))
        #expect(RunID(high: 0x0123_4567_89ab_4def, low: 0x8000_0000_0000_0001).description == "01234567-89ab-4def-8000-000000000001")
    }

    @Test func batchesAreNumberedWithoutGapsAcrossVehicles() throws {
        let journal = Journal()
        let probe = Probe("p", journal: journal)
        let run = RunID(high: 1, low: 2)
        let sinks = try SinkSet(services: [probe], run: run)
        try sinks.write(Self.records(["a", "b", "a"]))
        try sinks.write([])
        try sinks.write(Self.records(["b", "b"]))
        try sinks.close()
        #expect(probe.batches.map(\.firstSequence) == [1, 4])
        #expect(probe.batches.allSatisfy { $0.run == run })
        let identities = probe.batches.flatMap { batch in batch.records.indices.map { batch.identity(at: $0) } }
        #expect(identities.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(identities.map(\.vehicle) == ["a", "b", "a", "b", "b"])
    }

    @Test func startsInOrderAndClosesInReverse() throws {
        let journal = Journal()
        let sinks = try SinkSet(services: ["a", "b", "c"].map { Probe($0, journal: journal) })
        try sinks.close()
        try sinks.close()
        #expect(journal.all == ["start a", "start b", "start c", "close c", "close b", "close a"])
    }

    @Test func aServiceThatCannotStartClosesThoseBeforeItInReverse() {
        let journal = Journal()
        let services = ["a", "b", "c", "d"].map { Probe($0, journal: journal, failStart: $0 == "c") }
        #expect(throws: SinkError.self) { try SinkSet(services: services) }
        #expect(journal.all == ["start a", "start b", "start c", "close d", "close c", "close b", "close a"])
    }

    /// Blocks in `consume` until released; can fail every batch.
    final class SlowConsumer: AsyncRecordConsumer, @unchecked Sendable {
        let name = "slow"
        let gate = NSCondition()
        var open = false
        var interrupted = false
        var failing = false
        var consumed: [UInt64] = []
        var flushes = 0
        var closed = false

        func release() { gate.lock(); open = true; gate.broadcast(); gate.unlock() }

        func consume(_ batch: RecordBatch) throws(SinkError) {
            gate.lock()
            defer { gate.unlock() }
            while !open && !interrupted { gate.wait() }
            if failing || interrupted { throw SinkError(.io, path: "slow", message: "unreachable") }
            consumed.append(batch.firstSequence)
        }
        func flush() { gate.lock(); flushes += 1; gate.unlock() }
        func close() { gate.lock(); closed = true; gate.unlock() }
        func interrupt() { gate.lock(); interrupted = true; gate.broadcast(); gate.unlock() }
        var snapshot: (consumed: [UInt64], flushes: Int, closed: Bool, interrupted: Bool) {
            gate.lock(); defer { gate.unlock() }
            return (consumed, flushes, closed, interrupted)
        }
    }

    @Test func aStalledConsumerNeverBlocksWritesAndDropsAreCounted() throws {
        let consumer = SlowConsumer()
        let service = QueuedRecordService(consumer, capacity: 10)
        let sinks = try SinkSet(services: [service], run: RunID(high: 0, low: 0))
        let started = ContinuousClock.now
        for _ in 0..<100 { try sinks.write(Self.records(["v", "v", "v", "v"])) }
        #expect(ContinuousClock.now - started < .seconds(5))
        // Two batches (8 records) fit in 10 records, the thread blocked on the first; 98 are dropped.
        var stats = service.statistics
        #expect(stats.droppedBatches == 98)
        #expect(stats.droppedRecords == stats.droppedBatches * 4)
        consumer.release()
        #expect(service.waitUntilIdle(timeout: .seconds(30)))
        try sinks.close()
        stats = service.statistics
        #expect(stats.deliveredBatches + stats.droppedBatches == 100)
        let seen = consumer.snapshot
        #expect(seen.consumed.first == 1)
        #expect(seen.consumed == seen.consumed.sorted())
        #expect(seen.closed && seen.flushes >= 1 && !seen.interrupted)
    }

    @Test func closeGivesUpOnADisconnectedConsumerAfterItsDeadline() throws {
        let consumer = SlowConsumer()
        let service = QueuedRecordService(consumer, capacity: 1000, closeTimeout: .milliseconds(200))
        try service.start()
        for i in 0..<3 { service.write(RecordBatch(run: RunID(high: 0, low: 0), firstSequence: UInt64(1 + 2 * i), records: Self.records(["v", "v"]))) }
        let started = ContinuousClock.now
        try service.close()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(consumer.snapshot.interrupted)
        // Interrupted, the consumer fails the batch it held; the queued rest is dropped; then it is closed.
        #expect(service.waitUntilIdle(timeout: .seconds(30)))
        let stats = service.statistics
        #expect(stats.droppedBatches == 3 && stats.droppedRecords == 6 && stats.deliveredBatches == 0)
        #expect(service.lastError?.message == "unreachable")
        service.write(RecordBatch(run: RunID(high: 0, low: 0), firstSequence: 7, records: Self.records(["v"])))
        #expect(service.statistics.droppedBatches == 4)
    }

    @Test func consumerErrorsCountTheBatchAndTheNextOneIsStillOffered() throws {
        let consumer = SlowConsumer()
        consumer.failing = true
        consumer.release()
        let service = QueuedRecordService(consumer, capacity: 1000)
        try service.start()
        service.write(RecordBatch(run: RunID(high: 0, low: 0), firstSequence: 1, records: Self.records(["v"])))
        #expect(service.waitUntilIdle(timeout: .seconds(30)))
        consumer.gate.lock(); consumer.failing = false; consumer.gate.unlock()
        service.write(RecordBatch(run: RunID(high: 0, low: 0), firstSequence: 2, records: Self.records(["v"])))
        try service.close()
        let stats = service.statistics
        #expect(stats.failures == 1 && stats.droppedBatches == 1 && stats.deliveredBatches == 1)
        #expect(consumer.snapshot.consumed == [2])
    }

    /// Takes only the records of vehicle "up", on the writer's thread, and keeps what it got.
    final class SelectingConsumer: AsyncRecordConsumer, @unchecked Sendable {
        let name = "selecting"
        private let got = Mutex<[(sequence: UInt64, vehicle: String)]>([])
        func select(_ batch: RecordBatch) -> RecordBatch? {
            batch.selecting(batch.records.indices.filter { batch.records[$0].vehicle == "up" })
        }
        func consume(_ batch: RecordBatch) throws(SinkError) {
            let pairs = batch.records.indices.map { (batch.sequence(at: $0), batch.records[$0].vehicle) }
            got.withLock { $0 += pairs }
        }
        func close() {}
        var received: [(sequence: UInt64, vehicle: String)] { got.withLock { $0 } }
    }

    @Test func aSelectionIsQueuedWithTheRecordsOwnSequences() throws {
        let consumer = SelectingConsumer()
        let service = QueuedRecordService(consumer, capacity: 100)
        let sinks = try SinkSet(services: [service], run: RunID(high: 0, low: 0))
        // Sequences 1-5, then 6-9 (nothing selected: not queued), then 10-12.
        try sinks.write(Self.records(["up", "down", "down", "up", "up"]))
        try sinks.write(Self.records(["down", "down", "down", "down"]))
        try sinks.write(Self.records(["down", "up", "down"]))
        #expect(service.waitUntilIdle(timeout: .seconds(30)))
        try sinks.close()
        #expect(consumer.received.map(\.sequence) == [1, 4, 5, 11])
        #expect(consumer.received.allSatisfy { $0.vehicle == "up" })
        // The queue counts what it was given, not the batches' 12 records.
        let stats = service.statistics
        #expect(stats.deliveredBatches == 2 && stats.deliveredRecords == 4 && stats.droppedBatches == 0)

        let batch = RecordBatch(run: RunID(high: 0, low: 0), firstSequence: 20, records: Self.records(["a", "b", "c"]))
        #expect(batch.selecting([]) == nil)
        let part = try #require(batch.selecting([0, 2]))
        #expect(part.firstSequence == 20 && part.sequence(at: 1) == 22 && part.nextSequence == 23)
        #expect(part.identity(at: 1).sequence == 22 && part.identity(at: 1).vehicle == "c")
        #expect(batch.selecting([0, 1, 2])?.nextSequence == 23)
    }
}
