"""S3 plumbing for the object-storage probe: settings, shared clients, read-only calls, errors.

One boto3 session is built per profile and one client per (endpoint, region, profile,
addressing style), each once, and shared by every worker thread (botocore clients are
thread-safe; building one costs ~0.1 s). A credential the endpoint refuses (invalid key,
bad signature, expired token) is remembered per endpoint and profile: once one call proves it
invalid, no later call is made for any bucket read with it; and until a server has answered
one call made with a credential, the other workers wait for that answer (bounded by the
connect timeout), so a refused credential costs one call even with 48 workers. Every call goes
through ``BucketCalls.call``, which turns botocore errors into stable issue codes
(``access-denied``, ``no-such-bucket``, ``throttled``, ``tls-error``, ``timeout``,
``unreachable``) with a reason scrubbed of every credential the client holds.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
    SSLError,
)

from drcheck import __version__

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:  # pragma: no cover - the stubs are a dev dependency only
    S3Client = Any

#: Failures that condemn the whole endpoint: later buckets on it are not attempted.
ENDPOINT_DOWN = frozenset({"unreachable", "tls-error"})
#: S3 error codes that mean "this feature is not configured": a known negative answer.
NOT_CONFIGURED = frozenset({
    "ObjectLockConfigurationNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchLifecycleConfiguration",
    "ReplicationConfigurationNotFoundError",
    "NoSuchObjectLockConfiguration",
})
_DENIED = frozenset({"AccessDenied", "AllAccessDisabled", "AccountProblem", "403", "Forbidden"})
#: The credential itself is refused: every later call would be refused the same way.
_INVALID = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken",
                      "ExpiredToken", "InvalidClientTokenId", "AuthorizationHeaderMalformed"})
_THROTTLED = frozenset({
    "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
    "ServiceUnavailable", "503", "429", "RequestTimeTooSkewed",
})
_MISSING = frozenset({"NoSuchBucket", "404", "NotFound"})
_UNSUPPORTED = frozenset({"NotImplemented", "501", "MethodNotAllowed", "405"})
#: Issue codes after which no further call on the bucket is worth making (a throttled or
#: stalled endpoint is not hammered further: each call would cost the whole retry budget).
FATAL_CODES = frozenset({
    "no-such-bucket", "unreachable", "tls-error", "no-credentials", "throttled", "timeout",
    "invalid-credentials",
})


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class S3Settings:
    """Timeouts, retries, concurrency and listing budget of the object-storage probe.

    The freshness listing reads at most ``listing_pages`` pages of ``page_size`` keys per
    dataset prefix (10 × 1000 keys by default); past that the newest key seen is reported with
    ``listing_truncated``. ``now`` is injectable so tests can fix the observation time.
    """

    concurrency: int = 48
    """Calls in flight at most. Past about this many, on two CPUs, the probe's own CPU bounds
    it, not the latency (1000 buckets at 30 ms, whole process, medians of 3 over several
    rounds: 6.3-6.8 s with 32, 4.8-5.5 s with 48, 4.7 s with 64)."""
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3
    bucket_deadline: float = 60.0
    listing_pages: int = 10
    page_size: int = 1000
    follow_replication: bool = True
    now: Callable[[], datetime] = field(default=_utcnow, compare=False)

    def botocore_config(self, region: str | None, addressing_style: str | None) -> Config:
        """The botocore ``Config`` every client of this probe is built with."""
        return Config(
            region_name=region,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries={"mode": "standard", "max_attempts": self.max_attempts},
            max_pool_connections=max(10, self.concurrency * 2),
            # The probe builds every request itself: botocore's per-call parameter checks
            # and optional body checksums are client CPU spent on nothing.
            parameter_validation=False,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": _style(addressing_style)},
            # A fixed User-Agent: botocore otherwise rebuilds its long default one twice
            # per request (~15 % of a call's client CPU).
            user_agent=f"drcheck/{__version__}",
        )


def _style(value: str | None) -> Literal["auto", "virtual", "path"]:
    """An estate ``addressing_style`` as botocore's literal (anything unknown → auto)."""
    if value == "path":
        return "path"
    return "virtual" if value == "virtual" else "auto"


@dataclass(frozen=True)
class ClientKey:
    """What makes two buckets share a client."""

    endpoint: str | None
    region: str | None
    profile: str | None
    addressing_style: str | None


class ClientPool:
    """Builds each S3 client once and hands the same one to every thread."""

    def __init__(self, settings: S3Settings) -> None:
        """A pool whose clients use ``settings``' timeouts, retries and pool size."""
        self._settings = settings
        self._clients: dict[ClientKey, S3Client] = {}
        self._sessions: dict[str | None, boto3.session.Session] = {}
        self._secrets: set[str] = set()
        self._dead: dict[str, CallResult] = {}
        self._refused: dict[ClientKey, CallResult] = {}
        self._vetted: set[ClientKey] = set()  # credentials a server has answered without refusal
        self._vetting: set[ClientKey] = set()  # credentials whose first call is in flight
        self._expected: set[ClientKey] = set()  # ... in another process's pool (``expect``)
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._tell: Callable[[Verdict], object] | None = None

    def client(self, key: ClientKey) -> S3Client:
        """The shared client for ``key``, built on first use (boto3's credential chain)."""
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._build(key)
                self._clients[key] = found
            return found

    def _build(self, key: ClientKey) -> S3Client:
        session = self._sessions.get(key.profile)
        if session is None:  # one session per profile: its credential chain is read once
            session = boto3.session.Session(profile_name=key.profile)
            self._remember_secrets(session)
            self._sessions[key.profile] = session
        config = self._settings.botocore_config(key.region, key.addressing_style)
        return session.client("s3", endpoint_url=key.endpoint, config=config)

    def _remember_secrets(self, session: boto3.session.Session) -> None:
        try:
            creds = session.get_credentials()
        except BotoCoreError:
            return
        if creds is None:
            return
        frozen = creds.get_frozen_credentials()
        self._secrets.update(v for v in (frozen.access_key, frozen.secret_key, frozen.token) if v)

    def scrub(self, text: str) -> str:
        """``text`` with every secret this pool has seen replaced by ``***``."""
        return scrub(text, self._secrets)

    def mark_dead(self, endpoint: str | None, failure: CallResult) -> None:
        """Remember that an explicit endpoint cannot be reached (a circuit breaker: a
        black-holed endpoint would otherwise cost every bucket the full timeout)."""
        if endpoint:
            with self._lock:
                self._dead.setdefault(endpoint, failure)
            self._share(Verdict("dead", endpoint, failure))

    def dead(self, endpoint: str | None) -> CallResult | None:
        """The failure that condemned ``endpoint``, if any."""
        return self._dead.get(endpoint) if endpoint else None

    def mark_refused(self, key: ClientKey | None, failure: CallResult) -> None:
        """Remember that the credential behind client ``key`` was refused as invalid: for
        every client of that endpoint and profile, or, when only the signature's region
        scope was refused (``AuthorizationHeaderMalformed``), for that client alone."""
        if key is not None:
            scope = key if failure.error in _REGION_SCOPED else credential_scope(key)
            with self._lock:
                self._refused.setdefault(scope, failure)
            self._share(Verdict("refused", scope, failure))

    def admit(self, key: ClientKey | None, until: float | None = None) -> bool:
        """Hold a call until the credential behind ``key`` has been answered once.

        The first call made with a credential goes alone; every other call with it waits
        for that answer, so an invalid credential costs one refused call, not one per
        worker. The wait is bounded by ``until`` (a ``time.monotonic`` deadline) and by the
        connect timeout: a first call that a server holds longer stops holding the others.
        True when this call is the one that vets the credential: the caller must
        ``settle`` it.
        """
        if key is None:
            return False
        scope = credential_scope(key)
        limit = time.monotonic() + self._settings.connect_timeout
        until = limit if until is None else min(until, limit)
        with self._settled:
            while scope not in self._vetted and self._refused_locked(key) is None:
                if scope not in self._vetting:
                    self._vetting.add(scope)
                    return True
                left = until - time.monotonic()
                if left <= 0:
                    if scope in self._expected:  # no verdict came: this pool vets it
                        self._expected.discard(scope)
                        self._vetting.discard(scope)
                    break
                self._settled.wait(left)
            return False

    def settle(self, key: ClientKey | None, result: CallResult | None) -> None:
        """The vetting call of ``admit`` is over: a server answer other than a refusal of
        the credential vouches for it; anything else lets the next call try."""
        if key is None:
            return
        scope = credential_scope(key)
        vetted = result is not None and (result.ok or result.code not in _UNVETTED)
        with self._settled:
            self._vetting.discard(scope)
            if vetted:
                self._vetted.add(scope)
            self._settled.notify_all()
        self._share(Verdict("vetted" if vetted else "released", scope, None))

    def share_with(self, tell: Callable[[Verdict], object] | None) -> None:
        """Hand every verdict this pool reaches from now on (a credential vetted, refused or
        released untried, an endpoint condemned) to ``tell``: the other processes probing
        the same wave learn it (``learn``). None stops it."""
        self._tell = tell

    def _share(self, verdict: Verdict) -> None:
        tell = self._tell
        if tell is not None:
            tell(verdict)

    def expect(self, scopes: Iterable[ClientKey]) -> None:
        """Another process vets these credentials (``credential_scope`` keys): a call made
        with one waits for its verdict (``learn``), as a thread waits for the first call
        of this pool's own, bounded the same way (``admit``); once one such wait has run
        out, the next call vets the credential here."""
        with self._settled:
            self._expected.update(scopes)
            self._vetting.update(scopes)

    def learn(self, verdict: Verdict) -> None:
        """What another process's pool found (``share_with``), as if found here."""
        with self._settled:
            if verdict.kind == "dead" and isinstance(verdict.key, str) \
                    and verdict.result is not None:
                self._dead.setdefault(verdict.key, verdict.result)
            elif isinstance(verdict.key, ClientKey):
                if verdict.kind == "refused" and verdict.result is not None:
                    self._refused.setdefault(verdict.key, verdict.result)
                elif verdict.kind in ("vetted", "released"):
                    if verdict.key in self._expected:
                        self._expected.discard(verdict.key)
                        self._vetting.discard(verdict.key)
                    if verdict.kind == "vetted":
                        self._vetted.add(verdict.key)
            self._settled.notify_all()

    def refused(self, key: ClientKey | None) -> CallResult | None:
        """The call that proved the credential behind ``key`` invalid, if any."""
        if key is None or not self._refused:
            return None
        return self._refused_locked(key)

    def _refused_locked(self, key: ClientKey) -> CallResult | None:
        return self._refused.get(credential_scope(key)) or self._refused.get(key)


@dataclass(frozen=True)
class Verdict:
    """One thing a pool found that another process probing the same wave should know:
    ``kind`` is ``vetted``, ``refused`` or ``released`` (its first call ended without a
    server's judgement) for a credential (``key``: a ``ClientKey``, ``result``: the refusal),
    or ``dead`` for an endpoint (``key``: its URL, ``result``: the failure)."""

    kind: Literal["vetted", "refused", "released", "dead"]
    key: ClientKey | str
    result: CallResult | None


#: A refusal that depends on the region the request was signed for, not on the credential.
_REGION_SCOPED = frozenset({"AuthorizationHeaderMalformed"})
#: Outcomes that say nothing about the credential: no server judged it.
_UNVETTED = frozenset({"invalid-credentials", "unreachable", "tls-error", "timeout",
                       "no-credentials"})


def credential_scope(key: ClientKey) -> ClientKey:
    """The part of a client key that names one credential at one endpoint."""
    return ClientKey(key.endpoint, None, key.profile, None)


_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
_SIGNATURE = re.compile(r"(Signature=|Credential=|X-Amz-Signature=|X-Amz-Credential=)[^&\s,\"]+")


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove credentials from a message: known secret values, URL user-info, signatures."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _URL_USERINFO.sub(r"\g<scheme>***@", text)
    return _SIGNATURE.sub(r"\1***", text)


def env_endpoint() -> str | None:
    """The S3 endpoint from boto3's standard variables (``AWS_ENDPOINT_URL_S3`` first)."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@dataclass(frozen=True)
class CallResult:
    """One S3 call's answer: ``data`` on success, else the error and the issue code.

    ``absent`` marks a "not configured" answer (no lock configuration, no lifecycle): a known
    negative, not an unknown. ``implied_by`` names the earlier call whose answer settles this
    one, which was therefore not made (``reason`` says why); the facts it yields quote that
    call, never this operation, so they never pass for a fresh observation.
    """

    operation: str
    data: Mapping[str, Any] | None = None
    error: str | None = None
    code: str | None = None
    reason: str | None = None
    absent: bool = False
    implied_by: str | None = None

    @property
    def origin(self) -> str:
        """The S3 operation whose answer established this result."""
        return self.implied_by or self.operation

    @property
    def ok(self) -> bool:
        """True when the call answered (with data or a known "not configured")."""
        return self.data is not None or self.absent


def classify(exc: BaseException) -> tuple[str, str]:
    """(issue code, error name) for a botocore exception."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        name = str(error.get("Code") or "")
        status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "")
        return _code_for(name, status), name or status or "ClientError"
    checks: tuple[tuple[type[BaseException], str], ...] = (
        (SSLError, "tls-error"),
        (ConnectTimeoutError, "timeout"),
        (ReadTimeoutError, "timeout"),
        (EndpointConnectionError, "unreachable"),
        (ConnectionClosedError, "unreachable"),
        (NoCredentialsError, "no-credentials"),
        (PartialCredentialsError, "no-credentials"),
    )
    for kind, code in checks:
        if isinstance(exc, kind):
            return code, type(exc).__name__
    return "s3-error", type(exc).__name__


def _code_for(name: str, status: str) -> str:
    for names, code in (
        (_INVALID, "invalid-credentials"),
        (_DENIED, "access-denied"),
        (_MISSING, "no-such-bucket"),
        (_THROTTLED, "throttled"),
        (_UNSUPPORTED, "not-implemented"),
    ):
        if name in names or status in names:
            return code
    return "s3-error"


class BucketCalls:
    """The read-only calls made for one bucket, remembering the first fatal failure.

    After a fatal failure (no such bucket, endpoint unreachable, TLS failure) later calls are
    not attempted: they answer with the same code at once.
    """

    def __init__(self, client: S3Client, bucket: str, pool: ClientPool,
                 endpoint: str | None = None,
                 on_call: Callable[[str], object] | None = None,
                 deadline: float | None = None, key: ClientKey | None = None) -> None:
        """Calls on ``bucket`` through ``client``; ``pool`` scrubs error text and remembers
        dead endpoints (``endpoint``: the explicit endpoint URL, None for AWS's own) and
        refused credentials (``key``: the client's key)."""
        self.client = client
        self.bucket = bucket
        self._pool = pool
        self._endpoint = endpoint
        self._key = key
        self.results: list[CallResult] = []
        self.fatal: CallResult | None = None
        self._on_call = on_call
        self._deadline = deadline

    def call(self, operation: str, action: Callable[[], Mapping[str, Any]]) -> CallResult:
        """Run ``action`` (one S3 operation) and record its outcome; never raises.

        Until a server has answered one call made with this credential, the call waits for
        that answer (``ClientPool.admit``): a refused credential stops every bucket at once.
        """
        if self.fatal is not None:
            return CallResult(operation, error=self.fatal.error, code=self.fatal.code,
                              reason=f"{operation}: skipped after {self.fatal.reason}")
        if not self._pool.admit(self._key, self._deadline):
            return self._attempt(operation, action)
        result: CallResult | None = None
        try:
            result = self._attempt(operation, action)
            return result
        finally:
            self._pool.settle(self._key, result)

    def _attempt(self, operation: str, action: Callable[[], Mapping[str, Any]]) -> CallResult:
        """``call`` once admitted: the known answer of a condemned endpoint or credential,
        the deadline, or the call itself."""
        condemned = self._condemned(operation)
        if condemned is not None:
            self.fatal = condemned
            return condemned
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.fatal = CallResult(operation, error="Deadline", code="timeout",
                                    reason=f"{operation}: not attempted, the per-bucket "
                                    "deadline passed")
            return self.fatal
        if self._on_call is not None:
            self._on_call(operation)
        try:
            result = CallResult(operation, data=action())
        except (ClientError, BotoCoreError) as exc:
            result = self._failure(operation, exc)
        self.results.append(result)
        if result.code in FATAL_CODES:
            self.fatal = result
        if result.code in ENDPOINT_DOWN or result.error == "ConnectTimeoutError":
            self._pool.mark_dead(self._endpoint, result)
        if result.code == "invalid-credentials":
            self._pool.mark_refused(self._key, result)
        return result

    def _condemned(self, operation: str) -> CallResult | None:
        """The known answer, without calling, when the endpoint is down or the credential
        was already refused (on any bucket); None when the call is worth making."""
        dead = self._pool.dead(self._endpoint)
        if dead is not None:
            return CallResult(operation, error=dead.error, code=dead.code,
                              reason=f"{operation}: not attempted, endpoint down "
                                     f"({dead.reason})")
        refused = self._pool.refused(self._key)
        if refused is not None:
            return CallResult(operation, error=refused.error, code=refused.code,
                              reason=f"{operation}: not attempted, the credential was "
                                     f"refused ({refused.reason})")
        return None

    def _failure(self, operation: str, exc: BaseException) -> CallResult:
        code, name = classify(exc)
        if name in NOT_CONFIGURED:
            return CallResult(operation, error=name, absent=True)
        message = str(exc)
        if isinstance(exc, ClientError):
            message = str(exc.response.get("Error", {}).get("Message") or name)
        reason = self._pool.scrub(f"{operation}: {name}: {message}")
        return CallResult(operation, error=name, code=code, reason=reason)
