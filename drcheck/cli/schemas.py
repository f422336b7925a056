"""Every JSON Schema drcheck ships, each generated from the code that defines the document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drcheck.brief.regimes import REGIMES_SCHEMA
from drcheck.brief.schema import brief_schema
from drcheck.evaluate.policy import policy_schema
from drcheck.evaluate.waivers import WAIVERS_SCHEMA
from drcheck.facts.snapshot import FACTS_SCHEMA
from drcheck.inputs.estate import ESTATE_SCHEMA
from drcheck.report.schema import result_schema

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "estate": lambda: ESTATE_SCHEMA,
    "policy": policy_schema,
    "facts": lambda: FACTS_SCHEMA,
    "result": result_schema,
    "waivers": lambda: WAIVERS_SCHEMA,
    "brief": brief_schema,
    "regimes": lambda: REGIMES_SCHEMA,
}
