"""Rule definitions for reports (SARIF rules, help text), taken from the loaded policies."""

from __future__ import annotations

from collections.abc import Sequence

from drcheck.evaluate.policy import Policy
from drcheck.evaluate.registry import rule_types
from drcheck.shared.model import AuditResult, RuleRef


def rule_refs(policies: Sequence[Policy]) -> tuple[RuleRef, ...]:
    """Every rule of every policy, with its origin (``file:line``) and description."""
    return tuple(
        RuleRef(policy=p.name, rule_id=r.id, rule_type=r.type, title=r.title,
                severity=r.severity, origin=r.origin,
                description=r.description or rule_types()[r.type].summary,
                controls=r.controls)
        for p in policies for r in p.rules
    )


def rule_index(result: AuditResult) -> dict[tuple[str, str], RuleRef]:
    """The result's rule definitions by (policy, rule id)."""
    return {(r.policy, r.rule_id): r for r in result.rules}
