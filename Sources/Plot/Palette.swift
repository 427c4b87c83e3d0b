/// Colours and shapes that stay apart in greyscale print and for the common colour-vision
/// deficiencies: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2002),
/// always paired with a second cue — a dash pattern for lines, a marker shape for points,
/// a hatch for bars — so that no series is told from another by hue alone.
public enum Palette {
    /// Okabe–Ito, in the order used for series (yellow last: weak on white paper).
    public static let colours = [
        "#0072B2",  // blue
        "#D55E00",  // vermillion
        "#009E73",  // bluish green
        "#CC79A7",  // reddish purple
        "#E69F00",  // orange
        "#56B4E9",  // sky blue
        "#000000",  // black
        "#F0E442",  // yellow
    ]

    /// `stroke-dasharray` per series ("" is solid).
    public static let dashes = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 2 1 2", "12 2"]

    public enum Marker: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond, cross, plus, star, bar
    }

    public static func colour(_ series: Int) -> String { colours[series % colours.count] }
    public static func dash(_ series: Int) -> String { dashes[series % dashes.count] }
    public static func marker(_ series: Int) -> Marker { Marker.allCases[series % Marker.allCases.count] }

    /// Series indices for ordered severities (GB/T 32960 alarm levels 1, 2, 3, then "other"):
    /// sky blue with vertical lines, orange with horizontal lines, vermillion with diagonal
    /// hatching, solid black — light to dark, so that the order survives greyscale.
    public static let severities = [5, 4, 1, 6]

    /// Hatch fill for bar series `series` (0 is solid): defined once per chart in `<defs>`.
    static let hatches: [String] = [
        "",
        "<path d=\"M0,6 L6,0\" stroke-width=\"1.6\"/>",
        "<path d=\"M0,0 L6,6 M0,6 L6,0\" stroke-width=\"1\"/>",
        "<circle cx=\"3\" cy=\"3\" r=\"1.3\"/>",
        "<path d=\"M0,3 L6,3\" stroke-width=\"1.6\"/>",
        "<path d=\"M3,0 L3,6\" stroke-width=\"1.6\"/>",
    ]

    /// The `fill` of bar series `series` inside the chart whose id prefix is `id`.
    static func fill(_ series: Int, id: String) -> String {
        series % hatches.count == 0 ? colour(series) : "url(#\(id)-h\(series))"
    }

    /// `<pattern>`s for series `0..<count`: the series colour as a pale ground plus its hatch.
    static func hatchDefinitions(count: Int, id: String) -> String {
        hatchDefinitions(series: Array(0..<count), id: id)
    }

    static func hatchDefinitions(series list: [Int], id: String) -> String {
        var out = ""
        for series in list where series % hatches.count != 0 {
            let c = colour(series)
            out += "<pattern id=\"\(id)-h\(series)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            out += "<rect width=\"6\" height=\"6\" fill=\"\(c)\" fill-opacity=\"0.35\"/>"
            out += "<g stroke=\"\(c)\" fill=\"\(c)\">\(hatches[series % hatches.count])</g></pattern>"
        }
        return out
    }

    /// A point marker of `size` pixels at (x, y) as an SVG element string.
    static func markerPath(_ marker: Marker, x: Double, y: Double, size: Double) -> String {
        let r = size / 2
        func p(_ dx: Double, _ dy: Double) -> String { "\(SVGText.n(x + dx)),\(SVGText.n(y + dy))" }
        switch marker {
        case .circle: return "M\(p(-r, 0)) A\(SVGText.n(r)),\(SVGText.n(r)) 0 1,0 \(p(r, 0)) A\(SVGText.n(r)),\(SVGText.n(r)) 0 1,0 \(p(-r, 0)) Z"
        case .square: return "M\(p(-r, -r)) L\(p(r, -r)) L\(p(r, r)) L\(p(-r, r)) Z"
        case .triangle: return "M\(p(0, -r)) L\(p(r, r)) L\(p(-r, r)) Z"
        case .diamond: return "M\(p(0, -r)) L\(p(r, 0)) L\(p(0, r)) L\(p(-r, 0)) Z"
        case .cross: return "M\(p(-r, -r)) L\(p(r, r)) M\(p(-r, r)) L\(p(r, -r))"
        case .plus: return "M\(p(-r, 0)) L\(p(r, 0)) M\(p(0, -r)) L\(p(0, r))"
        case .star: return "M\(p(-r, 0)) L\(p(r, 0)) M\(p(0, -r)) L\(p(0, r)) M\(p(-r * 0.7, -r * 0.7)) L\(p(r * 0.7, r * 0.7))"
        case .bar: return "M\(p(-r, -r / 3)) L\(p(r, -r / 3)) L\(p(r, r / 3)) L\(p(-r, r / 3)) Z"
        }
    }

    /// Open markers (crosses) are stroked, the others filled.
    static func isStroked(_ marker: Marker) -> Bool { marker == .cross || marker == .plus || marker == .star }

    /// A sequential colour for `t` in [0, 1]: light to dark (viridis stops), so that order
    /// survives greyscale; `nil` (no data) is drawn by the caller as a hatched grey cell.
    public static func sequential(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(253, 231, 37), (94, 201, 98), (33, 145, 140), (59, 82, 139), (68, 1, 84)]
        let x = min(1, max(0, t.isFinite ? t : 0)) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        func hex(_ v: Double) -> String {
            let n = Int((v).rounded())
            let digits = Array("0123456789abcdef")
            return String([digits[n / 16], digits[n % 16]])
        }
        return "#" + hex(a.0 + (b.0 - a.0) * f) + hex(a.1 + (b.1 - a.1) * f) + hex(a.2 + (b.2 - a.2) * f)
    }
}
