/// Grouped bars over named categories (days, vehicles): one bar per series in each group,
/// each series with its colour and hatch. Absent values leave a gap.
extension Chart {
    public struct BarSeries: Sendable {
        public var name: String
        public var values: [Double?]
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public func bars(categories: [String], series: [BarSeries], unit: String) -> String {
        let values = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        let ticks = Ticks.extent(of: values, includeZero: true)
        var svg = SVGText()
        open(&svg, defs: Palette.hatchDefinitions(count: series.count, id: id))
        legend(&svg, series.count > 1 ? series.map(\.name) : []) { svg, i, x, y in
            svg.rect(x, y - 6, 16, 12, [("fill", Palette.fill(i, id: id)), ("stroke", Palette.colour(i))])
        }
        yAxis(&svg, ticks)
        svg.line(left, bottom, right, bottom, "axis")
        svg.label(xLabel, x: (left + right) / 2, y: height - 8, cls: "axis-label")
        if values.isEmpty || categories.isEmpty { noData(&svg) }
        let group = (right - left) / Double(max(categories.count, 1))
        let barWidth = group * 0.8 / Double(max(series.count, 1))
        let every = max(1, Int((Double(categories.count) * 64 / (right - left)).rounded(.up)))
        for (c, category) in categories.enumerated() {
            let x0 = left + Double(c) * group + group * 0.1
            if c % every == 0 { svg.label(category, x: x0 + group * 0.4, y: bottom + 18) }
            for (s, one) in series.enumerated() {
                guard c < one.values.count, let v = one.values[c], v.isFinite else { continue }
                let y0 = yPixel(0, ticks), y1 = yPixel(v, ticks)
                let note = "\(one.name), \(category): \(NumberText.format(v, decimals: 2)) \(unit)"
                svg.rect(x0 + Double(s) * barWidth, min(y0, y1), barWidth, abs(y1 - y0),
                         [("fill", Palette.fill(s, id: id)), ("stroke", Palette.colour(s)), ("stroke-width", "0.8")], title: note)
            }
        }
        close(&svg)
        return svg.text
    }
}
