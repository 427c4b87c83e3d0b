import Yams

/// A YAML node with its key path, read into typed values. Every failure is a `ConfigError`
/// naming the key path and the position in the file.
///
/// Scalars go through environment substitution (`${NAME}`, `${NAME:-default}`) before they
/// are read, so `${BITRATE:-500000}` is an integer like `500000`.
struct ConfigNode {
    let node: Node
    let keyPath: String
    let context: ConfigContext

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    /// The root of a YAML document, within `YAMLLimits` (size, depth, alias expansion);
    /// `expecting` says what an empty document lacks.
    static func document(yaml: String, file: String, environment: [String: String], expecting: String) throws(ConfigError) -> ConfigNode {
        try YAMLLimits.check(yaml, file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(file: file, keyPath: "", message: "empty configuration: expected \(expecting)")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: file, keyPath: "", message: "not valid YAML: \(String(describing: error).split(separator: "\n").joined(separator: " "))")
        }
        try YAMLLimits.checkExpansion(root, file: file)
        return ConfigNode(node: root, keyPath: "", context: ConfigContext(file: file, environment: environment))
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: context.file, line: line, column: column, keyPath: keyPath, message: message)
    }

    func expected(_ what: String) -> ConfigError {
        error("expected \(what), found \(found)")
    }

    /// How the node looks, for messages.
    var found: String {
        switch node {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a map"
        case .sequence: "a list"
        }
    }

    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, keyPath: keyPath.isEmpty ? key : "\(keyPath).\(key)", context: context)
    }

    // MARK: Maps and lists

    /// The entries of a map, in file order; keys are plain strings (no substitution).
    func entries() throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mapping else { throw expected("a map") }
        var seen: Set<String> = []
        var out: [(key: String, value: ConfigNode)] = []
        for (k, v) in mapping {
            guard let key = k.scalar?.string else {
                throw ConfigNode(node: k, keyPath: keyPath, context: context).expected("a plain key")
            }
            let entry = child(key, v)
            guard seen.insert(key).inserted else { throw entry.error("duplicate key") }
            out.append((key, entry))
        }
        return out
    }

    /// A map with a fixed set of keys: unknown keys are errors (a typo never passes silently).
    func fields(_ allowed: [String]) throws(ConfigError) -> ConfigFields {
        let all = try entries()
        for (key, value) in all where !allowed.contains(key) {
            throw value.error("unknown key; expected one of \(allowed.joined(separator: ", "))")
        }
        return ConfigFields(owner: self, values: Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.value) }))
    }

    func items() throws(ConfigError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw expected("a list") }
        return sequence.enumerated().map { child("\($0.offset)", $0.element) }
    }

    // MARK: Scalars

    func text() throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw expected("a value") }
        do {
            return try EnvironmentSubstitution.apply(scalar.string, environment: context.environment)
        } catch {
            throw self.error(error.description)
        }
    }

    func string() throws(ConfigError) -> String {
        let value = try text()
        guard !value.isEmpty else { throw error("expected a non-empty string") }
        return value
    }

    func int(_ what: String = "an integer") throws(ConfigError) -> Int {
        let value = try text()
        guard let n = Int(String(value.filter { $0 != "_" })) else { throw error("expected \(what), found \"\(value)\"") }
        return n
    }

    func double(_ what: String = "a number") throws(ConfigError) -> Double {
        let value = try text()
        guard let x = Double(value), x.isFinite else { throw error("expected \(what), found \"\(value)\"") }
        return x
    }

    func bool() throws(ConfigError) -> Bool {
        switch try text() {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        case let other: throw error("expected true or false, found \"\(other)\"")
        }
    }

    /// `500ms`, `1s`, `0.5s`, `5m`, `1h` → nanoseconds (> 0).
    func duration() throws(ConfigError) -> Int64 {
        let value = try text()
        guard let ns = ConfigDuration.nanoseconds(value), ns > 0 else {
            throw error("expected a duration with a unit (500ms, 1s, 5m, 1h), found \"\(value)\"")
        }
        return ns
    }

    /// A path: `~`-free, relative to the config file's directory unless absolute.
    func path() throws(ConfigError) -> String {
        let value = try string()
        return value.hasPrefix("/") ? value : context.directory + value
    }

    func oneOf(_ choices: [String]) throws(ConfigError) -> String {
        let value = try text()
        guard choices.contains(value) else {
            throw error("expected one of \(choices.joined(separator: ", ")), found \"\(value)\"")
        }
        return value
    }
}

/// The keys of one map, looked up by name.
struct ConfigFields {
    let owner: ConfigNode
    let values: [String: ConfigNode]

    subscript(_ key: String) -> ConfigNode? { values[key] }

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = values[key] else { throw owner.error("missing required key `\(key)`") }
        return value
    }
}

/// What every node of one file shares: the file, its directory, the environment.
final class ConfigContext: Sendable {
    let file: String
    /// The config file's directory with a trailing slash (`""` for the working directory).
    let directory: String
    let environment: [String: String]

    init(file: String, environment: [String: String]) {
        self.file = file
        if let slash = file.lastIndex(of: "/") {
            directory = String(file[...slash])
        } else {
            directory = ""
        }
        self.environment = environment
    }
}

/// Duration text with a unit.
public enum ConfigDuration {
    /// `500ms` → 500 000 000; `1.5s`, `5m`, `1h`, `250us`; nil when malformed.
    public static func nanoseconds(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1e6), ("us", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let x = Double(number), x.isFinite else { return nil }
            let ns = (x * scale).rounded()
            guard ns < 9e18 else { return nil }
            return Int64(ns)
        }
        return nil
    }
}
