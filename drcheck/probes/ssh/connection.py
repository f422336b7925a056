"""One SSH connection per host: resolve, connect, verify the host key, authenticate.

``open_session`` returns a ``HostSession`` (fixed commands and bounded SFTP reads) or
raises ``ProbeFailure`` with a ProbeIssue code. Settings come from the estate first, then
the user's ssh_config, read by ``drcheck.inputs.sshconfig`` (which never executes anything):
HostName, User, Port, IdentityFile, ProxyJump, and ProxyCommand only when
``allow_proxy_command`` is set. Every wait on a peer (TCP connect, banner and key exchange,
auth, a jump channel, then everything in the session) is a phase of one ``HostGuard``: the
watchdog closes the connection when a phase outlives its limit or the per-host deadline.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import threading
from dataclasses import dataclass, field

import paramiko

from drcheck.inputs.estate import HostSpec
from drcheck.inputs.sshconfig import Resolved, SshConfig
from drcheck.inputs.sshsyntax import (
    host_problem,
    jump_problem,
    port_problem,
    split_hop,
    user_problem,
)
from drcheck.probes.ssh.failure import ProbeFailure
from drcheck.probes.ssh.hostkeys import HostKeyError, HostKeyStore, known_hosts_name
from drcheck.probes.ssh.proxy import proxy_argv
from drcheck.probes.ssh.session import HostSession
from drcheck.probes.ssh.watchdog import GRACE, HostGuard

log = logging.getLogger(__name__)
DEFAULT_IDENTITIES = ("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa")


@dataclass(frozen=True)
class SshOptions:
    """How the SSH probe connects; every timeout is in seconds."""

    known_hosts: str | None = "~/.ssh/known_hosts"
    trust_new_host_keys: bool = False
    trust_file: str = "~/.config/drcheck/known_hosts"
    ssh_config: str | None = "~/.ssh/config"
    allow_proxy_command: bool = False
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
    proxy_command: str | None = None


def read_user_config(path: str | None) -> SshConfig | None:
    """The user's ssh_config (None when absent); its warnings are logged once."""
    full = os.path.expanduser(path) if path else None
    if not full or not os.path.exists(full):
        return None
    config = SshConfig.read(full, user_config=True)
    for warning in config.warnings:
        log.warning("%s", warning)
    return config


class Connector:
    """Shared, thread-safe state for every connection: config, host keys, loaded keys."""

    def __init__(self, options: SshOptions) -> None:
        """Parse ssh_config and load known_hosts once for the whole fleet."""
        self.options = options
        self.hostkeys = HostKeyStore(options.known_hosts, options.trust_file,
                                     options.trust_new_host_keys)
        self._config = read_user_config(options.ssh_config)
        self._keys: dict[str, paramiko.PKey | None] = {}
        self._agent_keys: list[paramiko.PKey] | None = None
        self._lock = threading.Lock()

    def resolve(self, alias: str, host: HostSpec | None = None) -> Endpoint:
        """Merge the estate's host entry with ssh_config's entry for ``alias``.

        Values from ssh_config pass the same syntax checks as the estate's, so a HostName
        or User there cannot carry shell words into a ProxyCommand or a log line.
        """
        conf = self._config.lookup(alias, host.user if host else None) if self._config \
            else Resolved(alias, {}, {})
        identities = [host.key_file] if host and host.key_file else []
        identities += list(self.options.identities)
        identities += list(conf.identity_paths(host.user if host else None))
        user = (host.user if host else None) or conf.first("user") or self.options.default_user
        port = (host.port if host else None) or conf.first("port") or 22
        jump = (host.proxy_jump if host else None) or conf.proxy_jump
        command = None if host and host.proxy_jump else conf.proxy_command
        endpoint = Endpoint(alias=alias, hostname=conf.hostname, port=0,
                            user=str(user or _local_user()), identities=tuple(identities),
                            proxy_jump=None if jump in (None, "none") else str(jump),
                            proxy_command=command if not jump else None)
        _check_endpoint(endpoint, port, conf)
        return Endpoint(endpoint.alias, endpoint.hostname, int(port), endpoint.user,
                        endpoint.identities, endpoint.proxy_jump, endpoint.proxy_command)

    def guard(self, deadline: float) -> HostGuard:
        """A fresh per-host guard: each phase at most the connect timeout, all by ``deadline``."""
        return HostGuard(deadline, self.options.connect_timeout)

    def open(self, host: HostSpec, deadline: float) -> HostSession:
        """Connect to ``host`` and return a session, or raise ``ProbeFailure``."""
        endpoint = self.resolve(host.address or host.name, host)
        guard = self.guard(deadline)
        transports: list[paramiko.Transport] = []
        try:
            sock = self._socket(endpoint, transports, guard)
            transport = self._handshake(endpoint, sock, guard)
            transports.append(transport)
            self._authenticate(endpoint, transport, guard)
        except BaseException:
            guard.close_all()
            raise
        return HostSession(transports, self.options, guard, host.root)

    def _socket(self, endpoint: Endpoint, transports: list[paramiko.Transport],
                guard: HostGuard) -> socket.socket | paramiko.Channel | paramiko.ProxyCommand:
        """A TCP socket to the endpoint, a channel through its ProxyJump hosts, or (opt-in)
        the pipes of its ProxyCommand."""
        if endpoint.proxy_jump:
            return self._via_jump(endpoint, transports, guard)
        if endpoint.proxy_command:
            return self._proxy_command(endpoint, guard)
        return self._tcp(endpoint, guard)

    def scan(self, host: HostSpec, deadline: float) -> tuple[str, paramiko.PKey]:
        """The known_hosts name and the key ``host`` presents, without trusting or logging in.

        Jump hosts on the way are verified strictly, like ``open``.
        """
        endpoint = self.resolve(host.address or host.name, host)
        guard = self.guard(deadline)
        transports: list[paramiko.Transport] = []
        try:
            sock = self._socket(endpoint, transports, guard)
            transport = paramiko.Transport(sock)
            guard.on_expiry(transport.close)
            name = known_hosts_name(endpoint.hostname, endpoint.port)
            _prefer_known_types(transport, self.hostkeys.known_types(name))
            try:
                with guard.phase("banner and key exchange") as budget:
                    transport.banner_timeout = budget + GRACE
                    transport.start_client(timeout=budget + GRACE)
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise ProbeFailure("handshake-failed", f"SSH handshake with {name} failed: "
                                   f"{_describe(exc)}") from None
            return name, transport.get_remote_server_key()
        finally:
            guard.close_all()

    def _tcp(self, endpoint: Endpoint, guard: HostGuard) -> socket.socket:
        try:
            with guard.phase("tcp-connect") as timeout:
                sock = _connect(endpoint.hostname, endpoint.port, timeout)
        except ProbeFailure as failure:
            if failure.code != "peer-timeout":
                raise
            raise ProbeFailure("connect-timeout", f"no answer from {endpoint.hostname}:"
                               f"{endpoint.port}: {failure.reason}") from None
        except socket.gaierror as exc:
            raise ProbeFailure("dns-failure", f"cannot resolve {endpoint.hostname}: "
                               f"{exc.strerror}") from None
        except ConnectionRefusedError:
            raise ProbeFailure("connection-refused", f"{endpoint.hostname}:{endpoint.port} "
                               "refused the connection") from None
        except TimeoutError:
            raise ProbeFailure("connect-timeout", f"no answer from {endpoint.hostname}:"
                               f"{endpoint.port} within {guard.limit:.1f}s") from None
        except OSError as exc:
            raise ProbeFailure("unreachable", f"{endpoint.hostname}:{endpoint.port}: "
                               f"{exc.strerror or type(exc).__name__}") from None
        return sock

    def _proxy_command(self, endpoint: Endpoint, guard: HostGuard) -> paramiko.ProxyCommand:
        """The user's own ProxyCommand, run without a shell, tokens from checked values."""
        if not self.options.allow_proxy_command:
            raise ProbeFailure("proxy-command-refused", f"ssh_config gives {endpoint.alias} a "
                               "ProxyCommand; drcheck runs it only with --allow-proxy-command")
        try:
            argv = proxy_argv(endpoint.proxy_command or "", endpoint)
        except ValueError as exc:
            raise ProbeFailure("proxy-command-refused", str(exc)) from None
        try:
            proxy = paramiko.ProxyCommand(shlex.join(argv))
        except paramiko.SSHException as exc:
            raise ProbeFailure("proxy-failed", f"ProxyCommand could not start: {exc}") from None
        guard.on_expiry(proxy.close)
        proxy.settimeout(guard.limit + GRACE)
        return proxy

    def _via_jump(self, endpoint: Endpoint, transports: list[paramiko.Transport],
                  guard: HostGuard) -> paramiko.Channel:
        sock: socket.socket | paramiko.Channel | None = None
        hops = [h.strip() for h in (endpoint.proxy_jump or "").split(",") if h.strip()]
        for hop in hops:
            jump = self._hop(hop)
            sock = self._tcp(jump, guard) if sock is None else self._forward(
                transports[-1], jump, guard)
            transport = self._handshake(jump, sock, guard)
            transports.append(transport)
            self._authenticate(jump, transport, guard)
        return self._forward(transports[-1], endpoint, guard)

    def _hop(self, hop: str) -> Endpoint:
        """A ProxyJump hop ``[user@]host[:port]`` resolved through ssh_config."""
        try:
            user, alias, port = split_hop(hop)
        except ValueError as exc:
            raise ProbeFailure("bad-ssh-setting", f"ProxyJump {exc}") from None
        found = self.resolve(alias)
        return Endpoint(found.alias, found.hostname, port or found.port, user or found.user,
                        found.identities, None)

    def _forward(self, transport: paramiko.Transport, endpoint: Endpoint,
                 guard: HostGuard) -> paramiko.Channel:
        try:
            with guard.phase("jump-channel") as budget:
                return transport.open_channel(
                    "direct-tcpip", (endpoint.hostname, endpoint.port), ("127.0.0.1", 0),
                    timeout=budget + GRACE)
        except (paramiko.SSHException, OSError) as exc:
            raise ProbeFailure("proxy-failed", f"jump host could not reach {endpoint.hostname}:"
                               f"{endpoint.port}: {exc}") from None

    def _handshake(self, endpoint: Endpoint,
                   sock: socket.socket | paramiko.Channel | paramiko.ProxyCommand,
                   guard: HostGuard) -> paramiko.Transport:
        name = known_hosts_name(endpoint.hostname, endpoint.port)
        transport = paramiko.Transport(sock)
        guard.on_expiry(transport.close)
        _prefer_known_types(transport, self.hostkeys.known_types(name))
        try:
            with guard.phase("banner and key exchange") as budget:
                transport.banner_timeout = budget + GRACE
                transport.start_client(timeout=budget + GRACE)
            self.hostkeys.verify(name, transport.get_remote_server_key())
        except HostKeyError as exc:
            transport.close()
            raise ProbeFailure(exc.code, str(exc), security=exc.security) from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            transport.close()
            raise ProbeFailure("handshake-failed", f"SSH handshake with {name} failed: "
                               f"{_describe(exc)}") from None
        return transport

    def _authenticate(self, endpoint: Endpoint, transport: paramiko.Transport,
                      guard: HostGuard) -> None:
        tried = 0
        with guard.phase("auth", self.options.auth_timeout) as budget:
            transport.auth_timeout = budget + GRACE
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


def _check_endpoint(endpoint: Endpoint, port: object, conf: Resolved) -> None:
    """Refuse a resolved value that is not a host, user, port or jump list by syntax."""
    checks = (("hostname", host_problem(endpoint.hostname)),
              ("user", user_problem(endpoint.user)),
              ("port", port_problem(port)),
              ("proxyjump", jump_problem(endpoint.proxy_jump) if endpoint.proxy_jump else None))
    for keyword, problem in checks:
        if problem:
            where = conf.origins.get(keyword, "the estate")
            raise ProbeFailure("bad-ssh-setting", f"{where}: {problem}")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _local_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "root")
