"""The corner-case fixtures: where they live, how cantools loads them, and random frames for them.

Shared by make_corner_captures.py, cantools_expected.py and Tests/Oracle/opendbc_differential.py.

For a DBC that cantools refuses, EQUIVALENTS says what candor is specified to do with it
(dbc-grammar.md and the DBC-parser task: skip the construct with a diagnostic, read `.5` as
0.5, load a standard id above 0x7FF as a 29-bit id, ...) as a small, reviewed text edit that
turns the file into one cantools accepts and that decodes the same way. The expected output of
such a file is therefore hand-decided semantics, computed by cantools on the edited text.
"""

import os
import re

import cantools

TOOLS = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(TOOLS)
DBC_DIR = os.path.join(FIXTURES, "dbc", "corner")
CAPTURE_DIR = os.path.join(FIXTURES, "captures", "corner")
EXPECTED_DIR = os.path.join(FIXTURES, "expected")

DIGIT_PREFIX = "DIGITLEAD_"
CANTOOLS_VERSION = "45.1.0"

if cantools.__version__ != CANTOOLS_VERSION:
    raise SystemExit(f"cantools {CANTOOLS_VERSION} is the oracle, found {cantools.__version__} "
                     "(Tests/setup.sh installs it into .venv)")


def _drop_lines(*prefixes):
    def edit(text):
        return "".join(line for line in text.splitlines(keepends=True)
                       if not line.lstrip().startswith(prefixes))
    return edit


def _replace(*pairs):
    def edit(text):
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new)
        return text
    return edit


def _prefix_digit_names(text):
    # A name that starts with a digit and has a letter or "_" in it: `2017_MODEL_YEAR`, `0_COUNTER`.
    return re.sub(r"(?<![\w.])(\d+[A-Za-z_]\w*)", DIGIT_PREFIX + r"\1", text)


def _set_bit31_above_11_bits(text):
    def fix(match):
        frame_id = int(match.group(1))
        if 0x7FF < frame_id <= 0x1FFFFFFF:
            frame_id |= 0x80000000
        return f"BO_ {frame_id} "
    return re.sub(r"BO_ (\d+) ", fix, text)


# name -> (edit, what candor is specified to do)
EQUIVALENTS = {
    "bs_baudrate": (_replace(("BS_: 500 : 12,34", "BS_:")),
                    "BS_ baud rate and BTR values are read and ignored"),
    "block_comment": (lambda t: re.sub(r"/\*.*?\*/", "", t, flags=re.S),
                      "/* */ block comment skipped with a warning"),
    "broken_signal_line": (_drop_lines("SG_ BROKEN_SIGNAL"),
                           "the malformed SG_ line is an error and is skipped; the rest of the message loads"),
    "category_filter": (_drop_lines("CAT_DEF_", "CAT_", "FILTER"),
                        "CAT_DEF_, CAT_ and FILTER skipped with a note"),
    "cm_missing_semicolon": (_replace(('"Longitudinal distance"\n', '"Longitudinal distance";\n')),
                             "CM_ without ';' recovered at the next keyword with a warning"),
    "digit_leading_names": (_prefix_digit_names,
                            "names starting with a digit accepted with a warning (same names in the output)"),
    "env_var_ev_data": (_drop_lines("EV_DATA_"),
                        "EV_DATA_ (old spelling of ENVVAR_DATA_) read; no effect on decoding"),
    "leading_dot_number": (_replace(("(.5,", "(0.5,"), ("-.25)", "-0.25)")),
                           "`.5` read as 0.5 with a warning"),
    "rel_attributes_env": (_drop_lines('BA_REL_ "EnvAccess" BU_EV_REL_'),
                           "BA_REL_ with BU_EV_REL_ read; no effect on decoding"),
    "sgtype_catdef_filter": (_drop_lines("SGTYPE_", "SIG_TYPE_REF_", "CAT_DEF_", "CAT_", "FILTER"),
                             "rare sections skipped with a note"),
    "sgtype_sections": (_drop_lines("SGTYPE_", "SGTYPE_VAL_", "SIG_TYPE_REF_", "BA_DEF_SGTYPE_",
                                    "BA_SGTYPE_", "SIGTYPE_VALTYPE_"),
                        "signal-type sections skipped with a note"),
    "std_id_over_11_bits": (_set_bit31_above_11_bits,
                            "a standard id above 0x7FF without bit 31 loads as a 29-bit id with a warning"),
    "trailing_backslash": (_replace(('C:\\logs\\";', 'C:\\logs";')),
                           "a backslash before the closing quote is a plain character (no escape but \\\")"),
    "unused_val": (_drop_lines("VAL_ 402 REMOVED_SIGNAL", "VAL_ 999 "),
                   "VAL_ for an unknown message or signal ignored with a warning"),
}

# cantools refuses these and candor's behaviour is not specified yet: no expected decode.
UNSPECIFIED = {
    "hex_message_id": "`BO_ 0x123`: hex ids are not DBC syntax; candor's behaviour is not specified",
}


def fixture_names():
    return sorted(os.path.splitext(f)[0] for f in os.listdir(DBC_DIR) if f.endswith(".dbc"))


def dbc_path(name):
    return os.path.join(DBC_DIR, name + ".dbc")


def read_dbc_text(path):
    # cantools' default: cp1252 with errors='replace'.
    with open(path, "rb") as f:
        return f.read().decode("cp1252", errors="replace")


def load(name):
    """(database, refusal text or None, how the equivalent was made or None)."""
    path = dbc_path(name)
    try:
        return cantools.database.load_file(path, strict=False), None, None
    except Exception as error:  # cantools raises several error types; the text is what matters
        refusal = f"{type(error).__name__}: {error}"
    if name not in EQUIVALENTS:
        return None, refusal, None
    edit, semantics = EQUIVALENTS[name]
    text = edit(read_dbc_text(path))
    return cantools.database.load_string(text, database_format="dbc", strict=False), refusal, semantics


def rename_back(name):
    return name[len(DIGIT_PREFIX):] if name.startswith(DIGIT_PREFIX) else name


# ---------------------------------------------------------------------------------------------
# Random frames

FD_LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]


def frame_length(length):
    """The smallest CAN (FD) payload length that holds `length` bytes."""
    return next(n for n in FD_LENGTHS if n >= length)


def set_raw(payload, signal, raw):
    """Writes `raw` into the signal's bits (Intel: start = LSB; Motorola: start = MSB, sawtooth)."""
    raw &= (1 << signal.length) - 1
    if signal.byte_order == "little_endian":
        positions = [signal.start + i for i in range(signal.length)]  # LSB first
    else:
        positions = []
        position = signal.start
        for _ in range(signal.length):
            positions.append(position)
            position = position + 15 if position % 8 == 0 else position - 1
        positions.reverse()  # LSB first
    for i, position in enumerate(positions):
        byte, bit = divmod(position, 8)
        if byte >= len(payload):
            continue
        if (raw >> i) & 1:
            payload[byte] |= 1 << bit
        else:
            payload[byte] &= ~(1 << bit) & 0xFF


def _raw_candidates(signal):
    if signal.length <= 12:
        raws = range(1 << signal.length)
    else:
        raws = list(range(4096)) + [(1 << signal.length) - k for k in range(1, 64)]
    for raw in raws:
        value = raw
        if signal.is_signed and raw >= 1 << (signal.length - 1):
            value = raw - (1 << signal.length)
        yield raw, value


def switch_raws(signal):
    """{mux number: [raw values]} for a multiplexer switch, as cantools computes the number:
    int() of the scaled value."""
    table = {}
    if signal.conversion.is_float:
        return table
    for raw, value in _raw_candidates(signal):
        table.setdefault(int(signal.conversion.raw_to_scaled(value, False)), []).append(raw)
    return table


def set_valid_mux(rng, message, node, payload):
    for switch_name, branches in node["multiplexers"].items():
        switch = message.get_signal_by_name(switch_name)
        table = switch_raws(switch)
        keys = sorted(k for k in branches if k in table)
        if not keys:
            continue
        key = rng.choice(keys)
        set_raw(payload, switch, rng.choice(table[key]))
        set_valid_mux(rng, message, branches[key], payload)


def set_undefined_mux(rng, message, payload):
    """Sets the first top-level switch to a number the DBC does not define. False if none exists."""
    for switch_name, branches in message._codecs["multiplexers"].items():
        switch = message.get_signal_by_name(switch_name)
        undefined = [k for k in switch_raws(switch) if k not in branches]
        if undefined:
            key = rng.choice(undefined)
            set_raw(payload, switch, rng.choice(switch_raws(switch)[key]))
            return True
    return False


def random_payload(rng, message, length=None):
    payload = bytearray(rng.getrandbits(8) for _ in range(frame_length(message.length)
                                                           if length is None else length))
    set_valid_mux(rng, message, message._codecs, payload)
    return bytes(payload)


def is_multiplexed(message):
    return bool(message._codecs["multiplexers"])
