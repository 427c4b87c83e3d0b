/// Numbers as text, the same bytes on every run and machine (no locale, no Foundation).
public enum NumberText {
    /// `x` rounded to `decimals` places: `format(2.5, decimals: 1)` is `2.5`,
    /// `format(-0.04, decimals: 1)` is `0.0`. Non-finite values are `–` (an en dash): a
    /// table cell or label never says `nan`.
    public static func format(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "–" }
        let d = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (x * scale).rounded()
        guard abs(scaled) < 9.0e15 else { return "\(x)" }
        var digits = Int64(scaled)
        let negative = digits < 0
        if negative { digits = -digits }
        var text = String(digits)
        if d > 0 {
            if text.count <= d { text = String(repeating: "0", count: d - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -d))
        }
        return negative && digits != 0 ? "-" + text : text
    }

    /// A coordinate for SVG: at most two decimals, trailing zeros dropped (`12.5`, `3`).
    public static func coordinate(_ x: Double) -> String {
        var text = format(x.isFinite ? x : 0, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// An optional value, or `–` when absent.
    public static func format(_ x: Double?, decimals: Int) -> String {
        x.map { format($0, decimals: decimals) } ?? "–"
    }
}
