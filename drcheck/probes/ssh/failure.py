"""``ProbeFailure``: what stops one step of the SSH probe (or the whole host), with a code."""

from __future__ import annotations


class ProbeFailure(Exception):
    """Something that stops one step (or the whole host) with a ProbeIssue code."""

    def __init__(self, code: str, reason: str, security: bool = False) -> None:
        """``code`` is kebab-case and stable; ``reason`` is safe to print (no secrets)."""
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.security = security
