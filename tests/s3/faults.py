"""A loopback HTTP proxy in front of the S3 server that injects faults per bucket.

Requests whose first path segment (the bucket, path-style addressing) has a rule get that
fault: ``403`` (AccessDenied), ``503`` (SlowDown), ``stall`` (no answer until the client's
read timeout has passed), ``garbled`` (200 with XML cut off half way, to every call) or
``garbled-later`` (the same, to every call but GetBucketLocation); every other request is
forwarded to the real server unchanged.
``StreamFaults`` breaks the TCP stream itself: delays, a body that stops half way, a body
that trickles forever, a reset, a server that never reads.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlsplit

_ERRORS = {
    "403": (403, "AccessDenied", "Access Denied"),
    "503": (503, "SlowDown", "Please reduce your request rate."),
}


class FaultProxy:
    """A threaded proxy on 127.0.0.1; ``rules`` maps a bucket name to a fault."""

    def __init__(self, upstream: str, keep_host: bool = False) -> None:
        """Forward to ``upstream`` (``http://127.0.0.1:PORT``); ``keep_host`` forwards the
        client's Host header unchanged (for a server that checks signatures)."""
        self.keep_host = keep_host
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rules: dict[str, str] = {}
        self.hits: dict[str, int] = {}
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The proxy's endpoint URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FaultProxy:
        """Start serving in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Release stalled requests and shut down."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"proxy": self})


class _Handler(BaseHTTPRequestHandler):
    """Applies the proxy's rule for the request's bucket, or forwards it."""

    protocol_version = "HTTP/1.1"
    proxy: ClassVar[FaultProxy]

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default request log."""

    def _any(self) -> None:
        proxy = self.proxy
        bucket = urlsplit(self.path).path.lstrip("/").split("/", 1)[0]
        fault = proxy.rules.get(bucket)
        proxy.hits[bucket] = proxy.hits.get(bucket, 0) + 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if fault == "stall":
            proxy.release.wait(5)
            self.close_connection = True
            return
        if fault in _ERRORS:
            self._error(*_ERRORS[fault])
            return
        if fault == "garbled" or (fault == "garbled-later"
                                  and "location" not in urlsplit(self.path).query):
            self._reply(200, b'<?xml version="1.0" encoding="UTF-8"?><VersioningConfigur')
            return
        self._forward(body)

    def _reply(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, code: str, message: str) -> None:
        self._reply(status, (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}'
                             f"</Code><Message>{message}</Message></Error>").encode())

    def _forward(self, body: bytes) -> None:
        upstream = self.proxy.upstream
        conn = http.client.HTTPConnection(*upstream, timeout=30)
        # ``keep_host``: the Host header is signed (SigV4), and a server that checks
        # signatures (SeaweedFS) refuses a request whose Host was rewritten.
        headers = {k: v for k, v in self.headers.items()
                   if self.proxy.keep_host or k.lower() != "host"}
        headers.setdefault("Host", f"{upstream[0]}:{upstream[1]}")
        target = urlsplit(self.path)  # absolute form when used as an HTTP proxy
        path = target.path + (f"?{target.query}" if target.query else "")
        conn.request(self.command, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        head = self.command == "HEAD"
        skip = ("transfer-encoding", "connection") + (() if head else ("content-length",))
        for key, value in resp.getheaders():
            if key.lower() not in skip:
                self.send_header(key, value)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any


class StreamFaults:
    """An asyncio TCP proxy on 127.0.0.1 that breaks the byte stream itself, per bucket.

    Rules (bucket → fault): ``delay`` (answer after ``delay`` seconds), ``stall-body``
    (send the headers and half the body, then nothing), ``trickle`` (one byte every
    ``interval`` seconds, forever: never long enough for a read timeout), ``reset``
    (a TCP RST instead of an answer), ``no-read`` (never read the request, never answer).
    Other buckets are relayed to the real server byte for byte.
    """

    def __init__(self, upstream: str, delay: float = 0.5, interval: float = 0.2) -> None:
        """Relay to ``upstream`` (``http://127.0.0.1:PORT``)."""
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rules: dict[str, str] = {}
        self.delay = delay
        self.interval = interval
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        """The proxy's endpoint URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StreamFaults:
        """Serve in a background thread; return once listening."""
        self.thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the stream fault proxy did not start")
        return self

    def stop(self) -> None:
        """End every stalled connection and the server."""
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        async with server:
            await self._stop.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._stop is not None
        peek = await reader.readuntil(b"\r\n")
        target = peek.split(b" ")[1].decode() if peek.count(b" ") >= 2 else "/"
        bucket = urlsplit(target).path.lstrip("/").split("/", 1)[0]
        fault = self.rules.get(bucket)
        if fault == "no-read":
            await self._stop.wait()
            return
        head = peek + await reader.readuntil(b"\r\n\r\n")
        length = _content_length(head)
        body = await reader.readexactly(length) if length else b""
        if fault == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if fault == "delay":
            await asyncio.sleep(self.delay)
        answer = await self._relay(head + body)
        if fault == "stall-body":
            writer.write(answer[: len(answer) - max(1, (len(answer) - answer.find(b"\r\n\r\n"))
                                                      // 2)])
            await writer.drain()
            await self._stop.wait()
            return
        if fault == "trickle":
            for byte in answer:
                if self._stop.is_set():
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(self.interval)
            await self._stop.wait()
            return
        writer.write(answer)
        await writer.drain()

    async def _relay(self, request: bytes) -> bytes:
        """One request to the real server; its whole answer (moto closes each connection)."""
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        up_writer.write(request.replace(b"Connection: keep-alive", b"Connection: close"))
        await up_writer.drain()
        answer = await up_reader.read()
        up_writer.close()
        return answer


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0
