@testable import SocketCAN
import Testing

/// `ControllerSetup.apply` against a scripted controller: the order of the rtnetlink
/// requests, and the three ways it refuses (no interface, no controller, no CAP_NET_ADMIN).
@Suite struct ControllerSetupTests {
    @Test func downRestartMillisecondsBitrateUp() throws {
        let fake = FakeController("can0", states: [.errorActive])
        let timing = try ControllerSetup(interface: "can0", bitrate: 250_000, restartMilliseconds: 100).apply(to: fake)
        #expect(fake.calls == ["index", "state", "stop", "restart_ms 100", "bitrate 250000", "start", "bittiming"])
        #expect(timing?.bitrate == 250_000)
    }

    @Test func withoutRestartMillisecondsOnlyTheBitrate() throws {
        let fake = FakeController("can0", states: [.errorActive])
        try ControllerSetup(interface: "can0", bitrate: 500_000).apply(to: fake)
        #expect(fake.calls == ["index", "state", "stop", "bitrate 500000", "start", "bittiming"])
    }

    @Test func vcanIsRefusedBeforeTheInterfaceIsTouched() {
        let fake = FakeController("vcan0", [.init(state: .failure(FakeController.vcanFailure("vcan0")))])
        let error = #expect(throws: ControllerSetupError.self) {
            try ControllerSetup(interface: "vcan0", bitrate: 500_000).apply(to: fake)
        }
        #expect(error?.reason == .noController)
        #expect(error?.description.hasPrefix("vcan0 has no CAN controller") == true)
        #expect(!fake.calls.contains("stop"), "vcan0 is never set down")
    }

    @Test func aMissingInterfaceIsNamed() {
        var gone = FakeController.Reading(state: .success(.errorActive))
        gone.index = nil
        let error = #expect(throws: ControllerSetupError.self) {
            try ControllerSetup(interface: "can7", bitrate: 500_000).apply(to: FakeController("can7", [gone]))
        }
        #expect(error?.reason == .interfaceNotFound)
        #expect(error?.description == "can7: no such interface; controller.configure needs it present at startup")
    }

    @Test func permissionDeniedNamesTheCapabilityAndTheDropIn() {
        let eperm = SocketCANError(.permissionDenied, operation: "can_do_stop", interface: "can0", errno: .notPermitted)
        let fake = FakeController("can0", [.init(state: .success(.errorActive))], failing: ["stop": eperm])
        let error = #expect(throws: ControllerSetupError.self) {
            try ControllerSetup(interface: "can0", bitrate: 500_000).apply(to: fake)
        }
        #expect(error?.reason == .permissionDenied)
        let text = error?.description ?? ""
        #expect(text.contains("can_do_stop") && text.contains("needs CAP_NET_ADMIN"))
        #expect(text.contains("AmbientCapabilities=CAP_NET_ADMIN") && text.contains("CapabilityBoundingSet=CAP_NET_ADMIN"))
    }

    @Test func aRejectedBitrateSetsTheInterfaceUpAgain() {
        let invalid = SocketCANError(.system, operation: "can_set_bitrate", interface: "can0", errno: .invalidArgument)
        let fake = FakeController("can0", [.init(state: .success(.errorActive))], failing: ["bitrate 12345": invalid])
        let error = #expect(throws: ControllerSetupError.self) {
            try ControllerSetup(interface: "can0", bitrate: 12345).apply(to: fake)
        }
        #expect(error?.reason == .failed)
        #expect(error?.description == "can0: configuring the controller failed: \(invalid)")
        #expect(fake.calls == ["index", "state", "stop", "bitrate 12345", "start"])
    }
}

/// libsocketcan loses the kernel's errno after printing it: EPERM is recognised from the text.
@Suite struct ControllerErrorMappingTests {
    @Test func printedOperationNotPermittedIsPermissionDenied() {
        let controller = CANController(interface: "can0")
        let error = #expect(throws: SocketCANError.self) {
            try controller.check("can_do_stop", (-1, Errno(rawValue: 22), "RTNETLINK answers: Operation not permitted"))
        }
        #expect(error?.code == .permissionDenied)
        #expect(error?.description.contains("RTNETLINK answers: Operation not permitted") == true)
        #expect(ControllerSetupError(interface: "can0", reason: .permissionDenied, cause: error).description.contains("needs CAP_NET_ADMIN"))
    }

    @Test func noLinkDataStaysARequestFailure() {
        let error = #expect(throws: SocketCANError.self) {
            try CANController(interface: "vcan0").check("can_get_state", (-1, nil, "no link data found"))
        }
        #expect(error?.code == .controllerRequestFailed)
    }
}
