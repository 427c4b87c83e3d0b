import ArgumentParser
import CANBenchmark
#if canImport(Glibc)
import Glibc
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure this machine: DBC load, decode-only and end-to-end throughput, peak memory.",
        discussion: """
            Generates a passenger-car-sized DBC (44 messages, 363 signals, 4 of them CAN FD) and \
            candump logs of N/4 and N frames with random payloads (fixed seed), then reports medians \
            over the repetitions, timed in CPU time of the measuring thread (so other load on the \
            machine matters less). Build with `-c release` for meaningful numbers. The files stay in \
            --directory so that other tools (e.g. cantools) can be measured on the same workload.

            Examples:
              swift run -c release candor bench
              candor bench --frames 4000000 --repetitions 5 --directory /var/tmp/candor-bench
            """
    )

    @Option(help: "Frames in the large capture (the small one has a quarter).")
    var frames = 1_000_000

    @Option(help: "Repetitions of each measurement (the median is reported).")
    var repetitions = 3

    @Option(help: "Where to write the generated DBC and captures.")
    var directory = "/tmp/candor-bench"

    @Option(help: "Seed of the generated workload.")
    var seed: UInt64 = 42

    func validate() throws {
        guard frames >= 1000 else { throw ValidationError("--frames must be at least 1000") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        mkdir(directory, 0o755)
        let runner = BenchRunner(
            frames: frames, repetitions: repetitions, directory: directory, seed: seed,
            progress: { Terminal.printError("bench: " + $0) })
        Terminal.printError("bench: seed \(seed), \(frames) frames, \(repetitions) repetitions, files in \(directory)")
        let results: [BenchResult]
        do {
            results = try runner.run()
        } catch {
            throw CommandFailure.runtime("bench failed: \(error)")
        }
        let out = OutputBuffer()
        let width = results.map(\.name.count).max() ?? 0
        for result in results {
            let value = result.value >= 100 ? String(Int(result.value.rounded())) : String(Double(Int(result.value * 100)) / 100)
            out.write(result.name.padding(width) + "  " + value + " " + result.unit + "\n")
        }
        out.flush()
    }
}
