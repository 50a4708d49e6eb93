"""Opens a lab session through a TLS reverse proxy, as a browser would, and prints the first
event (the lab's hello) as JSON.

    python3 ws_over_tls.py HOST PORT NAME TOKEN

Connects to HOST:PORT with TLS (SNI and Host: NAME; the proxy's certificate is self-signed, so
it isn't verified), asks for the WebSocket upgrade of /ws?token=TOKEN with Origin
https://NAME, and reads one text frame. Standard library only.
"""

import base64
import os
import socket
import ssl
import sys


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise SystemExit(f"FAIL: the connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def main():
    host, port, name, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((host, port), timeout=10)
    conn = context.wrap_socket(raw, server_hostname=name)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws?token={token} HTTP/1.1\r\n"
        f"Host: {name}\r\n"
        f"Origin: https://{name}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    conn.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        byte = conn.recv(1)
        if not byte:
            raise SystemExit(f"FAIL: no upgrade answer: {head!r}")
        head += byte
    status = head.split(b"\r\n", 1)[0].decode()
    if " 101 " not in status + " ":
        raise SystemExit(f"FAIL: the upgrade was answered {status!r}")
    first, second = read_exactly(conn, 2)
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(read_exactly(conn, 2), "big")
    elif length == 127:
        length = int.from_bytes(read_exactly(conn, 8), "big")
    if first & 0x0F != 1:
        raise SystemExit(f"FAIL: the first frame is not text (opcode {first & 0x0F})")
    print(read_exactly(conn, length).decode())
    conn.close()


main()
