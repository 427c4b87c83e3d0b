/// Line and scatter charts over a numeric or time x axis.
extension Chart {
    public enum XScale: Sendable {
        /// Numeric x values, nice ticks.
        case linear
        /// x in UTC seconds, clock-aligned ticks.
        case time
    }

    /// Lines, one per series, each with its colour and dash; `spans` shaded behind them.
    /// A non-finite y breaks the line. `includeZero` keeps 0 on the y axis.
    public func lines(_ series: [Series], x scale: XScale, spans: [Span] = [], spanName: String = "", includeZero: Bool = false) -> String {
        plot(series, scale: scale, spans: spans, spanName: spanName, includeZero: includeZero, connect: true)
    }

    /// Points, one marker shape and colour per series.
    public func scatter(_ series: [Series], x scale: XScale = .linear, includeZero: Bool = false) -> String {
        plot(series, scale: scale, spans: [], spanName: "", includeZero: includeZero, connect: false)
    }

    private func plot(_ series: [Series], scale: XScale, spans: [Span], spanName: String, includeZero: Bool, connect: Bool) -> String {
        let finite = series.flatMap { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        let xs = finite.map(\.x) + spans.flatMap { [$0.start, $0.end] }.filter(\.isFinite)
        let yTicks = Ticks.extent(of: finite.map(\.y), includeZero: includeZero, padding: connect ? 0 : 0.04)
        var svg = SVGText()
        // Scatter markers are drawn once in <defs> and placed with <use>: a point costs its
        // position and hover text, not a path.
        open(&svg, defs: connect ? "" : series.indices.map(markerDefinition).joined())
        var names = series.map(\.name)
        if !spans.isEmpty { names.append(spanName) }
        legend(&svg, names) { svg, i, x, y in
            if i == series.count {
                svg.rect(x, y - 6, 16, 12, [("class", "span")])
            } else if connect {
                svg.element("line", [("x1", SVGText.n(x)), ("y1", SVGText.n(y)), ("x2", SVGText.n(x + 16)), ("y2", SVGText.n(y)),
                                     ("stroke", Palette.colour(i)), ("stroke-dasharray", Palette.dash(i)), ("stroke-width", "2")])
            } else {
                svg.element("use", [("href", "#\(id)-m\(i)"), ("x", SVGText.n(x + 8)), ("y", SVGText.n(y))])
            }
        }
        let lower: Double, upper: Double
        switch scale {
        case .linear:
            let ticks = Ticks.extent(of: xs, padding: connect ? 0 : 0.04)
            (lower, upper) = (ticks.lower, ticks.upper)
            xAxis(&svg, values: ticks.values, labels: ticks.labels, lower: lower, upper: upper)
        case .time:
            let ticks = TimeTicks.extent(of: xs)
            (lower, upper) = (ticks.lower, ticks.upper)
            xAxis(&svg, values: ticks.values, labels: ticks.labels, lower: lower, upper: upper)
        }
        for span in spans where span.start.isFinite && span.end.isFinite {
            let a = xPixel(max(span.start, lower), lower, upper), b = xPixel(min(span.end, upper), lower, upper)
            svg.rect(a, top, max(b - a, 1), bottom - top, [("class", "span")], title: span.note)
        }
        yAxis(&svg, yTicks)
        if finite.isEmpty { noData(&svg) }
        for (i, s) in series.enumerated() {
            if connect {
                var run: [(Double, Double)] = []
                for p in s.points + [Point(x: .nan, y: .nan)] {
                    if p.x.isFinite && p.y.isFinite {
                        run.append((xPixel(p.x, lower, upper), yPixel(p.y, yTicks)))
                    } else if !run.isEmpty {
                        if run.count == 1 { mark(&svg, series: i, x: run[0].0, y: run[0].1, note: nil, size: 4) }
                        svg.polyline(run, [("stroke", Palette.colour(i)), ("stroke-dasharray", Palette.dash(i)), ("stroke-width", "1.8")])
                        run.removeAll()
                    }
                }
            } else {
                for p in s.points where p.x.isFinite && p.y.isFinite {
                    let note = p.note ?? "\(s.name): \(NumberText.format(p.x, decimals: 2)), \(NumberText.format(p.y, decimals: 2))"
                    svg.element("use", [("href", "#\(id)-m\(i)"), ("x", SVGText.n(xPixel(p.x, lower, upper))), ("y", SVGText.n(yPixel(p.y, yTicks)))], title: note)
                }
            }
        }
        close(&svg)
        return svg.text
    }

    /// Series `series`'s marker around (0, 0), with the id `<chart id>-m<series>`.
    func markerDefinition(_ series: Int) -> String {
        let marker = Palette.marker(series)
        let colour = Palette.colour(series)
        let paint = Palette.isStroked(marker)
            ? "fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
            : "fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"0.6\""
        return "<path id=\"\(SVGText.escape(id))-m\(series)\" d=\"\(Palette.markerPath(marker, x: 0, y: 0, size: 8))\" \(paint)/>"
    }

    /// Series `series`'s marker at (x, y), with its hover text.
    func mark(_ svg: inout SVGText, series: Int, x: Double, y: Double, note: String?, size: Double = 8) {
        let marker = Palette.marker(series)
        let colour = Palette.colour(series)
        let paint: [(String, String)] = Palette.isStroked(marker)
            ? [("fill", "none"), ("stroke", colour), ("stroke-width", "2")]
            : [("fill", colour), ("stroke", "#fff"), ("stroke-width", "0.6")]
        svg.element("path", [("d", Palette.markerPath(marker, x: x, y: y, size: size))] + paint, title: note)
    }
}
