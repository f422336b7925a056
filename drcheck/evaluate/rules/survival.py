"""Survival under loss: the dataset keeps a good copy whatever single domain is lost (N-1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from drcheck.durations import parse_duration
from drcheck.evaluate.base import Context, Outcome, RuleType, plural, register
from drcheck.evaluate.rules.freshness import DURATION_SCHEMA
from drcheck.evaluate.rules.placement import KIND_SCHEMA
from drcheck.evaluate.survival.cuts import dataset_cuts, sort_cuts
from drcheck.evaluate.survival.model import Bar, cut_text
from drcheck.evaluate.survival.universe import Universe
from drcheck.model import Dataset, DomainKind, SharedDomain, Status


@register("survives")
class SurvivesRule(RuleType):
    """The dataset survives the loss of any single domain of the named kinds (``depth: 2``:
    of any two).

    Surviving means a *good* replica is left: the primary (the live data), or a copy that
    is fresh enough (``max_age``) and, with ``require_immutable``, immutable (object lock
    with ``min_retention_days``, WORM, offline), so that the loss of an account to
    ransomware, which deletes mutable copies, is modelled too. A replica is lost with a
    domain when any claim of its location names it; a replica with no claim of the kind,
    not proven elsewhere by a broader claim, is unknown, never surviving. The rule sees
    the dataset alone: ``drcheck simulate`` gives the estate-wide view.

    Example::

        - id: DR-SURVIVE-01
          type: survives
          severity: critical
          selector: {labels: {tier: gold}}
          params: {kinds: [campus, account], depth: 1, max_age: 48h}
          controls: {nist-800-53: ["CP-6(1)"], dora: [Art. 12]}

    A failure names the domain(s) that would destroy every good replica; remediation is a
    copy outside them (another campus, another account with its own credentials).
    """

    summary = "a good replica survives the loss of any single domain of the named kinds"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kinds"],
        "properties": {
            "kinds": {"type": "array", "items": KIND_SCHEMA, "minItems": 1,
                      "uniqueItems": True},
            "depth": {"type": "integer", "minimum": 1, "maximum": 2, "default": 1},
            "max_age": DURATION_SCHEMA,
            "require_immutable": {"type": "boolean", "default": False},
            "min_retention_days": {"type": "integer", "minimum": 0, "default": 0},
        },
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Compute the dataset's minimal cut sets up to ``depth`` among the named kinds."""
        kinds = tuple(DomainKind(k) for k in params["kinds"])
        depth = int(params.get("depth", 1))
        max_age: timedelta | None = None
        if params.get("max_age") is not None:
            max_age = parse_duration(str(params["max_age"]))
        bar = Bar(max_age, bool(params.get("require_immutable", False)),
                  int(params.get("min_retention_days", 0)))
        cuts = dataset_cuts(dataset, Universe([dataset], kinds), bar, depth, ctx)
        what = "/".join(k.value for k in kinds)
        loss = f"any {'single' if depth == 1 else 'one or two'} {what}"
        certain = [c for c in cuts.cuts if c.certain]
        if certain:
            shared = tuple(
                SharedDomain(kind, value, tuple(r.name for r in dataset.replicas
                                                if value in r.location.values(kind)))
                for c in certain if len(c.domains) == 1 for kind, value in c.domains)
            return Outcome(Status.FAIL, f"{plural(cuts.good, 'good replica')}; dies with "
                           + " · ".join(cut_text(c) for c in sort_cuts(certain)), shared)
        unknowns = tuple(u for c in cuts.cuts for u in c.unknowns)
        unknowns += tuple(f"no good replica's {k} is known" for k in cuts.blind)
        if unknowns:
            maybe = [cut_text(c) for c in cuts.cuts] + [f"{{{k}:?}}" for k in cuts.blind]
            return Outcome(Status.UNKNOWN, f"{plural(cuts.good, 'good replica')}; might die "
                           "with " + " · ".join(maybe), (), (), tuple(dict.fromkeys(unknowns)))
        return Outcome(Status.PASS, f"{plural(cuts.good, 'good replica')}; survives the loss "
                       f"of {loss}")
