"""What the probes ran into: security alarms and broken links fail; blind spots are unknown."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.evaluate.base import Context, Outcome, RuleType, outcome, register
from drcheck.evaluate.params import type_schema
from drcheck.shared.model import Dataset, ProbeIssue, Status

DEFAULT_FAIL_CODES = ("host-key-changed", "dangling-replication", "location-mismatch",
                      "weak-versioning")


@dataclass(frozen=True)
class CollectionParams:
    """``fail_codes``: the issue codes that fail the rule (security alarms always do)."""

    fail_codes: frozenset[str]


@register("collection-issues")
class CollectionIssuesRule(RuleType[CollectionParams]):
    """No probe found anything wrong with, or could not read, the dataset's replicas.

    A changed host key, a replication rule pointing at a bucket that no longer exists, or an
    endpoint contradicting the declared location fails; any other collection problem
    (unreachable host, access denied) leaves the dataset unknown, never safe.
    """

    summary = "probes found no alarm and no blind spot on the dataset's replicas"
    passes = "no probe recorded an issue against any asset the dataset's replicas live on"
    fails = (
        "a probe raised an alarm on one of them: a changed host key, a security finding, or a "
        "code of ``fail_codes`` (by default host-key-changed, dangling-replication, location-"
        "mismatch, weak-versioning)"
    )
    unknown = (
        "a probe could not read one of them (unreachable host, access denied, a probe error): "
        "evidence is incomplete"
    )
    params_schema = type_schema(
        fail_codes={"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                    "default": list(DEFAULT_FAIL_CODES)},
    )
    params_type = CollectionParams

    def judge(self, dataset: Dataset, params: CollectionParams, ctx: Context) -> Outcome:
        """Gather the issues recorded against every asset the dataset lives on."""
        fail_codes = params.fail_codes
        issues: list[ProbeIssue] = []
        for asset in dict.fromkeys(r.asset for r in dataset.replicas):
            issues += ctx.issues.get(asset, ())
        alarms = [i for i in issues if i.security or i.code in fail_codes]
        if alarms:
            return outcome(Status.FAIL, "; ".join(f"{i.subject}: {i.code}: {i.reason}"
                                                  for i in alarms))
        if issues:
            text = "; ".join(f"{i.subject}: {i.code}: {i.reason}" for i in issues)
            return outcome(Status.UNKNOWN, f"evidence incomplete: {text}", (), (),
                           tuple(f"{i.subject}: {i.code}" for i in issues))
        return outcome(Status.PASS, "no collection issues on the dataset's replicas")
