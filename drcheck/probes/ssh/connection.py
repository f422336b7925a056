"""One SSH connection per host: resolve, connect, verify the host key, authenticate.

``open_session`` returns a ``HostSession`` (fixed commands and bounded SFTP reads, all under
a per-host deadline) or raises ``ProbeFailure`` with a ProbeIssue code. Settings come from
the estate first, then ``~/.ssh/config`` (HostName, User, Port, IdentityFile, ProxyJump).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field

import paramiko

from drcheck.estate import HostSpec
from drcheck.probes.ssh.hostkeys import HostKeyError, HostKeyStore, known_hosts_name
from drcheck.probes.ssh.session import HostSession, ProbeFailure

DEFAULT_IDENTITIES = ("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa")


@dataclass(frozen=True)
class SshOptions:
    """How the SSH probe connects; every timeout is in seconds."""

    known_hosts: str | None = "~/.ssh/known_hosts"
    trust_new_host_keys: bool = False
    trust_file: str = "~/.config/drcheck/known_hosts"
    ssh_config: str | None = "~/.ssh/config"
    connect_timeout: float = 10.0
    auth_timeout: float = 10.0
    command_timeout: float = 15.0
    host_deadline: float = 60.0
    max_read_bytes: int = 1_048_576
    pool_size: int = 16
    use_agent: bool = True
    progress: bool | None = None
    default_user: str | None = None
    identities: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to connect, after merging the estate and ssh_config."""

    alias: str
    hostname: str
    port: int
    user: str
    identities: tuple[str, ...]
    proxy_jump: str | None


class Connector:
    """Shared, thread-safe state for every connection: config, host keys, loaded keys."""

    def __init__(self, options: SshOptions) -> None:
        """Parse ssh_config and load known_hosts once for the whole fleet."""
        self.options = options
        self.hostkeys = HostKeyStore(options.known_hosts, options.trust_file,
                                     options.trust_new_host_keys)
        path = os.path.expanduser(options.ssh_config) if options.ssh_config else None
        self._config = paramiko.SSHConfig.from_path(path) if path and os.path.exists(path) else None
        self._keys: dict[str, paramiko.PKey | None] = {}
        self._agent_keys: list[paramiko.PKey] | None = None
        self._lock = threading.Lock()

    def resolve(self, alias: str, host: HostSpec | None = None) -> Endpoint:
        """Merge the estate's host entry with ssh_config's entry for ``alias``."""
        conf = self._config.lookup(alias) if self._config else {}
        identities = [host.key_file] if host and host.key_file else []
        identities += list(self.options.identities)
        identities += [str(p) for p in conf.get("identityfile", [])]
        user = (host.user if host else None) or conf.get("user") or self.options.default_user
        port = (host.port if host else None) or int(conf.get("port", 22))
        jump = (host.proxy_jump if host else None) or conf.get("proxyjump")
        return Endpoint(
            alias=alias,
            hostname=str(conf.get("hostname") or alias),
            port=int(port),
            user=str(user or _local_user()),
            identities=tuple(identities),
            proxy_jump=None if jump in (None, "none") else str(jump),
        )

    def open(self, host: HostSpec, deadline: float) -> HostSession:
        """Connect to ``host`` and return a session, or raise ``ProbeFailure``."""
        endpoint = self.resolve(host.address or host.name, host)
        transports: list[paramiko.Transport] = []
        try:
            sock = self._socket(endpoint, transports, deadline)
            transport = self._handshake(endpoint, sock, deadline)
            transports.append(transport)
            self._authenticate(endpoint, transport)
        except BaseException:
            for t in transports:
                t.close()
            raise
        return HostSession(transports, self.options, deadline, host.root)

    def _socket(self, endpoint: Endpoint, transports: list[paramiko.Transport],
                deadline: float) -> socket.socket | paramiko.Channel:
        """A TCP socket to the endpoint, or a channel through its ProxyJump hosts."""
        if endpoint.proxy_jump:
            return self._via_jump(endpoint, transports, deadline)
        return self._tcp(endpoint, deadline)

    def scan(self, host: HostSpec, deadline: float) -> tuple[str, paramiko.PKey]:
        """The known_hosts name and the key ``host`` presents, without trusting or logging in.

        Jump hosts on the way are verified strictly, like ``open``.
        """
        endpoint = self.resolve(host.address or host.name, host)
        transports: list[paramiko.Transport] = []
        try:
            sock = self._socket(endpoint, transports, deadline)
            transport = paramiko.Transport(sock)
            transports.append(transport)
            name = known_hosts_name(endpoint.hostname, endpoint.port)
            _prefer_known_types(transport, self.hostkeys.known_types(name))
            try:
                transport.start_client(timeout=_bounded(self.options.connect_timeout, deadline))
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise ProbeFailure("handshake-failed", f"SSH handshake with {name} failed: "
                                   f"{_describe(exc)}") from None
            return name, transport.get_remote_server_key()
        finally:
            for t in transports:
                t.close()

    def _tcp(self, endpoint: Endpoint, deadline: float) -> socket.socket:
        timeout = _bounded(self.options.connect_timeout, deadline)
        try:
            sock = _connect(endpoint.hostname, endpoint.port, timeout)
        except socket.gaierror as exc:
            raise ProbeFailure("dns-failure", f"cannot resolve {endpoint.hostname}: "
                               f"{exc.strerror}") from None
        except ConnectionRefusedError:
            raise ProbeFailure("connection-refused", f"{endpoint.hostname}:{endpoint.port} "
                               "refused the connection") from None
        except TimeoutError:
            raise ProbeFailure("connect-timeout", f"no answer from {endpoint.hostname}:"
                               f"{endpoint.port} within {timeout:.1f}s") from None
        except OSError as exc:
            raise ProbeFailure("unreachable", f"{endpoint.hostname}:{endpoint.port}: "
                               f"{exc.strerror or type(exc).__name__}") from None
        return sock

    def _via_jump(self, endpoint: Endpoint, transports: list[paramiko.Transport],
                  deadline: float) -> paramiko.Channel:
        sock: socket.socket | paramiko.Channel | None = None
        hops = [h.strip() for h in (endpoint.proxy_jump or "").split(",") if h.strip()]
        for hop in hops:
            jump = self._hop(hop)
            sock = self._tcp(jump, deadline) if sock is None else self._forward(
                transports[-1], jump, deadline)
            transport = self._handshake(jump, sock, deadline)
            transports.append(transport)
            self._authenticate(jump, transport)
        return self._forward(transports[-1], endpoint, deadline)

    def _hop(self, hop: str) -> Endpoint:
        """A ProxyJump hop ``[user@]host[:port]`` resolved through ssh_config."""
        user, _, rest = hop.rpartition("@")
        alias, port = rest, None
        if rest.count(":") == 1:
            alias, _, number = rest.partition(":")
            port = int(number) if number.isdigit() else None
        found = self.resolve(alias)
        return Endpoint(found.alias, found.hostname, port or found.port, user or found.user,
                        found.identities, None)

    def _forward(self, transport: paramiko.Transport, endpoint: Endpoint,
                 deadline: float) -> paramiko.Channel:
        try:
            return transport.open_channel(
                "direct-tcpip", (endpoint.hostname, endpoint.port), ("127.0.0.1", 0),
                timeout=_bounded(self.options.connect_timeout, deadline))
        except (paramiko.SSHException, OSError) as exc:
            raise ProbeFailure("proxy-failed", f"jump host could not reach {endpoint.hostname}:"
                               f"{endpoint.port}: {exc}") from None

    def _handshake(self, endpoint: Endpoint, sock: socket.socket | paramiko.Channel,
                   deadline: float) -> paramiko.Transport:
        name = known_hosts_name(endpoint.hostname, endpoint.port)
        transport = paramiko.Transport(sock)
        transport.banner_timeout = _bounded(self.options.connect_timeout, deadline)
        transport.auth_timeout = _bounded(self.options.auth_timeout, deadline)
        _prefer_known_types(transport, self.hostkeys.known_types(name))
        try:
            transport.start_client(timeout=_bounded(self.options.connect_timeout, deadline))
            self.hostkeys.verify(name, transport.get_remote_server_key())
        except HostKeyError as exc:
            transport.close()
            raise ProbeFailure(exc.code, str(exc), security=exc.security) from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            transport.close()
            raise ProbeFailure("handshake-failed", f"SSH handshake with {name} failed: "
                               f"{_describe(exc)}") from None
        return transport

    def _authenticate(self, endpoint: Endpoint, transport: paramiko.Transport) -> None:
        tried = 0
        for key in self._candidate_keys(endpoint):
            tried += 1
            try:
                transport.auth_publickey(endpoint.user, key)
            except paramiko.AuthenticationException:
                continue
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise ProbeFailure("auth-failed", f"authentication as {endpoint.user} "
                                   f"failed: {_describe(exc)}") from None
            if transport.is_authenticated():
                return
        raise ProbeFailure("auth-failed", f"no key accepted for {endpoint.user}@"
                           f"{endpoint.hostname} ({tried} tried)")

    def _candidate_keys(self, endpoint: Endpoint) -> list[paramiko.PKey]:
        paths = endpoint.identities or DEFAULT_IDENTITIES
        keys = [k for k in (self._key(p) for p in paths) if k is not None]
        return keys + self._agent()

    def _key(self, path: str) -> paramiko.PKey | None:
        full = os.path.expanduser(path)
        with self._lock:
            if full not in self._keys:
                try:
                    self._keys[full] = paramiko.PKey.from_path(full)
                except (OSError, paramiko.SSHException, ValueError):
                    self._keys[full] = None
            return self._keys[full]

    def _agent(self) -> list[paramiko.PKey]:
        if not self.options.use_agent or not os.environ.get("SSH_AUTH_SOCK"):
            return []
        with self._lock:
            if self._agent_keys is None:
                try:
                    self._agent_keys = list(paramiko.Agent().get_keys())
                except paramiko.SSHException:
                    self._agent_keys = []
            return list(self._agent_keys)


_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class QuickAckSocket(socket.socket):
    """A TCP socket that never lets a small reply wait on a delayed ACK.

    TCP_NODELAY stops our own small packets waiting; TCP_QUICKACK, re-armed after every
    read (Linux forgets it), ACKs the server's at once, so a server that does not set
    TCP_NODELAY (sshd for non-interactive sessions) is not stalled 40 ms by Nagle.
    """

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Read, then push out the ACK for what was read."""
        data = super().recv(bufsize, flags)
        if _QUICKACK is not None and data:
            self.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        return data


def _connect(hostname: str, port: int, timeout: float) -> socket.socket:
    """Connect to the first address that answers, with TCP_NODELAY set."""
    error: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(hostname, port, 0,
                                                              socket.SOCK_STREAM):
        sock = QuickAckSocket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise error or OSError(f"no address for {hostname}")


def _prefer_known_types(transport: paramiko.Transport, types: list[str]) -> None:
    if not types:
        return
    options = transport.get_security_options()
    current = list(options.key_types)
    wanted = set(types) | ({"rsa-sha2-512", "rsa-sha2-256"} if "ssh-rsa" in types else set())
    first = [t for t in current if t in wanted]
    options.key_types = first + [t for t in current if t not in first]


def _bounded(timeout: float, deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ProbeFailure("deadline-exceeded", "per-host deadline passed before connecting")
    return min(timeout, remaining)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _local_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "root")
