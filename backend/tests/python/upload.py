"""A student's file-upload client (experiment 13), for socklab's interop test (standard library
only).

Usage: python3 upload.py PORT

Writes a 3 MiB test file, then uploads it twice to 127.0.0.1:PORT the course's way:
struct.pack('i', len(header)), the JSON header {filename, size, md5}, then the file in 1 MiB
chunks. The first upload carries the right md5, the second a wrong one. After each upload it
reads the server's JSON answer and prints one line:

    sent report.bin SIZE MD5     (after the last chunk)
    reply ok                     (the server's md5 matched ours and it said ok)
    reply refused                (the server said ok: false to the wrong md5)

Every socket call has a timeout, so the script never hangs; any failure prints
"FAIL <reason>" and exits 1.
"""

import hashlib
import json
import os
import socket
import struct
import tempfile

from lab_client import argument, fail, failing_on_socket_errors

TIMEOUT_S = 10
CHUNK = 1048576


def chunks(path):
    """The file's contents, CHUNK bytes at a time."""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                return
            yield chunk


def file_md5(path):
    md5 = hashlib.md5()
    for chunk in chunks(path):
        md5.update(chunk)
    return md5.hexdigest()


def upload(client, path, md5):
    header = {
        "filename": os.path.basename(path),
        "size": os.path.getsize(path),
        "md5": md5,
    }
    header_bytes = json.dumps(header).encode("utf-8")
    client.sendall(struct.pack("i", len(header_bytes)))
    client.sendall(header_bytes)
    for chunk in chunks(path):
        client.sendall(chunk)


def read_reply(client):
    """The server's answer: one JSON object (read until it parses)."""
    data = b""
    while True:
        part = client.recv(1024)
        if not part:
            fail(f"the server closed before answering (got {data!r})")
        data += part
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError:
            continue


def main():
    port = int(argument("PORT"))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.bin")
        with open(path, "wb") as f:
            for i in range(3 * 256):
                f.write(bytes((i * 7 + j) % 256 for j in range(4096)))
        md5 = file_md5(path)
        size = os.path.getsize(path)
        with failing_on_socket_errors():
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as client:
                upload(client, path, md5)
                print(f"sent report.bin {size} {md5}", flush=True)
                reply = read_reply(client)
                if reply != {"ok": True, "filename": "report.bin", "size": size, "md5": md5}:
                    fail(f"unexpected reply {reply}")
                print("reply ok", flush=True)

                upload(client, path, "0" * 32)
                reply = read_reply(client)
                if reply.get("ok") is not False or reply.get("md5") != md5:
                    fail(f"a wrong md5 was not refused: {reply}")
                print("reply refused", flush=True)


if __name__ == "__main__":
    main()
