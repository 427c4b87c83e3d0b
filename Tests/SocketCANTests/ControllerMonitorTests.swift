import SocketCAN
import Testing

/// The monitor's episode logic against a scripted controller: which events a sequence of
/// polls gives, how bus-off episodes are counted and timed, vcan and vanished interfaces.
@Suite struct ControllerMonitorTests {
    static let second: Int64 = 1_000_000_000

    /// Polls once per scripted reading, one second apart; the events of each poll.
    func run(_ monitor: inout ControllerMonitor, polls: Int) -> [[ControllerEvent.Kind]] {
        (0..<polls).map { i in monitor.poll(now: Int64(i) * Self.second).map(\.kind) }
    }

    @Test func activeWarningPassiveBusOffActive() {
        let fake = FakeController("can0", states: [.errorActive, .errorWarning, .errorPassive, .busOff, .busOff, .errorActive],
                                  transmit: [0, 96, 128, 256, 256, 0])
        var monitor = ControllerMonitor([.init(fake)])
        var all: [ControllerEvent] = []
        for i in 0..<6 { all += monitor.poll(now: Int64(i) * Self.second + (i == 5 ? 200_000_000 : 0)) }
        #expect(all.map(\.kind) == [
            .firstReading(.errorActive),
            .stateChanged(from: .errorActive, to: .errorWarning),
            .stateChanged(from: .errorWarning, to: .errorPassive),
            .busOff(episode: 1),
            .busOffEnded(to: .errorActive, nanoseconds: 2_200_000_000),
        ])
        #expect(all.map(\.severity) == [.info, .warning, .warning, .error, .notice])
        #expect(all.map(\.description) == [
            "can0 controller error-active (tx errors 0, rx errors 0)",
            "can0 controller error-warning, was error-active (tx errors 96, rx errors 0)",
            "can0 controller error-passive, was error-warning (tx errors 128, rx errors 0)",
            "bus-off on can0 (tx errors 256), episode 1 since start",
            "can0 back to error-active after bus-off of 2.2 s",
        ])
        #expect(monitor.buses[0].busOffEpisodes == 1)
        #expect(monitor.buses[0].state == .errorActive && monitor.buses[0].hasController)
        #expect(!fake.calls.contains("restart"), "restart_on_bus_off is off")
    }

    @Test func everyEntryIntoBusOffIsAnEpisode() {
        let fake = FakeController("can0", states: [.busOff, .errorActive, .errorPassive, .busOff, .stopped, .errorActive, .busOff])
        var monitor = ControllerMonitor([.init(fake)])
        let events = run(&monitor, polls: 7)
        #expect(events[0] == [.busOff(episode: 1)], "bus-off at the first reading opens an episode")
        #expect(events[3] == [.busOff(episode: 2)])
        #expect(events[4] == [.busOffEnded(to: .stopped, nanoseconds: Self.second)])
        #expect(events[5] == [.stateChanged(from: .stopped, to: .errorActive)])
        #expect(events[6] == [.busOff(episode: 3)])
        #expect(monitor.buses[0].busOffEpisodes == 3)
    }

    @Test func episodesBetweenPollsCountFromTheDriversCounter() {
        // restart-ms 100: the controller was bus-off and back twice between polls 1 and 2, and
        // once more between 3 and 4 while poll 4 itself sees a new bus-off (2 in the counter).
        func reading(_ state: CANControllerState, busOff: Int, restarts: Int) -> FakeController.Reading {
            FakeController.Reading(state: .success(state), statistics: CANDeviceStatistics(busOff: busOff, restarts: restarts))
        }
        let fake = FakeController("can0", [
            reading(.errorActive, busOff: 5, restarts: 5), reading(.errorActive, busOff: 7, restarts: 7),
            reading(.errorActive, busOff: 7, restarts: 7), reading(.busOff, busOff: 9, restarts: 8),
        ])
        var monitor = ControllerMonitor([.init(fake)])
        let events = run(&monitor, polls: 4)
        #expect(events[0] == [.firstReading(.errorActive)], "the counter's value at start is not an episode")
        #expect(events[1] == [.busOffBetweenPolls(count: 2)])
        #expect(events[2] == [])
        #expect(events[3] == [.busOffBetweenPolls(count: 1), .busOff(episode: 4)], "in the order they happened")
        #expect(monitor.buses[0].busOffEpisodes == 4)
        #expect(monitor.buses[0].statistics?.restarts == 8)
    }

    @Test func restartOnBusOffRequestsOncePerEpisode() {
        let fake = FakeController("can1", states: [.errorActive, .busOff, .busOff, .errorActive, .busOff])
        var monitor = ControllerMonitor([.init(fake, restartOnBusOff: true)])
        let events = run(&monitor, polls: 5)
        #expect(events[1] == [.busOff(episode: 1), .restartRequested])
        #expect(events[2] == [], "not again while the same episode lasts")
        #expect(events[3] == [.busOffEnded(to: .errorActive, nanoseconds: 2 * Self.second)])
        #expect(events[4] == [.busOff(episode: 2), .restartRequested])
        #expect(fake.calls.filter { $0 == "restart" }.count == 2)
    }

    @Test func aFailedRestartIsAnErrorEvent() {
        let busy = SocketCANError(.system, operation: "can_do_restart", interface: "can1", errno: Errno(rawValue: 16))
        let fake = FakeController("can1", [.init(state: .success(.busOff))], failing: ["restart": busy])
        var monitor = ControllerMonitor([.init(fake, restartOnBusOff: true)])
        let events = monitor.poll(now: 0)
        #expect(events.map(\.kind) == [.busOff(episode: 1), .restartFailed(reason: busy.description)])
        #expect(events.last?.severity == .error)
    }

    @Test func vcanIsReportedOnceAndNotPolledAgainUntilRecreated() {
        let failure = FakeController.vcanFailure("vcan0")
        var recreated = FakeController.Reading(state: .success(.errorActive))
        recreated.index = 12
        let fake = FakeController("vcan0", [
            .init(state: .failure(failure)), .init(state: .failure(failure)), .init(state: .failure(failure)), recreated,
        ])
        var monitor = ControllerMonitor([.init(fake)])
        let events = run(&monitor, polls: 4)
        #expect(events[0] == [.noController(reason: failure.description)])
        #expect(events[0].isEmpty == false && events[1].isEmpty && events[2].isEmpty)
        #expect(fake.calls.filter { $0 == "state" }.count == 2, "polls 2 and 3 only compare the interface index")
        #expect(events[3] == [.firstReading(.errorActive)], "a new interface index is polled again")
        #expect(monitor.buses[0].hasController)
    }

    @Test func aControllerThatStopsAnsweringIsReportedOnce() {
        let failure = SocketCANError(.controllerRequestFailed, operation: "can_get_state", interface: "can0")
        let fake = FakeController("can0", [
            .init(state: .success(.errorActive)), .init(state: .failure(failure)), .init(state: .failure(failure)),
            .init(state: .success(.errorActive)),
        ])
        var monitor = ControllerMonitor([.init(fake)])
        let events = run(&monitor, polls: 4)
        #expect(events[1] == [.unreadable(reason: failure.description)])
        #expect(events[2] == [])
        #expect(events[3] == [], "the same state as before the gap: nothing to say")
        #expect(monitor.buses[0].hasController && monitor.buses[0].state == .errorActive)
    }

    @Test func aMissingInterfaceIsSkippedAndPolledWhenBack() {
        var gone = FakeController.Reading(state: .success(.errorActive))
        gone.index = nil
        let fake = FakeController("can0", [.init(state: .success(.errorActive)), gone, .init(state: .success(.errorWarning))])
        var monitor = ControllerMonitor([.init(fake)])
        let events = run(&monitor, polls: 2)
        #expect(events[1] == [])
        #expect(monitor.buses[0].state == nil, "no state while the interface is missing")
        #expect(monitor.poll(now: 9).map(\.kind) == [.stateChanged(from: .errorActive, to: .errorWarning)])
    }

    @Test func durationsPrintInTenthsOfASecond() {
        func text(_ ns: Int64) -> String {
            ControllerEvent(interface: "can0", kind: .busOffEnded(to: .errorActive, nanoseconds: ns), counters: nil).description
        }
        #expect(text(1_249_999_999) == "can0 back to error-active after bus-off of 1.2 s")
        #expect(text(1_250_000_000) == "can0 back to error-active after bus-off of 1.3 s")
        #expect(text(0) == "can0 back to error-active after bus-off of 0.0 s")
    }
}
