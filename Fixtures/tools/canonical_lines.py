"""cantools as the oracle: decode candump frames into candor's canonical JSON lines.

The canonical line (DESIGN.md): keys sorted, no spaces, `t` printed from the capture's text,
`msg` null and `"signals":{}` for an unknown id, an `error` string instead of `signals` when a
known message cannot be decoded. Values are what cantools 45.1.0 returns with
`decode_choices=False` and scaling on, printed by `json.dumps`.

Message matching (common.md): an extended frame matches the extended message with that id,
else the standard message with that id; the last definition of an id wins. With `j1939=True`
an extended frame matches an extended message by PGN: the source address (low 8 bits) and the
priority (bits 26-28) are ignored, and for PDU1 (PF < 240) the destination address too.
"""

import json
import math

from cantools.database.errors import DecodeError
from cantools.database.utils import decode_data


def j1939_pgn(can_id: int) -> int:
    pgn = (can_id >> 8) & 0x3FFFF
    if ((pgn >> 8) & 0xFF) < 240:
        pgn &= 0x3FF00
    return pgn


class Oracle:
    def __init__(self, db, j1939: bool = False):
        self.standard = {}
        self.extended = {}
        self.by_pgn = {}
        self.j1939 = j1939
        for message in db.messages:  # file order: the last definition wins
            if message.is_extended_frame:
                self.extended[message.frame_id] = message
                self.by_pgn[j1939_pgn(message.frame_id)] = message
            else:
                self.standard[message.frame_id] = message

    def match(self, frame):
        if frame.extended:
            if self.j1939:
                message = self.by_pgn.get(j1939_pgn(frame.can_id))
            else:
                message = self.extended.get(frame.can_id)
            if message is not None:
                return message
        return self.standard.get(frame.can_id)

    def line(self, frame):
        """The canonical line for one LogFrame, or None for an error frame."""
        if frame.kind == "error":
            return None
        head = {"bus": frame.bus, "ext": frame.extended, "id": frame.can_id}
        message = self.match(frame)
        if message is None:
            head.update(msg=None, signals={})
        elif frame.kind == "remote":
            head.update(msg=message.name, error="remote frame")
        else:
            head["msg"] = message.name
            outcome = decode_canonical(message, frame.data)
            if isinstance(outcome, str):
                head["error"] = outcome
            else:
                head["signals"] = outcome
        text = json.dumps(head, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return text[:-1] + ',"t":' + frame.t_text + "}"  # "t" sorts last


def json_value(value):
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"unexpected decoded value {value!r}")


def decode_canonical(message, data: bytes):
    """{name: value} as cantools decodes it, or the canonical error string.

    Walks cantools' own codec tree (the same steps as Message._decode) so that an undefined
    multiplexer value can name its switch signal; the result is checked against
    Message.decode so the walk cannot drift from cantools."""
    if len(data) < message.length:
        try:
            message.decode(data, decode_choices=False)
        except DecodeError as error:
            assert "Wrong data size" in str(error), error
        else:
            raise AssertionError("cantools decoded a short payload")
        return f"short payload: {len(data)} of {message.length} bytes"
    try:
        values = _walk(message, message._codecs, data)
    except DecodeError as error:
        # cantools cannot unpack a message whose signals overlap (outside multiplexing): it
        # fails on every frame. candor decodes each signal on its own; so does the oracle,
        # with cantools, one single-signal message per signal.
        assert "unpacking failed" in str(error), error
        return _decode_each_signal(message, data)
    except _UndefinedMux as undefined:
        try:
            message.decode(data, decode_choices=False)
        except DecodeError as error:
            assert "expected multiplexer id" in str(error), error
        else:
            raise AssertionError("cantools decoded an undefined multiplexer value") from None
        return f"undefined multiplexer value {undefined.value} for {undefined.switch}"
    reference = message.decode(data, decode_choices=False)
    assert repr(reference) == repr(values), (reference, values)
    return {name: json_value(value) for name, value in values.items()}


class Unspecified(Exception):
    """cantools cannot decode this message and candor's behaviour is not specified."""


_SINGLE_SIGNAL_MESSAGES = {}


def _decode_each_signal(message, data):
    from cantools.database.can import Message
    if message._codecs["multiplexers"]:
        raise Unspecified(f"{message.name}: cantools cannot unpack it (multiplexed)")
    key = id(message)
    if key not in _SINGLE_SIGNAL_MESSAGES:
        singles = []
        for signal in message.signals:
            end = _last_bit(signal)
            if end >= 8 * message.length:
                raise Unspecified(f"{message.name}: signal {signal.name} lies beyond the DBC length")
            singles.append(Message(frame_id=message.frame_id, name=message.name, length=message.length,
                                   is_extended_frame=message.is_extended_frame,
                                   signals=[signal], strict=False))
        _SINGLE_SIGNAL_MESSAGES[key] = (message, singles)
    values = {}
    for single in _SINGLE_SIGNAL_MESSAGES[key][1]:
        values.update(single.decode(data[:message.length], decode_choices=False))
    return {name: json_value(value) for name, value in values.items()}


def _last_bit(signal):
    """The highest bit index (byte * 8 + bit, network order within a byte ignored) the signal touches."""
    if signal.byte_order == "little_endian":
        return signal.start + signal.length - 1
    position, highest = signal.start, signal.start
    for _ in range(signal.length - 1):
        position = position + 15 if position % 8 == 0 else position - 1
        highest = max(highest, position)
    return highest


class _UndefinedMux(Exception):
    def __init__(self, switch, value):
        super().__init__(switch, value)
        self.switch = switch
        self.value = value


def _walk(message, node, data):
    decoded = decode_data(data, message.length, node["signals"], node["formats"],
                          False, True, False, True)
    for switch, branches in node["multiplexers"].items():
        mux = int(decoded[switch])
        child = branches.get(mux)
        if child is None:
            raise _UndefinedMux(switch, mux)
        decoded.update(_walk(message, child, data))
    return decoded
