#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SocketCAN

@Suite("SocketCANError: errno mapping and messages")
struct SocketCANErrorTests {
    @Test(arguments: [
        (EAFNOSUPPORT, SocketCANError.Code.canUnsupported),
        (EPROTONOSUPPORT, .canUnsupported),
        (ENETDOWN, .interfaceDown),
        (ENODEV, .interfaceRemoved),
        (ENXIO, .interfaceRemoved),
        (ENOBUFS, .noBufferSpace),
        (EAGAIN, .timedOut),
        (EPERM, .permissionDenied),
        (EACCES, .permissionDenied),
        (EOPNOTSUPP, .notSupported),
        (ENOPROTOOPT, .notSupported),
        (EMSGSIZE, .frameTooLong),
        (EIO, .system),
    ])
    func errnoMapsToCode(errno: Int32, code: SocketCANError.Code) {
        #expect(SocketCANError.Code(Errno(rawValue: errno)) == code)
    }

    @Test func descriptionNamesOperationInterfaceAndErrno() {
        let error = SocketCANError(operation: "recvmsg", interface: "vcan0", errno: .networkDown)
        #expect(error.description == "recvmsg on vcan0: interface is down (ENETDOWN, errno 100)")
        let sized = SocketCANError(.unexpectedFrameSize, operation: "recvmsg", interface: "can0", detail: "20 bytes")
        #expect(sized.description == "recvmsg on can0: unexpected frame size (20 bytes)")
    }

    @Test func equalityComparesTheCodeOnly() {
        #expect(SocketCANError(operation: "bind", interface: "a", errno: .networkDown)
                == SocketCANError(operation: "recvmsg", interface: "b", errno: .networkDown))
        #expect(SocketCANError(operation: "bind", interface: "a", errno: .networkDown)
                != SocketCANError(operation: "bind", interface: "a", errno: .noSuchDevice))
    }

    @Test func programmerErrnosAreRecognised() {
        #expect(Errno.badFileDescriptor.isProgrammerError)
        #expect(Errno.badAddress.isProgrammerError)
        #expect(!Errno.networkDown.isProgrammerError)
    }

    @Test func interruptedCallsAreRetried() {
        var calls = 0
        let result = Syscall.valueOrErrno { () -> CInt in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 7
        }
        #expect(calls == 3)
        #expect(result == .success(7))
        let failed = Syscall.valueOrErrno { () -> CInt in errno = ENETDOWN; return -1 }
        #expect(failed == .failure(.networkDown))
    }
}
