/// Something wrong in `candor.yaml`: where (file, line, column, key path) and what.
///
///     candor.yaml:14:17: vehicles.van01.signals.soc.signal: expected a signal of BMS_Pack on can0, found "SoC"
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the position is not known.
    public var line: Int
    public var column: Int
    /// Dotted key path from the document root, e.g. `vehicles.van01.buses.can0.bitrate`;
    /// empty for the whole document.
    public var keyPath: String
    /// What is wrong, e.g. `expected an integer bit rate, found "fast"`.
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let position = line > 0 ? "\(file):\(line):\(column)" : file
        return keyPath.isEmpty ? "\(position): \(message)" : "\(position): \(keyPath): \(message)"
    }
}
