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
        for (raw, key) in [(v.gear, "gear_byte"), (motor.state, "motor_state")] {
            guard let wanted = want[key] else { continue }
            #expect(Double(raw) == wanted, "\(key) at \(entry.time!): \(raw) vs cantools \(wanted)")
            count += 1
        }
        return (count, decoded)
    }

    /// cantools' decode of the bundle's capture (its first bus): at each instant (Unix seconds),
    /// the last value of each of `signals` before it, and `gear_byte` / `motor_state` (the GB/T
    /// codes of VCU_Gear's and MCU_State's value names) where the capture carries those.
    func cantoolsValues(at instants: [Int64], bundle: SimulatedBundle, python: String, signals: [String]) throws -> [String: [String: Double]] {
        let script = """
            import cantools, json, sys
            db = cantools.database.load_file(sys.argv[1])
            wanted = set(json.loads(sys.argv[3]))
            gears = {"N": 0, "R": 13, "D": 14, "P": 15}
            states = {"Motoring": 1, "Generating": 2, "Off": 3, "Standby": 4, "Fault": 0xFE}
            def coded(values):
                out = dict(values)
                torque, pressure = values.get("MCU_MotorTorque", 0), values.get("EHB_BrakePressure", 0)
                if "VCU_Gear" in values:
                    out["gear_byte"] = float(gears[values["VCU_Gear"]] | (0x20 if torque > 0 else 0)
                                             | (0x10 if pressure > 0 or torque < 0 else 0))
                if "MCU_State" in values:
                    out["motor_state"] = float(states[values["MCU_State"]])
                return {k: v for k, v in out.items() if isinstance(v, float)}
            instants = sorted(json.loads(sys.stdin.read()))
            last, out, i = {}, {}, 0
            for line in open(sys.argv[2]):
                stamp, _, frame = line.split()
                sec, frac = stamp.strip("()").split(".")
                micros = int(sec) * 1000000 + int(frac.ljust(6, "0"))
                while i < len(instants) and instants[i] * 1000000 <= micros:
                    out[str(instants[i])] = coded(last); i += 1
                ident, data = frame.split("#")
                try:
                    message = db.get_message_by_frame_id(int(ident, 16))
                except KeyError:
                    continue
                names = {s.name for s in message.signals}
                if not (wanted | {"VCU_Gear", "MCU_State"}) & names:
                    continue
                values = message.decode(bytes.fromhex(data), decode_choices=False)
                last.update({k: float(v) for k, v in values.items() if k in wanted})
                choices = message.decode(bytes.fromhex(data))
                last.update({k: str(choices[k]) for k in ("VCU_Gear", "MCU_State") if k in names})
            print(json.dumps(out))
            """
        let dbc = bundle.directory + "/" + bundle.definition.buses[0].dbcFile
        let names = String(decoding: try JSONSerialization.data(withJSONObject: signals), as: UTF8.self)
        let result = try PythonOracle.run(python, script: script, arguments: [dbc, bundle.capture, names],
                                          input: try JSONSerialization.data(withJSONObject: instants), timeout: 300)
        #expect(result.status == 0, "\(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: [String: Double]])
    }
}
