import COpenSSL
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// A TLS client connection over a connected, non-blocking stream socket that its caller owns
/// (this type never closes it). OpenSSL works on two memory buffers; the bytes between them
/// and the socket move here by `poll`, `send` and `recv`, so every wait is bounded by the
/// caller's timeout (a stalled peer costs that long and no more), a send to a closed peer
/// raises no SIGPIPE (`MSG_NOSIGNAL`), and another thread's `shutdown(2)` of the socket ends
/// any wait at once.
///
/// Made by the handshake (`init`), so a stream is always established. One thread uses it:
/// OpenSSL's error queue, from which every failure takes its reasons, is per thread.
public final class TLSStream {
    private let ssl: OpaquePointer
    /// Bytes received from the socket, for OpenSSL to read (owned by `ssl`).
    private let incoming: OpaquePointer
    /// Bytes OpenSSL wrote, to send on the socket (owned by `ssl`).
    private let outgoing: OpaquePointer
    private let fd: Int32
    private var closed = false
    private var buffer = [UInt8](repeating: 0, count: 16_384)

    /// The client handshake on `fd` within `timeoutMillis`: the server's certificate must
    /// chain to the context's CAs and be issued to `serverName` — a DNS name (also sent as SNI)
    /// or an IP address, matched against the certificate's subjectAltName; the context's
    /// client certificate is presented when the server asks for one.
    public init(fd: Int32, serverName: String, context: TLSClientContext, timeoutMillis: Int32) throws(TLSError) {
        ERR_clear_error()
        guard let made = SSL_new(context.context) else { throw TLSError.library("SSL_new") }
        let input = BIO_new(BIO_s_mem()), output = BIO_new(BIO_s_mem())
        guard let input, let output else {
            BIO_free(input)
            BIO_free(output)
            SSL_free(made)
            throw TLSError.library("BIO_new")
        }
        SSL_set_bio(made, input, output)
        ssl = made
        incoming = input
        outgoing = output
        self.fd = fd
        // From here a throw frees `ssl` (and both buffers) in deinit.
        if Self.isIPAddress(serverName) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(made), serverName) == 1 else {
                throw TLSError.library("\(serverName): cannot expect this IP address in the server's certificate")
            }
        } else {
            guard SSL_set1_host(made, serverName) == 1, candor_SSL_set_tlsext_host_name(made, serverName) == 1 else {
                throw TLSError.library("\(serverName): cannot expect this name in the server's certificate")
            }
        }
        SSL_set_connect_state(made)
        let deadline = Deadline(timeoutMillis)
        while true {
            ERR_clear_error()
            let result = SSL_do_handshake(made)
            if result == 1 {
                try flush(until: deadline, "TLS handshake")
                return
            }
            let code = SSL_get_error(made, result)
            guard code == SSL_ERROR_WANT_READ else {
                let failure = failure("TLS handshake", code)
                // The alert that tells the server why, if the socket takes it now.
                try? flush(until: Deadline(0), "TLS handshake")
                throw failure
            }
            try flush(until: deadline, "TLS handshake")
            guard try fill(until: deadline, "TLS handshake") else {
                throw TLSError("TLS handshake timed out after \(timeoutMillis) ms")
            }
        }
    }

    deinit { SSL_free(ssl) }

    /// Sends all of `bytes`; each wait for room in the socket is at most `timeoutMillis`.
    public func write(_ bytes: [UInt8], timeoutMillis: Int32) throws(TLSError) {
        precondition(!closed, "write on a closed TLS stream")
        guard !bytes.isEmpty else { return }
        let deadline = Deadline(timeoutMillis)
        while true {
            ERR_clear_error()
            // The memory buffer takes any length: one call encrypts every byte, or fails.
            let result = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
            if result > 0 { break }
            let code = SSL_get_error(ssl, result)
            guard code == SSL_ERROR_WANT_READ else { throw failure("send", code) }
            // A TLS 1.2 renegotiation: the server's part of it first.
            try flush(until: deadline, "send")
            guard try fill(until: deadline, "send") else { throw TLSError("send timed out after \(timeoutMillis) ms") }
        }
        try flush(until: deadline, "send")
    }

    /// The application data that arrives within `timeoutMillis` (0: only what is there now);
    /// empty when none did. Throws when the server closed the connection, sent an alert, or
    /// the socket broke.
    public func read(timeoutMillis: Int32) throws(TLSError) -> [UInt8] {
        precondition(!closed, "read on a closed TLS stream")
        let deadline = Deadline(timeoutMillis)
        while true {
            ERR_clear_error()
            let result = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if result <= 0, case let code = SSL_get_error(ssl, result), code != SSL_ERROR_WANT_READ {
                let failure = failure("receive", code)
                try? flush(until: Deadline(0), "receive")
                throw failure
            }
            let data = result > 0 ? Array(buffer[..<Int(result)]) : []
            // What OpenSSL answers by itself (a TLS 1.3 key update) goes out now.
            try flush(until: deadline, "receive")
            if result > 0 { return data }
            guard try fill(until: deadline, "receive") else { return [] }
        }
    }

    /// Says goodbye (close_notify, if the socket takes it at once; no wait for the server's).
    /// The socket stays open for its owner to close; the stream is not used again.
    public func close() {
        guard !closed else { return }
        closed = true
        ERR_clear_error()
        if SSL_shutdown(ssl) < 0 { ERR_clear_error() }
        try? flush(until: Deadline(0), "close")
    }

    /// The failure of the call that returned `code` (`SSL_get_error`), with OpenSSL's reasons
    /// and, when the server's certificate was refused, the verification's.
    private func failure(_ what: String, _ code: Int32) -> TLSError {
        var reasons = TLSError.queuedReasons()
        let verified = SSL_get_verify_result(ssl)
        if verified != Int(X509_V_OK), let text = X509_verify_cert_error_string(verified) {
            reasons.append("the server's certificate: " + String(cString: text))
        }
        switch code {
        case SSL_ERROR_ZERO_RETURN:
            return TLSError("\(what): closed by the platform (TLS close_notify)")
        case SSL_ERROR_SSL, SSL_ERROR_SYSCALL:
            return TLSError("\(what) failed: " + (reasons.isEmpty ? "no reason given by OpenSSL" : reasons.joined(separator: ": ")))
        default:
            return TLSError("\(what) failed: SSL_get_error \(code)" + reasons.map { ": " + $0 }.joined())
        }
    }

    /// Sends what OpenSSL has written, waiting for room in the socket until `deadline`.
    private func flush(until deadline: Deadline, _ what: String) throws(TLSError) {
        while BIO_ctrl_pending(outgoing) > 0 {
            let n = Int(buffer.withUnsafeMutableBytes { BIO_read(outgoing, $0.baseAddress, Int32($0.count)) })
            guard n > 0 else { throw TLSError.library("\(what): BIO_read") }
            var sent = 0
            while sent < n {
                let start = sent
                do throws(SystemError) {
                    sent += try Syscall.retrying("send") {
                        buffer.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + start, n - start, Int32(MSG_NOSIGNAL)) }
                    }
                } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
                    guard try wait(for: Int16(POLLOUT), until: deadline, what) else { throw TLSError("\(what): send timed out") }
                } catch {
                    throw TLSError("\(what): \(error)")
                }
            }
        }
    }

    /// Moves what arrives on the socket by `deadline` to OpenSSL: false when nothing did.
    private func fill(until deadline: Deadline, _ what: String) throws(TLSError) -> Bool {
        guard try wait(for: Int16(POLLIN), until: deadline, what) else { return false }
        let n: Int
        do throws(SystemError) {
            n = try Syscall.retrying("recv") { buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } }
        } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
            return true
        } catch {
            throw TLSError("\(what): \(error)")
        }
        if n == 0 { throw TLSError("\(what): closed by the platform") }
        let taken = buffer.withUnsafeBytes { BIO_write(incoming, $0.baseAddress, Int32(n)) }
        guard taken == n else { throw TLSError.library("\(what): BIO_write") }
        return true
    }

    private func wait(for events: Int16, until deadline: Deadline, _ what: String) throws(TLSError) -> Bool {
        var p = pollfd(fd: fd, events: events, revents: 0)
        do { return try Syscall.retrying("poll") { poll(&p, 1, deadline.millisLeft) } > 0 } catch {
            throw TLSError("\(what): \(error)")
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, name, &address) == 1 || inet_pton(AF_INET6, name, &address) == 1
    }

    /// A point on the monotonic clock `millis` from now.
    private struct Deadline {
        let end: ContinuousClock.Instant

        init(_ millis: Int32) {
            end = .now.advanced(by: .milliseconds(Int64(max(0, millis))))
        }

        /// What is left of it in whole milliseconds, rounded up (0 once passed).
        var millisLeft: Int32 {
            let left = end - .now
            guard left > .zero else { return 0 }
            let (seconds, attoseconds) = left.components
            return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        }
    }
}
