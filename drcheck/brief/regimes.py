"""The notification regimes a brief checks (GDPR Art. 33/34, NIS2 Art. 23, DORA Art. 19).

The rules live in ``drcheck/data/regimes.json``, shipped with the package, every deadline
with its legal source (instrument, article, EUR-Lex CELEX id and URL) so a lawyer can check
it. This module gives the file's JSON Schema and loads it into frozen records; what
*triggers* each regime is decided in ``drcheck.brief.duties`` by the file's trigger key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

TRIGGERS = ("personal-data-unavailable", "personal-data-high-risk", "service-disruption",
            "data-loss")
"""The trigger keys the brief knows how to evaluate."""

_SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["instrument", "article", "url"],
    "properties": {
        "instrument": {"type": "string", "minLength": 1},
        "article": {"type": "string", "minLength": 1},
        "celex": {"type": "string", "pattern": r"^3\d{4}[LR]\d{4}$"},
        "url": {"type": "string", "pattern": "^https://"},
    },
}
_DEADLINE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["step", "after", "text", "source"],
    "properties": {
        "step": {"type": "string", "pattern": "^[a-z][a-z-]*$"},
        "after": {"type": "string", "description": "awareness, or an earlier step's id"},
        "hours": {"type": "integer", "minimum": 1},
        "months": {"type": "integer", "minimum": 1},
        "text": {"type": "string", "minLength": 1},
        "source": _SOURCE,
    },
    "not": {"required": ["hours", "months"]},
}
REGIMES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/regimes.json",
    "title": "drcheck notification regimes",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "version", "notice", "regimes", "lead_authority", "authorities",
                 "authorities_source", "high_risk"],
    "properties": {
        "format": {"const": "drcheck/regimes"},
        "version": {"const": 1},
        "notice": {"type": "string", "minLength": 1},
        "regimes": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "regime", "duty", "recipient", "trigger", "trigger_text",
                         "source", "deadlines"],
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "regime": {"type": "string"},
                "duty": {"type": "string"},
                "recipient": {"enum": ["supervisory-authority", "data-subjects", "csirt",
                                       "competent-authority"]},
                "entities": {"type": "array", "items": {
                    "enum": ["essential", "important", "financial"]}},
                "trigger": {"enum": list(TRIGGERS)},
                "trigger_text": {"type": "string", "minLength": 1},
                "source": _SOURCE,
                "deadlines": {"type": "array", "minItems": 1, "items": _DEADLINE},
            },
        }},
        "lead_authority": {"type": "object", "additionalProperties": False,
                           "required": ["text", "source"],
                           "properties": {"text": {"type": "string"}, "source": _SOURCE}},
        "authorities": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{2}$"},
                        "additionalProperties": {
                            "type": "object", "additionalProperties": False,
                            "required": ["name", "url"],
                            "properties": {"name": {"type": "string"},
                                           "url": {"type": "string", "pattern": "^https://"}}}},
        "authorities_source": _SOURCE,
        "high_risk": {"type": "object", "additionalProperties": False,
                      "required": ["subjects", "text", "source"],
                      "properties": {"subjects": {"type": "integer", "minimum": 1},
                                     "text": {"type": "string"}, "source": _SOURCE}},
    },
}


@dataclass(frozen=True)
class Source:
    """Where a rule is written: instrument, article, CELEX id and URL."""

    instrument: str
    article: str
    url: str
    celex: str | None = None

    @property
    def cite(self) -> str:
        """``Art. 33(1) Regulation (EU) 2016/679 (CELEX 32016R0679)``."""
        celex = f", CELEX {self.celex}" if self.celex else ""
        return f"{self.article}, {self.instrument}{celex}"


@dataclass(frozen=True)
class Deadline:
    """One step of a duty: within ``hours`` or ``months`` of ``after`` (None: no fixed time)."""

    step: str
    after: str
    text: str
    source: Source
    hours: int | None = None
    months: int | None = None


@dataclass(frozen=True)
class Regime:
    """One duty, who it applies to, what triggers it and its deadlines."""

    id: str
    regime: str
    duty: str
    recipient: str
    trigger: str
    trigger_text: str
    source: Source
    deadlines: tuple[Deadline, ...]
    entities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Authority:
    """A national data protection authority."""

    name: str
    url: str


@dataclass(frozen=True)
class Regimes:
    """The whole data file."""

    notice: str
    regimes: tuple[Regime, ...]
    authorities: dict[str, Authority]
    authorities_source: Source
    lead_authority_text: str
    lead_authority_source: Source
    high_risk_subjects: int
    high_risk_text: str
    high_risk_source: Source


def _source(raw: dict[str, Any]) -> Source:
    return Source(raw["instrument"], raw["article"], raw["url"], raw.get("celex"))


def parse_regimes(data: dict[str, Any]) -> Regimes:
    """Records from a document; raises ValueError naming the first schema problem."""
    errors = sorted(Draft202012Validator(REGIMES_SCHEMA).iter_errors(data), key=str)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path)
        raise ValueError(f"regimes file: at /{where}: {errors[0].message}")
    for i, r in enumerate(data["regimes"]):
        known = {"awareness"}
        for j, d in enumerate(r["deadlines"]):
            if d["after"] not in known:
                raise ValueError(f"regimes file: at /regimes/{i}/deadlines/{j}/after: "
                                 f"{d['after']!r} is neither awareness nor an earlier step")
            known.add(d["step"])
    regimes = tuple(Regime(
        id=r["id"], regime=r["regime"], duty=r["duty"], recipient=r["recipient"],
        trigger=r["trigger"], trigger_text=r["trigger_text"], source=_source(r["source"]),
        entities=tuple(r.get("entities", ())),
        deadlines=tuple(Deadline(d["step"], d["after"], d["text"], _source(d["source"]),
                                 d.get("hours"), d.get("months")) for d in r["deadlines"]),
    ) for r in data["regimes"])
    return Regimes(
        notice=data["notice"], regimes=regimes,
        authorities={k: Authority(v["name"], v["url"]) for k, v in data["authorities"].items()},
        authorities_source=_source(data["authorities_source"]),
        lead_authority_text=data["lead_authority"]["text"],
        lead_authority_source=_source(data["lead_authority"]["source"]),
        high_risk_subjects=data["high_risk"]["subjects"],
        high_risk_text=data["high_risk"]["text"],
        high_risk_source=_source(data["high_risk"]["source"]),
    )


@lru_cache(maxsize=1)
def default_regimes() -> Regimes:
    """The regimes shipped in the package (read once)."""
    text = (resources.files("drcheck") / "data" / "regimes.json").read_text("utf-8")
    return parse_regimes(json.loads(text))
