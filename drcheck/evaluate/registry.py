"""The rule-type registry: rule names (the ``type`` in a policy) to their classes.

Importing this module imports every built-in rule module (``drcheck.evaluate.rules``), whose
``@register`` decorators fill the table; rule modules import ``register`` from ``base``, so
the registry is complete whenever it can be asked.
"""

from __future__ import annotations

from typing import Any

from drcheck.evaluate import rules
from drcheck.evaluate.base import RuleType, registered

BUILT_IN = rules.__all__
"""The modules that define the built-in rule types."""


def rule_types() -> dict[str, type[RuleType[Any]]]:
    """Every registered rule type, by name."""
    return registered()


def get(name: str) -> RuleType[Any]:
    """An instance of the rule type ``name``."""
    return rule_types()[name]()
