/// `candor run`'s files checked against what it reads, each time a config is loaded (at start
/// and on every reload): a SQLite, JSONL or line-protocol sink, or the decoded-frame log's
/// current file, that is the config or one of its DBCs (or another of these outputs); and a
/// config or DBC kept among the recordings or the rotated decoded-frame logs under a name
/// retention would take for its own (`<prefix>-<start>-<sequence>.log`) and delete. Refused
/// as a config error at the output's key, naming both files.
extension GatewayConfig {
    public func checkRunOutputs(inputs: [String]) throws(ConfigError) {
        var outputs: [(keyPath: String, file: OutputFile)] = []
        if let path = sinks.sqlitePath { outputs.append(("sinks.sqlite.path", .sqlite(path))) }
        if let path = sinks.jsonlPath { outputs.append(("sinks.jsonl.path", OutputFile(path))) }
        if let path = sinks.lineProtocolPath { outputs.append(("sinks.line_protocol.path", OutputFile(path))) }
        if let log = decodedLog { outputs.append(("decoded_log.directory", OutputFile(log.currentPath))) }
        for (index, output) in outputs.enumerated() {
            // Against the inputs and the outputs before it: the error sits at this output's key.
            do {
                try OutputConflicts.check(inputs: inputs, outputs: outputs[..<index].map(\.file) + [output.file])
            } catch {
                throw positions.error(file: file, keyPath: output.keyPath, message: error.description)
            }
        }
        var rotating: [(keyPath: String, directory: String, prefix: String, fileExtension: String, what: String)] = []
        if let recorder { rotating.append(("recorder.prefix", recorder.rotation.directory, recorder.rotation.prefix, "log", "recordings")) }
        if let log = decodedLog { rotating.append(("decoded_log.prefix", log.rotation.directory, log.rotation.prefix, "jsonl", "rotated decoded-frame logs")) }
        for files in rotating {
            let directory = OutputConflicts.identity(of: files.directory + "/")
            for input in inputs {
                let slash = input.lastIndex(of: "/")
                let name = slash.map { String(input[input.index(after: $0)...]) } ?? input
                guard RecordingFileName(parsing: name, prefix: files.prefix, fileExtension: files.fileExtension) != nil,
                      OutputConflicts.identity(of: slash.map { String(input[...$0]) } ?? "./") == directory
                else { continue }
                throw positions.error(file: file, keyPath: files.keyPath, message:
                    "the input \(input) is named like one of the \(files.what) in \(files.directory) (\(files.prefix)-<start>-<sequence>.\(files.fileExtension)); retention would delete it")
            }
        }
    }
}
