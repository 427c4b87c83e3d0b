/// One chart: its size, accessible title and description, axis labels (with units), and
/// the id that makes its `<title>`/`<desc>`/pattern ids unique on a page. The chart kinds
/// (`lines`, `scatter`, `bars`, `heatmap`, `timeline`) are in the extensions; each returns
/// a complete `<svg>` element with `role="img"` and `aria-labelledby` naming both.
public struct Chart: Sendable {
    public var id: String
    public var title: String
    public var description: String
    public var xLabel: String
    public var yLabel: String
    public var width: Double = 720
    public var height: Double = 280
    /// Room for the y tick labels (or a heatmap's and timeline's row names).
    public var leftMargin: Double = 64

    public init(id: String, title: String, description: String, xLabel: String, yLabel: String) {
        self.id = id
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// One series: a name for the legend and its points. A non-finite `y` breaks a line.
    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// Hover text; the default is "x, y".
        public var note: String?
        public init(x: Double, y: Double, note: String? = nil) {
            self.x = x
            self.y = y
            self.note = note
        }
    }

    /// A shaded interval of the x axis (charging, an episode), with its legend name.
    public struct Span: Sendable {
        public var start: Double
        public var end: Double
        public var note: String
        public init(start: Double, end: Double, note: String) {
            self.start = start
            self.end = end
            self.note = note
        }
    }

    // The plot area inside the margins.
    var left: Double { leftMargin }
    var right: Double { width - 28 }
    var top: Double { 34 }
    var bottom: Double { height - 44 }

    /// `<svg …><title/><desc/>` and the `<defs>` (`defs` may be empty).
    func open(_ svg: inout SVGText, defs: String = "") {
        svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" id=\"\(SVGText.escape(id))\"")
        svg.raw(" viewBox=\"0 0 \(SVGText.n(width)) \(SVGText.n(height))\" width=\"\(SVGText.n(width))\" height=\"\(SVGText.n(height))\"")
        svg.raw(" aria-labelledby=\"\(SVGText.escape(id))-t \(SVGText.escape(id))-d\">")
        svg.raw("<title id=\"\(SVGText.escape(id))-t\">\(SVGText.escape(title))</title>")
        svg.raw("<desc id=\"\(SVGText.escape(id))-d\">\(SVGText.escape(description))</desc>")
        if !defs.isEmpty { svg.raw("<defs>\(defs)</defs>") }
    }

    func close(_ svg: inout SVGText) { svg.raw("</svg>") }

    /// "no data" in the middle of an empty plot area.
    func noData(_ svg: inout SVGText) {
        svg.label("no data", x: (left + right) / 2, y: (top + bottom) / 2, cls: "nodata")
    }

    /// The y axis: grid lines, tick labels and the rotated axis label.
    func yAxis(_ svg: inout SVGText, _ ticks: Ticks) {
        let labels = ticks.labels
        for (value, label) in zip(ticks.values, labels) {
            let y = yPixel(value, ticks)
            svg.line(left, y, right, y, "grid")
            svg.label(label, x: left - 6, y: y + 4, anchor: "end")
        }
        svg.line(left, top, left, bottom, "axis")
        svg.label(yLabel, x: 14, y: (top + bottom) / 2, cls: "axis-label", rotate: -90)
    }

    /// The x axis of a numeric or time scale: ticks, labels and the axis label.
    func xAxis(_ svg: inout SVGText, values: [Double], labels: [String], lower: Double, upper: Double) {
        for (value, label) in zip(values, labels) {
            let x = xPixel(value, lower, upper)
            svg.line(x, bottom, x, bottom + 5, "axis")
            svg.label(label, x: x, y: bottom + 18)
        }
        svg.line(left, bottom, right, bottom, "axis")
        svg.label(xLabel, x: (left + right) / 2, y: height - 8, cls: "axis-label")
    }

    func yPixel(_ value: Double, _ ticks: Ticks) -> Double {
        let span = ticks.upper - ticks.lower
        guard span > 0, span.isFinite else { return (top + bottom) / 2 }
        return bottom - (value - ticks.lower) / span * (bottom - top)
    }

    func xPixel(_ value: Double, _ lower: Double, _ upper: Double) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return (left + right) / 2 }
        return left + (value - lower) / span * (right - left)
    }

    /// A legend row along the top margin: a swatch drawn by `swatch` and the name, per entry.
    func legend(_ svg: inout SVGText, _ names: [String], swatch: (inout SVGText, Int, Double, Double) -> Void) {
        guard !names.isEmpty else { return }
        var x = left
        let y = 16.0
        for (i, name) in names.enumerated() {
            let width = 26 + Double(name.count) * 6.6
            if x + width > right && x > left { break }
            swatch(&svg, i, x, y)
            svg.label(name, x: x + 20, y: y + 4, anchor: "start", cls: "legend")
            x += width + 8
        }
    }
}
