import Gateway
import Plot

/// The report's tables as Markdown (for mail) and as CSV (the per-vehicle/day table with the
/// smart-connected figures as its last columns, for spreadsheets: a header row with units in
/// the column names, RFC 4180 quoting).
public enum MarkdownReport {
    public static func render(_ model: ReportModel) -> String {
        var out = "# candor operations report\n\n"
        out += "Store `\(ReportText.storeName(model))`, \(ReportText.rangeText(model)), \(model.vehicles.count) vehicles, \(model.days.count) vehicle-days. Times are UTC.\n\n"
        if model.isEmpty { out += "_No data: the store has no operations figures, episodes or bus health in this range._\n\n" }
        out += "## Fleet\n\n" + table(ReportTables.fleet, model.fleet)
        out += "## Per vehicle and day\n\n" + table(ReportTables.days, model.days)
        out += "## Alarms and faults\n\n" + table(ReportTables.episodes, model.faults)
        out += "## Silent messages\n\n" + table(ReportTables.episodes, model.silent)
        if model.assistanceDays.isEmpty {
            out += "## Smart-connected driving\n\n_No data: the store has no driver-assistance figures in this range._\n\n"
        } else {
            out += "## Smart-connected driving\n\n" + table(ReportTables.assistanceDays, model.assistanceDays)
            out += "## Disengagements and AEB activations\n\n" + table(ReportTables.assistanceEvents, model.assistanceEvents)
        }
        for vehicle in model.vehicles {
            let trips = model.trips.filter { $0.vehicle == vehicle }
            out += "## \(vehicle): trips\n\n" + table(ReportTables.trips(trips), trips)
            let sessions = model.charging.filter { $0.vehicle == vehicle }
            if !sessions.isEmpty { out += "## \(vehicle): charging sessions\n\n" + table(ReportTables.charging, sessions) }
        }
        return out
    }

    static func table<Row>(_ columns: [Column<Row>], _ rows: [Row]) -> String {
        guard !rows.isEmpty else { return "_No data._\n\n" }
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + columns.map { escape($0.label) }.joined(separator: " | ") + " |\n"
        out += "|" + columns.map { _ in " --- |" }.joined() + "\n"
        for row in rows {
            out += "| " + columns.map { escape($0.cell(row).display) }.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }
}

public enum CSVReport {
    public static func render(_ model: ReportModel) -> String {
        // The smart-connected figures last, empty for a vehicle without driver assistance.
        let columns = ReportTables.days + ReportTables.assistanceFigures
        var out = columns.map(\.csv).joined(separator: ",") + "\r\n"
        for day in model.days {
            out += columns.map { quote($0.cell(day).csv) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
