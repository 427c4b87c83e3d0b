extension ConfigNode {
    /// A prefix for files in one directory (`recorder.prefix`, `decoded_log.prefix`): a plain
    /// name, so that no file is written, or deleted by retention, outside that directory.
    func fileNamePrefix() throws(ConfigError) -> String {
        let prefix = try string()
        if let problem = RecordingFileName.problem(withPrefix: prefix) { throw error(problem) }
        return prefix
    }
}
