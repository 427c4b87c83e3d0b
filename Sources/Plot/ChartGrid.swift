/// Charts over rows of names: a heatmap (rows × columns, value by colour) and a timeline
/// (rows × time, intervals and instants by class).
extension Chart {
    /// Cells coloured light (low) to dark (high) over the finite values' extent; an absent
    /// value is a pale hatched cell. Each cell's hover text gives its row, column and value.
    public func heatmap(rows: [String], columns: [String], values: [[Double?]], unit: String, decimals: Int = 1) -> String {
        let finite = values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite)
        let ticks = Ticks.extent(of: finite, count: 4)
        let defs = "<pattern id=\"\(id)-none\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><path d=\"M0,6 L6,0\" stroke=\"#bbb\"/></pattern>"
        var svg = SVGText()
        open(&svg, defs: defs)
        // Legend: the scale's ticks as swatches, and the "no data" swatch.
        var x = left
        for (value, label) in zip(ticks.values, ticks.labels) {
            svg.rect(x, 10, 16, 12, [("fill", Palette.sequential(fraction(value, ticks))), ("stroke", "#666"), ("stroke-width", "0.5")])
            svg.label(label, x: x + 20, y: 20, anchor: "start", cls: "legend")
            x += 28 + Double(label.count) * 6.6
        }
        svg.rect(x, 10, 16, 12, [("fill", "url(#\(id)-none)"), ("stroke", "#666"), ("stroke-width", "0.5")])
        svg.label("no data", x: x + 20, y: 20, anchor: "start", cls: "legend")
        svg.label(unit, x: right, y: 20, anchor: "end", cls: "legend")
        let cellWidth = (right - left) / Double(max(columns.count, 1))
        let cellHeight = (bottom - top) / Double(max(rows.count, 1))
        let every = max(1, Int((Double(columns.count) * 40 / (right - left)).rounded(.up)))
        for (c, column) in columns.enumerated() where c % every == 0 {
            svg.label(column, x: left + (Double(c) + 0.5) * cellWidth, y: bottom + 16)
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * cellHeight
            svg.label(row, x: left - 6, y: y + cellHeight / 2 + 4, anchor: "end")
            for (c, column) in columns.enumerated() {
                let value = r < values.count && c < values[r].count ? values[r][c] : nil
                let fill = value.flatMap { $0.isFinite ? Palette.sequential(fraction($0, ticks)) : nil } ?? "url(#\(id)-none)"
                let note = "\(row), \(column): " + (value.map { "\(NumberText.format($0, decimals: decimals)) \(unit)" } ?? "no data")
                svg.rect(left + Double(c) * cellWidth, y, cellWidth, cellHeight, [("fill", fill), ("class", "cell")], title: note)
            }
        }
        if rows.isEmpty || columns.isEmpty { noData(&svg) }
        svg.label(xLabel, x: (left + right) / 2, y: height - 8, cls: "axis-label")
        close(&svg)
        return svg.text
    }

    private func fraction(_ value: Double, _ ticks: Ticks) -> Double {
        let span = ticks.upper - ticks.lower
        return span > 0 ? (value - ticks.lower) / span : 0.5
    }

    /// An interval (`end > start`) or an instant on a timeline row, of class `kind`.
    public struct Event: Sendable {
        public var row: Int
        public var start: Double
        public var end: Double
        public var kind: Int
        public var note: String
        public init(row: Int, start: Double, end: Double, kind: Int, note: String) {
            self.row = row
            self.start = start
            self.end = end
            self.kind = kind
            self.note = note
        }
    }

    /// Rows against UTC time; each kind (e.g. alarm level) its colour, hatch and marker,
    /// named in the legend by `kinds`. `styles` picks the palette series of each kind
    /// (default: kind i is series i; `Palette.severities` for ordered levels).
    public func timeline(rows: [String], events: [Event], kinds: [String], styles: [Int]? = nil) -> String {
        let style = { (kind: Int) in styles.map { kind < $0.count ? $0[kind] : kind } ?? kind }
        let times = events.flatMap { [$0.start, $0.end] }
        let ticks = TimeTicks.extent(of: times)
        var svg = SVGText()
        open(&svg, defs: Palette.hatchDefinitions(series: kinds.indices.map(style), id: id))
        legend(&svg, kinds) { svg, i, x, y in
            svg.rect(x, y - 6, 16, 12, [("fill", Palette.fill(style(i), id: id)), ("stroke", Palette.colour(style(i)))])
        }
        xAxis(&svg, values: ticks.values, labels: ticks.labels, lower: ticks.lower, upper: ticks.upper)
        svg.line(left, top, left, bottom, "axis")
        let rowHeight = (bottom - top) / Double(max(rows.count, 1))
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowHeight
            svg.label(row, x: left - 6, y: y + rowHeight / 2 + 4, anchor: "end")
            svg.line(left, y + rowHeight, right, y + rowHeight, "grid")
        }
        if events.isEmpty || rows.isEmpty { noData(&svg) }
        for event in events where event.start.isFinite && event.end.isFinite && event.row < rows.count {
            let y = top + Double(event.row) * rowHeight
            let a = xPixel(event.start, ticks.lower, ticks.upper), b = xPixel(event.end, ticks.lower, ticks.upper)
            let h = min(rowHeight * 0.6, 18)
            if b - a >= 2 {
                svg.rect(a, y + (rowHeight - h) / 2, b - a, h,
                         [("fill", Palette.fill(style(event.kind), id: id)), ("stroke", Palette.colour(style(event.kind)))], title: event.note)
            } else {
                mark(&svg, series: style(event.kind), x: a, y: y + rowHeight / 2, note: event.note, size: min(h, 10))
            }
        }
        close(&svg)
        return svg.text
    }
}
