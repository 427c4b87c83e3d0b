@testable import GBT32960

/// A vehicle whose bodies follow the clock: speed = seconds mod 100 km/h, and an alarm of the
/// given level inside `alarm` (seconds since the epoch of the run).
final class ClockVehicle: ReportSource {
    var alarm: Range<Int64> = 0..<0
    var alarmLevel: UInt8 = 3
    var edition: Edition

    init(edition: Edition) { self.edition = edition }

    func items(atMillis time: Int64) -> [InfoItem] {
        let f = VehicleData.Fields(edition)
        let seconds = time / 1000
        let vehicle = VehicleData(vehicleState: 1, chargingState: 3, runningMode: 1, speed: UInt16(f.speed.raw(Double(seconds % 100))),
                                  mileage: f.mileage.raw(1234.5), voltage: UInt16(f.voltage.raw(350)), current: UInt16(f.current.raw(12.5)),
                                  soc: 80, dcdcState: 1, gear: Gear(position: Gear.drive, driving: true, braking: false).byte, insulation: 5000,
                                  accelerator: edition == .v2016 ? 10 : 0xFF, brake: edition == .v2016 ? 0 : 0xFF)
        let level: UInt8 = alarm.contains(seconds) ? alarmLevel : 0
        return [.vehicle(vehicle), .alarm(AlarmData(maxLevel: level, flags: level > 0 ? 1 << 8 : 0))]
    }
}

/// A platform inside the test: reads what the terminal sends and answers login, heartbeat,
/// time sync and logout (time-only or echo), or stays silent; records every message.
final class FakePlatform {
    enum Shape { case timeOnly, echo }
    var shape = Shape.timeOnly
    var answers = true
    var answerLogin = true
    var ackReports = false
    var rejectReports = 0
    var received: [Message] = []
    /// When each message of `received` arrived.
    var receivedAt: [Int64] = []
    var framer = StreamFramer()

    /// Replies to what the terminal wrote.
    func take(_ bytes: [UInt8], now: Int64) -> [[UInt8]] {
        framer.append(bytes)
        var replies: [[UInt8]] = []
        while case let .frame(raw)? = framer.next() {
            let message = try! Message(frame: try! Frame.decode(raw).frame)
            received.append(message)
            receivedAt.append(now)
            guard answers else { continue }
            var flag = ResponseFlag.success
            switch message.command {
            case .login: guard answerLogin else { continue }
            case .heartbeat, .timeSync, .logout: break
            case .realtime, .reissue:
                if rejectReports > 0 { rejectReports -= 1; flag = .error } else if !ackReports { continue }
            default: continue
            }
            let time = BeijingTime(unixSeconds: now / 1000)
            let data: [UInt8]
            if message.command == .realtime || message.command == .reissue {
                data = Array(message.data.prefix(6))  // the report's own time, as 36node replies
            } else if shape == .timeOnly {
                data = Reply(time: time).data
            } else {
                data = message.data.isEmpty ? [] : time.bytes! + message.data.dropFirst(6)
            }
            replies.append(Frame(edition: message.edition, command: message.command, response: flag, vin: message.vin, data: data).bytes)
        }
        return replies
    }

    func reports(_ command: Command) -> [RealtimeReport] {
        received.compactMap { m in
            guard m.command == command, case let .report(r) = m.payload else { return nil }
            return r
        }
    }
}

/// Drives a session against a FakePlatform on a simulated clock (100 ms steps).
final class TerminalHarness {
    let session: TerminalSession
    let platform = FakePlatform()
    let store = MemoryReportStore()
    let serials: MemoryLoginSerialStore
    let vehicle: ClockVehicle
    var now: Int64
    var linkUp = true
    var connected = false
    var events: [TerminalEvent] = []
    var finished = false
    /// (time, action) of connects and disconnects.
    var linkLog: [(Int64, TerminalAction)] = []

    init(edition: Edition = .v2016, start: Int64 = 1_783_378_515_000, serials: MemoryLoginSerialStore = MemoryLoginSerialStore(),
         platform setUp: (FakePlatform) -> Void = { _ in }, configure: (inout TerminalConfig) -> Void = { _ in }) {
        var config = TerminalConfig(edition: edition, vin: "LFWADRJF011002346", iccid: "89860624400014310964")
        configure(&config)
        self.serials = serials
        vehicle = ClockVehicle(edition: edition)
        session = TerminalSession(config: config, store: store, serials: serials, source: vehicle)
        now = start
        setUp(platform)
        perform(session.start(atMillis: now))
    }

    func perform(_ actions: [TerminalAction]) {
        var queue = actions
        while !queue.isEmpty {
            let action = queue.removeFirst()
            switch action {
            case let .send(bytes):
                guard connected else { continue }
                for reply in platform.take(bytes, now: now) { queue += session.received(reply, atMillis: now) }
            case .connect:
                linkLog.append((now, action))
                if linkUp {
                    connected = true
                    queue += session.connected(atMillis: now)
                } else {
                    queue += session.connectionFailed(atMillis: now)
                }
            case .disconnect:
                linkLog.append((now, action))
                connected = false
                queue += session.disconnected(atMillis: now)
            case .finished:
                finished = true
                connected = false
            case let .event(e):
                events.append(e)
            }
        }
    }

    /// Advances the clock to `until` in 100 ms steps.
    func run(until: Int64) {
        while now < until {
            now += 100
            perform(session.tick(atMillis: now))
        }
    }

    /// The link breaks now (the platform vanishes).
    func dropLink() {
        linkUp = false
        connected = false
        perform(session.disconnected(atMillis: now))
    }
}
