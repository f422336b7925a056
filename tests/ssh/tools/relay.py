"""A ProxyCommand for tests: relay stdin/stdout to HOST PORT (argv 1 and 2), like ``nc``."""

from __future__ import annotations

import os
import selectors
import socket
import sys


def main() -> None:
    """Pump bytes both ways until either side closes."""
    host, port = sys.argv[1], int(sys.argv[2])
    if len(sys.argv) > 3:
        sys.stderr.write(f"extra arguments kept as words: {sys.argv[3:]}\n")
    conn = socket.create_connection((host, port), timeout=10)
    conn.settimeout(None)
    sel = selectors.DefaultSelector()
    sel.register(sys.stdin.buffer, selectors.EVENT_READ)
    sel.register(conn, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is conn:
                data = conn.recv(65536)
                if not data:
                    return
                os.write(sys.stdout.fileno(), data)
            else:
                data = os.read(sys.stdin.fileno(), 65536)
                if not data:
                    return
                conn.sendall(data)


if __name__ == "__main__":
    main()
