"""A paramiko server-mode SSH host for fault injection (a complement to OpenSSH, never the proof).

It accepts one client key, answers the facts command the way ``behaviour`` says (garbage,
silence, or a dropped connection) and refuses the SFTP subsystem, to exercise the probe's
paths that a healthy sshd never takes.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import paramiko


class _Server(paramiko.ServerInterface):
    def __init__(self, client_key: paramiko.PKey, behaviour: str,
                 transport: paramiko.Transport) -> None:
        self.client_key = client_key
        self.behaviour = behaviour
        self.transport = transport
        self.channels: list[paramiko.Channel] = []  # keep them referenced (weak in transport)

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        ok = key == self.client_key
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else \
            paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_subsystem_request(self, channel: paramiko.Channel, name: str) -> bool:
        return False  # no SFTP on this host

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        self.channels.append(channel)
        threading.Thread(target=self._answer, args=(channel,), daemon=True).start()
        return True

    def _answer(self, channel: paramiko.Channel) -> None:
        if self.behaviour == "garbage":
            channel.sendall(b"\x00\xff\xfe not what you asked for\n" * 50)
            channel.send_exit_status(0)
            channel.shutdown_write()
        elif self.behaviour == "drop":
            self.transport.close()
        # "silent": never answer


@contextmanager
def fault_host(host_key: paramiko.PKey, client_key: paramiko.PKey,
               behaviour: str) -> Iterator[int]:
    """Serve on 127.0.0.1:PORT (yielded) until the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    transports: list[paramiko.Transport] = []
    servers: list[_Server] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            transport = paramiko.Transport(conn)
            transport.add_server_key(host_key)
            server = _Server(client_key, behaviour, transport)
            transports.append(transport)
            servers.append(server)
            transport.start_server(server=server)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for transport in transports:
            transport.close()
        listener.close()
