import Yams

/// Line and column of every key path in a document, so that errors found after decoding
/// (names that do not resolve against a DBC) still point into the file.
public struct ConfigPositions: Sendable, Hashable {
    var byKeyPath: [String: Position] = [:]

    struct Position: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    init() {}

    init(_ root: Node) {
        walk(root, "")
    }

    private mutating func walk(_ node: Node, _ path: String) {
        if let mark = node.mark { byKeyPath[path] = Position(line: mark.line, column: mark.column) }
        if let mapping = node.mapping {
            for (k, v) in mapping {
                guard let key = k.scalar?.string else { continue }
                walk(v, path.isEmpty ? key : "\(path).\(key)")
            }
        } else if let sequence = node.sequence {
            for (i, item) in sequence.enumerated() { walk(item, path.isEmpty ? "\(i)" : "\(path).\(i)") }
        }
    }

    /// The error at `keyPath`, placed at that key, or at its nearest ancestor in the file.
    func error(file: String, keyPath: String, message: String) -> ConfigError {
        var path = Substring(keyPath)
        while true {
            if let p = byKeyPath[String(path)] {
                return ConfigError(file: file, line: p.line, column: p.column, keyPath: keyPath, message: message)
            }
            guard let dot = path.lastIndex(of: ".") else { break }
            path = path[..<dot]
        }
        return ConfigError(file: file, keyPath: keyPath, message: message)
    }
}
