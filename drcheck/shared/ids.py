"""Identities that outlive a run: asset ids and finding fingerprints.

An asset id is ``KIND:NAME`` (``host:db-1``, ``bucket:backups``, ``medium:vault-tapes``);
the name may itself contain colons, the kind never does. A finding's fingerprint names what
the finding is about — policy, rule and dataset (and a subject within the dataset, when a
rule reports on one) — and never its verdict, so a failure that turns unknown, or is
waived, stays the same finding for baselines, SARIF and history.
"""

from __future__ import annotations

import hashlib

ASSET_KINDS = ("host", "bucket", "medium")
FINGERPRINT_SCHEME = "drcheck/v2"


class AssetId(str):
    """An asset id, ``KIND:NAME``: a string (it is stored and compared as one) that knows
    its two parts."""

    __slots__ = ()

    @classmethod
    def of(cls, kind: str, name: str) -> AssetId:
        """The id of the asset ``name`` of ``kind`` (``AssetId.of("host", "db-1")``)."""
        if kind not in ASSET_KINDS:
            raise ValueError(f"asset kind {kind!r} is not one of {', '.join(ASSET_KINDS)}")
        return cls(f"{kind}:{name}")

    @property
    def kind(self) -> str:
        """``host``, ``bucket`` or ``medium``."""
        return self.partition(":")[0]

    @property
    def name(self) -> str:
        """The asset's name as the estate spells it (everything after the first colon)."""
        return self.partition(":")[2]


def fingerprint(policy: str, rule_id: str, dataset: str, subject: str = "") -> str:
    """A finding's permanent id: same policy, rule, dataset (and subject) → same fingerprint,
    whatever the verdict."""
    parts = [FINGERPRINT_SCHEME, policy, rule_id, dataset] + ([subject] if subject else [])
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]
