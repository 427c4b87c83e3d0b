import ArgumentParser
import CANDatabase
import Gateway

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

extension BusDatabaseOption {
    /// The decode plans of `options`: each DBC loaded (diagnostics on stderr), J1939 PGN
    /// matching where asked, and the fallback plan for every other bus.
    static func plans(_ options: [BusDatabaseOption], j1939: Bool, j1939Buses: Set<String>) throws(CommandFailure) -> BusPlans {
        var entries: [(bus: String?, plan: DecodePlan)] = []
        for option in options {
            let database = try DatabaseLoading.load(path: option.path)
            let byPGN = j1939 || option.bus.map(j1939Buses.contains) == true
            entries.append((option.bus, DecodePlan(database, options: DecodeOptions(matchJ1939ByPGN: byPGN))))
        }
        return BusPlans(entries)
    }
}
