import Gateway
import Plot

/// The report as one self-contained HTML file: inline CSS and SVG, no scripts, no network,
/// no fonts to fetch. Hover values are SVG `<title>`s (the browser's own tooltip). Each
/// page is a `<section class="page">` that starts a new sheet when printed.
public enum HTMLReport {
    public static func render(_ model: ReportModel) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>candor operations report: \(e(ReportText.rangeText(model)))</title>\n"
        html += "<style>\n\(style)</style>\n</head>\n<body>\n"
        html += "<nav><a href=\"#fleet\">Fleet</a> <a href=\"#plots\">Plots</a> <a href=\"#smart\">Smart-connected</a>"
        for v in model.vehicles { html += " <a href=\"#\(anchor(v))\">\(e(v))</a>" }
        html += "</nav>\n"
        html += fleetPage(model) + plotsPage(model) + smartPage(model)
        for v in model.vehicles { html += vehiclePage(model, v) }
        html += "</body>\n</html>\n"
        return html
    }

    static func e(_ s: String) -> String { SVGText.escape(s) }
    static func anchor(_ vehicle: String) -> String {
        "v-" + String(vehicle.unicodeScalars.map { c in c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" ? Character(c) : "_" })
    }

    static func table<Row>(_ id: String, _ columns: [Column<Row>], _ rows: [Row], caption: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"nodata\" id=\"\(id)-none\">No data: \(e(caption.lowercased())) has no rows in this range.</p>\n" }
        var out = "<div class=\"scroll\"><table id=\"\(id)\"><caption>\(e(caption))</caption>\n<thead><tr>"
        for c in columns { out += "<th scope=\"col\" data-col=\"\(c.csv)\">\(e(c.label))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for c in columns {
                let cell = c.cell(row)
                out += cell.isNumeric ? "<td class=\"n\">\(e(cell.display))</td>" : "<td>\(e(cell.display))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(e(caption))</figcaption></figure>\n"
    }

    static func fleetPage(_ model: ReportModel) -> String {
        var out = "<section class=\"page\" id=\"fleet\">\n<h1>Fleet operations</h1>\n"
        out += "<p class=\"meta\">Store <code>\(e(ReportText.storeName(model)))</code>, \(e(ReportText.rangeText(model))), "
        out += "\(model.vehicles.count) vehicles, \(model.days.count) vehicle-days. Times are UTC.</p>\n"
        if model.isEmpty {
            out += "<p class=\"nodata\" id=\"no-data\">No data: the store has no operations figures, episodes or bus health in this range\(model.vehicles.isEmpty ? " (and names no vehicle)" : "").</p>\n"
        }
        out += "<h2>Fleet</h2>\n" + table("fleet-rows", ReportTables.fleet, model.fleet, caption: "Fleet rows per date and over the range")
        out += "<p class=\"note\">Online rate: vehicles that reported on the date, of the vehicles the store names. Vehicle type: the vehicle name without its number.</p>\n"
        out += "<h2>Per vehicle and day</h2>\n" + table("vehicle-days", ReportTables.days, model.days, caption: "Per vehicle and day")
        return out + "</section>\n"
    }

    static func plotsPage(_ model: ReportModel) -> String {
        var out = "<section class=\"page\" id=\"plots\">\n<h1>Plots</h1>\n"
        out += figure(ReportCharts.perVehicleDay(model, id: "km-per-day", title: "Distance per vehicle and day", what: "distance", unit: "km", decimals: 1) { $0.distanceKm },
                      caption: "Distance per vehicle and day.")
        out += figure(ReportCharts.efficiency(model, id: "eff-speed", title: "Energy per 100 km against average speed", xLabel: "average speed (km/h)") { $0.averageSpeed },
                      caption: "kWh/100 km of each vehicle-day against its average driving speed.")
        let ambient = model.days.contains { $0.ambientTemperature != nil }
        let without = model.days.filter { $0.ambientTemperature == nil && $0.kWhPer100km != nil }.count
        out += figure(ReportCharts.efficiency(model, id: "eff-temp", title: "Energy per 100 km against temperature",
                                              xLabel: ambient ? "ambient temperature (°C)" : "maximum cell temperature (°C)") {
            ambient ? $0.ambientTemperature : $0.maxCellTemperature
        }, caption: !ambient ? "kWh/100 km against the day's maximum cell temperature (no ambient temperature is mapped)."
            : "kWh/100 km against the day's mean ambient temperature (time-weighted)"
                + (without > 0 ? "; \(without) vehicle-day\(without == 1 ? "" : "s") without a mapped ambient temperature left out." : "."))
        out += figure(ReportCharts.perVehicleDay(model, id: "cell-spread", title: "Largest cell voltage spread per day", what: "cell spread", unit: "mV", decimals: 0) { $0.maxCellSpreadMV },
                      caption: "Largest max − min cell voltage seen at one time, per vehicle and day.")
        out += figure(ReportCharts.perVehicleDay(model, id: "cell-temp", title: "Maximum cell temperature per day", what: "maximum cell temperature", unit: "°C", decimals: 1) { $0.maxCellTemperature },
                      caption: "Maximum cell temperature per vehicle and day.")
        out += figure(ReportCharts.alarmTimeline(model), caption: "Alarm and fault episodes by level, and silent messages, over time.")
        out += figure(ReportCharts.busHeatmap(model, id: "bus-load", title: "Bus load per bus and hour", unit: "%", what: "Mean bus load",
                                              value: { $0.meanLoadPercent }, combine: { $0.reduce(0, +) / Double($0.count) }),
                      caption: "Mean bus load per bus and hour.")
        out += figure(ReportCharts.busHeatmap(model, id: "bus-timeouts", title: "Message timeouts per bus and hour", unit: "timeouts", what: "Message timeouts",
                                              value: { Double($0.timeouts) }, combine: { $0.reduce(0, +) }),
                      caption: "Message timeouts (a message later than its expected period allows) per bus and hour.")
        out += table("silent-episodes", ReportTables.episodes, model.silent, caption: "Silent messages")
        return out + "</section>\n"
    }

    static func smartPage(_ model: ReportModel) -> String {
        var out = "<section class=\"page\" id=\"smart\">\n<h1>Smart-connected driving</h1>\n"
        let days = model.assistanceDays
        guard !days.isEmpty else {
            out += "<p class=\"nodata\" id=\"smart-none\">No data: the store has no driver-assistance figures (ACC engaged distance and time, disengagements, AEB activations) in this range.</p>\n"
            return out + "</section>\n"
        }
        out += "<h2>Driver assistance per vehicle and day</h2>\n"
        out += table("assistance-days", ReportTables.assistanceDays, days, caption: "Driver assistance per vehicle and day")
        out += "<p class=\"note\">ACC km and h: driven with adaptive cruise control engaged. A disengagement is ACC leaving engaged for a driver takeover (brake or steering) or a system fault; per 1,000 km of ACC-engaged driving.</p>\n"
        out += "<h2>Disengagements and AEB activations</h2>\n"
        out += table("assistance-events", ReportTables.assistanceEvents, model.assistanceEvents, caption: "Disengagements and AEB activations")
        return out + "</section>\n"
    }

    static func vehiclePage(_ model: ReportModel, _ vehicle: String) -> String {
        var out = "<section class=\"page\" id=\"\(anchor(vehicle))\">\n<h1>\(e(vehicle))</h1>\n"
        let days = model.days.filter { $0.vehicle == vehicle }
        let km = days.reduce(0) { $0 + $1.distanceKm }
        out += "<p class=\"meta\">\(days.count) days in the range, \(NumberText.format(km, decimals: 1)) km; its days are rows of the <a href=\"#vehicle-days\">per vehicle and day</a> table.</p>\n"
        if model.soc.contains(where: { $0.vehicle == vehicle }) {
            out += figure(ReportCharts.soc(model, vehicle: vehicle, id: "soc-\(anchor(vehicle))"), caption: "\(vehicle): state of charge, charging shaded.")
        } else {
            out += "<p class=\"nodata\">No data: no state-of-charge windows for \(e(vehicle)) in this range.</p>\n"
        }
        let trips = model.trips.filter { $0.vehicle == vehicle }
        out += table("trips-\(anchor(vehicle))", ReportTables.trips(trips), trips, caption: "\(vehicle): trips")
        let sessions = model.charging.filter { $0.vehicle == vehicle }
        if !sessions.isEmpty {
            out += table("charging-\(anchor(vehicle))", ReportTables.charging, sessions, caption: "\(vehicle): charging sessions")
        }
        out += table("alarms-\(anchor(vehicle))", ReportTables.episodes, model.faults.filter { $0.vehicle == vehicle }, caption: "\(vehicle): alarms and faults")
        return out + "</section>\n"
    }

    static let style = """
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #111; margin: 0 1.5em 2em; }
        nav { position: sticky; top: 0; background: #fff; padding: .4em 0; border-bottom: 1px solid #ccc; }
        nav a { margin-right: .8em; }
        h1 { font-size: 1.5em; margin: 1em 0 .3em; } h2 { font-size: 1.15em; margin: 1.2em 0 .3em; }
        .meta, .note { color: #444; } .nodata { font-style: italic; color: #444; }
        .scroll { overflow-x: auto; } section.page { padding-top: 1px; }
        table { border-collapse: collapse; font-size: 12px; margin: .4em 0 1em; }
        caption { text-align: left; font-weight: 600; padding: .2em 0; }
        th, td { border: 1px solid #ccc; padding: 2px 5px; white-space: nowrap; }
        th { background: #eee; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #f7f7f7; }
        figure { margin: 1em 0 1.5em; } figcaption { font-size: 12px; color: #444; }
        svg.chart { max-width: 100%; height: auto; font: 11px system-ui, "DejaVu Sans", sans-serif; background: #fff; }
        svg .grid { stroke: #e3e3e3; } svg .axis { stroke: #333; }
        svg .tick, svg .legend { fill: #222; font-size: 11px; } svg .axis-label { fill: #111; font-size: 12px; font-weight: 600; }
        svg .nodata { fill: #666; font-size: 14px; font-style: italic; }
        svg .span { fill: #999; fill-opacity: .22; stroke: none; }
        svg .cell { stroke: #fff; stroke-width: .5; }
        @media print {
          nav { display: none; } body { margin: 0; font-size: 10px; }
          section.page { break-before: page; } section.page:first-of-type { break-before: auto; }
          table { font-size: 7px; } .scroll { overflow: visible; } figure { break-inside: avoid; }
        }

        """
}

/// Text shared by the writers.
enum ReportText {
    static func storeName(_ model: ReportModel) -> String {
        String(model.storePath.split(separator: "/").last ?? Substring(model.storePath))
    }

    static func rangeText(_ model: ReportModel) -> String {
        let dates = model.days.map(\.date).sorted()
        let from = model.from == .min ? dates.first : UTCTime(seconds: Double(model.from / 1_000_000_000)).date
        let to = model.to == .max ? dates.last : UTCTime(seconds: Double(model.to / 1_000_000_000) - 1).date
        switch (from, to) {
        case let (a?, b?) where a == b: return a
        case let (a?, b?): return "\(a) to \(b)"
        default: return "no dates"
        }
    }
}
