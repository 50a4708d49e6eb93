"""A student's plain UDP client, for socklab's interop test (standard library only).

Usage: python3 udp_client.py PORT

Binds a UDP socket on 127.0.0.1 (printing "bound <port>"), then for each of b"ping" and
b"pong" sends one datagram to 127.0.0.1:PORT and prints the reply as "reply <text>". Every
receive has a timeout, so the script never hangs; any failure prints "FAIL <reason>" and
exits 1.
"""

import socket

from lab_client import argument, fail, failing_on_socket_errors

TIMEOUT_S = 5


def main():
    server = ("127.0.0.1", int(argument("PORT")))
    with failing_on_socket_errors():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(TIMEOUT_S)
            sock.bind(("127.0.0.1", 0))
            print(f"bound {sock.getsockname()[1]}", flush=True)
            for word in (b"ping", b"pong"):
                sock.sendto(word, server)
                data, sender = sock.recvfrom(1024)
                if sender != server:
                    fail(f"reply came from {sender}, not {server}")
                print(f"reply {data.decode('ascii', 'replace')}", flush=True)


if __name__ == "__main__":
    main()
