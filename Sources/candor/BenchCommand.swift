import ArgumentParser
import CANBenchmark
#if canImport(Glibc)
import Glibc
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure this machine: DBC load, decode, the output formats, the replay pipeline, peak memory.",
        discussion: """
            Generates a passenger-car-sized DBC (44 messages, 363 signals, 4 of them CAN FD) and \
            candump logs of N/4 and N frames with random payloads (fixed seed), then reports medians \
            over the repetitions, timed in CPU time of the measuring thread (so other load on the \
            machine matters less). Each user-facing stage is reported on its own, run by the code the \
            command runs (`candor decode`'s decode-only pipeline): parse only, decode (--summary), \
            canonical JSONL, text, the tail line; then `candor replay` with --dbc (its pipeline: \
            decode, aggregate) without a sink and into SQLite, JSON lines and line protocol, each \
            with its share of the replay without a sink.

            A second workload shaped like a real car: --dbc FILE (every message at its \
            GenMsgCycleTime, else at a seeded rate of 10 ms to 1 s). With the test venv \
            (--venv, default $CANDOR_VENV) and no --dbc, opendbc's toyota_nodsu_pt_generated.dbc \
            is made by opendbc's generator and used; and the cantools loop (split, bytes.fromhex, \
            decode) runs on the same files in the same run, each stage printed with its ratio.

            Build with `-c release` for meaningful numbers. The files stay in --directory.

            Examples:
              swift run -c release candor bench
              CANDOR_VENV=.venv .build/release/candor bench --directory /tmp/cb
              candor bench --frames 4000000 --repetitions 5 --dbc vehicle.dbc --directory /var/tmp/candor-bench
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

    @Option(help: ArgumentHelp("A real DBC for the second workload.", valueName: "file"))
    var dbc: String?

    @Option(help: ArgumentHelp("The Python venv with cantools (and opendbc); default $CANDOR_VENV.", valueName: "dir"))
    var venv: String?

    @Option(help: "Capture lines the cantools loop decodes (it is slow).")
    var cantoolsLines = 200_000

    func validate() throws {
        guard frames >= 1000 else { throw ValidationError("--frames must be at least 1000") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard cantoolsLines >= 1000 else { throw ValidationError("--cantools-lines must be at least 1000") }
    }

    func run() throws {
        do { try BenchRunner.makeDirectory(directory) } catch { throw CommandFailure.runtime("bench: \(directory): \(error)") }
        var runner = BenchRunner(
            frames: frames, repetitions: repetitions, directory: directory, seed: seed,
            progress: { Terminal.printError("bench: " + $0) })
        let venvPath = venv ?? getenv("CANDOR_VENV").map { String(cString: $0) }
        runner.peer = venvPath.flatMap(PythonPeer.venv)
        runner.peerLines = cantoolsLines
        do { try runner.addSecondWorkload(dbc: dbc, seed: seed) } catch { throw CommandFailure.input("bench: \(error)") }
        Terminal.printError("bench: seed \(seed), \(frames) frames, \(repetitions) repetitions, files in \(directory)"
            + (runner.peer.map { ", cantools via \($0.python)" } ?? ", no Python peer (set CANDOR_VENV or --venv)"))
        let results: [BenchResult]
        do {
            results = try runner.run()
        } catch {
            throw CommandFailure.runtime("bench failed: \(error)")
        }
        let out = OutputBuffer()
        out.write(BenchResult.table(results))
        out.flush()
    }
}
