import ArgumentParser
import CANDatabase

/// `--dbc [IFACE=]FILE`: a DBC for every bus, or for one named bus.
struct BusDatabaseOption: ExpressibleByArgument {
    var bus: String?
    var path: String

    init(bus: String?, path: String) {
        self.bus = bus
        self.path = path
    }

    init?(argument: String) {
        // `can0=file.dbc`; a path that merely contains `=` after a slash is a path.
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/"), eq != argument.startIndex {
            bus = String(argument[..<eq])
            path = String(argument[argument.index(after: eq)...])
            if path.isEmpty { return nil }
        } else {
            bus = nil
            path = argument
        }
    }

    static func validate(_ options: [BusDatabaseOption]) throws {
        if options.filter({ $0.bus == nil }).count > 1 {
            throw ValidationError("only one --dbc without an interface; name the others `--dbc IFACE=FILE`")
        }
        var seen = Set<String>()
        for case let bus? in options.map(\.bus) where !seen.insert(bus).inserted {
            throw ValidationError("two --dbc options for bus \(bus)")
        }
    }
}

/// The decode plans of a session: one per named bus, and a fallback for every other bus.
/// Frames of a bus with no DBC decode as unknown messages.
struct BusPlans {
    /// `bus == nil` is the fallback plan; the last entry is always the fallback.
    let all: [(bus: String?, plan: DecodePlan)]

    init(_ options: [BusDatabaseOption], j1939: Bool, j1939Buses: Set<String>) throws(CommandFailure) {
        var entries: [(bus: String?, plan: DecodePlan)] = []
        for option in options.sorted(by: { ($0.bus == nil ? 1 : 0) < ($1.bus == nil ? 1 : 0) }) {
            let database = try DatabaseLoading.load(path: option.path)
            let byPGN = j1939 || option.bus.map(j1939Buses.contains) == true
            entries.append((option.bus, DecodePlan(database, options: DecodeOptions(matchJ1939ByPGN: byPGN))))
        }
        if entries.last?.bus != nil {
            entries.append((nil, DecodePlan(Database())))
        }
        self.all = entries
    }

    /// The entry for frames of `bus`.
    func index(forBus bus: String) -> Int {
        all.firstIndex { $0.bus == bus } ?? all.count - 1
    }
}
