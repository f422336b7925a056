"""Survival under loss: the dataset keeps a good copy whatever single domain is lost (N-1)."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.evaluate.base import Context, Outcome, RuleType, outcome, plural, register
from drcheck.evaluate.params import DURATION_SCHEMA, Duration, kinds_schema, type_schema
from drcheck.evaluate.survival.cuts import dataset_cuts, sort_cuts
from drcheck.evaluate.survival.model import Bar, Cut, cut_text
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.model import Dataset, DomainKind, SharedDomain, Status


@dataclass(frozen=True)
class SurvivesParams:
    """The kinds whose loss is modelled, how many at once, and the bar a copy must meet."""

    kinds: tuple[DomainKind, ...]
    depth: int
    max_age: Duration | None
    require_immutable: bool
    min_retention_days: int

    @property
    def bar(self) -> Bar:
        """What a surviving copy must be to count."""
        return Bar(self.max_age.delta if self.max_age else None, self.require_immutable,
                   self.min_retention_days)

    @property
    def loss(self) -> str:
        """``any single campus/account``, ``any one or two campus``."""
        what = "/".join(k.value for k in self.kinds)
        return f"any {'single' if self.depth == 1 else 'one or two'} {what}"


@register("survives")
class SurvivesRule(RuleType[SurvivesParams]):
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
    passes = (
        "whatever single domain (``depth: 2``: pair of domains) of ``kinds`` is lost, a good "
        "replica is certainly left"
    )
    fails = (
        "the loss of some domain (or pair) certainly destroys every good replica; the domains are"
        " named"
    )
    unknown = (
        "no such loss is certain, but one might destroy every good replica: a replica has no "
        "claim of a named kind, or no good replica's claim of a kind is known"
    )
    params_schema = type_schema(
        required=["kinds"],
        kinds=kinds_schema(minItems=1),
        depth={"type": "integer", "minimum": 1, "maximum": 2, "default": 1},
        max_age=DURATION_SCHEMA,
        require_immutable={"type": "boolean", "default": False},
        min_retention_days={"type": "integer", "minimum": 0, "default": 0},
    )
    params_type = SurvivesParams

    def judge(self, dataset: Dataset, params: SurvivesParams, ctx: Context) -> Outcome:
        """Compute the dataset's minimal cut sets up to ``depth`` among the named kinds."""
        cuts = dataset_cuts(dataset, Universe([dataset], params.kinds), params.bar,
                            params.depth, ctx)
        good = plural(cuts.good, "good replica")
        certain = [c for c in cuts.cuts if c.certain]
        if certain:
            return outcome(Status.FAIL, f"{good}; dies with "
                           + " · ".join(cut_text(c) for c in sort_cuts(certain)),
                           _single_domains(dataset, certain))
        unknowns = tuple(u for c in cuts.cuts for u in c.unknowns)
        unknowns += tuple(f"no good replica's {k} is known" for k in cuts.blind)
        if unknowns:
            maybe = [cut_text(c) for c in cuts.cuts] + [f"{{{k}:?}}" for k in cuts.blind]
            return outcome(Status.UNKNOWN, f"{good}; might die with " + " · ".join(maybe),
                           (), (), tuple(dict.fromkeys(unknowns)))
        return outcome(Status.PASS, f"{good}; survives the loss of {params.loss}")


def _single_domains(dataset: Dataset, certain: list[Cut]) -> tuple[SharedDomain, ...]:
    """The domains that alone destroy every good replica, with the replicas they hold."""
    return tuple(
        SharedDomain(kind, value, tuple(r.name for r in dataset.replicas
                                        if value in r.location.values(kind)))
        for c in certain if len(c.domains) == 1 for kind, value in c.domains)
