#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call: its name and the `errno` it left, with the C library's text.
/// Every caller outside SocketCAN turns a `-1` into one of these (through `Syscall`), so an
/// error message always names the call: `open: No such file or directory`.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`open`, `read`, `setsockopt(SO_REUSEADDR)`).
    public var call: String
    /// The `errno` it left.
    public var code: Int32

    public init(_ call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    /// The failure of `call` that just happened (reads `errno`).
    public static func last(_ call: String) -> SystemError { SystemError(call, code: errno) }

    /// The C library's text for the errno (`No such file or directory`).
    public var reason: String { Self.text(code) }

    /// `open: No such file or directory`.
    public var description: String { "\(call): \(reason)" }

    /// The resolver's text for a `getaddrinfo` result (`Name or service not known`): its
    /// failures are not errno values.
    public static func resolverText(_ status: Int32) -> String {
        guard let s = gai_strerror(status) else { return "getaddrinfo error \(status)" }
        return String(cString: s)
    }

    /// `strerror(code)`, or `errno N` for a number the library doesn't know.
    public static func text(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}
