"""What the probes ran into: security alarms and broken links fail; blind spots are unknown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drcheck.evaluate.base import Context, Outcome, RuleType
from drcheck.evaluate.registry import register
from drcheck.model import Dataset, ProbeIssue, Status

DEFAULT_FAIL_CODES = ("host-key-changed", "dangling-replication", "location-mismatch",
                      "weak-versioning")


@register("collection-issues")
class CollectionIssuesRule(RuleType):
    """No probe found anything wrong with, or could not read, the dataset's replicas.

    A changed host key, a replication rule pointing at a bucket that no longer exists, or an
    endpoint contradicting the declared location fails; any other collection problem
    (unreachable host, access denied) leaves the dataset unknown, never safe.
    """

    summary = "probes found no alarm and no blind spot on the dataset's replicas"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "fail_codes": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Gather the issues recorded against every asset the dataset lives on."""
        fail_codes = set(params.get("fail_codes", DEFAULT_FAIL_CODES))
        issues: list[ProbeIssue] = []
        for asset in dict.fromkeys(r.asset for r in dataset.replicas):
            issues += ctx.issues.get(asset, ())
        alarms = [i for i in issues if i.security or i.code in fail_codes]
        if alarms:
            return Outcome(Status.FAIL, "; ".join(f"{i.subject}: {i.code}: {i.reason}"
                                                  for i in alarms))
        if issues:
            text = "; ".join(f"{i.subject}: {i.code}: {i.reason}" for i in issues)
            return Outcome(Status.UNKNOWN, f"evidence incomplete: {text}", (), (),
                           tuple(f"{i.subject}: {i.code}" for i in issues))
        return Outcome(Status.PASS, "no collection issues on the dataset's replicas")
