import Yams

/// Bounds on a configuration document, checked before and right after Yams reads it, so that
/// no file can take the process down: Yams builds its tree recursively (5,000 nested `[`
/// overflowed the stack), and aliases share nodes that every walk of the tree then visits
/// once per reference (a 4 KB "billion laughs" took gigabytes).
///
/// - size: at most `maximumBytes` of text;
/// - nesting: at most `maximumDepth` levels, counted on the text before parsing (below);
/// - expansion: at most `maximumNodes` nodes with every alias expanded, counted on the
///   composed tree without recursion before anything else walks it.
///
/// candor.yaml nests about 8 levels and has a few thousand nodes for a large fleet.
enum YAMLLimits {
    static let maximumBytes = 4 << 20
    static let maximumDepth = 64
    static let maximumNodes = 200_000

    /// Throws when `text` is too big or nests too deep, naming the first place past the limit.
    ///
    /// The depth is an upper bound that needs no parser: every indentation column open at a
    /// line (and every `- `/`? ` entry on it) counts as two levels — a mapping and a sequence
    /// can share a column — plus each `: ` on the line and each open `[`/`{`. Quoted scalars,
    /// comments and block scalars (`|`, `>`) are skipped. A real configuration stays far below.
    static func check(_ text: String, file: String) throws(ConfigError) {
        let count = text.utf8.count
        guard count <= maximumBytes else {
            throw ConfigError(
                file: file, keyPath: "",
                message: "\(count) bytes: larger than \(maximumBytes >> 20) MiB; not a configuration file")
        }
        var scan = NestingScan()
        var line = 1
        var lineStart = text.utf8.startIndex
        let bytes = text.utf8
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.endIndex
            if let column = scan.deepest(in: bytes[lineStart..<lineEnd], limit: maximumDepth) {
                throw ConfigError(
                    file: file, line: line, column: column, keyPath: "",
                    message: "nested deeper than \(maximumDepth) levels; a candor configuration needs about 8")
            }
            line += 1
            lineStart = lineEnd == bytes.endIndex ? lineEnd : bytes.index(after: lineEnd)
        }
    }

    /// Throws when the tree, with aliases expanded, has more than `maximumNodes` nodes.
    static func checkExpansion(_ root: Node, file: String) throws(ConfigError) {
        var pending: [Node] = [root]
        var visited = 0
        while let node = pending.popLast() {
            visited += 1
            guard visited <= maximumNodes else {
                throw ConfigError(
                    file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, keyPath: "",
                    message: "more than \(maximumNodes) values once aliases are expanded (an alias bomb?)")
            }
            switch node {
            case .scalar: break
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .mapping(let mapping):
                for (key, value) in mapping {
                    pending.append(key)
                    pending.append(value)
                }
            }
        }
    }
}

/// The state of the nesting scan between lines (see `YAMLLimits.check`).
private struct NestingScan {
    /// Columns of the open block levels.
    var columns: [Int] = []
    var flowDepth = 0
    /// Inside a quoted scalar that continues on the next line: its quote byte.
    var openQuote: UInt8?
    /// Inside a block scalar: lines indented more than this belong to it.
    var blockScalarParent: Int?

    /// Scans one line; returns the 1-based column where the depth first passes `limit`.
    mutating func deepest(in line: Substring.UTF8View.SubSequence, limit: Int) -> Int? {
        let bytes = Array(line)
        var indent = 0
        while indent < bytes.count && bytes[indent] == 0x20 { indent += 1 }
        let blank = indent == bytes.count || bytes[indent] == 0x0D || (bytes[indent] == 0x23)
        if let parent = blockScalarParent {
            if blank || indent > parent { return nil }
            blockScalarParent = nil
        }
        if openQuote == nil && flowDepth == 0 {
            if blank { return nil }
            while let last = columns.last, last >= indent { columns.removeLast() }
            columns.append(indent)
        }
        var colons = 0
        var i = indent
        func depth() -> Int { 2 * columns.count + colons + flowDepth }
        while i < bytes.count {
            let byte = bytes[i]
            let previous: UInt8 = i == 0 ? 0x20 : bytes[i - 1]
            let next: UInt8 = i + 1 < bytes.count ? bytes[i + 1] : 0x20
            let tokenStart = previous == 0x20 || previous == 0x09 || previous == 0x5B || previous == 0x7B
                || previous == 0x2C || previous == 0x3A
            let spaceAfter = next == 0x20 || next == 0x09 || next == 0x0D
            if let quote = openQuote {
                if quote == 0x22 && byte == 0x5C {
                    i += 2
                    continue
                }
                if byte == quote {
                    if quote == 0x27 && next == 0x27 {
                        i += 2
                        continue
                    }
                    openQuote = nil
                }
                i += 1
                continue
            }
            switch byte {
            case 0x22 where tokenStart, 0x27 where tokenStart:  // " '
                openQuote = byte
            case 0x23 where previous == 0x20 || previous == 0x09 || i == 0:  // # comment
                return nil
            case 0x5B where tokenStart, 0x7B where tokenStart:  // [ {
                flowDepth += 1
            case 0x5D, 0x7D:  // ] }
                if flowDepth > 0 { flowDepth -= 1 }
            case 0x2D where flowDepth == 0 && tokenStart && spaceAfter, 0x3F where flowDepth == 0 && tokenStart && spaceAfter:  // - ?
                if i + 1 > columns.last ?? -1 { columns.append(i + 1) }
            case 0x3A where spaceAfter:  // :
                colons += 1
            case 0x7C where flowDepth == 0 && tokenStart, 0x3E where flowDepth == 0 && tokenStart:  // | >
                blockScalarParent = indent
                return depth() > limit ? i + 1 : nil
            default:
                break
            }
            if depth() > limit { return i + 1 }
            i += 1
        }
        return nil
    }
}
