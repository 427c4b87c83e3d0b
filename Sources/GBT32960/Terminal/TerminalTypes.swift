/// What the session asks its transport to do.
public enum TerminalAction: Equatable, Sendable {
    /// Write these frame bytes to the platform.
    case send([UInt8])
    /// Open the connection; answer with `connected` or `connectionFailed`.
    case connect
    /// Close the connection (the session reconnects by itself later).
    case disconnect
    /// The logout is done (or timed out): close for good.
    case finished
    /// Something worth a log line.
    case event(TerminalEvent)
}

public enum TerminalEvent: Equatable, Sendable {
    case loggedIn(serial: UInt16)
    case loginUnanswered(attempt: Int)
    case loginRefused(ResponseFlag)
    /// Three logins unanswered: waiting until this time before connecting again.
    case loginBackoff(untilMillis: Int64)
    case heartbeatUnanswered
    /// The platform's time and its difference to ours (platform − terminal), in seconds.
    case timeSynced(platform: BeijingTime, offsetSeconds: Int64)
    case reportRejected(command: Command, flag: ResponseFlag, resend: Bool)
    /// Stored reports older than the edition's retention, dropped.
    case expired(count: Int)
    /// A level-3 (2025: 3 or 4) alarm began: the history before it went out as reissue.
    case alarmEpisode(level: UInt8, historyReports: Int)
    /// A store, serial or signer operation failed (the session carries on).
    case storeFailed(String)
}

/// Counters of one session (since start).
public struct TerminalStatistics: Equatable, Sendable {
    public var sent: [UInt8: Int] = [:]
    public var realtimeStored = 0
    public var reissued = 0
    public var reissueConfirmed = 0
    public var expired = 0
    public var repliesTimeOnly = 0
    public var repliesEcho = 0
    public var repliesEmpty = 0
    public var errorReplies = 0
    /// Replies to real-time or reissue reports (a platform that acknowledges every report).
    public var reportReplies = 0
    public var resent = 0
    public var unexpectedReplies = 0
    public var downlinkIgnored = 0
    public var badChecksums = 0
    public var garbageBytes = 0
    public var undecodable = 0
    public var logins = 0
    public var loginTimeouts = 0
    public var heartbeatTimeouts = 0

    public init() {}
}

/// The real-time bodies at one instant: the session asks for them every second (its 1 s
/// history for level-3 alarms) and at every report time.
public protocol ReportSource: AnyObject {
    func items(atMillis time: Int64) -> [InfoItem]
}
