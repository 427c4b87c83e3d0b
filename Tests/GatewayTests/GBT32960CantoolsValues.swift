import Foundation
@testable import GBT32960
import Testing
import TestSupport

/// GBT32960ServiceTests' oracle: the values a report should carry, from cantools' decode of the
/// capture (a separate process), and the comparison of a report with them.
extension GBT32960ServiceTests {
    /// One value a report carries and the cantools signal it comes from: the field (its table's
    /// coding), the raw value on the wire, `factor` from the DBC's unit to the field's (%vol →
    /// ppm: 10,000) and the tolerance (half a wire step).
    struct Carried {
        let field: FieldSpec
        let raw: UInt32
        let signal: String
        let factor: Double
        let tolerance: Double

        init(_ field: FieldSpec, _ raw: some BinaryInteger, _ signal: String, factor: Double = 1, tolerance: Double) {
            self.field = field
            self.raw = UInt32(raw)
            self.signal = signal
            self.factor = factor
            self.tolerance = tolerance
        }
    }

    /// The report `entry`: each of `values`, its gear byte and its motor state against cantools'
    /// values at its time (from `cantoolsValues`); a signal the capture has not carried yet is
    /// skipped. How many were compared, and the decoded values by signal.
    func expectCantoolsValues(of entry: GBT32960PlatformProcess.Entry, _ expected: [String: [String: Double]],
                              vehicle v: VehicleData, motor: DriveMotor, _ values: [Carried]) throws -> (count: Int, decoded: [String: Double]) {
        let want = try #require(expected[String(entry.time!)], "no cantools values at \(entry.time!)")
        var count = 0, decoded: [String: Double] = [:]
        for value in values {
            guard let wanted = want[value.signal].map({ $0 * value.factor }) else { continue }
            let got = value.field.reading(value.raw).value
            #expect(got != nil && abs(got! - wanted) <= value.tolerance + 1e-9,
                    "\(value.field.name) at \(entry.time!): \(String(describing: got)) vs cantools \(wanted)")
            decoded[value.signal] = got
            count += 1
        }
        for (raw, key) in [(v.gear, "gear_byte"), (motor.state, "motor_state"), (v.dcdcState, "dcdc_state"), (v.runningMode, "running_mode")] {
            guard let wanted = want[key] else { continue }
            #expect(Double(raw) == wanted, "\(key) at \(entry.time!): \(raw) vs cantools \(wanted)")
            count += 1
        }
        return (count, decoded)
    }

    /// cantools' decode of the bundle's capture, every bus with its DBC (by interface; J1939
    /// frames by their exact identifier): at each instant (Unix seconds), the last value of each
    /// of `signals` in a frame before it — for a multiplexed signal, the last frame of its group
    /// — and `gear_byte` / `motor_state` / `dcdc_state` / `running_mode` (the GB/T codes of
    /// VCU_Gear's, MCU_State's, DCDC_State's and FCU_State's value names; a derated DC-DC is
    /// working; the stack `Running` is hybrid, any other state electric) where the capture
    /// carries those.
    func cantoolsValues(at instants: [Int64], bundle: SimulatedBundle, python: String, signals: [String]) throws -> [String: [String: Double]] {
        let script = """
            import cantools, json, sys
            dbs = {bus: cantools.database.load_file(path) for bus, path in json.loads(sys.argv[1]).items()}
            wanted = set(json.loads(sys.argv[3]))
            gears = {"N": 0, "R": 13, "D": 14, "P": 15}
            states = {"Motoring": 1, "Generating": 2, "Off": 3, "Standby": 4, "Fault": 0xFE}
            dcdc = {"On": 1, "Derated": 1, "Off": 2, "Fault": 0xFE}
            coded_names = {"VCU_Gear", "MCU_State", "DCDC_State", "FCU_State"}
            def coded(values):
                out = dict(values)
                torque, pressure = values.get("MCU_MotorTorque", 0), values.get("EHB_BrakePressure", 0)
                if "VCU_Gear" in values:
                    out["gear_byte"] = float(gears[values["VCU_Gear"]] | (0x20 if torque > 0 else 0)
                                             | (0x10 if pressure > 0 or torque < 0 else 0))
                if "MCU_State" in values:
                    out["motor_state"] = float(states[values["MCU_State"]])
                if "DCDC_State" in values:
                    out["dcdc_state"] = float(dcdc[values["DCDC_State"]])
                if "FCU_State" in values:
                    out["running_mode"] = 2.0 if values["FCU_State"] == "Running" else 1.0
                return {k: v for k, v in out.items() if isinstance(v, float)}
            instants = sorted(json.loads(sys.stdin.read()))
            last, out, i, carries = {}, {}, 0, {}
            for line in open(sys.argv[2]):
                stamp, bus, frame = line.split()
                sec, frac = stamp.strip("()").split(".")
                micros = int(sec) * 1000000 + int(frac.ljust(6, "0"))
                while i < len(instants) and instants[i] * 1000000 <= micros:
                    out[str(instants[i])] = coded(last); i += 1
                if bus not in dbs or "##" in frame or "#R" in frame:
                    continue
                ident, data = frame.split("#")
                try:
                    message = dbs[bus].get_message_by_frame_id(int(ident, 16))
                except KeyError:
                    continue
                names = {s.name for s in message.signals}
                if not carries.setdefault(message.name, bool((wanted | coded_names) & names)):
                    continue
                values = message.decode(bytes.fromhex(data), decode_choices=False)
                last.update({k: float(v) for k, v in values.items() if k in wanted})
                if coded_names & names:
                    choices = message.decode(bytes.fromhex(data))
                    last.update({k: str(choices[k]) for k in coded_names if k in choices})
            while i < len(instants):
                out[str(instants[i])] = coded(last); i += 1
            print(json.dumps(out))
            """
        var dbcs: [String: String] = [:]
        for bus in bundle.definition.buses { dbcs[bus.interface] = bundle.directory + "/" + bus.dbcFile }
        let arguments = [String(decoding: try JSONSerialization.data(withJSONObject: dbcs), as: UTF8.self), bundle.capture,
                         String(decoding: try JSONSerialization.data(withJSONObject: signals), as: UTF8.self)]
        let result = try PythonOracle.run(python, script: script, arguments: arguments,
                                          input: try JSONSerialization.data(withJSONObject: instants), timeout: 300)
        #expect(result.status == 0, "\(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: [String: Double]])
    }
}
