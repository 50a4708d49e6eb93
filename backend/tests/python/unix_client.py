"""A student's plain AF_UNIX client, for socklab's Unix-socket test (standard library only).

Usage: python3 unix_client.py PATH

Connects to the Unix socket file PATH, sends b"hello" and b"world" with two sendall() calls,
prints "sent", then reads until the lab closes the connection and prints "closed". Every
socket call has a timeout, so the script never hangs; any failure prints "FAIL <reason>" and
exits 1.
"""

import socket

from lab_client import argument, failing_on_socket_errors, send_hello_world_then_read_until_closed

TIMEOUT_S = 10


def main():
    path = argument("PATH")
    with failing_on_socket_errors():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT_S)
            sock.connect(path)
            send_hello_world_then_read_until_closed(sock)


if __name__ == "__main__":
    main()
