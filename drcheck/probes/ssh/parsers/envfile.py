"""Shell-style environment files (``KEY=value``, ``export KEY="value"``), redacted on read."""

from __future__ import annotations

import shlex

from drcheck.probes.ssh.secrets import redact_value


def parse_env(text: str) -> dict[str, str]:
    """The variables an env file or ``Environment=`` line sets; secret values are redacted."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].strip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.replace("_", "").isalnum():
            continue
        out[name] = redact_value(name, _unquote(value.strip()))
    return out


def parse_assignments(text: str) -> dict[str, str]:
    """``A=1 "B=two words"`` as in systemd ``Environment=``; secret values are redacted."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return parse_env("\n".join(words))


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if " #" in value:
        value = value.split(" #", 1)[0].rstrip()
    return value
