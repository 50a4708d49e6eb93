"""What socklab's Python test clients share (standard library only): failing with a reason
the test can read, the one argument each takes, and the stream clients' exchange.

The clients import it from their own folder; the tests run them with `python3 -u -B`, so no
__pycache__ is written next to them.
"""

import contextlib
import os
import sys


def fail(reason):
    """Prints "FAIL <reason>" (what the test reads) and the reason on stderr, then exits 1."""
    print(f"FAIL {reason}", flush=True)
    print(f"{os.path.basename(sys.argv[0])}: {reason}", file=sys.stderr, flush=True)
    sys.exit(1)


def argument(usage):
    """The script's one argument; without exactly one, fails saying `usage` (PORT, PATH)."""
    if len(sys.argv) != 2:
        fail(f"usage: {os.path.basename(sys.argv[0])} {usage}")
    return sys.argv[1]


@contextlib.contextmanager
def failing_on_socket_errors():
    """Turns an OSError (a timeout too) inside the block into a FAIL line."""
    try:
        yield
    except OSError as e:  # includes socket.timeout / TimeoutError
        fail(f"{type(e).__name__}: {e}")


def send_hello_world_then_read_until_closed(sock):
    """Sends b"hello" and b"world" with two sendall() calls and prints "sent", then prints
    each recv as "got <bytes>" until the lab closes the connection, and then "closed"."""
    sock.sendall(b"hello")
    sock.sendall(b"world")
    print("sent", flush=True)
    while True:
        chunk = sock.recv(1024)
        if not chunk:
            break
        print(f"got {chunk!r}", flush=True)
    print("closed", flush=True)
