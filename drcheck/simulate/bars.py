"""The bar a surviving copy must meet, per dataset, taken from the loaded policies.

``drcheck simulate`` asks what the policies ask: a copy counts only when it is as fresh as
the strictest ``max-age`` rule that selects its dataset (or the ``--max-age`` given).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from drcheck.evaluate.policy import Policy, Selector
from drcheck.evaluate.rules.freshness import MaxAgeRule
from drcheck.evaluate.survival.fate import BarFor
from drcheck.evaluate.survival.model import Bar
from drcheck.shared.model import Dataset


def policy_bar(policies: Sequence[Policy], max_age: timedelta | None = None,
               require_immutable: bool = False, min_retention_days: int = 0) -> BarFor:
    """A ``BarFor`` that takes ``max_age`` when given, else the strictest ``max-age`` rule
    of ``policies`` whose selector matches the dataset (no freshness bar when none does)."""
    max_age_rule = MaxAgeRule()
    rules = [(r.selector, max_age_rule.bind(r.params).max_age.delta)
             for p in policies for r in p.rules if r.type == "max-age"]
    if max_age is None and rules and all(sel == Selector() for sel, _ in rules):
        max_age = min(age for _, age in rules)  # every dataset is selected: one bar
    fixed = Bar(max_age, require_immutable, min_retention_days)
    cache: dict[timedelta | None, Bar] = {}

    def bar_for(dataset: Dataset) -> Bar:
        if max_age is not None or not rules:
            return fixed
        ages = [age for sel, age in rules
                if sel.matches(dataset.name, dataset.labels, dataset.criticality)]
        limit = min(ages) if ages else None
        if limit not in cache:
            cache[limit] = Bar(limit, require_immutable, min_retention_days)
        return cache[limit]

    return bar_for
