/// Builds SVG markup as text, element by element. Attribute values and text are escaped;
/// numbers go through `NumberText.coordinate`, so the same chart gives the same bytes.
public struct SVGText: Sendable {
    public private(set) var text = ""

    public init() {}

    /// `&`, `<`, `>`, `"` and `'` escaped for element text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public static func n(_ x: Double) -> String { NumberText.coordinate(x) }

    public mutating func raw(_ s: String) { text += s }

    /// `<name a="v" …/>` or, with `content` or `title`, `<name …><title>…</title>content</name>`.
    /// `title` is the hover text of a mark (the browser shows it without scripts).
    public mutating func element(_ name: String, _ attributes: [(String, String)], title: String? = nil, content: String? = nil) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(Self.escape(value))\"" }
        if title == nil && content == nil {
            text += "/>"
            return
        }
        text += ">"
        if let title { text += "<title>\(Self.escape(title))</title>" }
        if let content { text += Self.escape(content) }
        text += "</\(name)>"
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ cls: String) {
        element("line", [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)), ("class", cls)])
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ attributes: [(String, String)], title: String? = nil) {
        element("rect", [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, w))), ("height", Self.n(max(0, h)))] + attributes, title: title)
    }

    public mutating func label(_ s: String, x: Double, y: Double, anchor: String = "middle", cls: String = "tick", rotate: Double? = nil) {
        var attributes = [("x", Self.n(x)), ("y", Self.n(y)), ("text-anchor", anchor), ("class", cls)]
        if let rotate { attributes.append(("transform", "rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))")) }
        element("text", attributes, content: s)
    }

    /// A polyline through `points` (already in pixels).
    public mutating func polyline(_ points: [(Double, Double)], _ attributes: [(String, String)]) {
        let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        element("polyline", [("points", list), ("fill", "none")] + attributes)
    }
}
