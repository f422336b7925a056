"""Gathering steps for schedules and backup tools: systemd, restic, borg, rclone, pgBackRest,
Proxmox, and the freshness of local backup directories."""

from __future__ import annotations

from drcheck.probes.ssh import operations as ops
from drcheck.probes.ssh.gather import Gatherer
from drcheck.probes.ssh.parsers import (
    ConfigSyntaxError,
    borg,
    pgbackrest,
    proxmox,
    rclone,
    restic,
    systemd,
)
from drcheck.probes.ssh.parsers.commands import targets_in, tools_in
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.mounts import mount_for
from drcheck.probes.ssh.parsers.targets import Target, restic_repository

_MAX_ENTRIES = 2000
_MAX_DEPTH = 3


def step_systemd(g: Gatherer) -> None:
    """Timers, the services they start, the targets those run, and each timer's last run."""
    units = {}
    for directory in ops.UNIT_DIRS:
        for path, text in g.read_dir(directory, (".timer", ".service")):
            name = path.rsplit("/", 1)[-1]
            units[name] = systemd.parse_unit(name, text, path)
    last, states = _last_triggers(g), _service_states(g)
    timers = []
    for unit in sorted(units.values(), key=lambda u: u.name):
        if not unit.name.endswith(".timer"):
            continue
        service = units.get(unit.activates or "")
        timers.append({"unit": unit.name, "on_calendar": list(unit.on_calendar),
                       "activates": unit.activates, "last_trigger": last.get(unit.name),
                       "service_state": states.get(unit.activates or ""),
                       "origin": unit.origin})
        if service is not None:
            g.facts.targets += _timer_targets(g, unit, service, last, states)
    timers += [{"unit": name, "last_trigger": when, "origin": ops.CMD_TIMERS}
               for name, when in sorted(last.items()) if name not in units]
    services = [{"unit": u.name, "exec": list(u.exec_start), "origin": u.origin,
                 "state": states.get(u.name),
                 "tools": sorted({t for e in u.raw_exec for t in tools_in(e)})}
                for u in units.values() if u.name.endswith(".service")]
    g.facts.details["timers"] = timers
    g.facts.details["services"] = sorted(services, key=lambda s: str(s["unit"]))


def _timer_targets(g: Gatherer, timer: systemd.Unit, service: systemd.Unit,
                   last: dict[str, str], states: dict[str, str]) -> list[Target]:
    """The service's targets, fresh as of the timer's last trigger unless the run failed."""
    targets = _service_targets(g, service)
    when = last.get(timer.name)
    if targets and states.get(service.name) == "failed":
        g.problem("backup-job-failed", f"{service.name} (started by {timer.name}) is in state "
                  "failed: its last run did not succeed, so it is not counted as a restore point")
        when = None
    return [t.with_(schedule="; ".join(timer.on_calendar) or None, last_run=when,
                    last_run_origin=f"last trigger of {timer.name}" if when else None)
            for t in targets]


def _service_states(g: Gatherer) -> dict[str, str]:
    text = g.section("services")
    if not text or not text.strip():
        return {}
    try:
        return systemd.parse_list_units(text)
    except ConfigSyntaxError as exc:
        g.problem("garbage-output", str(exc))
        return {}


def _service_targets(g: Gatherer, service: systemd.Unit) -> list[Target]:
    env = dict(service.environment)
    for path in service.environment_files:
        text = g.read(path)
        if text is not None:
            env.update(parse_env(text))
    found: list[Target] = []
    for line in service.raw_exec:
        found += targets_in(line, service.origin, env)
    if not found and any("restic" in tools_in(e) for e in service.raw_exec):
        repo = restic.target_from_env(env, service.origin) or _repo_file(g, env, service.origin)
        found += [repo] if repo else []
    if not found and any("borg" in tools_in(e) for e in service.raw_exec):
        repo = borg.target_from_env(env, service.origin)
        found += [repo] if repo else []
    return found


def _last_triggers(g: Gatherer) -> dict[str, str]:
    text = g.section("timers")
    last: dict[str, str] = {}
    if text and text.strip():
        try:
            last = systemd.parse_list_timers(text)
        except ConfigSyntaxError as exc:
            g.problem("garbage-output", str(exc))
    for entry in g.entries(ops.TIMER_STAMPS_DIR):
        name = entry.name.removeprefix("stamp-")
        if entry.name.startswith("stamp-") and entry.mtime and name not in last:
            last[name] = systemd.iso_from_epoch(entry.mtime)
    return last


def _repo_file(g: Gatherer, env: dict[str, str], origin: str) -> Target | None:
    path = restic.repository_file(env)
    text = g.read(path) if path and path.startswith("/") else None
    if not text or not text.strip():
        return None
    found = restic_repository(text.strip().splitlines()[0], f"{path} via {origin}")
    return found.with_(encrypted=True) if found else None


def step_restic(g: Gatherer) -> None:
    """restic repositories named in /etc/restic and /etc/default/restic."""
    files = [(p, g.read(p)) for p in ops.RESTIC_FILES]
    for directory in ops.RESTIC_DIRS:
        files += g.read_dir(directory)
    for path, text in files:
        if text is None:
            continue
        env = parse_env(text)
        repo = restic.target_from_env(env, path) or _repo_file(g, env, path)
        if repo is not None:
            g.facts.targets.append(repo)


def step_borgmatic(g: Gatherer) -> None:
    """borgmatic configurations: repositories, sources, retention."""
    files = [(p, g.read(p)) for p in ops.BORGMATIC_FILES]
    for directory in ops.BORGMATIC_DIRS:
        files += g.read_dir(directory, (".yaml", ".yml"))
    configs = []
    for path, text in files:
        if text is None:
            continue
        def parse(path: str = path, text: str = text) -> None:
            """One borgmatic file's repositories, sources and retention."""
            days = borg.retention_days(text)
            found = [t.with_(retention_days=days) for t in borg.borgmatic_targets(text, path)]
            g.facts.targets.extend(found)
            configs.append({"origin": path, "sources": borg.sources(text),
                            "repositories": [t.url for t in found], "retention_days": days})
        g.parse(path, parse)
    g.facts.details["borgmatic"] = configs


def step_rclone(g: Gatherer) -> None:
    """rclone remotes (secrets dropped) and the resolution of ``remote:path`` targets."""
    remotes: dict[str, rclone.Remote] = {}
    for path in ops.RCLONE_FILES:
        text = g.read(path)
        if text is not None:
            def parse(path: str = path, text: str = text) -> None:
                """One rclone.conf's remotes."""
                remotes.update(rclone.parse_conf(text, path))
            g.parse(path, parse)
    g.facts.details["rclone_remotes"] = rclone.describe(remotes)
    resolved = []
    for target in g.facts.targets:
        if target.kind == "remote":
            target = rclone.resolve(target, remotes)
            if target.kind == "s3" and not target.provider:
                remote = remotes.get(target.remote or "")
                target = target.with_(provider=rclone.provider_id(
                    remote.settings.get("provider") if remote else None))
            elif target.kind == "s3":
                target = target.with_(provider=rclone.provider_id(target.provider)
                                      or target.provider)
        resolved.append(target)
    g.facts.targets = resolved


def step_pgbackrest(g: Gatherer) -> None:
    """pgBackRest repositories."""
    files = [(p, g.read(p)) for p in ops.PGBACKREST_FILES]
    for directory in ops.PGBACKREST_DIRS:
        files += g.read_dir(directory, (".conf",))
    repos: list[dict[str, str]] = []
    for path, text in files:
        if text is None:
            continue
        def parse(path: str = path, text: str = text) -> None:
            """One pgBackRest file's repositories."""
            found = pgbackrest.targets(text, path)
            g.facts.targets.extend(found)
            repos.extend({"origin": t.origin, "url": t.url, "kind": t.kind} for t in found)
        g.parse(path, parse)
    g.facts.details["pgbackrest"] = repos


def step_proxmox(g: Gatherer) -> None:
    """Proxmox storages that hold vzdump backups, and vzdump's default storage."""
    text = g.read(ops.PVE_STORAGE)
    if text is None:
        return
    storages = proxmox.parse_storage_cfg(text, ops.PVE_STORAGE)
    default = proxmox.vzdump_default_storage(g.read(ops.VZDUMP_CONF) or "")
    g.facts.details["proxmox"] = {
        "default_storage": default,
        "storages": [{"name": s.name, "type": s.type, "backup": s.holds_backups,
                      "origin": s.origin} for s in storages],
    }
    for storage in storages:
        found = proxmox.storage_target(storage)
        if found is not None:
            g.facts.targets.append(found)


def step_freshness(g: Gatherer) -> None:
    """Local paths on network mounts become host targets; local backup dirs get a newest mtime."""
    out = []
    for target in g.facts.targets:
        if target.kind == "local" and target.path:
            newest = _newest_mtime(g, target.path)
            if newest is not None:
                target = target.with_(last_run=newest, last_run_origin=f"newest mtime under "
                                      f"{target.path} (sftp stat)")
            mount = mount_for(target.path or "", g.facts.mounts)
            if mount is not None and mount.remote and mount.server:
                target = target.with_(kind="host", host=mount.server)
        out.append(target)
    g.facts.targets = out


def _newest_mtime(g: Gatherer, path: str) -> str | None:
    """Newest modification time in a backup directory: breadth-first, 3 levels, bounded."""
    top = g.session.stat(path)
    if top is None:
        return None
    newest = top.mtime or 0
    level = [top] if top.is_dir else []
    budget = _MAX_ENTRIES
    for _ in range(_MAX_DEPTH):
        below = []
        for directory in level:
            entries = g.session.listdir(directory.path)[:budget]
            budget -= len(entries)
            newest = max([newest, *(e.mtime or 0 for e in entries)])
            below += [e for e in entries if e.is_dir]
            if budget <= 0:
                break
        level = below
    return systemd.iso_from_epoch(newest) if newest else None
