"""A GB/T 32960.3 test platform (asyncio, standard library only) for candor's terminal tests.

It listens on 127.0.0.1 (a free port, printed as the first line of stdout), answers login, logout,
heartbeat and time sync in either reply shape, and records every frame and connection as one
JSON object per line in --record. Misbehaviours on request:

  --ack time|echo|empty  the reply's data unit: the 6-byte time, the request's data unit, nothing
  --ack-reports          also acknowledge every real-time and reissue report (as 36node does)
  --refuse-login         answer logins with 0x02 (error)
  --stall                answer nothing
  --garbage              send junk bytes (and a frame with a bad BCC) before every reply
  --drop-after N         close each connection after its N-th frame
  --down FROM TO         while the vehicle's clock (the collection time of its newest login,
                         report or logout; Unix seconds, UTC) is in [FROM, TO), any frame makes
                         the platform close the connection without recording it as accepted:
                         an outage on the vehicle's clock, whatever the wall clock
  --tls CERT KEY CA      TLS (Python's ssl, TLS 1.2+): the platform's certificate and key, and
                         the CA every terminal's client certificate must chain to (required);
                         a refused handshake is recorded as `tls_error` with OpenSSL's reason,
                         and no frame is read on that connection
  --stall-handshake      with --tls: accept the TCP connection, then never answer the handshake
  --tls-max 1.2|1.3      with --tls: the newest TLS version offered (default 1.3)

Stops on SIGTERM. Frames: '##' (2016) or '$$' (2025), command, response flag, 17-byte VIN,
encryption, big-endian data length, data unit, BCC = XOR of bytes 2 .. end-1.
"""
import argparse
import asyncio
import calendar
import json
import signal
import ssl
import sys
import time

COMMANDS_WITH_TIME = {0x01, 0x02, 0x03, 0x04}
BEIJING = 8 * 3600


def bcc(data):
    out = 0
    for b in data:
        out ^= b
    return out


def frame(start, command, flag, vin, data):
    body = bytes([command, flag]) + vin + b"\x01" + len(data).to_bytes(2, "big") + data
    return start + body + bytes([bcc(body)])


def beijing_bytes(unix):
    t = time.gmtime(unix + BEIJING)
    return bytes([t.tm_year - 2000, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec])


def unix_of(data):
    if len(data) < 6:
        return None
    y, mo, d, h, mi, s = data[:6]
    try:
        return calendar.timegm((2000 + y, mo, d, h, mi, s, 0, 0, 0)) - BEIJING
    except (ValueError, OverflowError):
        return None


class Plain:
    """The connection's bytes as they are."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    async def read(self):
        return await self.reader.read(65536)

    async def write(self, data):
        self.writer.write(data)
        await self.writer.drain()


class Secure(Plain):
    """TLS on the connection through memory buffers (ssl.SSLObject), so that a refused handshake
    still sends its alert before the connection closes (asyncio's own TLS drops it), as a
    platform built on OpenSSL does."""

    def __init__(self, reader, writer, context):
        super().__init__(reader, writer)
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_side=True)

    async def flush(self):
        data = self.outgoing.read()
        if data:
            await Plain.write(self, data)

    async def fill(self):
        data = await Plain.read(self)
        if data:
            self.incoming.write(data)
        return bool(data)

    async def handshake(self):
        """Raises ssl.SSLError (after sending the alert) or ConnectionError."""
        while True:
            try:
                self.tls.do_handshake()
                await self.flush()
                return
            except ssl.SSLWantReadError:
                await self.flush()
                if not await self.fill():
                    raise ConnectionError("EOF during the TLS handshake")
            except ssl.SSLError:
                await self.flush()
                raise

    async def read(self):
        while True:
            try:
                return self.tls.read(65536)
            except ssl.SSLWantReadError:
                await self.flush()
                if not await self.fill():
                    return b""
            except ssl.SSLZeroReturnError:
                return b""

    async def write(self, data):
        self.tls.write(data)
        await self.flush()


class Platform:
    def __init__(self, args):
        self.args = args
        self.record = open(args.record, "a", buffering=1)
        self.connections = 0
        self.clock = None
        self.tls = None
        if args.tls:
            cert, key, ca = args.tls
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.minimum_version = ssl.TLSVersion.TLSv1_2
            self.tls.maximum_version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[args.tls_max]
            self.tls.load_cert_chain(cert, key)
            self.tls.load_verify_locations(ca)
            self.tls.verify_mode = ssl.CERT_REQUIRED

    def log(self, **entry):
        entry["wall"] = round(time.time(), 3)
        self.record.write(json.dumps(entry, sort_keys=True) + "\n")

    async def serve(self, reader, writer):
        stream = Plain(reader, writer)
        self.connections += 1
        conn = self.connections
        self.log(event="connect", conn=conn)
        buffer = b""
        frames = 0
        try:
            if self.tls and self.args.stall_handshake:
                self.log(event="stall_handshake", conn=conn)
                while await reader.read(65536):
                    pass
                self.log(event="eof", conn=conn)
                return
            if self.tls:
                stream = Secure(reader, writer, self.tls)
                try:
                    await stream.handshake()
                except (ssl.SSLError, ConnectionError) as error:
                    self.log(event="tls_error", conn=conn, error=str(error))
                    return
                self.log(event="tls", conn=conn, version=stream.tls.version(),
                         client=dict(x[0] for x in stream.tls.getpeercert()["subject"]).get("commonName"))
            while True:
                chunk = await stream.read()
                if not chunk:
                    self.log(event="eof", conn=conn)
                    break
                buffer += chunk
                while True:
                    parsed = self.next_frame(buffer, conn)
                    if parsed is None:
                        break
                    buffer, raw = parsed
                    if raw is None:
                        continue
                    frames += 1
                    if not await self.handle(raw, conn, stream):
                        return
                    if self.args.drop_after and frames >= self.args.drop_after:
                        self.log(event="drop", conn=conn)
                        return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError) as error:
            self.log(event="error", conn=conn, error=str(error))
        finally:
            writer.close()
            self.log(event="close", conn=conn)

    def next_frame(self, buffer, conn):
        """(rest, frame bytes) or (rest, None) after skipping junk, or None when more is needed."""
        starts = [i for i in (buffer.find(b"##"), buffer.find(b"$$")) if i >= 0]
        if not starts:
            keep = buffer[-1:] if buffer[-1:] in (b"#", b"$") else b""
            if len(buffer) > len(keep):
                self.log(event="garbage", conn=conn, bytes=len(buffer) - len(keep))
            return (keep, None) if len(buffer) > len(keep) else None
        i = min(starts)
        if i > 0:
            self.log(event="garbage", conn=conn, bytes=i)
            return buffer[i:], None
        if len(buffer) < 24:
            return None
        length = int.from_bytes(buffer[22:24], "big")
        if length > 65531:
            self.log(event="oversize", conn=conn, length=length)
            return buffer[1:], None
        if len(buffer) < 25 + length:
            return None
        raw = buffer[:25 + length]
        if bcc(raw[2:-1]) != raw[-1]:
            self.log(event="bad_bcc", conn=conn, hex=raw.hex())
            return buffer[1:], None
        return buffer[25 + length:], raw

    async def handle(self, raw, conn, stream):
        start, command, flag, vin, data = raw[:2], raw[2], raw[3], raw[4:21], raw[24:-1]
        collected = unix_of(data) if command in COMMANDS_WITH_TIME else None
        # The vehicle's clock: the newest login, report or logout time (a reissue carries an
        # old time, a heartbeat none).
        if collected is not None and command != 0x03:
            self.clock = collected
        down = self.args.down and self.clock is not None and self.args.down[0] <= self.clock < self.args.down[1]
        self.log(event="frame", conn=conn, command=command, flag=flag, time=collected, accepted=not down, hex=raw.hex())
        if down:
            self.log(event="outage", conn=conn, time=self.clock)
            return False
        if self.args.stall:
            return True
        answered = {0x01, 0x04, 0x07, 0x08} | ({0x02, 0x03} if self.args.ack_reports else set())
        if command not in answered or flag != 0xFE:
            return True
        reply_flag = 0x02 if command == 0x01 and self.args.refuse_login else 0x01
        if command == 0x08 or self.args.ack == "time":
            reply_data = beijing_bytes(int(time.time())) if command in (0x07, 0x08) else (data[:6] if len(data) >= 6 else beijing_bytes(int(time.time())))
        elif self.args.ack == "echo":
            reply_data = data
        else:
            reply_data = b""
        out = b""
        if self.args.garbage:
            out += b"\x00junk#\xff" + frame(start, command, reply_flag, vin, reply_data)[:-1] + b"\x00"
        reply = frame(start, command, reply_flag, vin, reply_data)
        out += reply
        await stream.write(out)
        self.log(event="reply", conn=conn, command=command, flag=reply_flag, hex=reply.hex())
        return True


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--ack", choices=["time", "echo", "empty"], default="time")
    parser.add_argument("--ack-reports", action="store_true")
    parser.add_argument("--refuse-login", action="store_true")
    parser.add_argument("--stall", action="store_true")
    parser.add_argument("--garbage", action="store_true")
    parser.add_argument("--drop-after", type=int, default=0)
    parser.add_argument("--down", type=int, nargs=2, metavar=("FROM", "TO"))
    parser.add_argument("--tls", nargs=3, metavar=("CERT", "KEY", "CA"))
    parser.add_argument("--stall-handshake", action="store_true")
    parser.add_argument("--tls-max", choices=["1.2", "1.3"], default="1.3")
    args = parser.parse_args()
    platform = Platform(args)
    server = await asyncio.start_server(platform.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    stop = asyncio.Event()
    # A parent may hand down a blocked SIGTERM (test runners block signals in their threads).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    platform.log(event="stopped")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
