import CANCore
import Testing
@testable import SocketCAN

/// On the build hosts the kernel has no AF_CAN (errno 97): opening must fail with a typed
/// error, never crash. Where the kernel has CAN, an interface that doesn't exist must give
/// `.interfaceNotFound` instead. Either way the error names the operation and interface.
@Suite("Opening sockets where there is no CAN")
struct HostSocketTests {
    static let missingInterface = "candor-none0"

    @Test func openingFailsWithATypedError() {
        do {
            _ = try CANSocket(interface: Self.missingInterface)
            Issue.record("opened a CAN socket on an interface that does not exist")
        } catch {
            switch error.code {
            case .canUnsupported:
                #expect(error.errno == Errno(rawValue: 97))
                #expect(error.description.contains("CAN not supported by this kernel"))
                #expect(error.description.contains("errno 97"))
            case .interfaceNotFound:
                #expect(error.operation == "if_nametoindex")
            default:
                Issue.record("unexpected error \(error)")
            }
            #expect(error.interface == Self.missingInterface)
        }
    }

    @Test func liveSourceReportsTheSameError() {
        #expect(throws: SocketCANError.self) {
            _ = try LiveFrameSource(.init(interfaces: [Self.missingInterface]))
        }
    }

    @Test func controllerOnAMissingInterfaceCapturesLibsocketcanOutput() {
        do {
            _ = try CANController(interface: Self.missingInterface).state()
            Issue.record("read a state from an interface that does not exist")
        } catch {
            #expect(error.operation == "can_get_state")
            #expect(error.code == .interfaceNotFound || error.code == .controllerRequestFailed)
            // What libsocketcan printed is in the error, not on our stderr.
            #expect(error.detail?.hasPrefix("libsocketcan: ") ?? true)
        }
    }
}
