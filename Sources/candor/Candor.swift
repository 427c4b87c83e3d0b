import ArgumentParser

@main
struct Candor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "CAN-bus telemetry gateway: decode, aggregate, store, record and replay.",
        subcommands: [LiveProbeCommand.self]
    )
}
