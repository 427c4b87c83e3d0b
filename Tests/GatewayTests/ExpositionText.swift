/// The Prometheus text exposition format read back, to assert facts that do not depend on the
/// order in which the registry writes families and series.
struct ExpositionText {
    /// Each sample's value by its series, `name{label="value",…}` as written.
    private(set) var samples: [String: Double] = [:]
    /// Each family's TYPE by name.
    private(set) var types: [String: String] = [:]
    /// Each family's HELP text by name.
    private(set) var helps: [String: String] = [:]
    /// What breaks the format's rules: a sample before its family's TYPE line or apart from
    /// its family's other samples, a repeated TYPE or series, a value that is no number.
    private(set) var problems: [String] = []

    init(_ text: String) {
        var current: String?
        var closed = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                let name = String(parts[0])
                if line.hasPrefix("# HELP ") {
                    if helps.updateValue(parts.count > 1 ? String(parts[1]) : "", forKey: name) != nil { problems.append("second HELP: \(line)") }
                    continue
                }
                if types.updateValue(parts.count > 1 ? String(parts[1]) : "", forKey: name) != nil { problems.append("second TYPE: \(line)") }
                if let current { closed.insert(current) }
                current = name
                continue
            }
            guard let space = line.lastIndex(of: " ") else { problems.append("no value: \(line)"); continue }
            let series = String(line[..<space])
            let name = String(series.prefix { $0 != "{" })
            if name != current { problems.append(closed.contains(name) ? "apart from its family: \(line)" : "before its TYPE: \(line)") }
            guard let value = Double(line[line.index(after: space)...]) else { problems.append("not a number: \(line)"); continue }
            if samples.updateValue(value, forKey: series) != nil { problems.append("second sample: \(line)") }
        }
        if !text.isEmpty && !text.hasSuffix("\n") { problems.append("no final newline") }
    }

    /// The samples of the families whose names start with `prefix`.
    func samples(startingWith prefix: String) -> [String: Double] {
        samples.filter { $0.key.hasPrefix(prefix) }
    }
}
