import CANCapture
import CANCore
import FleetSimulator
import Foundation
import Gateway
import Telemetry
import Testing

/// Frames in order; runs `reload` just before frame `at` is read: a SIGHUP mid-stream.
private final class ReloadingInput: LiveFrameInput {
    private let frames: [CANFrame]
    private let at: Int
    private let reload: () -> Void
    private var position = 0

    init(_ frames: [CANFrame], at: Int, reload: @escaping () -> Void) {
        self.frames = frames
        self.at = at
        self.reload = reload
    }

    func next() -> CANFrame? {
        guard position < frames.count else { return nil }
        if position == at { reload() }
        defer { position += 1 }
        return frames[position]
    }

    func stop() {}
}

/// Scripted timed reads; runs `reload` before the event at `at`.
private final class ScriptedReloadInput: LiveFrameInput {
    private var events: [LiveInputEvent]
    private let at: Int
    private let reload: () -> Void
    private var position = 0

    init(_ events: [LiveInputEvent], at: Int, reload: @escaping () -> Void) {
        self.events = events
        self.at = at
        self.reload = reload
    }

    func next() -> CANFrame? { nil }
    func stop() {}
    func next(waitingAtMost nanoseconds: Int64) -> LiveInputEvent {
        guard position < events.count else { return .end }
        if position == at { reload() }
        defer { position += 1 }
        return events[position]
    }
}

/// A simulated van with 1 s and 5 s windows (old.yaml), and the same config with the
/// vehicle-speed signal's DBC offset raised by 100 in a copy of its DBC (new.yaml).
private struct ReloadFixture {
    static let windowLength: Int64 = 5_000_000_000
    let bundle: SimulatedBundle
    let frames: [CANFrame]
    let oldConfig: String
    let newConfig: String
    let speed: SignalReference
    let dbcFile: String

    init(_ name: String) throws {
        bundle = try SimulatedBundle(
            SimulationOptions(vehicle: .van, cycle: .urban, durationSeconds: 20, seed: 11, faults: []), name: name)
        let reader = try CaptureReader(path: bundle.capture)
        var frames: [CANFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        self.frames = frames
        let text = String(decoding: try TestFile.read(bundle.config), as: UTF8.self)
        let windows = text.replacingOccurrences(of: "windows: [1s, 60s]", with: "windows: [1s, 5s]")
        guard windows != text else { throw TestFailure("the bundle config has no `windows: [1s, 60s]` line") }
        oldConfig = bundle.directory + "/old.yaml"
        try TestFile.write(windows, to: oldConfig)
        let setup = try GatewaySetup.load(configFile: oldConfig, environment: [:])
        guard let speed = setup.layout.configuration.vehicles[0].rules.signals.vehicleSpeed else { throw TestFailure("no vehicle_speed") }
        self.speed = speed
        guard let bus = bundle.definition.buses.first(where: { $0.interface == speed.bus }) else { throw TestFailure("no bus \(speed.bus)") }
        dbcFile = bus.dbcFile
        try TestFile.write(try Self.raisingOffset(of: speed.signal, by: 100, in: bus.dbcText), to: bundle.directory + "/reloaded.dbc")
        newConfig = bundle.directory + "/new.yaml"
        try TestFile.write(windows.replacingOccurrences(of: "dbc: \(bus.dbcFile)\n", with: "dbc: reloaded.dbc\n"), to: newConfig)
    }

    /// `dbc` with `signal`'s `(factor,offset)` offset raised by `amount`.
    static func raisingOffset(of signal: String, by amount: Double, in dbc: String) throws -> String {
        var lines = dbc.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("SG_ \(signal) ") }),
              let open = lines[i].firstIndex(of: "("), let comma = lines[i][open...].firstIndex(of: ","),
              let close = lines[i][comma...].firstIndex(of: ")"),
              let offset = Double(lines[i][lines[i].index(after: comma)..<close])
        else { throw TestFailure("no SG_ \(signal) with (factor,offset) in the DBC") }
        lines[i].replaceSubrange(lines[i].index(after: comma)..<close, with: "\(offset + amount)")
        return lines.joined(separator: "\n")
    }

    /// The replay pipeline's records for `frames` (written to a capture file first).
    func replay(_ config: String, _ frames: ArraySlice<CANFrame>, name: String) throws -> [TelemetryRecord] {
        let path = bundle.directory + "/" + name + ".log"
        let writer = try CaptureWriter(path: path, format: .candumpLog, gzip: false)
        for frame in frames { try writer.write(frame) }
        try writer.close()
        var records: [TelemetryRecord] = []
        let setup = try GatewaySetup.load(configFile: config, environment: [:])
        _ = try ReplayPipeline(setup: setup).run(try CaptureMerge(paths: [path])) { records += $0 }
        return records
    }

    /// The boundary a reload requested before frame `k` waits for: the first 5 s multiple
    /// after the newest frame before it.
    func boundary(before k: Int) -> Int64 {
        let latest = frames[..<k].map(\.timestamp.totalNanoseconds).max()!
        return (latest / Self.windowLength + 1) * Self.windowLength
    }

    func speedWindows(_ records: [TelemetryRecord]) -> [SignalWindowRecord] {
        records.compactMap {
            if case .signalWindow(let r) = $0, r.bus == speed.bus, r.message == speed.message, r.signal == speed.signal,
               r.windowLength == 1_000_000_000 { r } else { nil }
        }
    }
}

@Suite struct RunReloadTests {
    @Test func aReloadMidStreamSwapsAtTheWindowBoundaryLosingAndRepeatingNothing() throws {
        let fixture = try ReloadFixture("reload-swap")
        let frames = fixture.frames
        let old = try GatewaySetup.load(configFile: fixture.oldConfig, environment: [:])
        let new = try GatewaySetup.load(configFile: fixture.newConfig, environment: [:])
        let k = frames.count * 2 / 5  // 8 s into 20 s: the swap waits for 10 s
        let request = ReloadRequest()
        var records: [TelemetryRecord] = []
        let gateway = LiveGateway(setup: old, batchFrames: 256, reloads: request) { records += $0 }
        try gateway.run(ReloadingInput(frames, at: k) { request.submit(new) })

        let boundary = fixture.boundary(before: k)
        let swaps = request.takeApplied()
        #expect(swaps.count == 1)
        #expect(swaps.first?.effectiveFrom == boundary)
        #expect(frames[k].timestamp.totalNanoseconds < boundary, "the request comes mid-window")
        // The frames before the first one at or after the boundary went through the old
        // setup, the rest through the new one: two replays, cut there, are the oracle.
        let split = try #require(frames.indices.first { $0 >= k && frames[$0].timestamp.totalNanoseconds >= boundary })
        let expected = try fixture.replay(fixture.oldConfig, frames[..<split], name: "before")
            + fixture.replay(fixture.newConfig, frames[split...], name: "after")
        #expect(records.count == expected.count)
        #expect(records == expected)
        #expect(gateway.counts.frames == frames.count)
        #expect(gateway.counts.records == records.count)

        // No window emitted twice, and every frame counted once.
        var seen = Set<String>()
        var countedFrames = 0
        for case .busHealth(let r) in records {
            #expect(seen.insert("\(r.vehicle) \(r.bus) \(r.windowLength) \(r.windowStart)").inserted, "bus window emitted twice")
            if r.windowLength == 1_000_000_000 { countedFrames += r.frames }
        }
        var baseline: [TelemetryRecord] = []
        try LiveGateway(setup: old) { baseline += $0 }.run(FrameListInput(frames))
        var baselineFrames = 0
        for case .busHealth(let r) in baseline where r.windowLength == 1_000_000_000 { baselineFrames += r.frames }
        #expect(countedFrames == baselineFrames)
        print("reload before frame \(k) of \(frames.count): swapped at \(boundary) ns (frame \(split)), \(records.count) records, \(countedFrames) frames in 1 s windows")
    }

    @Test func aChangedDBCChangesTheDecodedValuesFromTheBoundaryOn() throws {
        let fixture = try ReloadFixture("reload-dbc")
        let old = try GatewaySetup.load(configFile: fixture.oldConfig, environment: [:])
        let new = try GatewaySetup.load(configFile: fixture.newConfig, environment: [:])
        let k = fixture.frames.count / 3
        var baseline: [TelemetryRecord] = []
        try LiveGateway(setup: old) { baseline += $0 }.run(FrameListInput(fixture.frames))
        let request = ReloadRequest()
        var records: [TelemetryRecord] = []
        try LiveGateway(setup: old, reloads: request) { records += $0 }.run(ReloadingInput(fixture.frames, at: k) { request.submit(new) })

        let boundary = fixture.boundary(before: k)
        let before = fixture.speedWindows(baseline), after = fixture.speedWindows(records)
        #expect(before.count == after.count && before.count > 10)
        var shifted = 0
        for (b, a) in zip(before, after) {
            #expect(a.windowStart == b.windowStart && a.count == b.count)
            if a.windowStart < boundary {
                #expect(a == b)
            } else {
                #expect(abs(a.mean - (b.mean + 100)) < 1e-6 && abs(a.minimum - (b.minimum + 100)) < 1e-6)
                shifted += 1
            }
        }
        #expect(shifted > 0 && shifted < after.count)
        print("\(fixture.speed.signal): \(after.count - shifted) windows decoded with \(fixture.dbcFile), \(shifted) with reloaded.dbc (+100)")
    }

    @Test func aBadConfigIsRejectedWithItsPositionAndTheRunningSetupKept() throws {
        let fixture = try ReloadFixture("reload-bad")
        let old = try ConfigReload.load(configFile: fixture.oldConfig, environment: [:]), running = old.config
        let text = String(decoding: try TestFile.read(fixture.oldConfig), as: UTF8.self)
        let bad = fixture.bundle.directory + "/bad.yaml"
        let badText = text.replacingOccurrences(of: "signal: \(fixture.speed.signal) }", with: "signal: NO_SUCH_SIGNAL }")
        #expect(badText != text)
        try TestFile.write(badText, to: bad)

        let systemd = try FakeSystemdSocket(name: fixture.bundle.directory + "/notify")
        let notifier = try #require(ServiceNotifier(environment: ["NOTIFY_SOCKET": systemd.name]))
        let logged = LogCapture()
        let request = ReloadRequest()
        let reload = ConfigReload(
            configFile: bad, environment: [:], running: running, request: request, notifier: notifier,
            log: GatewayLog(label: "candor", format: .journal, output: logged.append),
            openBuses: { _ in Issue.record("a rejected config opens no bus") }, closeBusesOtherThan: { _ in })
        var records: [TelemetryRecord] = []
        try LiveGateway(setup: old, reloads: request) { records += $0 }
            .run(ReloadingInput(fixture.frames, at: fixture.frames.count / 2) { reload.begin() })
        reload.poll()

        let reloading = systemd.receive().split(separator: "\n")
        #expect(reloading.count == 2 && reloading[0] == "RELOADING=1" && reloading[1].hasPrefix("MONOTONIC_USEC="))
        let status = systemd.receive()
        #expect(status.hasPrefix("STATUS=reload rejected, running the previous config: \(bad):"))
        #expect(systemd.receive() == "READY=1")
        #expect(systemd.receive().hasPrefix("<nothing"))
        #expect(!reload.isWaiting)
        #expect(request.takeApplied().isEmpty)
        let rejected = try #require(logged.all.first { $0.contains("reload rejected") })
        // <3>candor: reload rejected: …/bad.yaml:LINE:COLUMN: vehicles.van01.signals.vehicle_speed…
        let position = rejected.components(separatedBy: bad + ":").last?.split(separator: ":").prefix(2).compactMap { Int($0) }
        #expect(rejected.hasPrefix("<3>candor: reload rejected: \(bad):"))
        #expect(position?.count == 2 && position!.allSatisfy { $0 > 0 }, "file:line:column in \(rejected)")
        #expect(rejected.contains("vehicle_speed") && rejected.contains("NO_SUCH_SIGNAL"))

        var baseline: [TelemetryRecord] = []
        try LiveGateway(setup: old) { baseline += $0 }.run(FrameListInput(fixture.frames))
        #expect(records == baseline)
        print(rejected, terminator: "")
    }

    @Test func aGoodReloadSendsReloadingThenReadyOnceSwappedIn() throws {
        let fixture = try ReloadFixture("reload-notify")
        let old = try ConfigReload.load(configFile: fixture.oldConfig, environment: [:]), running = old.config
        try FileManager.default.removeItem(atPath: fixture.oldConfig)
        try FileManager.default.moveItem(atPath: fixture.newConfig, toPath: fixture.oldConfig)

        let systemd = try FakeSystemdSocket(name: fixture.bundle.directory + "/notify")
        let notifier = try #require(ServiceNotifier(environment: ["NOTIFY_SOCKET": systemd.name]))
        let logged = LogCapture()
        let request = ReloadRequest()
        var opened: [[String]] = [], kept: [[String]] = []
        let reload = ConfigReload(
            configFile: fixture.oldConfig, environment: [:], running: running, request: request, notifier: notifier,
            log: GatewayLog(label: "candor", format: .journal, output: logged.append),
            openBuses: { opened.append($0) }, closeBusesOtherThan: { kept.append($0) })
        let gateway = LiveGateway(setup: old, reloads: request) { _ in }
        let k = fixture.frames.count / 2
        let input = ReloadingInput(fixture.frames, at: k) {
            reload.begin()
            reload.poll()  // a supervisor tick before the swap: nothing to report yet
        }
        try gateway.run(input)
        #expect(reload.isWaiting)
        reload.poll()  // the next tick: the swap is done
        #expect(!reload.isWaiting)

        let reloading = systemd.receive().split(separator: "\n")
        #expect(reloading.count == 2 && reloading[0] == "RELOADING=1" && reloading[1].hasPrefix("MONOTONIC_USEC="))
        #expect(systemd.receive() == "STATUS=reload checked: takes effect at the next window boundary")
        let ready = systemd.receive()
        let directory = fixture.bundle.directory
        #expect(ready == "READY=1\nSTATUS=reloaded \(fixture.oldConfig): dbc files +\(directory)/reloaded.dbc -\(directory)/\(fixture.dbcFile)")
        #expect(systemd.receive().hasPrefix("<nothing"))
        let buses = fixture.bundle.definition.buses.map(\.interface)
        #expect(opened == [buses] && kept == [buses])
        #expect(gateway.setup.plans.count == buses.count)
        let reloaded = try #require(logged.all.first { $0.contains("reloaded") })
        #expect(reloaded.contains("from=\(fixture.boundary(before: k) / 1_000_000_000)"))
        print(logged.all.joined(), terminator: "")
    }

    @Test func aReloadBeforeAnyFrameTakesEffectAtOnce() throws {
        let fixture = try ReloadFixture("reload-first")
        let old = try GatewaySetup.load(configFile: fixture.oldConfig, environment: [:])
        let new = try GatewaySetup.load(configFile: fixture.newConfig, environment: [:])
        let request = ReloadRequest()
        request.submit(new)
        var records: [TelemetryRecord] = []
        try LiveGateway(setup: old, reloads: request) { records += $0 }.run(FrameListInput(fixture.frames))
        let swaps = request.takeApplied()
        #expect(swaps.count == 1 && swaps.first?.effectiveFrom == nil)
        #expect(records == (try fixture.replay(fixture.newConfig, fixture.frames[...], name: "all")))
    }

    @Test func aQuietBusSwapsOnTheInjectedClock() throws {
        let fixture = try ReloadFixture("reload-quiet")
        let old = try GatewaySetup.load(configFile: fixture.oldConfig, environment: [:])
        let new = try GatewaySetup.load(configFile: fixture.newConfig, environment: [:])
        let k = fixture.frames.count * 2 / 5
        let boundary = fixture.boundary(before: k)
        let second: Int64 = 1_000_000_000
        // Frames up to k, then the buses fall quiet; the clock reads the boundary plus the quiet interval.
        let request = ReloadRequest()
        var records: [TelemetryRecord] = []
        var swappedBeforeEnd = false
        let input = ScriptedReloadInput(fixture.frames[..<k].map { .frame($0) } + [.idle, .idle], at: k - 1) { request.submit(new) }
        try LiveGateway(setup: old, reloads: request) { records += $0 }
            .run(input, quietAfter: second, now: { boundary + second }) { _ in
                swappedBeforeEnd = swappedBeforeEnd || request.takeApplied().contains { $0.effectiveFrom == boundary }
            }
        #expect(swappedBeforeEnd)
        var seen = Set<String>()
        for case .busHealth(let r) in records {
            #expect(r.windowStart + r.windowLength <= boundary || r.windowStart >= boundary, "a window straddles the swap")
            #expect(seen.insert("\(r.bus) \(r.windowLength) \(r.windowStart)").inserted, "bus window emitted twice")
        }
        let vehicleSummaries = records.filter { if case .operations(let s) = $0 { s.scope == .vehicle } else { false } }
        #expect(vehicleSummaries.count == 2, "one from the old setup at the swap, one from the new at the end")
    }

    @Test func theMetricsFollowTheReloadedWindows() throws {
        let fixture = try ReloadFixture("reload-metrics")
        let old = try GatewaySetup.load(configFile: fixture.oldConfig, environment: [:])
        let text = String(decoding: try TestFile.read(fixture.oldConfig), as: UTF8.self)
        let otherWindows = fixture.bundle.directory + "/windows.yaml"
        try TestFile.write(text.replacingOccurrences(of: "windows: [1s, 5s]", with: "windows: [2s, 10s]"), to: otherWindows)
        let new = try GatewaySetup.load(configFile: otherWindows, environment: [:])
        let metrics = PrometheusMetrics(layout: old.layout)
        let request = ReloadRequest(swapped: { metrics.use(layout: $0.layout) })
        try LiveGateway(setup: old, reloads: request) { metrics.observe($0.records) }
            .run(ReloadingInput(fixture.frames, at: fixture.frames.count * 2 / 5) { request.submit(new) })
        #expect(request.takeApplied().count == 1)
        let exposition = metrics.exposition().split(separator: "\n")
        let counted = exposition.filter { $0.hasPrefix("candor_frames_total{") }.compactMap { Int($0.split(separator: " ").last!) }
        // Counted from the 1 s windows before the swap and from the 2 s windows after it.
        #expect(counted.reduce(0, +) == fixture.frames.count)
        #expect(exposition.contains { $0.hasPrefix("candor_signal{vehicle=\"van01\",role=\"vehicle_speed\"} ") })
    }
}
