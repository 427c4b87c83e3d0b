"""A misbehaving gpsd for GpsdClientTests (standard library only).

Listens on 127.0.0.1 (a free port, printed as the first line of stdout). Each client must first
send a ?WATCH command (its line is appended to --record). The first connection then gets
a line that is not JSON, a TPV without a mode, a 20 KiB line sent in pieces, and a 3D fix at
31.2345678 N 121.4567891 E; then it is closed. Every later connection gets a TPV without a fix
(mode 1) and a 2D fix at 22.5 S 43.25 W (Rio), and stays open. Stops on SIGTERM.
"""
import argparse
import os
import signal
import socket
import threading


def lines(conn, record):
    buffer = b""
    while b"\n" not in buffer:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        buffer += chunk
    with open(record, "a") as f:
        f.write(buffer.split(b"\n")[0].decode() + "\n")
    return True


def serve(conn, index, record):
    if not lines(conn, record):
        conn.close()
        return
    if index == 0:
        conn.sendall(b'{"class":"VERSION","release":"3.22"}\nthis is not json\n{"class":"TPV","lat":1.0,"lon":2.0}\n')
        conn.sendall(b'{"class":"TPV","pad":"' + b"x" * 10000)
        conn.sendall(b"y" * 10000 + b'"}\r\n')
        conn.sendall(b'{"class":"TPV","mode":3,"time":"2026-01-01T00:00:01.000Z","lat":31.2345678,"lon":121.4567891}\n')
        conn.close()
        return
    conn.sendall(b'{"class":"TPV","mode":1}\n{"class":"TPV","mode":2,"lat":-22.5,"lon":-43.25}\n')
    threading.Event().wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # A child of a test thread inherits its blocked signals.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    print(server.getsockname()[1], flush=True)
    index = 0
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, index, args.record), daemon=True).start()
        index += 1


if __name__ == "__main__":
    main()
