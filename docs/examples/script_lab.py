#!/usr/bin/env python3
"""Script socklab's sticky-packet demo over its WebSocket protocol (docs/protocol.md).

REQUIRES the third-party package `websockets`, which is not part of Python's standard library:

    pip install websockets

Start socklab first (scripts/run). It prints the lab's URL with its token, e.g.
http://127.0.0.1:8080/?token=0123abcd...; give that URL to this script:

    SOCKLAB_URL='http://127.0.0.1:8080/?token=0123abcd...' python3 docs/examples/script_lab.py
    SOCKLAB_URL='...' python3 docs/examples/script_lab.py 9100     # another port than 9000

Or start socklab with a token of your choice (SOCKLAB_TOKEN=mysecret scripts/run) and set
SOCKLAB_TOKEN=mysecret here. The token goes to /ws as ?token=...; a header
`Authorization: Bearer <token>` works too.

What it shows: a lab client sends b"hello" and b"world" with two send() calls, and one
recv(12) on the server side returns b"helloworld" -- TCP keeps the bytes, not the message
boundaries. Then the same two messages go out with a 4-byte length prefix (Python's
struct.pack('<i', len(body))) and the receiver splits the stream back into messages.
"""

import asyncio
import base64
import json
import os
import struct
import sys
import urllib.parse

import websockets  # third-party: pip install websockets

def lab_url():
    """The /ws URL with the token, from SOCKLAB_URL (the URL socklab printed, or a ws:// URL)
    and SOCKLAB_TOKEN (which wins over a token in the URL)."""
    url = urllib.parse.urlsplit(os.environ.get("SOCKLAB_URL", "http://127.0.0.1:8080/"))
    query = dict(urllib.parse.parse_qsl(url.query))
    token = os.environ.get("SOCKLAB_TOKEN") or query.get("token")
    if not token:
        sys.exit("socklab needs its token: set SOCKLAB_URL to the URL socklab printed "
                 "(it ends in ?token=...), or SOCKLAB_TOKEN")
    scheme = {"http": "ws", "https": "wss"}.get(url.scheme, url.scheme)
    query = urllib.parse.urlencode({"token": token})
    return urllib.parse.urlunsplit((scheme, url.netloc, "/ws", query, ""))

# struct.pack('<i', n): 4 bytes, little-endian, signed -- what plain 'i' gives on x86/ARM.
PREFIX_I = {"width": 4, "endian": "little", "signed": True}


class LabError(Exception):
    """An error event from the lab; `event` is the whole event."""

    def __init__(self, event):
        self.event = event
        super().__init__(f"{event['code']}: {event['message']}")


class Lab:
    """One lab session: sends commands and collects the events each one causes."""

    def __init__(self, ws):
        self.ws = ws
        self.last_req = 0
        self.last_seq = 0

    async def next_event(self):
        envelope = json.loads(await self.ws.recv())
        # seq counts 1, 2, 3... per connection without gaps; a jump would mean a lost event.
        assert envelope["seq"] == self.last_seq + 1, envelope
        self.last_seq = envelope["seq"]
        return envelope

    async def call(self, cmd, **fields):
        """Sends one command; returns its events, the trailing `buffers` snapshot last."""
        self.last_req += 1
        req = self.last_req
        await self.ws.send(json.dumps({"req": req, "cmd": cmd, **fields}))
        events = []
        while True:
            event = await self.next_event()
            if event.get("req") != req:
                continue  # caused by an auto behaviour, not by this command
            events.append(event)
            # Every command ends with a buffers snapshot, except ping, which gets only pong.
            if event["event"] in ("buffers", "pong"):
                return events

    async def do(self, cmd, **fields):
        """Like call(), but returns the first event and raises LabError on any error event."""
        events = await self.call(cmd, **fields)
        for event in events:
            if event["event"] == "error":
                raise LabError(event)
        return events[0]


def b64(data: bytes) -> str:
    """Socket data travels as standard base64 inside the JSON."""
    return base64.b64encode(data).decode("ascii")


def show_received(event):
    data = base64.b64decode(event["data"])
    print(f"  recv({event['bufsize']}) -> {data!r}   [{event['summary']}]")
    for span in event["spans"]:
        part = data[span["start"] : span["start"] + span["len"]]
        if "send_no" in span:
            who = f"send #{span['send_no']} of socket #{span['from']}"
        else:
            who = "an external peer"
        start = span["offset_in_send"]
        where = f"bytes {start}..{start + span['len']} of {span['send_len']}"
        if span["header_bytes"]:
            where += f", {span['header_bytes']} of them header"
        print(f"    {part!r} from {who} ({where})")


def split_frames(buf: bytes):
    """Takes whole '<i'-prefixed messages off the front of buf; returns (messages, rest)."""
    messages = []
    while len(buf) >= 4:
        (length,) = struct.unpack_from("<i", buf)
        if len(buf) < 4 + length:
            break  # the rest of this message is still in flight
        messages.append(buf[4 : 4 + length])
        buf = buf[4 + length :]
    return messages, buf


async def main(port: int):
    # max_size=None: a received event may carry up to --max-send-bytes of base64 data.
    async with websockets.connect(lab_url(), max_size=None) as ws:
        lab = Lab(ws)
        hello = await lab.next_event()
        print(f"connected to socklab {hello['server_version']}, protocol {hello['protocol_version']}")
        print(f"limits: {hello['limits']}")

        listener = (await lab.do("tcp_listen", port=port, reuse_addr=True))["socket"]
        client = (await lab.do("connect", port=port))["socket"]
        server = (await lab.do("accept", socket=listener))["socket"]
        print(f"listener #{listener}, client #{client}, accepted connection #{server}")

        print("\n1. Two raw send() calls, one recv(12):")
        for word in (b"hello", b"world"):
            sent = await lab.do("send", socket=client, data=b64(word))
            print(f"  send({word!r}) -> send #{sent['send_no']}, "
                  f"{sent['accepted']} of {sent['requested']} bytes accepted")
        show_received(await lab.do("recv", socket=server, bufsize=12))

        print("\n2. Nothing left to read; without timeout_ms the recv does not wait:")
        try:
            await lab.do("recv", socket=server)
        except LabError as e:
            errno = e.event.get("errno", {})
            print(f"  {e.event['code']}: [Errno {errno.get('number')}] {errno.get('name')}")

        print("\n3. The same messages with struct.pack('<i', len(body)) in front:")
        framing = {"kind": "length_prefixed", "prefix": PREFIX_I, "max_len": 1 << 20}
        for word in (b"hello", b"world"):
            sent = await lab.do("send", socket=client, data=b64(word), framing=framing)
            print(f"  send({word!r}) -> {sent['requested']} bytes on the wire, "
                  f"{sent['header_len']} of them header")
        received = await lab.do("recv", socket=server, bufsize=1024, timeout_ms=1000)
        show_received(received)
        messages, rest = split_frames(base64.b64decode(received["data"]))
        print(f"  split by the length prefix: {messages} (left over: {rest!r})")

        for sock in (client, server, listener):
            await lab.do("close", socket=sock)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 9000))
