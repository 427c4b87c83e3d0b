/// `${NAME}` and `${NAME:-default}` in a scalar, replaced from an environment.
///
/// `${NAME:-default}` takes the default when `NAME` is unset or empty; `${NAME}` without a
/// default must be set. Text outside `${…}` is kept as written; a `$` not followed by `{`
/// is literal.
public enum EnvironmentSubstitution {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missing(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .missing(let name): "environment variable \(name) is not set and has no default (write ${\(name):-default})"
            case .malformed(let text): "malformed substitution \"\(text)\": expected ${NAME} or ${NAME:-default}"
            }
        }
    }

    public static func apply(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.range(of: "${") {
            out += rest[..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                throw .malformed(String(rest[dollar.lowerBound...]))
            }
            let body = rest[dollar.upperBound..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isName(name) else { throw .malformed(String(rest[dollar.lowerBound...close])) }
            if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                throw .missing(String(name))
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    static func isName(_ name: Substring) -> Bool {
        func letter(_ c: Unicode.Scalar) -> Bool { c == "_" || ("A"..."Z").contains(c) || ("a"..."z").contains(c) }
        guard let first = name.unicodeScalars.first, letter(first) else { return false }
        return name.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) }
    }
}
