"""Redaction applied at parse time, so secrets never reach facts, details, logs or reports.

Every parser passes values read from a host through these helpers before keeping them:
a key that names a secret keeps only ``REDACTED``, a URL loses its password, and a
command line loses inline credentials (``--password=…``, ``VAR=…`` for secret variables).
"""

from __future__ import annotations

import re

REDACTED = "***"

_SECRET_WORDS = re.compile(
    r"(pass|secret|token|credential|private|passphrase|cipher-pass|cipher_pass"
    r"|(^|[-_.])key($|[-_.])|account[-_]?key|access[-_]?key|session|cookie|auth[-_]?key"
    r"|signature|certificate|encryption[-_]key)",
    re.IGNORECASE,
)
_NOT_SECRET = frozenset(
    {"key_file", "keyfile", "identityfile", "repo-type", "fingerprint", "pass_command_file"}
)
_URL_CREDS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:\s]*):[^@/\s]*@")
_INLINE_FLAG = re.compile(
    r"(?P<flag>--?[A-Za-z0-9-]*(?:pass|secret|token|key|credential)[A-Za-z0-9-]*)"
    r"(?P<sep>[= ])(?P<value>\"[^\"]*\"|'[^']*'|\S+)",
    re.IGNORECASE,
)
_MYSQL = re.compile(r"\b(mysql|mysqldump|mariadb|mariadb-dump)\b")
_MYSQL_PW = re.compile(r"(\s)-p(?!\*\*\*)(\S+)")
# user:password after -u/--user (curl, lftp uses user,password), smbclient -U user%password,
# sshpass -p PASSWORD.
_USER_PASS = re.compile(r"(?P<flag>(?:^|\s)(?:-u|--user|-U)[= ]?\s*)(?P<user>[^\s:,%]+)[:,%]\S+")
_SSHPASS = re.compile(r"(?P<head>\bsshpass\s+-p\s*)\S+")
_ASSIGN = re.compile(r"(?P<name>\b[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\"[^\"]*\"|'[^']*'|\S+)")


def is_secret_key(name: str) -> bool:
    """True when a configuration key or variable name designates a secret."""
    lowered = name.strip().lower()
    if lowered in _NOT_SECRET:
        return False
    return bool(_SECRET_WORDS.search(lowered))


def redact_url(url: str) -> str:
    """``scheme://user:password@host`` becomes ``scheme://user:***@host``."""
    return _URL_CREDS.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", url)


def redact_value(key: str, value: str) -> str:
    """The value of ``key`` as it may be kept: redacted when the key names a secret."""
    if is_secret_key(key):
        return REDACTED
    return redact_url(value)


def redact_command(line: str) -> str:
    """A command line (cron entry, ExecStart) with inline credentials removed."""
    text = redact_url(line)
    text = _INLINE_FLAG.sub(lambda m: f"{m['flag']}{m['sep']}{REDACTED}", text)
    text = _USER_PASS.sub(lambda m: f"{m['flag']}{m['user']}:{REDACTED}", text)
    text = _SSHPASS.sub(lambda m: f"{m['head']}{REDACTED}", text)
    if _MYSQL.search(text):  # mysql -pSECRET: the password is glued to the flag
        text = _MYSQL_PW.sub(rf"\1-p{REDACTED}", text)
    return _ASSIGN.sub(_redact_assignment, text)


def _redact_assignment(match: re.Match[str]) -> str:
    if is_secret_key(match["name"]):
        return f"{match['name']}={REDACTED}"
    return match.group(0)


def redact_mapping(values: dict[str, str]) -> dict[str, str]:
    """Every value of a key/value section redacted according to its key."""
    return {k: redact_value(k, v) for k, v in values.items()}
