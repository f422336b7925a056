"""Signing drcheck's outputs with an SSH key, and checking them against allowed signers.

``--sign KEY`` takes what ``ssh-keygen -Y sign -f KEY`` takes: a private key file (signed
in-process; an encrypted one reads its passphrase from ``DRCHECK_SIGN_PASSPHRASE``), or a
public key file whose private half is held by ssh-agent (``SSH_AUTH_SOCK``), so the key
never leaves the agent. Each signed file gets ``FILE.sig`` beside it.

``verify`` checks a file against its signature and an ``allowed_signers`` file (the format
of ssh-keygen(1) ALLOWED SIGNERS: principals, options such as ``namespaces="drcheck"``,
``valid-after``, ``valid-before``, then the key); certificate authorities are not
supported and never match.
"""

from __future__ import annotations

import base64
import os
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from drcheck.evidence.sshsig import (
    NAMESPACE,
    Parsed,
    Reader,
    SignatureError,
    armor,
    check,
    message_digest,
    mpint,
    parse,
    signed_data,
    ssh_string,
)
from drcheck.report.output import atomic_write_bytes
from drcheck.shared.errors import UsageError, VerifyError

_KEY_TYPE = re.compile(r"^(ssh-|ecdsa-|sk-)")
PASSPHRASE_ENV = "DRCHECK_SIGN_PASSPHRASE"


class Signer(Protocol):
    """Something that signs SSHSIG blobs with one key."""

    public_blob: bytes

    def sign(self, blob: bytes) -> bytes:
        """The SSH signature blob (``string type || string sig``) of ``blob``."""


def _public_blob(key: object) -> bytes:
    line = key.public_bytes(serialization.Encoding.OpenSSH,  # type: ignore[attr-defined]
                            serialization.PublicFormat.OpenSSH)
    return base64.b64decode(line.split()[1])


class FileSigner:
    """Signs with a private key file (OpenSSH or PEM format)."""

    def __init__(self, path: Path, text: bytes) -> None:
        """Load the key; an encrypted key needs ``DRCHECK_SIGN_PASSPHRASE``."""
        secret = os.environ.get(PASSPHRASE_ENV)
        password = secret.encode() if secret else None
        try:
            loader = (serialization.load_ssh_private_key if b"OPENSSH PRIVATE KEY" in text
                      else serialization.load_pem_private_key)
            self.key = loader(text, password)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"--sign {path}: cannot load the private key ({exc})",
                             hint=f"an encrypted key reads its passphrase from {PASSPHRASE_ENV}"
                             ) from None
        self.public_blob = _public_blob(self.key.public_key())

    def sign(self, blob: bytes) -> bytes:
        """Sign in-process: Ed25519, ECDSA or RSA (rsa-sha2-512)."""
        key = self.key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return ssh_string(b"ssh-ed25519") + ssh_string(key.sign(blob))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            curve = {256: ("nistp256", hashes.SHA256()), 384: ("nistp384", hashes.SHA384()),
                     521: ("nistp521", hashes.SHA512())}[key.curve.key_size]
            r, s = decode_dss_signature(key.sign(blob, ec.ECDSA(curve[1])))
            return (ssh_string(f"ecdsa-sha2-{curve[0]}".encode())
                    + ssh_string(mpint(r) + mpint(s)))
        if isinstance(key, rsa.RSAPrivateKey):
            sig = key.sign(blob, padding.PKCS1v15(), hashes.SHA512())
            return ssh_string(b"rsa-sha2-512") + ssh_string(sig)
        raise UsageError(f"unsupported signing key type {type(key).__name__}")


class AgentSigner:
    """Signs through ssh-agent with the agent key matching a public key file."""

    def __init__(self, path: Path, public_blob: bytes) -> None:
        """Find the key in the agent at ``SSH_AUTH_SOCK``."""
        import paramiko

        if not os.environ.get("SSH_AUTH_SOCK"):
            raise UsageError(f"--sign {path}: a public key signs through ssh-agent, and "
                             "SSH_AUTH_SOCK is not set")
        agent = paramiko.Agent()
        found = [k for k in agent.get_keys() if k.asbytes() == public_blob]
        if not found:
            agent.close()
            raise UsageError(f"--sign {path}: the agent at SSH_AUTH_SOCK does not hold this "
                             "key", hint=f"ssh-add the private key of {path}")
        self.agent, self.key, self.public_blob = agent, found[0], public_blob

    def sign(self, blob: bytes) -> bytes:
        """Ask the agent to sign (RSA keys with rsa-sha2-512)."""
        algorithm = "rsa-sha2-512" if self.key.get_name() == "ssh-rsa" else None
        try:
            return bytes(self.key.sign_ssh_data(blob, algorithm))
        except Exception as exc:
            raise UsageError(f"ssh-agent refused to sign: {exc}") from None


def load_signer(path: Path) -> Signer:
    """A signer for ``--sign PATH``: a private key file, or a public key held by the agent."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--sign {path}: cannot read the key ({exc.strerror})") from None
    if b"PRIVATE KEY" in text:
        return FileSigner(path, text)
    fields = text.split()
    if len(fields) >= 2 and _KEY_TYPE.match(fields[0].decode(errors="replace")):
        try:
            return AgentSigner(path, base64.b64decode(fields[1], validate=True))
        except ValueError:
            pass
    raise UsageError(f"--sign {path}: expected a private key file or a public key (.pub) "
                     "whose private key is in ssh-agent")


def sign_bytes(data: bytes, signer: Signer) -> str:
    """The armored SSHSIG signature of ``data`` in drcheck's namespace."""
    blob = signed_data(message_digest(data))
    return armor(signer.public_blob, signer.sign(blob))


def sign_file(path: Path, signer: Signer) -> Path:
    """Write ``PATH.sig`` beside ``path`` (atomically); return its path."""
    sig = path.with_name(path.name + ".sig")
    atomic_write_bytes(sig, sign_bytes(path.read_bytes(), signer).encode())
    return sig


@dataclass(frozen=True)
class AllowedSigner:
    """One line of an allowed_signers file."""

    principals: tuple[str, ...]
    namespaces: tuple[str, ...] | None
    valid_after: datetime | None
    valid_before: datetime | None
    cert_authority: bool
    public_blob: bytes
    line: int

    def admits(self, identity: str | None, namespace: str, at: datetime) -> bool:
        """Whether this line lets ``identity`` sign in ``namespace`` at ``at``."""
        if self.cert_authority:
            return False
        if identity is not None and not _principal_matches(self.principals, identity):
            return False
        if self.namespaces is not None and not any(fnmatchcase(namespace, n)
                                                   for n in self.namespaces):
            return False
        if self.valid_after is not None and at < self.valid_after:
            return False
        return self.valid_before is None or at <= self.valid_before


def _principal_matches(patterns: Iterable[str], identity: str) -> bool:
    matched = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if fnmatchcase(identity, pattern[1:]):
                return False
        elif fnmatchcase(identity, pattern):
            matched = True
    return matched


def _stamp(text: str) -> datetime:
    """``YYYYMMDD[HHMM[SS]][Z]`` as ssh-keygen reads it (UTC when ``Z``, else local)."""
    utc = text.endswith("Z")
    digits = text.rstrip("Z")
    fmt = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}.get(len(digits))
    if fmt is None:
        raise ValueError(text)
    parsed = datetime.strptime(digits, fmt)
    return parsed.replace(tzinfo=timezone.utc) if utc else parsed.astimezone()


def _options(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace = ","
    lexer.whitespace_split = True
    for item in lexer:
        name, _, value = item.partition("=")
        out[name.strip().lower()] = value
    return out


def _split_line(raw: str) -> list[str]:
    """Fields of an allowed_signers line: options may hold quoted spaces."""
    lexer = shlex.shlex(raw, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def _signer_line(raw: str, number: int, path: str) -> AllowedSigner:
    fields = _split_line(raw)
    if len(fields) < 3:
        raise ValueError("expected: principals [options] keytype base64-key")
    principals, rest = fields[0], fields[1:]
    options: dict[str, str] = {}
    if not _KEY_TYPE.match(rest[0]):
        options, rest = _options(rest[0]), rest[1:]
    if len(rest) < 2 or not _KEY_TYPE.match(rest[0]):
        raise ValueError("expected a key type such as ssh-ed25519")
    blob = base64.b64decode(rest[1], validate=True)
    namespaces = options.get("namespaces")
    return AllowedSigner(
        tuple(principals.split(",")),
        None if namespaces is None else tuple(n.strip() for n in namespaces.split(",")),
        _stamp(options["valid-after"]) if "valid-after" in options else None,
        _stamp(options["valid-before"]) if "valid-before" in options else None,
        "cert-authority" in options, blob, number)


def read_allowed_signers(path: Path) -> list[AllowedSigner]:
    """Every line of an allowed_signers file; a malformed line is exit 2 with its number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    signers = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            signers.append(_signer_line(raw.strip(), number, str(path)))
        except (ValueError, KeyError) as exc:
            raise UsageError(f"{path}:{number}: not an allowed_signers line: {exc}") from None
    return signers


@dataclass(frozen=True)
class Verified:
    """Who signed: the matching principals and the key's fingerprint."""

    principals: tuple[str, ...]
    fingerprint: str
    key_type: str


def verify_bytes(data: bytes, signature: str, allowed: Sequence[AllowedSigner],
                 identity: str | None = None, at: datetime | None = None,
                 what: str = "file") -> Verified:
    """Check ``signature`` over ``data`` and that an allowed signer holds its key."""
    try:
        parsed: Parsed = parse(signature)
        check(parsed, data, NAMESPACE)
    except SignatureError as exc:
        raise VerifyError(f"{what}: {exc}") from None
    when = at or datetime.now(timezone.utc)
    lines = [s for s in allowed if s.public_blob == parsed.public_blob]
    admitted = [s for s in lines if s.admits(identity, NAMESPACE, when)]
    if not admitted:
        who = f" for identity {identity!r}" if identity else ""
        why = ("is not in the allowed signers" if not lines
               else f"is not allowed{who} (principal, namespace or validity)")
        raise VerifyError(f"{what}: signed by {parsed.key_type} key {parsed.fingerprint}, "
                          f"which {why}")
    principals = tuple(p for s in admitted for p in s.principals)
    return Verified(principals if identity is None else (identity,), parsed.fingerprint,
                    parsed.key_type)


def read_signature(path: Path) -> str:
    """The text of a ``.sig`` file (exit 2 when missing)."""
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifyError(f"{path}: cannot read the signature ({exc})") from None


__all__ = ["Reader", "Signer", "VerifyError", "load_signer", "read_allowed_signers",
           "sign_bytes", "sign_file", "verify_bytes"]
