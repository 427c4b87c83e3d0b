import Foundation

/// The built `candor` the end-to-end tests run: `$CANDOR_BIN` when set, else the `candor` next
/// to the test bundle (SwiftPM builds both into the same `.build/<configuration>` folder; on
/// Linux `arguments[0]` is `<build>/candorPackageTests.xctest`, inside a bundle walk up).
public enum CandorBinary {
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["CANDOR_BIN"], !path.isEmpty { return path }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("candor").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("candor").path
    }
}
