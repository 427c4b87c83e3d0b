import Testing
@testable import Plot

@Suite struct ChartTests {
    func chart(_ id: String) -> Chart {
        Chart(id: id, title: "Title <\(id)>", description: "What it shows & why", xLabel: "time (UTC)", yLabel: "SOC (%)")
    }

    var all: [String] {
        let t0 = 1_767_225_600.0
        let line = Chart.Series(name: "van01", points: (0..<50).map { Chart.Point(x: t0 + Double($0) * 60, y: 80 - Double($0) * 0.3) })
        let broken = Chart.Series(name: "bus01", points: [Chart.Point(x: t0, y: 50), Chart.Point(x: t0 + 60, y: .nan), Chart.Point(x: t0 + 120, y: 52)])
        return [
            chart("a").lines([line, broken], x: .time, spans: [Chart.Span(start: t0 + 600, end: t0 + 900, note: "charging")], spanName: "charging"),
            chart("b").scatter([Chart.Series(name: "fleet", points: [Chart.Point(x: 20, y: 18), Chart.Point(x: 35, y: 15.5)])]),
            chart("c").bars(categories: ["01-01", "01-02"], series: [.init(name: "van01", values: [12, nil]), .init(name: "bus01", values: [40, 38])], unit: "km"),
            chart("d").heatmap(rows: ["van01 can0", "bus01 can1"], columns: (0..<24).map { "\($0)" }, values: [[1, 2, nil], [30, 40, 50]], unit: "%"),
            chart("e").timeline(rows: ["van01"], events: [Chart.Event(row: 0, start: t0, end: t0 + 15, kind: 2, note: "L3 over_temperature"),
                                                       Chart.Event(row: 0, start: t0 + 40, end: t0 + 40, kind: 0, note: "L1")], kinds: ["level 1", "level 2", "level 3"]),
        ]
    }

    @Test func everyChartHasTitleDescriptionAndNoNonFiniteNumbers() {
        for svg in all {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.contains("<title id=") && svg.contains("<desc id="))
            #expect(svg.contains("Title &lt;"))
            #expect(svg.contains("What it shows &amp; why"))
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"), "\(svg.prefix(200))")
            #expect(svg.hasSuffix("</svg>"))
        }
    }

    @Test func emptyChartsSayNoDataWithFiniteAxes() {
        let empty = [
            chart("x").lines([], x: .time),
            chart("y").scatter([Chart.Series(name: "s", points: [Chart.Point(x: .nan, y: 1)])]),
            chart("z").bars(categories: [], series: [], unit: "km"),
            chart("w").heatmap(rows: [], columns: [], values: [], unit: "%"),
            chart("v").timeline(rows: [], events: [], kinds: []),
        ]
        for svg in empty {
            #expect(svg.contains(">no data<"))
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        }
    }

    @Test func outputIsDeterministic() {
        #expect(all == all)
        #expect(all.joined().utf8.count > 1000)
    }

    @Test func seriesAreToldApartWithoutColour() {
        // Each of the first eight series has a distinct dash, marker and (bars) fill pattern.
        #expect(Set((0..<8).map(Palette.dash)).count == 8)
        #expect(Set((0..<8).map(Palette.marker)).count == 8)
        #expect(Set((0..<6).map { Palette.fill($0, id: "c") }).count == 6)
        #expect(Palette.sequential(0) == "#fde725" && Palette.sequential(1) == "#440154")
    }
}
