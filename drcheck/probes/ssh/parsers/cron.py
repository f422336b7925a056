"""Crontabs: system (with a user field) and per-user, with the backup targets they run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drcheck.probes.ssh.parsers.commands import (
    Reader,
    borgmatic_configs,
    pgbackrest_options,
    targets_in,
    tools_in,
)
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.targets import Target
from drcheck.probes.ssh.secrets import redact_command

_SPECIAL = re.compile(r"^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)\b")
_ENV_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")


@dataclass(frozen=True)
class CronEntry:
    """One scheduled command, redacted, with the destinations it writes to."""

    schedule: str
    user: str | None
    command: str
    origin: str
    tools: tuple[str, ...]
    targets: tuple[Target, ...]
    pgbackrest: tuple[tuple[str | None, str | None, str | None], ...] = ()
    borgmatic: tuple[str, ...] = ()

    def as_detail(self) -> dict[str, object]:
        """JSON-safe form for report details."""
        return {"schedule": self.schedule, "user": self.user, "command": self.command,
                "origin": self.origin, "tools": list(self.tools)}


def parse_crontab(text: str, origin: str, system: bool, owner: str | None = None,
                  read: Reader | None = None) -> list[CronEntry]:
    """Every entry of a crontab; ``system`` crontabs have a user field after the schedule."""
    env: dict[str, str] = {}
    out: list[CronEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if _ENV_LINE.match(line):
            env.update(parse_env(line))
            continue
        entry = _entry(line, f"{origin}:{number}", system, owner, env, read)
        if entry is not None:
            out.append(entry)
    return out


def _entry(line: str, origin: str, system: bool, owner: str | None, env: dict[str, str],
           read: Reader | None) -> CronEntry | None:
    special = _SPECIAL.match(line)
    head = 1 if special else 5
    parts = line.split(None, head + (1 if system else 0))
    if len(parts) < head + (2 if system else 1):
        return None
    schedule = " ".join(parts[:head])
    user = parts[head] if system else owner
    command = parts[-1].split("%", 1)[0]  # cron: an unescaped % ends the command
    targets = tuple(t.with_(schedule=schedule) for t in targets_in(command, origin, env, read))
    return CronEntry(schedule=schedule, user=user, command=redact_command(command),
                     origin=origin, tools=tuple(tools_in(command)), targets=targets,
                     pgbackrest=tuple(pgbackrest_options(command)),
                     borgmatic=tuple(borgmatic_configs(command)))
