"""SSH signatures (the SSHSIG format ``ssh-keygen -Y sign`` writes), made and checked in Python.

A signature covers ``SSHSIG || string(namespace) || string("") || string(hash) ||
string(H(message))`` and is armored between ``-----BEGIN SSH SIGNATURE-----`` lines, so
an auditor can check drcheck's evidence with OpenSSH alone:
``ssh-keygen -Y verify -f allowed_signers -I IDENTITY -n drcheck -s FILE.sig < FILE``.
Ed25519, ECDSA (P-256/384/521) and RSA (rsa-sha2-512) keys are supported.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAGIC = b"SSHSIG"
NAMESPACE = "drcheck"
HASH = "sha512"
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
_CURVES = {"nistp256": (ec.SECP256R1(), hashes.SHA256()),
           "nistp384": (ec.SECP384R1(), hashes.SHA384()),
           "nistp521": (ec.SECP521R1(), hashes.SHA512())}


class SignatureError(Exception):
    """A signature that is malformed or does not verify; the message says why."""


def ssh_string(data: bytes) -> bytes:
    """SSH wire ``string``: uint32 length, then the bytes."""
    return struct.pack(">I", len(data)) + data


def mpint(value: int) -> bytes:
    """SSH wire ``mpint`` of a non-negative integer."""
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big") if value else b""
    return ssh_string(raw)


class Reader:
    """Reads SSH wire fields from a byte string, refusing truncation."""

    def __init__(self, data: bytes) -> None:
        """Start at the first byte of ``data``."""
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        """The next ``n`` raw bytes."""
        if n < 0 or self.pos + n > len(self.data):
            raise SignatureError("signature is truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def uint32(self) -> int:
        """The next uint32."""
        return int(struct.unpack(">I", self.take(4))[0])

    def string(self) -> bytes:
        """The next ``string``."""
        return self.take(self.uint32())

    def done(self) -> bool:
        """True when every byte was read."""
        return self.pos == len(self.data)


def signed_data(message_digest: bytes, namespace: str = NAMESPACE, hash_alg: str = HASH
                ) -> bytes:
    """The blob a key actually signs for SSHSIG."""
    return (MAGIC + ssh_string(namespace.encode()) + ssh_string(b"")
            + ssh_string(hash_alg.encode()) + ssh_string(message_digest))


def message_digest(data: bytes, hash_alg: str = HASH) -> bytes:
    """H(message) with SSHSIG's hash."""
    return _HASHES[hash_alg](data).digest()


def armor(public_blob: bytes, signature_blob: bytes, namespace: str = NAMESPACE) -> str:
    """The armored SSHSIG text for a public key blob and its signature blob."""
    body = (MAGIC + struct.pack(">I", 1) + ssh_string(public_blob)
            + ssh_string(namespace.encode()) + ssh_string(b"") + ssh_string(HASH.encode())
            + ssh_string(signature_blob))
    text = base64.b64encode(body).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]  # as ssh-keygen wraps
    return "\n".join([BEGIN, *lines, END]) + "\n"


@dataclass(frozen=True)
class Parsed:
    """The fields of an armored SSHSIG signature."""

    public_blob: bytes
    namespace: str
    hash_alg: str
    signature_blob: bytes

    @property
    def key_type(self) -> str:
        """``ssh-ed25519``, ``ecdsa-sha2-nistp256``, ``ssh-rsa``…"""
        return Reader(self.public_blob).string().decode(errors="replace")

    @property
    def fingerprint(self) -> str:
        """``SHA256:…`` as ``ssh-keygen -l`` prints it."""
        digest = hashlib.sha256(self.public_blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse(text: str) -> Parsed:
    """Parse an armored signature; anything else is a ``SignatureError``."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise SignatureError("not an SSH signature (no BEGIN/END SSH SIGNATURE lines)")
    try:
        raw = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError:
        raise SignatureError("signature armor is not base64") from None
    r = Reader(raw)
    if r.take(6) != MAGIC or r.uint32() != 1:
        raise SignatureError("not an SSHSIG version 1 signature")
    public, namespace, _reserved = r.string(), r.string(), r.string()
    hash_alg, sig = r.string().decode(errors="replace"), r.string()
    if not r.done():
        raise SignatureError("trailing bytes after the signature")
    if hash_alg not in _HASHES:
        raise SignatureError(f"unsupported hash {hash_alg!r}")
    return Parsed(public, namespace.decode(errors="replace"), hash_alg, sig)


def public_key(blob: bytes) -> object:
    """A cryptography public key from an SSH public key blob."""
    key_type = Reader(blob).string().decode(errors="replace")
    line = key_type.encode() + b" " + base64.b64encode(blob)
    try:
        return serialization.load_ssh_public_key(line)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"unsupported or malformed public key: {exc}") from None


def check(parsed: Parsed, data: bytes, namespace: str = NAMESPACE) -> None:
    """Raise ``SignatureError`` unless ``parsed`` is a valid signature of ``data``."""
    if parsed.namespace != namespace:
        raise SignatureError(f"signature namespace is {parsed.namespace!r}, not {namespace!r}")
    blob = signed_data(message_digest(data, parsed.hash_alg), namespace, parsed.hash_alg)
    r = Reader(parsed.signature_blob)
    sig_type, sig = r.string().decode(errors="replace"), r.string()
    key = public_key(parsed.public_blob)
    try:
        _verify(key, sig_type, sig, blob)
    except InvalidSignature:
        raise SignatureError("signature does not match the file: it was changed after "
                             "signing, or signed by another key") from None


def _verify(key: object, sig_type: str, sig: bytes, blob: bytes) -> None:
    if isinstance(key, ed25519.Ed25519PublicKey) and sig_type == "ssh-ed25519":
        key.verify(sig, blob)
    elif isinstance(key, ec.EllipticCurvePublicKey) and sig_type.startswith("ecdsa-sha2-"):
        r = Reader(sig)
        der = encode_dss_signature(int.from_bytes(r.string(), "big"),
                                   int.from_bytes(r.string(), "big"))
        _curve, digest = _CURVES[sig_type.removeprefix("ecdsa-sha2-")]
        key.verify(der, blob, ec.ECDSA(digest))
    elif isinstance(key, rsa.RSAPublicKey) and sig_type in ("rsa-sha2-512", "rsa-sha2-256"):
        algorithm = hashes.SHA512() if sig_type == "rsa-sha2-512" else hashes.SHA256()
        key.verify(sig, blob, padding.PKCS1v15(), algorithm)
    else:
        raise SignatureError(f"signature type {sig_type!r} does not fit the key or is "
                             "not accepted (ssh-rsa SHA-1 signatures are refused)")
