"""ProxyCommand lines as an argv: split without a shell, tokens filled from checked values."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from drcheck.inputs.sshsyntax import host_problem

if TYPE_CHECKING:
    from drcheck.probes.ssh.connection import Endpoint


def _tokens(text: str) -> list[str]:
    """``text`` split into literal runs and two-character ``%x`` tokens."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = text.find("%", i)
        if j < 0:
            out.append(text[i:])
            break
        if j > i:
            out.append(text[i:j])
        out.append(text[j:j + 2])
        i = j + 2
    return out


PROXY_TOKENS = ("h", "p", "r", "n", "%")


def proxy_argv(template: str, endpoint: Endpoint) -> list[str]:
    """A ProxyCommand as an argv (no shell), ``%h %p %r %n %%`` filled from checked values.

    ValueError for an unbalanced quote or any other token (``%d``, ``%C``…): a token
    drcheck cannot fill from a syntax-checked value is refused, not guessed.
    """
    values = {"h": endpoint.hostname, "p": str(endpoint.port), "r": endpoint.user,
              "n": endpoint.alias, "%": "%"}
    for name, value in values.items():
        if name in "hn" and host_problem(value):
            raise ValueError(f"ProxyCommand %{name}: {host_problem(value)}")
    argv: list[str] = []
    for word in shlex.split(template):
        parts = _tokens(word)
        bad = [p for p in parts if p.startswith("%") and p[1:] not in PROXY_TOKENS]
        if bad:
            raise ValueError(f"ProxyCommand token {bad[0]!r} is not supported "
                             f"(only %h %p %r %n %%)")
        argv.append("".join(values[p[1:]] if p.startswith("%") else p for p in parts))
    if not argv:
        raise ValueError("ProxyCommand is empty")
    return argv
