import COpenSSL
import SystemIO

/// A TLS failure as one line: what was being done, then OpenSSL's reasons for it (and, for a
/// certificate the peer presented, why it did not verify).
public struct TLSError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// `what` failed: the reasons OpenSSL queued on this thread (the queue is emptied), each
    /// with its detail text when it has one (`calling fopen(/etc/candor/ca.pem, r)`).
    static func library(_ what: String) -> TLSError {
        let reasons = queuedReasons()
        return TLSError(what + ": " + (reasons.isEmpty ? "no reason given by OpenSSL" : reasons.joined(separator: ": ")))
    }

    /// The reasons in OpenSSL's error queue, oldest first, repeats dropped; the queue is emptied.
    static func queuedReasons() -> [String] {
        var reasons: [String] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var text: String
            if code & 0x8000_0000 != 0 {
                // ERR_SYSTEM_ERROR (a C macro): the low 31 bits are an errno.
                text = SystemError.text(Int32(code & 0x7FFF_FFFF))
            } else if let reason = ERR_reason_error_string(code) {
                text = String(cString: reason)
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 { text += " (\(String(cString: data)))" }
            if reasons.last != text { reasons.append(text) }
        }
        return reasons
    }
}
