import CMosquitto
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// The one MQTT client over libmosquitto (2.0, Debian). We drive its network loop ourselves
/// (`poll`: our own poll(2) on its socket, then `mosquitto_loop_read/write/misc`) with
/// `mosquitto_threaded_set(true)`, so that libmosquitto writes nothing while callbacks run:
/// a received QoS 1 message's PUBACK is queued and leaves at the next `poll`, after the owner
/// stored the message. Each `connect` makes a new libmosquitto handle: what libmosquitto
/// would resend from memory is the owner's to resend (from its outbox), never twice.
///
/// MQTT 5 first; when the broker refuses version 5 (CONNACK 0x84, or a 3.1.1 refusal code 1),
/// the next attempt is made with 3.1.1 right away. Not thread-safe: one owner thread.
public final class MosquittoClient: MQTTConnection {
    public let options: MQTTClientOptions
    public private(set) var version: MQTTProtocolVersion
    public private(set) var isConnected = false
    private var handle: OpaquePointer?
    fileprivate var events: [MQTTEvent] = []
    fileprivate var fallBack = false
    fileprivate var lostReported = false

    public init(options: MQTTClientOptions) {
        self.options = options
        self.version = options.preferredVersion
        _ = mosquittoLibrary
    }

    deinit { destroy() }

    public func connect() throws(MQTTError) {
        destroy()
        guard let mosq = mosquitto_new(options.clientID, options.cleanStart, Unmanaged.passUnretained(self).toOpaque()) else {
            throw error("mosquitto_new", MOSQ_ERR_NOMEM.rawValue)
        }
        handle = mosq
        lostReported = false
        try check("protocol version", mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(version.rawValue)))
        try check("threaded_set", mosquitto_threaded_set(mosq, true))
        try check("send maximum", mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, Int32(options.maxInFlight)))
        if options.username != nil || options.password != nil {
            try check("username_pw_set", mosquitto_username_pw_set(mosq, options.username, options.password))
        }
        if options.useTLS {
            try check("tls_set", mosquitto_tls_set(mosq, options.caFile, nil, options.certFile, options.keyFile, nil))
            try check("tls_opts_set", mosquitto_tls_opts_set(mosq, 1, nil, nil))
        }
        if let will = options.will {
            let rc = will.payload.withUnsafeBytes {
                mosquitto_will_set_v5(mosq, will.topic, Int32($0.count), $0.baseAddress, Int32(will.qos), will.retain, nil)
            }
            try check("will_set", rc)
        }
        installCallbacks(mosq)
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if version == .v5 {
            try check("session expiry", mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), options.sessionExpirySeconds))
        }
        let rc = mosquitto_connect_bind_v5(mosq, options.host, Int32(options.port), Int32(options.keepAliveSeconds), nil, properties)
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            let failure = error("connect", rc)
            destroy()
            throw failure
        }
    }

    public func publish(_ message: MQTTOutgoing) throws(MQTTError) -> Int32 {
        guard let mosq = handle else { throw MQTTError(broker: options.broker, operation: "publish", message: "not connected") }
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if version == .v5 {
            if let type = message.contentType {
                try check("content type", mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), type))
            }
            for (name, value) in message.userProperties {
                try check("user property", mosquitto_property_add_string_pair(&properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue), name, value))
            }
        }
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes {
            mosquitto_publish_v5(mosq, &mid, message.topic, Int32($0.count), $0.baseAddress, Int32(message.qos), message.retain, properties)
        }
        try check("publish \(message.topic)", rc)
        return mid
    }

    public func subscribe(_ filter: String, qos: Int) throws(MQTTError) {
        guard let mosq = handle else { throw MQTTError(broker: options.broker, operation: "subscribe", message: "not connected") }
        var mid: Int32 = 0
        try check("subscribe \(filter)", mosquitto_subscribe_v5(mosq, &mid, filter, Int32(qos), 0, nil))
    }

    public func poll(timeoutMillis: Int32) -> [MQTTEvent] {
        poll(timeoutMillis: timeoutMillis, wakingOn: -1)
    }

    public func poll(timeoutMillis: Int32, wakingOn wake: Int32) -> [MQTTEvent] {
        guard let mosq = handle else {
            // No connection: the caller's loop runs at its pace (a poll on a quiet socket
            // would hold it as long), or until `wake` turns readable.
            var entry = pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
            if wake < 0 || (Glibc.poll(&entry, 1, timeoutMillis) < 0 && errno != EINTR) {
                Syscall.sleep(milliseconds: max(timeoutMillis, 0))
            }
            return take()
        }
        var rc = MOSQ_ERR_SUCCESS.rawValue
        if mosquitto_want_write(mosq) { rc = mosquitto_loop_write(mosq, 1) }
        let fd = mosquitto_socket(mosq)
        if rc == MOSQ_ERR_SUCCESS.rawValue && fd >= 0 {
            // poll(2) skips an entry whose descriptor is negative: no `wake`, the socket only.
            var entries = [pollfd(fd: fd, events: Int16(POLLIN) | (mosquitto_want_write(mosq) ? Int16(POLLOUT) : 0), revents: 0),
                           pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let n = Glibc.poll(&entries, 2, timeoutMillis)
            let entry = entries[0]
            if n > 0 {
                if entry.revents & Int16(POLLOUT) != 0 { rc = mosquitto_loop_write(mosq, 1) }
                if rc == MOSQ_ERR_SUCCESS.rawValue && entry.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    rc = mosquitto_loop_read(mosq, 1)
                }
            } else if n < 0 && errno != EINTR {
                rc = MOSQ_ERR_ERRNO.rawValue
            }
        } else if fd < 0 {
            rc = MOSQ_ERR_NO_CONN.rawValue
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue { rc = mosquitto_loop_misc(mosq) }
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            if !lostReported {
                if version == .v5 && !isConnected && (rc == MOSQ_ERR_PROTOCOL.rawValue || rc == MOSQ_ERR_MALFORMED_PACKET.rawValue) { fallBack = true }
                events.append(.disconnected(reason: describe(rc)))
            }
            isConnected = false
            lostReported = true
            destroy()
        }
        if fallBack {
            fallBack = false
            version = .v311
            do { try connect() } catch { events.append(.disconnected(reason: error.message)) }
        }
        return take()
    }

    /// Sends what is queued (PUBACKs, publishes) and DISCONNECT, then waits, at most
    /// `closeWaitMillis`, for the broker to close the connection before closing ours.
    ///
    /// libmosquitto closes its socket as soon as DISCONNECT is written. A socket closed with
    /// bytes still unread (a PUBACK for our last publish, a message the broker sent meanwhile)
    /// goes out as a reset, and mosquitto, failing to write to it, drops what it had not read
    /// yet: our last PUBACKs, our last publish, the DISCONNECT itself (it then logs "out of
    /// memory" and sends the will). So a second descriptor of the socket keeps the connection
    /// open while libmosquitto closes its own; the broker reads everything, closes its end on
    /// DISCONNECT, and what it sent meanwhile is read and dropped (a message not acknowledged
    /// stays in the session and comes again).
    public func disconnect() {
        guard let mosq = handle else { return }
        if isConnected {
            let deadline = ConnectSchedule.monotonicMillis() + Self.closeWaitMillis
            let socket = mosquitto_socket(mosq)
            let kept = socket >= 0 ? dup(socket) : -1  // -1 (EMFILE): closed as before, reset and all
            if mosquitto_disconnect_v5(mosq, 0, nil) == MOSQ_ERR_SUCCESS.rawValue {
                var rc = mosquitto_loop_write(mosq, 1)
                // A full socket buffer leaves the rest queued; DISCONNECT written closes the socket.
                while rc == MOSQ_ERR_SUCCESS.rawValue && mosquitto_socket(mosq) >= 0 && mosquitto_want_write(mosq),
                      let left = Self.millisLeft(until: deadline) {
                    var entry = pollfd(fd: mosquitto_socket(mosq), events: Int16(POLLOUT), revents: 0)
                    if Glibc.poll(&entry, 1, left) < 0 && errno != EINTR { break }
                    rc = mosquitto_loop_write(mosq, 1)
                }
            }
            destroy()  // closes libmosquitto's descriptor, if writing DISCONNECT did not
            if kept >= 0 {
                Self.drainUntilClosed(kept, deadline: deadline)
                Syscall.closeAbandoned(kept)
            }
        }
        isConnected = false
        destroy()
    }

    /// How long `disconnect` waits for the broker to close the connection.
    static let closeWaitMillis: UInt64 = 2000

    /// Reads and drops what arrives on `fd` (non-blocking, as libmosquitto left it) until the
    /// peer closes it, an error, or `deadline`.
    private static func drainUntilClosed(_ fd: Int32, deadline: UInt64) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let left = millisLeft(until: deadline) {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let n = Glibc.poll(&entry, 1, left)
            if n < 0 && errno != EINTR { return }
            if n <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return }  // the broker closed its end: nothing unread is left
            if count < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK { return }
        }
    }

    /// Milliseconds to `deadline` (at least 1), or nil once it has passed.
    private static func millisLeft(until deadline: UInt64) -> Int32? {
        let now = ConnectSchedule.monotonicMillis()
        return now < deadline ? Int32(max(1, deadline - now)) : nil
    }

    public func abandon() {
        isConnected = false
        destroy()
    }

    private func take() -> [MQTTEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    private func destroy() {
        if let mosq = handle {
            mosquitto_destroy(mosq)
            handle = nil
        }
    }

    private func check(_ operation: String, _ rc: Int32) throws(MQTTError) {
        if rc != MOSQ_ERR_SUCCESS.rawValue { throw error(operation, rc) }
    }

    private func error(_ operation: String, _ rc: Int32) -> MQTTError {
        MQTTError(broker: options.broker, operation: operation, message: describe(rc))
    }

    fileprivate func describe(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return SystemError.text(errno) }
        return String(cString: mosquitto_strerror(rc))
    }

    fileprivate func connected(_ rc: Int32, flags: Int32) {
        if rc == 0 {
            isConnected = true
            events.append(.connected(sessionPresent: flags & 1 != 0, version: version))
            return
        }
        if version == .v5 && (rc == Int32(MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION.rawValue) || rc == 1) {
            fallBack = true
            lostReported = true
            return
        }
        let reason = version == .v5 ? String(cString: mosquitto_reason_string(rc)) : String(cString: mosquitto_connack_string(rc))
        events.append(.refused(code: Int(rc), reason: reason))
        lostReported = true
    }

    fileprivate func lost(_ rc: Int32) {
        guard !lostReported else { return }
        lostReported = true
        isConnected = false
        events.append(.disconnected(reason: rc == 0 ? "disconnected" : describe(rc)))
    }

    private func installCallbacks(_ mosq: OpaquePointer) {
        mosquitto_connect_v5_callback_set(mosq) { _, obj, rc, flags, _ in
            client(obj).connected(rc, flags: flags)
        }
        mosquitto_disconnect_v5_callback_set(mosq) { _, obj, rc, _ in
            client(obj).lost(rc)
        }
        mosquitto_publish_v5_callback_set(mosq) { _, obj, mid, reason, _ in
            client(obj).events.append(.acknowledged(messageID: mid, reasonCode: Int(reason)))
        }
        mosquitto_subscribe_v5_callback_set(mosq) { _, obj, mid, count, granted, _ in
            let qos = (0..<Int(count)).map { Int(granted![$0]) }
            client(obj).events.append(.subscribed(messageID: mid, grantedQoS: qos))
        }
        mosquitto_message_v5_callback_set(mosq) { _, obj, message, properties in
            guard let message else { return }
            client(obj).events.append(.message(incoming(message.pointee, properties)))
        }
    }
}

private let mosquittoLibrary: Int32 = mosquitto_lib_init()

private func client(_ obj: UnsafeMutableRawPointer?) -> MosquittoClient {
    Unmanaged<MosquittoClient>.fromOpaque(obj!).takeUnretainedValue()
}

private func incoming(_ message: mosquitto_message, _ properties: OpaquePointer?) -> MQTTIncoming {
    let topic = String(cString: message.topic)
    let payload = message.payloadlen > 0
        ? Array(UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen)))
        : []
    var contentType: String?
    var value: UnsafeMutablePointer<CChar>?
    if mosquitto_property_read_string(properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), &value, false) != nil, let value {
        contentType = String(cString: value)
        free(value)
    }
    var pairs: [(String, String)] = []
    var name: UnsafeMutablePointer<CChar>?
    var next = mosquitto_property_read_string_pair(properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, false)
    while next != nil {
        if let name, let value { pairs.append((String(cString: name), String(cString: value))) }
        free(name)
        free(value)
        name = nil
        value = nil
        next = mosquitto_property_read_string_pair(next, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, true)
    }
    return MQTTIncoming(topic: topic, payload: payload, contentType: contentType, userProperties: pairs)
}
