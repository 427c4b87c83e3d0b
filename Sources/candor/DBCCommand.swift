import ArgumentParser
import CANDatabase

struct DBCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbc",
        abstract: "Check or show a DBC file.",
        subcommands: [Check.self, Show.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every diagnostic as file:line:col: severity: message.",
            discussion: """
                Exit status 0 when the file has no errors (warnings and notes allowed), 2 when it has
                errors or cannot be read.

                Examples:
                  candor dbc check vehicle.dbc
                  candor dbc check --warnings-as-errors Fixtures/dbc/fleet/*.dbc
                """
        )

        @Flag(help: "Exit 2 on warnings too.")
        var warningsAsErrors = false

        @Argument(help: "DBC files to check.")
        var files: [String]

        func run() throws {
            var failed = false
            let out = OutputBuffer()
            for path in files {
                let result: DBCLoadResult
                do {
                    result = try DBCFile.load(path: path)
                } catch {
                    out.flush()
                    Terminal.printError("candor: \(error.description)")
                    failed = true
                    continue
                }
                for diagnostic in result.diagnostics.sorted(by: { $0.location < $1.location }) {
                    out.write(diagnostic.description + "\n")
                }
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                let warnings = result.diagnostics.filter { $0.severity == .warning }.count
                let db = result.database
                let signals = db.messages.reduce(0) { $0 + $1.signals.count }
                out.write("\(path): \(db.messages.count) messages, \(signals) signals; \(errors) error(s), \(warnings) warning(s)\n")
                if errors > 0 || (warningsAsErrors && warnings > 0) { failed = true }
            }
            out.flush()
            if failed { throw ExitCode(2) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a readable dump of a DBC's messages and signals.",
            discussion: """
                Examples:
                  candor dbc show vehicle.dbc
                  candor dbc show vehicle.dbc | grep -A20 BMS_
                """
        )

        @Argument(help: "The DBC file.")
        var file: String

        func run() throws {
            let database = try DatabaseLoading.load(path: file)
            let out = OutputBuffer()
            out.write(DatabaseDescription.render(database))
            out.flush()
        }
    }
}
