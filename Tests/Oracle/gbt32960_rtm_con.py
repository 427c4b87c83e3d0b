#!/usr/bin/env python3
"""GB/T 32960 differential check: rtm_con (PyPI 1.0.4, GPL-2.0, run here as a separate
process and never copied into candor) decodes every frame candor encoded, and its values
agree with candor's own decode of the same frame.

stdin: one line per frame, `HEX<TAB>CANDOR_JSON` (the object `candor gbt32960 decode` prints).
stdout: one JSON summary {"frames", "fields", "mismatches": [...], "whitelisted": {name: n}}.
Exit 0 when there is no mismatch.

The known rtm_con deviations (../shared/reference/gbt32960.md §4.2) are whitelisted by name,
nothing else:
  rtm_con_2016_storage_current_offset   2016 0x08 subsystem current read with -3000 A, not -1000 A
  rtm_con_2016_fuel_cell_not_decoded    2016 0x03 is not decoded: it and every later body come
                                        back as one hex string (checked equal to candor's bytes)
  rtm_con_2025_fuel_cell_not_decoded    2025 0x03/0x30 fall back to single bytes up to the 0xFF
                                        signature marker (checked equal to candor's bytes)
  rtm_con_2025_super_capacitor_not_decoded  2025 0x31/0x32 likewise (the same §4.2 item 2)
  rtm_con_time_only_acks                rtm_con reads every reply as a 6-byte time: an empty
                                        reply does not parse, an echo reply's body is ignored
rtm_con converts times to the host's zone (deviation 3): this script sets TZ=Asia/Shanghai itself.
"""
import json
import math
import os
import sys
import time

os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

from rtm_con import msg_checked  # noqa: E402

# rtm_con's general-warning field names in bit order (bit 0 = LSB), 2016 then 2025's additions.
WARNING_BITS = [
    "temp_differentce_warning", "pack_high_temp_warning", "pack_over_volt_warning", "pack_under_volt_warning",
    "soc_low_warning", "cell_over_volt_warning", "cell_under_volt_warning", "soc_high_warning", "soc_jump_warning",
    "pack_unmatched_warning", "cell_poor_consistency_warning", "insulation_warning", "dcdc_temp_warning",
    "brake_system_wanring", "dcdc_state_warning", "emotor_driver_temp_warning", "hv_interlock_warning",
    "emotor_temp_warning", "pack_over_charged_warning", "emotor_over_speed_warning", "emotor_over_curr_warning",
    "super_capacitor_over_temp_warning", "super_capacitor_over_pressure_warning", "pack_thermal_event_warning",
    "hydrogen_leakage_warning", "hydrogen_system_presure_abnormal_warning", "hydrogen_system_temp_abnormal_warning",
    "fuel_cell_stack_over_temp_warning",
]


class Check:
    def __init__(self):
        self.fields = 0
        self.mismatches = []
        self.whitelisted = {}
        self.where = ""

    def fail(self, path, ours, theirs):
        self.mismatches.append({"frame": self.where, "field": path, "candor": ours, "rtm_con": str(theirs)})

    def allow(self, name):
        self.whitelisted[name] = self.whitelisted.get(name, 0) + 1

    def same(self, path, ours, theirs):
        self.fields += 1
        if ours != theirs:
            self.fail(path, ours, theirs)

    def item(self, path, ours, theirs, deviation=None):
        """candor {"value": v} / {"value": null, "status": s} against an rtm_con DataItem."""
        self.fields += 1
        status = ours.get("status")
        if status == "invalid":
            ok = theirs.valid is None
        elif status == "abnormal":
            ok = theirs.valid is False
        elif status is None:
            ok = theirs.valid is True and math.isclose(float(theirs.value), ours["value"], rel_tol=1e-9, abs_tol=1e-6)
            if not ok and deviation and math.isclose(float(theirs.value), deviation(ours["value"]), rel_tol=1e-9, abs_tol=1e-6):
                self.allow(deviation.__name__)
                return
        elif status == "out_of_range":
            # A raw value above the table's range in a field without sentinels (candor sends
            # all ones there for "no value", e.g. 2016 insulation): rtm_con has no range check
            # and prints the raw number. Agreement on the raw value; only for unscaled fields
            # (any other field fails here, conservatively).
            ok = theirs.valid is True and math.isclose(float(theirs.value), ours["raw"], abs_tol=1e-6)
        else:
            ok = False
        if not ok:
            self.fail(path, ours, theirs)

    def code(self, path, ours, theirs):
        self.same(path, ours["code"], int(theirs))


def bj(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def rtm_con_2016_storage_current_offset(value):
    return value - 2000


def vehicle(c, o, t, edition):
    for ours, theirs in [("vehicle_state", "vehicle_state"), ("charging_state", "charge_state"),
                         ("running_mode", "operate_state"), ("dcdc_state", "dcdc_state")]:
        c.code("vehicle." + ours, o[ours], t[theirs])
    for ours, theirs in [("speed", "vehicle_speed"), ("mileage", "mileage_total"), ("total_voltage", "voltage_total"),
                         ("total_current", "current_total"), ("soc", "soc"), ("insulation_resistance", "insulation_resistance")]:
        c.item("vehicle." + ours, o[ours], t[theirs])
    if edition == "2016":
        c.item("vehicle.accelerator_pedal", o["accelerator_pedal"], t["accelerator_padel"])
        c.item("vehicle.brake_pedal", o["brake_pedal"], t["brake_padel"])
    g, tg = o["gear"], t["gear_state"]
    c.same("vehicle.gear.driving_force", g["driving_force"], bool(tg.driving_force))
    c.same("vehicle.gear.braking_force", g["braking_force"], bool(tg.braking_force))
    c.same("vehicle.gear.position", g["raw"] & 0x0F, int(tg.gear))
    if edition == "2025":
        c.same("vehicle.gear.valid", g["valid"], int(tg.gear_postion_validity) == 0)


def motors(c, o, t, edition):
    c.same("motors.count", len(o), len(t))
    for i, (om, tm) in enumerate(zip(o, t)):
        p = "motors[%d]." % i
        c.same(p + "sequence", om["sequence"], tm.index)
        c.code(p + "state", om["state"], tm.state)
        for ours, theirs in [("controller_temperature", "ctrl_temp"), ("speed", "speed"), ("torque", "torque"), ("temperature", "temp")]:
            c.item(p + ours, om[ours], tm[theirs])
        if edition == "2016":
            c.item(p + "controller_input_voltage", om["controller_input_voltage"], tm.ctrl_volt)
            c.item(p + "controller_dc_current", om["controller_dc_current"], tm.ctrl_curr)


def position(c, o, t, edition):
    c.same("position.valid", o["valid"], bool(t.gnss_state.gnss_valid))
    c.same("position.hemisphere", o["hemisphere"], str(t.gnss_state.gnss_n_s).upper() + str(t.gnss_state.gnss_e_w).upper())
    if edition == "2025":
        c.code("position.coordinate_system", o["coordinate_system"], t.gnss_gcs)
    c.item("position.longitude", o["longitude"], t.gnss_lng)
    c.item("position.latitude", o["latitude"], t.gnss_lat)


def extremes(c, o, t, edition):
    for side in ("max", "min"):
        c.item("extremes.%s_voltage_subsystem" % side, o["%s_voltage_subsystem" % side], t["%s_volt_pack_index" % side])
        c.item("extremes.%s_voltage_cell" % side, o["%s_voltage_cell" % side], t["%s_volt_cell_index" % side])
        c.item("extremes.%s_cell_voltage" % side, o["%s_cell_voltage" % side], t["%s_cell_volt" % side])
        c.item("extremes.%s_temperature_subsystem" % side, o["%s_temperature_subsystem" % side], t["%s_temp_pack_index" % side])
        c.item("extremes.%s_temperature_probe" % side, o["%s_temperature_probe" % side], t["%s_temp_cell_index" % side])
        c.item("extremes.%s_temperature" % side, o["%s_temperature" % side], t["%s_cell_temp" % side])


def alarm(c, o, t, edition):
    # rtm_con prints the level's raw byte; candor reads 0xFE/0xFF as abnormal/invalid.
    level = o["max_level"]
    raw = {"abnormal": 0xFE, "invalid": 0xFF}.get(level.get("status"), level["value"])
    c.same("alarm.max_level", raw, int(t.max_warning_level))
    bits = 19 if edition == "2016" else 28
    for bit in range(bits):
        c.same("alarm.flag[%d]" % bit, bool(o["flags_raw"] >> bit & 1), bool(t.general_warnings[WARNING_BITS[bit]]))
    for ours, theirs in [("storage_faults", "pack_failures"), ("motor_faults", "emotor_failures"),
                         ("engine_faults", "engine_failures"), ("other_faults", "other_failures")]:
        c.same("alarm." + ours, o[ours], [int(x, 16) for x in t[theirs]])
    if edition == "2025":
        c.same("alarm.flag_levels", [(f["bit"], f["level"]) for f in o["flag_levels"]],
               [(int(x.warning), int(x.level)) for x in t.general_warning_list])


def voltages(c, o, t, edition):
    c.same("voltages.count", len(o), len(t))
    for i, (os_, ts) in enumerate(zip(o, t)):
        p = "voltages[%d]." % i
        c.same(p + "number", os_["number"], int(ts.index))
        c.item(p + "voltage", os_["voltage"], ts.volt)
        c.item(p + "current", os_["current"], ts.curr,
               deviation=rtm_con_2016_storage_current_offset if edition == "2016" else None)
        if edition == "2016":
            c.item(p + "total_cells", os_["total_cells"], ts.cell_total)
            c.same(p + "first_cell", os_["first_cell"], ts.cell_start_index)
        c.same(p + "cells", len(os_["cell_voltages"]), len(ts.cell_volts))
        for j, (ov, tv) in enumerate(zip(os_["cell_voltages"], ts.cell_volts)):
            c.item(p + "cell_voltages[%d]" % j, ov, tv)


def temperatures(c, o, t, edition):
    c.same("temperatures.count", len(o), len(t))
    for i, (os_, ts) in enumerate(zip(o, t)):
        p = "temperatures[%d]." % i
        c.same(p + "number", os_["number"], int(ts.index))
        c.same(p + "probes", len(os_["probe_temperatures"]), len(ts.probe_temps))
        for j, (ov, tv) in enumerate(zip(os_["probe_temperatures"], ts.probe_temps)):
            c.item(p + "probe_temperatures[%d]" % j, ov, tv)


BODIES = {"vehicle": vehicle, "drive_motors": motors, "position": position, "extreme_values": extremes,
          "alarm": alarm, "storage_voltages": voltages, "storage_temperatures": temperatures}
NOT_DECODED = {("2016", "fuel_cell"): "rtm_con_2016_fuel_cell_not_decoded",
               ("2025", "hydrogen_system"): "rtm_con_2025_fuel_cell_not_decoded",
               ("2025", "fuel_cell_stacks"): "rtm_con_2025_fuel_cell_not_decoded",
               ("2025", "super_capacitor"): "rtm_con_2025_super_capacitor_not_decoded",
               ("2025", "super_capacitor_extremes"): "rtm_con_2025_super_capacitor_not_decoded"}


def report(c, ours, theirs, edition, data_hex):
    c.same("report.collection_time", ours["collection_time"], bj(theirs.timestamp))
    items = ours["items"]
    decoded = list(theirs.data_list)
    for index, item in enumerate(items):
        if index >= len(decoded):
            c.fail("report.items[%d]" % index, item["name"], "missing")
            return
        name = item["name"]
        deviation = NOT_DECODED.get((edition, name))
        if deviation:
            # rtm_con keeps the rest as bytes: they must be candor's bytes of this body onwards.
            content = decoded[index].data_content
            got = content if isinstance(content, str) else "".join("%02x" % b.data_byte for b in content)
            start = data_hex.find(got) if got else -1
            c.same("report.items[%d].%s bytes" % (index, name), True, start > 0 and "%02x" % item["type"] == data_hex[start - 2:start])
            c.allow(deviation)
            return
        c.same("report.items[%d].type" % index, item["type"], int(decoded[index].data_type))
        if name == "custom":
            c.same("report.items[%d].bytes" % index, item["data"]["bytes"], str(decoded[index].data_content))
        else:
            BODIES[name](c, item["data"], decoded[index].data_content, edition)
    c.same("report.item_count", len(items), len(decoded))
    if edition == "2025" and "signature" in ours:
        c.same("report.signature.r", ours["signature"]["r"], str(theirs.sig.r_value))
        c.same("report.signature.s", ours["signature"]["s"], str(theirs.sig.s_value))


def login(c, o, t, edition):
    c.same("login.time", o["time"], bj(t.timestamp))
    c.same("login.serial", o["serial"], t.session_id)
    c.same("login.iccid", o["iccid"], t.iccid)
    if edition == "2016":
        c.same("login.subsystem_count", o["subsystem_count"], t.bms_total)
        c.same("login.code_length", o["code_length"], t.pack_sn_len)
        c.same("login.codes", o["codes"], list(t.pack_sn) if t.pack_sn_len else [])
    else:
        c.same("login.packs_per_system", o["packs_per_system"], list(t.pack_per_bms))
        c.same("login.codes", o["codes"], [code for system in t.pack_sn_list for code in system])


def main():
    c = Check()
    frames = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        frames += 1
        hex_text, candor_json = line.rstrip("\n").split("\t", 1)
        ours = json.loads(candor_json)
        c.where = "%d %s %s" % (number, ours["edition"], ours["command"])
        raw = bytes.fromhex(hex_text)
        try:
            m = msg_checked.parse(raw)
        except Exception as error:  # rtm_con could not read candor's frame
            if ours["response"] != "command" and ours["reply"]["shape"] == "empty":
                c.allow("rtm_con_time_only_acks")
                continue
            c.fail("parse", hex_text[:60], repr(error))
            continue
        c.same("edition", ours["edition"], "2016" if int(m.starter) == 0x2323 else "2025")
        c.same("command_id", ours["command_id"], int(m.msg_type))
        c.same("vin", ours["vin"], m.vin)
        c.same("encryption", ours["encryption"], {1: "none"}.get(int(m.enc), str(m.enc)))
        command, edition = ours["command"], ours["edition"]
        if ours["response"] != "command":
            c.same("response", ours["response"], {1: "success", 2: "error", 3: "vin_duplicate"}.get(int(m.ack), str(m.ack)))
            c.same("reply.time", ours["time"], bj(m.payload.timestamp))
            if ours["reply"]["shape"] == "echo":
                c.allow("rtm_con_time_only_acks")
        elif command == "login":
            login(c, ours["login"], m.payload, edition)
        elif command in ("realtime", "reissue"):
            report(c, ours["report"], m.payload, edition, hex_text[48:-2].lower())
        elif command == "logout":
            c.same("logout.time", ours["time"], bj(m.payload.timestamp))
            c.same("logout.serial", ours["logout"]["serial"], m.payload.session_id)
        elif command in ("heartbeat", "time_sync"):
            c.same(command + ".data", b"", bytes(m.payload))
        else:
            c.fail("command", command, "not compared")
    json.dump({"frames": frames, "fields": c.fields, "mismatches": c.mismatches[:50],
               "mismatch_count": len(c.mismatches), "whitelisted": c.whitelisted}, sys.stdout)
    print()
    return 1 if c.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
