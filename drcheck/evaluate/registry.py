"""The rule-type registry: rule names (the ``type`` in a policy) to their classes."""

from __future__ import annotations

from collections.abc import Callable

from drcheck.evaluate.base import RuleType

_RULES: dict[str, type[RuleType]] = {}


def register(name: str) -> Callable[[type[RuleType]], type[RuleType]]:
    """Class decorator: register a rule type under ``name`` and stamp ``cls.name``."""

    def wrap(cls: type[RuleType]) -> type[RuleType]:
        if name in _RULES:
            raise ValueError(f"rule type {name!r} registered twice")
        cls.name = name
        _RULES[name] = cls
        return cls

    return wrap


def rule_types() -> dict[str, type[RuleType]]:
    """Every registered rule type, by name, after importing the built-in rule modules."""
    from drcheck.evaluate import rules  # noqa: F401  (explicit imports register the rules)

    return dict(sorted(_RULES.items()))


def get(name: str) -> RuleType:
    """An instance of the rule type ``name``."""
    return rule_types()[name]()
