"""A student's plain TCP client, for socklab's interop test (standard library only).

Usage: python3 tcp_client.py PORT

Connects to 127.0.0.1:PORT, sends b"hello" and b"world" with two sendall() calls, prints
"sent", then reads until the lab closes the connection and prints "closed". Every socket call
has a timeout, so the script never hangs; any failure prints "FAIL <reason>" and exits 1.
"""

import socket

from lab_client import argument, failing_on_socket_errors, send_hello_world_then_read_until_closed

TIMEOUT_S = 10


def main():
    port = int(argument("PORT"))
    with failing_on_socket_errors():
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
            send_hello_world_then_read_until_closed(sock)


if __name__ == "__main__":
    main()
