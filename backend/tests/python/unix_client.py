"""A student's plain AF_UNIX client, for socklab's Unix-socket test (standard library only).

Usage: python3 unix_client.py PATH

Connects to the Unix socket file PATH, sends b"hello" and b"world" with two sendall() calls,
prints "sent", then reads until the lab closes the connection and prints "closed". Every
socket call has a timeout, so the script never hangs; any failure prints "FAIL <reason>" and
exits 1.
"""

import socket
import sys

TIMEOUT_S = 10


def fail(reason):
    print(f"FAIL {reason}", flush=True)
    print(f"unix_client.py: {reason}", file=sys.stderr, flush=True)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: unix_client.py PATH")
    path = sys.argv[1]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT_S)
            sock.connect(path)
            sock.sendall(b"hello")
            sock.sendall(b"world")
            print("sent", flush=True)
            while True:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                print(f"got {chunk!r}", flush=True)
    except OSError as e:  # includes socket.timeout / TimeoutError
        fail(f"{type(e).__name__}: {e}")
    print("closed", flush=True)


if __name__ == "__main__":
    main()
