/// The tail socket: where, who may connect, how much each client may lag.
public struct TailHubOptions: Sendable, Equatable {
    /// The Unix socket path (`/run/candor/tail.sock` under systemd's RuntimeDirectory).
    public var path: String
    /// File mode of the socket; 0660 lets the owner and `group` connect.
    public var mode: UInt32
    /// The group given the socket (a name or a numeric gid); nil keeps the process's group.
    public var group: String?
    /// Lines kept per client before its oldest are dropped (and reported as missed).
    public var clientCapacity: Int
    /// Clients served at once (`tail.max_clients`, 1…1024); one more is told
    /// `{"refused":"too many tail clients …"}` and closed.
    public var maxClients: Int
    /// The range `tail.max_clients` accepts: each client is a descriptor and a buffer.
    public static let maxClientsRange = 1...1024

    public init(path: String, mode: UInt32 = 0o660, group: String? = nil, clientCapacity: Int = 4096, maxClients: Int = 32) {
        precondition(Self.maxClientsRange.contains(maxClients), "tail max clients out of range")
        self.path = path
        self.mode = mode
        self.group = group
        self.clientCapacity = clientCapacity
        self.maxClients = maxClients
    }
}

/// A tail socket that could not be set up: the path, the failing call and errno text.
public struct TailError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
