"""Bucket configuration → facts: versioning, object lock, encryption, lifecycle, replication.

Each reader takes the ``CallResult`` of one S3 call and returns JSON-safe details plus the
facts it establishes. A call that failed yields ``Evidence(value=None, reason=...)``; a "not
configured" answer is a known negative (no lock → not immutable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drcheck.probes.s3_client import CallResult
from drcheck.shared.model import Evidence, FactKey, Source

_YEAR_DAYS = 365


@dataclass(frozen=True)
class ReplicationRule:
    """One replication rule as read: status, filter prefix and destination."""

    rule_id: str
    status: str
    prefix: str | None
    destination: str
    account: str | None
    storage_class: str | None
    arn: str = ""

    @property
    def other_endpoint(self) -> bool:
        """The destination is named by a non-S3 ARN (a MinIO/Ceph remote target, …)."""
        return self.arn.startswith("arn:") and not self.arn.startswith("arn:aws")

    def details(self) -> dict[str, object]:
        """JSON-safe form for ``details["replication"]``."""
        return {
            "id": self.rule_id,
            "status": self.status,
            "prefix": self.prefix,
            "destination_bucket": self.destination,
            "destination_account": self.account,
            "storage_class": self.storage_class,
        }


def evidence(value: bool | int | str | None, origin: str, at: str,
             reason: str | None = None) -> Evidence:
    """A probed ``Evidence``."""
    return Evidence(value, Source.PROBED, f"s3:{origin}", at, reason)


def unknown(result: CallResult, at: str) -> Evidence:
    """The unknown fact a failed call leaves behind, with its reason."""
    return evidence(None, result.operation, at, result.reason or f"{result.operation} failed")


def versioning_details(result: CallResult) -> dict[str, object] | None:
    """``{"status": ..., "mfa_delete": ...}``; ``Disabled`` when versioning was never on."""
    if result.data is None:
        return None
    return {
        "status": str(result.data.get("Status") or "Disabled"),
        "mfa_delete": str(result.data.get("MFADelete") or "Disabled"),
    }


def lock_facts(result: CallResult, at: str) -> tuple[dict[str, object] | None,
                                                      dict[str, Evidence]]:
    """Object lock → ``immutable`` (lock enabled with a default retention) and
    ``retention_days`` (default retention; years count 365 days; 0 without one)."""
    if not result.ok:
        return None, {FactKey.IMMUTABLE.value: unknown(result, at),
                      FactKey.RETENTION_DAYS.value: unknown(result, at)}
    config: Mapping[str, Any] = (result.data or {}).get("ObjectLockConfiguration") or {}
    enabled = config.get("ObjectLockEnabled") == "Enabled"
    default = (config.get("Rule") or {}).get("DefaultRetention") or {}
    days = int(default.get("Days") or 0) + int(default.get("Years") or 0) * _YEAR_DAYS
    locked = enabled and days > 0
    detail = {"enabled": enabled, "mode": default.get("Mode"), "days": days or None}
    note = result.reason if result.implied_by else None
    return detail, {
        FactKey.IMMUTABLE.value: evidence(locked, result.origin, at, note),
        FactKey.RETENTION_DAYS.value: evidence(days if locked else 0, result.origin, at, note),
    }


def encryption_facts(result: CallResult, at: str) -> tuple[list[dict[str, object]] | None,
                                                           Evidence]:
    """Default encryption rules and the ``encrypted`` fact."""
    if not result.ok:
        return None, unknown(result, at)
    config: Mapping[str, Any] = (result.data or {}).get(
        "ServerSideEncryptionConfiguration") or {}
    rules: list[dict[str, object]] = []
    for rule in config.get("Rules") or []:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        rules.append({
            "algorithm": default.get("SSEAlgorithm"),
            "kms_key": bool(default.get("KMSMasterKeyID")),
            "bucket_key": rule.get("BucketKeyEnabled"),
        })
    encrypted = any(r["algorithm"] for r in rules)
    return rules, evidence(encrypted, result.operation, at)


def _rule_prefix(rule: Mapping[str, Any]) -> str:
    """The key prefix a lifecycle or replication rule filters on ('' = whole bucket)."""
    flt = rule.get("Filter") or {}
    if "Prefix" in flt:
        return str(flt.get("Prefix") or "")
    if "And" in flt:
        return str((flt.get("And") or {}).get("Prefix") or "")
    return str(rule.get("Prefix") or "")


def applies(rule_prefix: str | None, prefix: str) -> bool:
    """True when a rule on ``rule_prefix`` can touch keys of the dataset under ``prefix``."""
    if not rule_prefix:
        return True
    norm = prefix.lstrip("/")
    if norm and not norm.endswith("/"):
        norm += "/"  # a dataset path is a directory: db must not match dbx/
    return norm.startswith(rule_prefix) or rule_prefix.startswith(norm)


def lifecycle_details(result: CallResult) -> list[dict[str, object]] | None:
    """Lifecycle rules: id, status, prefix, current and noncurrent expiration days."""
    if not result.ok:
        return None
    out: list[dict[str, object]] = []
    for rule in (result.data or {}).get("Rules") or []:
        expiration = rule.get("Expiration") or {}
        noncurrent = rule.get("NoncurrentVersionExpiration") or {}
        out.append({
            "id": rule.get("ID"),
            "status": rule.get("Status"),
            "prefix": _rule_prefix(rule),
            "tag_filter": bool((rule.get("Filter") or {}).get("Tag")
                               or ((rule.get("Filter") or {}).get("And") or {}).get("Tags")),
            "expiration_days": expiration.get("Days"),
            "expiration_date": str(expiration["Date"]) if expiration.get("Date") else None,
            "noncurrent_expiration_days": noncurrent.get("NoncurrentDays"),
        })
    return out


def expiration_fact(rules: list[dict[str, object]] | None, prefixes: Sequence[str],
                    result: CallResult, at: str) -> Evidence | None:
    """The shortest enabled expiration (days) touching any of ``prefixes`` (all rules when
    none are given); None when no rule expires objects there."""
    if rules is None:
        return unknown(result, at)
    wanted = list(prefixes) or [""]
    days = [int(str(r["expiration_days"])) for r in rules
            if r["status"] == "Enabled" and r["expiration_days"] is not None
            and any(applies(str(r["prefix"]), p) for p in wanted)]
    return evidence(min(days), result.operation, at) if days else None


#: Noncurrent versions kept this many days or fewer protect against an overwrite or a
#: ransomware encryption only if someone notices within that time: weak protection.
WEAK_NONCURRENT_DAYS = 14


def noncurrent_fact(rules: list[dict[str, object]] | None, prefixes: Sequence[str],
                    result: CallResult, at: str) -> Evidence | None:
    """The shortest enabled noncurrent-version expiration (days) touching ``prefixes``."""
    if rules is None:
        return unknown(result, at)
    wanted = list(prefixes) or [""]
    days = [int(str(r["noncurrent_expiration_days"])) for r in rules
            if r["status"] == "Enabled" and r["noncurrent_expiration_days"] is not None
            and any(applies(str(r["prefix"]), p) for p in wanted)]
    return evidence(min(days), result.operation, at) if days else None


def replication_rules(result: CallResult) -> list[ReplicationRule] | None:
    """The replication rules, or None when they could not be read."""
    if not result.ok:
        return None
    config: Mapping[str, Any] = (result.data or {}).get("ReplicationConfiguration") or {}
    rules: list[ReplicationRule] = []
    for i, rule in enumerate(config.get("Rules") or []):
        dest = rule.get("Destination") or {}
        rules.append(ReplicationRule(
            rule_id=str(rule.get("ID") or f"rule-{i + 1}"),
            status=str(rule.get("Status") or "Unknown"),
            prefix=_rule_prefix(rule) or None,
            destination=bucket_from_arn(str(dest.get("Bucket") or "")),
            account=dest.get("Account"),
            storage_class=dest.get("StorageClass"),
            arn=str(dest.get("Bucket") or ""),
        ))
    return rules


def bucket_from_arn(value: str) -> str:
    """``arn:aws:s3:::name`` → ``name``; a bare name is returned as is."""
    return value.rsplit(":::", 1)[-1] if value.startswith("arn:") else value
