/// A frame with its data unit read according to the command and the response flag.
public struct Message: Equatable, Sendable {
    public var edition: Edition
    public var command: Command
    public var response: ResponseFlag
    public var vin: String
    public var encryption: Encryption
    public var payload: Payload

    public enum Payload: Equatable, Sendable {
        case login(Login)
        /// Command 0x02 (real-time) or 0x03 (reissue).
        case report(RealtimeReport)
        case logout(Logout)
        /// Heartbeat (0x07) and time sync (0x08) commands carry an empty data unit.
        case empty
        /// Any frame whose response flag is not 0xFE.
        case reply(Reply)
        /// A command this module carries but does not read (platform login, downlink
        /// query/set/control, 2025 activation and key exchange), or an encrypted data unit.
        case raw([UInt8])
    }

    public init(edition: Edition, command: Command, response: ResponseFlag = .command, vin: String,
                encryption: Encryption = .none, payload: Payload) {
        self.edition = edition
        self.command = command
        self.response = response
        self.vin = vin
        self.encryption = encryption
        self.payload = payload
    }

    /// Reads the data unit of `frame`. A data unit that does not match its command's layout throws.
    public init(frame: Frame) throws(BodyError) {
        edition = frame.edition
        command = frame.command
        response = frame.response
        vin = frame.vin
        encryption = frame.encryption
        let data = frame.data
        if !frame.response.isCommand {
            payload = .reply(Reply(data: data))
        } else if frame.encryption != .none {
            payload = .raw(data)
        } else {
            switch frame.command {
            case .login: payload = .login(try Login.decode(data, edition: frame.edition))
            case .realtime, .reissue: payload = .report(try RealtimeReport.decode(data, edition: frame.edition))
            case .logout: payload = .logout(try Logout.decode(data))
            case .heartbeat, .timeSync:
                guard data.isEmpty else { throw BodyError(offset: 0, message: "\(command) carries an empty data unit, found \(data.count) byte(s)") }
                payload = .empty
            default: payload = .raw(data)
            }
        }
    }

    public var data: [UInt8] {
        switch payload {
        case let .login(l): l.encode(edition: edition)
        case let .report(r): r.encode(edition: edition)
        case let .logout(l): l.encode()
        case .empty: []
        case let .reply(r): r.data
        case let .raw(b): b
        }
    }

    public var frame: Frame {
        Frame(edition: edition, command: command, response: response, vin: vin, encryption: encryption, data: data)
    }

    /// One JSON object: edition, command, response, VIN, encryption, time, the body's fields.
    public func json() -> JSON {
        var pairs: [(String, JSON)] = [
            ("edition", .string(edition.rawValue)), ("command", .string(command.description)),
            ("command_id", .integer(Int64(command.rawValue))), ("response", .string(response.description)),
            ("vin", .string(vin)), ("encryption", .string(encryption.description)),
        ]
        switch payload {
        case let .login(l): pairs += [("time", .string(l.time.description)), ("login", l.json(edition))]
        case let .report(r): pairs += [("time", .string(r.time.description)), ("report", r.json(edition))]
        case let .logout(l): pairs += [("time", .string(l.time.description)), ("logout", .object([("serial", .integer(Int64(l.serial)))]))]
        case .empty: break
        case let .reply(r):
            if let t = r.time { pairs.append(("time", .string(t.description))) }
            pairs.append(("reply", r.json(command: command, edition: edition)))
        case let .raw(b): pairs.append(("data", .string(hex(b))))
        }
        return .object(pairs)
    }
}

/// A platform's (or a terminal's) reply. Two shapes occur (§1.3): *time only* (the 2016 main
/// text and 2025: a 6-byte data unit) and *echo* (2016 Annex B: the command's data unit with
/// the time replaced). Heartbeat replies may also be empty.
public struct Reply: Equatable, Sendable {
    public var data: [UInt8]

    public enum Shape: String, Sendable { case empty, timeOnly = "time_only", echo }

    public init(data: [UInt8]) { self.data = data }

    /// The time-only reply to a command, carrying `time` (the platform's clock, or the request's time).
    public init(time: BeijingTime) {
        var w = WireWriter()
        w.time(time)
        data = w.bytes
    }

    public var shape: Shape { data.isEmpty ? .empty : data.count == 6 ? .timeOnly : .echo }

    /// The first 6 bytes as a time, when they are one.
    public var time: BeijingTime? { data.count >= 6 ? BeijingTime(bytes: data.prefix(6)) : nil }

    func json(command: Command, edition: Edition) -> JSON {
        var pairs: [(String, JSON)] = [("shape", .string(shape.rawValue))]
        if shape == .echo {
            switch command {
            case .login: if let l = try? Login.decode(data, edition: edition) { pairs.append(("login", l.json(edition))) }
            case .logout: if let l = try? Logout.decode(data) { pairs.append(("logout", .object([("serial", .integer(Int64(l.serial)))]))) }
            default: break
            }
            pairs.append(("data", .string(hex(data))))
        }
        return .object(pairs)
    }
}
