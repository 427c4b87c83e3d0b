import ArgumentParser
import Gateway
import Report

/// `candor report`: the operations report (Report) of a store, as HTML, Markdown or CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the operations report of a store: the fleet's days in tables and charts.",
        discussion: """
            Reads a candor store (written by `candor run`, `candor replay --sqlite` or a fleet \
            collector) and writes the per-vehicle/day table, fleet rows (online rate, total km, \
            kWh/100 km by vehicle type, alarms per 10,000 km), charts (distance, energy against \
            speed and temperature, state of charge with charging shaded, cell spread and \
            temperature, the alarm timeline, bus load and timeouts per hour), a smart-connected \
            page and a page per vehicle with its trips.

            The format follows the output's extension: .html (one self-contained page: inline \
            SVG and CSS, no scripts, no network), .md (Markdown, for mail), .csv (the \
            per-vehicle/day table with units in the column names); `-` writes Markdown to stdout. \
            Dates are UTC; --to includes the whole day it names. Figures the store does not have \
            are shown as – and empty sections say "no data".

            Exit status: 0 written, 1 runtime failure, 2 bad options, a file that is not a candor \
            store, or a store of a newer schema.

            Examples:
              candor replay --config bundle/candor.yaml bundle/capture.log.gz --sqlite fleet.db
              candor report --store fleet.db --output report.html
              candor report --store fleet.db --from 2026-01-01 --to 2026-01-07 --vehicle van01 --vehicle bus01 --output week.md
              candor report --store fleet.db --output days.csv
              candor report --store fleet.db --output -
            """
    )

    @Option(help: "The candor store (SQLite) to read.")
    var store: String

    @Option(help: "First UTC date or time to include (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]).")
    var from: String?

    @Option(help: "Last UTC date to include (the whole day), or a time to stop before.")
    var to: String?

    @Option(name: .customLong("vehicle"), help: "Only this vehicle (repeatable; default: all).")
    var vehicles: [String] = []

    @Option(help: "Output file: .html, .md or .csv; `-` for Markdown on stdout.")
    var output: String

    func validate() throws {
        guard ReportFormat.of(path: output) != nil else {
            throw ValidationError("--output \(output): use a .html, .md or .csv file, or - for stdout")
        }
    }

    func run() throws {
        var filter = StoreReader.Filter(vehicles: vehicles)
        do {
            if let from { filter.from = try ReportDates.parse(from) }
            if let to { filter.to = try ReportDates.parse(to, endOfDay: true) }
        } catch {
            throw CommandFailure.input(error.message)
        }
        if filter.from >= filter.to { throw CommandFailure.input("--from \(from ?? "") is not before --to \(to ?? "")") }
        let reader: StoreReader
        do {
            reader = try StoreReader(path: store)
        } catch {
            throw CommandFailure(message: error.description, status: error.kind == .sqlite ? 1 : 2)
        }
        defer { reader.close() }
        let showProgress = Terminal.stderrIsTerminal
        let model: ReportModel
        do {
            model = try ReportBuilder.build(reader, filter) { phase in
                if showProgress { Terminal.printProgress("candor: report: reading \(phase)") }
            }
        } catch {
            throw CommandFailure.runtime(error.description)
        }
        if showProgress { Terminal.printProgress("candor: report: writing") }
        let text = ReportFormat.of(path: output)!.render(model)
        if showProgress { Terminal.printProgress("") }
        if output == "-" {
            let out = OutputBuffer()
            out.write(text)
            out.flush()
            return
        }
        do {
            try ReportFile.write(text, to: output)
        } catch {
            throw CommandFailure.runtime(error.message)
        }
    }
}
