import Gateway
import Plot

/// The report's charts, built from the model. Each returns the SVG text (with its title
/// and description) and is "no data" when its figures are empty.
enum ReportCharts {
    /// Per vehicle and date: grouped bars for a few vehicles, a vehicle × date heatmap for more.
    static func perVehicleDay(_ model: ReportModel, id: String, title: String, what: String, unit: String, decimals: Int,
                              value: (VehicleDay) -> Double?) -> String {
        let dates = Array(Set(model.days.map(\.date))).sorted()
        let vehicles = model.vehicles.filter { v in model.days.contains { $0.vehicle == v } }
        var table: [String: [String: Double]] = [:]
        for day in model.days { if let v = value(day), v.isFinite { table[day.vehicle, default: [:]][day.date] = v } }
        let description = "\(what) for \(vehicles.count) vehicles over \(dates.count) days, in \(unit)."
        if vehicles.count <= 6 {
            let chart = Chart(id: id, title: title, description: description, xLabel: "date", yLabel: "\(what) (\(unit))")
            let series = vehicles.map { v in Chart.BarSeries(name: v, values: dates.map { table[v]?[$0] }) }
            return chart.bars(categories: dates.map { String($0.dropFirst(5)) }, series: series, unit: unit)
        }
        var chart = Chart(id: id, title: title, description: description, xLabel: "date", yLabel: "vehicle")
        chart.leftMargin = leftMargin(vehicles)
        chart.height = 80 + Double(vehicles.count) * 14
        return chart.heatmap(rows: vehicles, columns: dates.map { String($0.dropFirst(5)) },
                             values: vehicles.map { v in dates.map { table[v]?[$0] } }, unit: unit, decimals: decimals)
    }

    static func leftMargin(_ names: [String]) -> Double { max(64, 12 + Double(names.map(\.count).max() ?? 0) * 6.6) }

    /// kWh/100 km of each vehicle-day against `x`, one series per vehicle type.
    static func efficiency(_ model: ReportModel, id: String, title: String, xLabel: String, x: (VehicleDay) -> Double?) -> String {
        let types = Array(Set(model.days.map { vehicleType($0.vehicle) })).sorted()
        let series = types.map { type in
            Chart.Series(name: type, points: model.days.filter { vehicleType($0.vehicle) == type }.compactMap { day in
                guard let a = x(day), let b = day.kWhPer100km else { return nil }
                return Chart.Point(x: a, y: b, note: "\(day.vehicle) \(day.date): \(NumberText.format(b, decimals: 1)) kWh/100 km at \(NumberText.format(a, decimals: 1))")
            })
        }
        let count = series.reduce(0) { $0 + $1.points.count }
        let chart = Chart(id: id, title: title, description: "Energy per 100 km of \(count) vehicle-days against \(xLabel), one marker shape per vehicle type.",
                          xLabel: xLabel, yLabel: "kWh/100 km")
        return chart.scatter(series)
    }

    /// Alarm and fault episodes (by level) and silent messages, one row per vehicle.
    static func alarmTimeline(_ model: ReportModel) -> String {
        let episodes = model.faults + model.silent
        let rows = model.vehicles.filter { v in episodes.contains { $0.vehicle == v } }
        let index = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let events = episodes.compactMap { e -> Chart.Event? in
            guard let row = index[e.vehicle] else { return nil }
            let kind = e.kind == "silent" ? 3 : min(max(e.level, 1), 3) - 1
            let what = e.kind == "silent" ? "silent \(e.target)" : "level \(e.level) \(e.kind)\(e.target.isEmpty ? "" : " (\(e.target))")"
            let note = "\(e.vehicle) \(ReportTables.dateTime(e.start)): \(what), \(NumberText.format(Double(e.end - e.start) / 1e9, decimals: 1)) s"
            return Chart.Event(row: row, start: Double(e.start) / 1e9, end: Double(e.end) / 1e9, kind: kind, note: note)
        }
        var chart = Chart(id: "alarm-timeline", title: "Alarms and faults by level",
                          description: "\(model.faults.count) alarm and fault episodes (GB/T 32960 levels 1–3) and \(model.silent.count) silent-message episodes of \(rows.count) vehicles over time (UTC).",
                          xLabel: "time (UTC)", yLabel: "vehicle")
        chart.leftMargin = leftMargin(rows)
        chart.height = 90 + Double(max(rows.count, 1)) * 22
        return chart.timeline(rows: rows, events: events, kinds: ["level 1", "level 2", "level 3", "silent message"], styles: Palette.severities)
    }

    /// Bus health per "vehicle bus" row and hour: one hour per column for up to two days,
    /// hour of day (averaged over the days) beyond.
    static func busHeatmap(_ model: ReportModel, id: String, title: String, unit: String, what: String,
                           value: (StoreReader.BusHour) -> Double?, combine: ([Double]) -> Double) -> String {
        let hours = model.busHours
        let rows = Array(Set(hours.map { "\($0.vehicle) \($0.bus)" })).sorted()
        let first = hours.map(\.hour).min() ?? 0, last = hours.map(\.hour).max() ?? 0
        let byHourOfDay = last - first >= 2 * 86_400
        let columns: [Int64] = byHourOfDay ? Array(0..<24) : Array(stride(from: first, through: last, by: 3600))
        let labels = columns.map { c -> String in
            byHourOfDay ? (c < 10 ? "0\(c)" : "\(c)") : UTCTime(seconds: Double(c)).hourMinute
        }
        var cells: [String: [Int64: [Double]]] = [:]
        for h in hours {
            guard let v = value(h), v.isFinite else { continue }
            let key = byHourOfDay ? ((h.hour % 86_400) + 86_400) % 86_400 / 3600 : h.hour
            cells["\(h.vehicle) \(h.bus)", default: [:]][key, default: []].append(v)
        }
        let values = rows.map { r in columns.map { c in cells[r]?[c].map(combine) } }
        let per = byHourOfDay ? "hour of day (UTC), over \((last - first) / 86_400 + 1) days" : "hour (UTC)"
        var chart = Chart(id: id, title: title, description: "\(what) per bus and \(per), in \(unit).", xLabel: per, yLabel: "bus")
        chart.leftMargin = leftMargin(rows)
        chart.height = 80 + Double(max(rows.count, 1)) * 18
        return chart.heatmap(rows: rows, columns: labels, values: values, unit: unit)
    }

    /// A vehicle's SOC over the range (window means, thinned to at most 720 points), with
    /// charging spans shaded.
    static func soc(_ model: ReportModel, vehicle: String, id: String) -> String {
        let points = model.soc.filter { $0.vehicle == vehicle }
        let stride = max(1, (points.count + 719) / 720)
        var thinned: [Chart.Point] = []
        var previous: Int64?
        var i = 0
        while i < points.count {
            let group = points[i..<min(i + stride, points.count)]
            let mean = group.reduce(0) { $0 + $1.mean } / Double(group.count)
            let t = group.first!.time
            // A gap of more than 10 minutes (vehicle off) breaks the line.
            if let p = previous, t - p > 600_000_000_000 * Int64(stride) { thinned.append(Chart.Point(x: .nan, y: .nan)) }
            thinned.append(Chart.Point(x: Double(t) / 1e9, y: mean))
            previous = t
            i += stride
        }
        let spans = chargingSpans(model, vehicle: vehicle)
        let chart = Chart(id: id, title: "\(vehicle): state of charge",
                          description: "State of charge of \(vehicle) over time (UTC), \(points.count) window means\(stride > 1 ? " averaged \(stride) at a time" : ""); charging sessions shaded (\(spans.count)).",
                          xLabel: "time (UTC)", yLabel: "SOC (%)")
        return chart.lines([Chart.Series(name: "SOC", points: thinned)], x: .time, spans: spans, spanName: "charging", includeZero: true)
    }

    static func chargingSpans(_ model: ReportModel, vehicle: String) -> [Chart.Span] {
        model.charging.filter { $0.vehicle == vehicle }.map {
            Chart.Span(start: Double($0.start) / 1e9, end: Double($0.end) / 1e9,
                       note: "charging \(ReportTables.dateTime($0.start)), \(NumberText.format($0.energyKWh, decimals: 2)) kWh")
        }
    }
}
