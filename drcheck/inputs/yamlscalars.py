"""What a YAML scalar means: the YAML 1.2 core schema plus timestamps, as plain Python values.

Both readers (the fast line reader and the libyaml event reader) resolve scalars here, so a
value means the same whichever reader took the file. Nothing here constructs an object from
a tag: a scalar becomes ``None``, a bool, an int, a float or a string, and a timestamp becomes
its ISO 8601 text (a date as ``YYYY-MM-DD``, a date-time in UTC as ``YYYY-MM-DDTHH:MM:SSZ``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

NULLS = frozenset(("", "~", "null", "Null", "NULL"))
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_NUMERIC_START = frozenset("0123456789-+.")
_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)\Z")
_FLOAT = re.compile(
    r"(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_TIMESTAMP = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})(?:\.[0-9]*)?"
    r"(?:[ \t]*(?P<tz>Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?\Z")


class ScalarError(ValueError):
    """A scalar that looks like a typed value but is not one (``2026-02-30``)."""


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    body = digits.lstrip("+-")
    for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
        if body.startswith(prefix):
            return sign * int(body[2:], base)
    return sign * int(body, 10)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith((".inf", ".nan")):
        return float(lowered.replace(".", ""))
    return float(text.replace("_", ""))


def _timestamp(match: re.Match[str], text: str) -> str:
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        if parts["H"] is None:
            if len(text) != 10:  # 2026-1-5 is a string in YAML 1.2, not a date
                return text
            return day.isoformat()
        stamp = datetime(day.year, day.month, day.day, int(parts["H"]), int(parts["M"]),
                         int(parts["S"]), tzinfo=_zone(parts["tz"]))
    except ValueError as exc:
        raise ScalarError(f"{text!r} is not a calendar date or time ({exc})") from None
    return stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    body = text[1:].replace(":", "")
    hours = int(body[:-2]) if len(body) > 2 else int(body)
    minutes = int(body[-2:]) if len(body) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _canonical_time(text: str) -> str:
    """``text`` if it already is a valid ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SSZ`` (the
    common case, checked without the regular expressions), else ``""``."""
    try:
        if len(text) == 20 and text[10] == "T" and text[19] == "Z" and text[4] == "-":
            datetime.fromisoformat(text[:19])
            return text
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            date.fromisoformat(text)
            return text
    except ValueError:
        return ""
    return ""


def plain(text: str) -> Any:
    """The value of an untagged plain scalar."""
    if text in NULLS:
        return None
    if text in BOOLS:
        return BOOLS[text]
    if text[0] not in _NUMERIC_START:
        return text
    canonical = _canonical_time(text)
    if canonical:
        return canonical
    if _INT.match(text):
        if len(text) > 1000:  # Python refuses longer decimal conversions: keep it as text,
            return text       # which the schema then refuses ("expected integer"), exit 2
        return _int(text)
    if _FLOAT.match(text):
        return _float(text)
    stamp = _TIMESTAMP.match(text)
    if stamp:
        return _timestamp(stamp, text)
    return text


def tagged(tag: str, text: str) -> Any:
    """The value of a scalar with an explicit tag: core tags apply, any other tag (``!Ref``,
    ``!!python/object``) is ignored and the scalar stays text, so no tag builds an object."""
    if tag == "tag:yaml.org,2002:str":
        return text
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
               "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"):
        return plain(text)
    return text


def key_text(value: Any) -> str:
    """A mapping key as drcheck stores it: always a string (``1`` -> ``"1"``)."""
    return value if isinstance(value, str) else str(value)
