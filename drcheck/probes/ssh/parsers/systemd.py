"""systemd: timer and service units, and when each timer last fired."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from drcheck.probes.ssh.parsers import ConfigSyntaxError
from drcheck.probes.ssh.parsers.envfile import parse_assignments
from drcheck.probes.ssh.secrets import redact_command


@dataclass(frozen=True)
class Unit:
    """The parts of a unit file drcheck reads; ``exec`` and ``environment`` are redacted."""

    name: str
    origin: str
    on_calendar: tuple[str, ...] = ()
    activates: str | None = None
    exec_start: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    environment_files: tuple[str, ...] = ()
    raw_exec: tuple[str, ...] = ()


def parse_unit(name: str, text: str, origin: str) -> Unit:
    """A ``.timer`` or ``.service`` unit file (only the keys drcheck needs)."""
    calendars: list[str] = []
    execs: list[str] = []
    env: dict[str, str] = {}
    env_files: list[str] = []
    activates: str | None = None
    for raw in _logical_lines(text):
        key, sep, value = raw.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            continue
        if key == "OnCalendar":
            calendars.append(value)
        elif key == "Unit":
            activates = value
        elif key in ("ExecStart", "ExecStartPre"):
            execs.append(value.lstrip("-@:+!"))
        elif key == "Environment":
            env.update(parse_assignments(value))
        elif key == "EnvironmentFile":
            env_files.append(value.lstrip("-"))
    if name.endswith(".timer") and activates is None:
        activates = name[: -len(".timer")] + ".service"
    return Unit(name=name, origin=origin, on_calendar=tuple(calendars), activates=activates,
                exec_start=tuple(redact_command(e) for e in execs), environment=env,
                environment_files=tuple(env_files), raw_exec=tuple(execs))


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith(("#", ";")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return lines


def parse_list_timers(text: str) -> dict[str, str]:
    """``systemctl list-timers --all --output=json`` → {timer: last trigger (UTC ISO)}."""
    try:
        rows = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigSyntaxError("systemctl list-timers did not print JSON") from None
    if not isinstance(rows, list):
        raise ConfigSyntaxError("systemctl list-timers printed JSON that is not a list")
    out: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("unit"), str):
            continue
        last = row.get("last")
        if isinstance(last, int) and last > 0:
            out[row["unit"]] = iso_from_epoch(last / 1_000_000)
    return out


def parse_list_units(text: str) -> dict[str, str]:
    """``systemctl list-units --type=service --all --output=json`` → {service: active state}."""
    try:
        rows = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigSyntaxError("systemctl list-units did not print JSON") from None
    if not isinstance(rows, list):
        raise ConfigSyntaxError("systemctl list-units printed JSON that is not a list")
    return {row["unit"]: str(row.get("active")) for row in rows
            if isinstance(row, dict) and isinstance(row.get("unit"), str)}


def iso_from_epoch(seconds: float) -> str:
    """A POSIX time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
