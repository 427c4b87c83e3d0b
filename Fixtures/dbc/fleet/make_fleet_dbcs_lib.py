"""Helpers shared by the fleet matrices and make_fleet_dbcs.py."""

CRC_DOC = ("CRC-8 SAE J1850 (polynomial 0x1D, initial value 0xFF, final XOR 0xFF, no reflection; "
           "check value 0x4B over ASCII 123456789) computed over every payload byte of the message "
           "except this one, in byte order 0, 1, 2, ..., with the rolling counter already in place.")
XOR_DOC = ("XOR of every payload byte of the message except this one (byte order 0, 1, 2, ...), "
           "with the rolling counter already in place.")

def counter_doc(modulus):
    return f"Rolling counter: increases by 1 with every transmission, wrapping from {modulus - 1} to 0."

ALARM_LEVELS = {0: "NoAlarm", 1: "Level1", 2: "Level2", 3: "Level3"}
ALARMS = [  # (signal suffix, comment)
    ("TempDiff", "Temperature difference between cells"),
    ("OverTemp", "Battery over-temperature"),
    ("PackOverVolt", "Pack over-voltage"),
    ("PackUnderVolt", "Pack under-voltage"),
    ("LowSOC", "Low state of charge"),
    ("CellOverVolt", "Cell over-voltage"),
    ("CellUnderVolt", "Cell under-voltage"),
    ("HighSOC", "High state of charge"),
    ("SOCJump", "State of charge jump"),
    ("StorageMismatch", "Energy storage system mismatch"),
    ("CellConsistency", "Poor cell consistency"),
    ("Insulation", "Insulation fault (resistance below 500 Ohm/V)"),
    ("DCDCTemp", "DC-DC converter temperature"),
    ("BrakeSystem", "Brake system"),
    ("DCDCStatus", "DC-DC converter status"),
    ("MCUTemp", "Motor controller temperature"),
    ("HVIL", "High-voltage interlock"),
    ("MotorTemp", "Drive motor temperature"),
    ("OverCharge", "Over-charge"),
]


def S(name, start, length, order="I", signed=False, factor=1, offset=0, mn=0, mx=None, unit="",
      init=0, comment=None, values=None, mux=None):
    if mx is None:
        raw_max = (1 << (length - 1)) - 1 if signed else (1 << length) - 1
        mx = raw_max * factor + offset
    return dict(name=name, start=start, length=length, order=order, signed=signed, factor=factor,
                offset=offset, min=mn, max=mx, unit=unit, init=init, comment=comment,
                values=values, mux=mux)


def M(name, mid, length, sender, cycle, signals, comment, ext=False, fd=False, receivers=None):
    return dict(name=name, id=mid, length=length, sender=sender, cycle=cycle, signals=signals,
                comment=comment, ext=ext, fd=fd, receivers=receivers)



def alarm_signals(prefix, first_bit, order="I"):
    out = []
    for i, (suffix, comment) in enumerate(ALARMS):
        start = first_bit + 2 * i + (1 if order == "M" else 0)
        out.append(S(f"{prefix}_Alm_{suffix}", start, 2, order, comment=f"{comment}: alarm level 0-3.",
                     values=ALARM_LEVELS, mx=3))
    return out


