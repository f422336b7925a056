"""A loopback HTTP proxy in front of the S3 server that injects faults per bucket.

Requests whose first path segment (the bucket, path-style addressing) has a rule get that
fault: ``403`` (AccessDenied), ``503`` (SlowDown) or ``stall`` (no answer until the client's
read timeout has passed); every other request is forwarded to the real server unchanged.
"""

from __future__ import annotations

import http.client
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

    def __init__(self, upstream: str) -> None:
        """Forward to ``upstream`` (``http://127.0.0.1:PORT``)."""
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
        self._forward(body)

    def _error(self, status: int, code: str, message: str) -> None:
        payload = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
                   f"<Message>{message}</Message></Error>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _forward(self, body: bytes) -> None:
        upstream = self.proxy.upstream
        conn = http.client.HTTPConnection(*upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        headers["Host"] = f"{upstream[0]}:{upstream[1]}"
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
