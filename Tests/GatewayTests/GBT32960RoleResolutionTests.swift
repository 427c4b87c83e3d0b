import Foundation
import Testing
import TestSupport
@testable import Gateway

/// Every role the GB/T 32960 terminal reads resolves in the DBC when the config loads — not
/// only the roles telemetry aggregates: a misspelled bus, message or signal of any of them is a
/// config error naming the key path, the file and the line, never a field sent as invalid.
/// The fuel-cell truck's fixture maps all twenty-six terminal-only single-signal roles.
@Suite struct GBT32960RoleResolutionTests {
    static let fixture = PythonOracle.repositoryRoot.appendingPathComponent("Fixtures/captures/fleet/fcev-urban").path
    /// The roles only the terminal reads (telemetry's twelve were resolved before).
    static let terminalRoles = ["odometer", "gear", "motor_state", "motor_speed", "motor_torque", "motor_dc_voltage", "motor_dc_current",
                                "fuel_cell_voltage", "fuel_cell_current", "hydrogen_pressure", "hydrogen_temperature",
                                "hydrogen_consumption", "hydrogen_concentration", "dcdc_state", "insulation_resistance",
                                "accelerator_pedal", "brake_pedal", "hydrogen_remaining", "hv_dcdc_temperature",
                                "fuel_cell_hydrogen_inlet_pressure", "fuel_cell_air_inlet_pressure", "fuel_cell_air_inlet_temperature",
                                "hv_dcdc_state", "hydrogen_max_temperature_probe", "hydrogen_max_concentration_sensor",
                                "hydrogen_max_pressure_sensor"]

    enum Kind: String, CaseIterable { case bus, message, signal }

    /// The truck's config with one role's `kind` misspelled, loaded from a directory with its DBC.
    static func load(breaking role: String, _ kind: Kind, in directory: String) throws -> (error: ConfigError?, line: Int, found: String) {
        let text = String(decoding: try TestFile.read(fixture + "/candor.yaml"), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("      \(role): {") }, "no \(role) in the fixture")
        let pattern = try Regex("\(kind.rawValue): ([A-Za-z0-9_]+)")
        let match = try #require(lines[index].firstMatch(of: pattern), "\(lines[index])")
        let found = String(match.output[1].substring!) + "X"
        lines[index].replaceSubrange(match.range, with: "\(kind.rawValue): \(found)")
        try TestFile.write(lines.joined(separator: "\n"), to: directory + "/candor.yaml")
        do {
            _ = try GatewaySetup.load(configFile: directory + "/candor.yaml", environment: [:])
            return (nil, index + 1, found)
        } catch {
            return (error, index + 1, found)
        }
    }

    @Test(arguments: Kind.allCases)
    func aMisspelledTerminalRoleIsAConfigErrorAtItsLine(kind: Kind) throws {
        let directory = try TemporaryDirectory.make("gbt-roles-\(kind)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestFile.write(try TestFile.read(Self.fixture + "/fcev.dbc"), to: directory + "/fcev.dbc")
        let setup = try GatewaySetup.load(configFile: Self.fixture + "/candor.yaml", environment: [:])
        let keys = setup.layout.configuration.vehicles[0].rules.signals.keyedReferences.map(\.key)
        #expect(Self.terminalRoles.allSatisfy(keys.contains), "the fixture maps every terminal role: \(keys)")
        for role in Self.terminalRoles {
            let (error, line, found) = try Self.load(breaking: role, kind, in: directory)
            let expected = switch kind {
            case .bus: "expected a bus of vehicle fcev01"
            case .message: "expected a message of the DBC on can0"
            case .signal: "expected a signal of"
            }
            #expect(error?.file == directory + "/candor.yaml" && error?.line == line, "\(role).\(kind): \(String(describing: error))")
            #expect(error?.keyPath == "vehicles.fcev01.signals.\(role).\(kind)", "\(String(describing: error))")
            #expect(error?.message.hasPrefix(expected) == true && error?.message.hasSuffix("found \"\(found)\"") == true,
                    "\(role).\(kind): \(String(describing: error))")
        }
    }
}
