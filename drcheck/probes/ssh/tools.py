"""Gathering steps for schedules and backup tools: systemd, restic, borg, rclone, pgBackRest,
Proxmox, and the freshness of local backup directories."""

from __future__ import annotations

from functools import partial

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
from drcheck.probes.ssh.parsers.commands import (
    borgmatic_configs,
    pgbackrest_actions,
    pgbackrest_options,
    targets_in,
    tools_in,
)
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.targets import PROXY, RECORD, Target


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
    failed = states.get(service.name) == "failed"
    if when and not failed:
        origin = f"last trigger of {timer.name} ({service.name} not failed)"
        for line in service.raw_exec:
            g.pgbackrest_runs += [(a, when, f"pgbackrest {'verify' if a == 'check' else a}: "
                                   f"{origin}") for a in pgbackrest_actions(line)]
    if targets and failed:
        g.problem("backup-job-failed", f"{service.name} (started by {timer.name}) is in state "
                  "failed: its last run did not succeed, so it is not counted as a restore point")
        when = None
    out = []
    for t in targets:
        t = t.with_(schedule="; ".join(timer.on_calendar) or None)
        origin = f"last trigger of {timer.name} ({service.name} not failed)"
        if when and t.action == "check":
            t = t.with_(verified=when, verified_origin=f"{t.tool} check: {origin}")
        elif when and t.action == "restore":
            t = t.with_(restore_tested=when, restore_tested_origin=f"{t.tool} restore: {origin}")
        elif when:
            t = t.with_(last_run=when, last_run_basis=PROXY,
                        last_run_origin=f"proxy: {origin}")
        out.append(t)
    return out


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
        text = g.job_reader(path)
        if text is not None:
            env.update(parse_env(text))
    found: list[Target] = []
    for line in service.raw_exec:
        found += targets_in(line, service.origin, env, g.job_reader)
        g.pgbackrest_options.update(pgbackrest_options(line))
        g.borgmatic_configs.update(borgmatic_configs(line))
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


def step_restic(g: Gatherer) -> None:
    """restic env files in /etc/restic and /etc/default/restic: listed, never a copy.

    restic itself reads no file; an env file counts only when a job sources it
    (``EnvironmentFile=``, ``. FILE`` in a cron line or wrapper), which the schedule steps
    follow. Files nobody sources are listed so a reader sees what was ignored.
    """
    files = [(p, g.read(p)) for p in ops.RESTIC_FILES]
    for directory in ops.RESTIC_DIRS:
        files += g.read_dir(directory)
    listed = []
    for path, text in files:
        if text is None:
            continue
        env = parse_env(text)
        if not any(k.startswith("RESTIC_REPOSITORY") for k in env):
            continue
        repo = restic.target_from_env(env, path)
        listed.append({"origin": path, "repository": repo.url if repo else None,
                       "sourced_by_a_job": path in g.sourced})
    g.facts.details["restic_env_files"] = listed


def step_borgmatic(g: Gatherer) -> None:
    """borgmatic configurations: repositories, sources, retention.

    borgmatic reads ``-c``/``--config`` paths when a job gives them, else its defaults:
    /etc/borgmatic/config.yaml, /etc/borgmatic.d/*.yaml and root's ~/.config/borgmatic
    (config.yaml and borgmatic.d/). Both the 1.7 sectioned and the 1.8+ flat layouts parse.
    """
    named = sorted(g.borgmatic_configs)
    singles = [p for p in named if p.endswith((".yaml", ".yml"))] if named \
        else list(ops.BORGMATIC_FILES)
    dirs = [p for p in named if not p.endswith((".yaml", ".yml"))] if named \
        else list(ops.BORGMATIC_DIRS)
    files = [(p, g.read(p)) for p in singles]
    for directory in dirs:
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
    """rclone remotes (secrets dropped) and the resolution of ``remote:path`` targets.

    Each target is resolved with the config rclone would use for that job: ``--config`` or
    ``RCLONE_CONFIG`` when the job names one, else the first default file that exists.
    """
    default = next((p for p in ops.RCLONE_FILES if g.exists(p)), None)
    configs: dict[str, dict[str, rclone.Remote]] = {}
    wanted = {t.config_file or default for t in g.facts.targets if t.kind == "remote"}
    for path in sorted(p for p in wanted | {default} if p):
        configs[path] = _rclone_conf(g, path)
    g.facts.details["rclone_remotes"] = [r for p in sorted(configs)
                                         for r in rclone.describe(configs[p])]
    resolved = []
    for target in g.facts.targets:
        if target.kind == "remote":
            remotes = configs.get(target.config_file or default or "", {})
            target = _resolved(rclone.resolve(target, remotes), remotes)
        resolved.append(target)
    g.facts.targets = resolved


def _rclone_conf(g: Gatherer, path: str) -> dict[str, rclone.Remote]:
    remotes: dict[str, rclone.Remote] = {}
    text = g.read(path)
    if text is not None:
        g.parse(path, lambda: remotes.update(rclone.parse_conf(text, path)))
    return remotes


def _resolved(target: Target, remotes: dict[str, rclone.Remote]) -> Target:
    if target.kind != "s3":
        return target
    if not target.provider:
        remote = remotes.get(target.remote or "")
        return target.with_(provider=rclone.provider_id(
            remote.settings.get("provider") if remote else None))
    return target.with_(provider=rclone.provider_id(target.provider) or target.provider)


def step_pgbackrest(g: Gatherer) -> None:
    """pgBackRest repositories from the one config file pgBackRest itself would load.

    ``/etc/pgbackrest/pgbackrest.conf``, or ``/etc/pgbackrest.conf`` only when the first is
    absent, plus ``conf.d/*.conf``; a ``--config``/``--config-path`` on a job's command
    line replaces the defaults for that job. Files pgBackRest would not read make no copy.
    """
    chosen: list[str] = []
    for explicit, base, include in sorted(g.pgbackrest_options, key=str) or [(None, None, None)]:
        main = next((p for p in pgbackrest.config_files(explicit, base) if g.exists(p)), None)
        texts = [(main, g.read(main))] if main else []
        texts += g.read_dir(pgbackrest.include_dir(include, base), (".conf",))
        for path, text in texts:
            if path and text is not None and path not in chosen:
                chosen.append(path)
                g.parse(path, partial(_pgbackrest_file, g, path, text))
    ignored = [p for p in ops.PGBACKREST_FILES if p not in chosen and g.exists(p)]
    g.facts.details["pgbackrest"] = {"read": chosen, "ignored_as_pgbackrest_does": ignored,
                                     "repositories": g.pgbackrest_repos}


def _pgbackrest_file(g: Gatherer, path: str, text: str) -> None:
    """One pgBackRest file's repositories, with its stanzas and their ``pgN-path``.

    A ``pgbackrest verify`` / ``restore`` run by a timer (last trigger, service not failed)
    becomes the repositories' ``last_verified`` / ``last_restore_test``.
    """
    stanzas = pgbackrest.stanzas(text)
    found = [t.with_(stanzas=stanzas) for t in pgbackrest.targets(text, path)]
    for action, when, origin in sorted(g.pgbackrest_runs):
        field = "verified" if action == "check" else "restore_tested"
        found = [t.with_(**{field: when, f"{field}_origin": origin}) for t in found]
    g.facts.targets.extend(found)
    g.pgbackrest_repos.extend({"origin": t.origin, "url": t.url, "kind": t.kind} for t in found)


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


def step_vzdump_times(g: Gatherer) -> None:
    """A vzdump directory's newest dump archive (one per backup, written at backup time; its
    log and notes files are not: notes can be edited later)."""
    out = []
    for target in g.facts.targets:
        if target.tool == "vzdump" and target.kind == "local" and target.path:
            times = [e.mtime for e in g.entries(target.path)
                     if e.is_file and proxmox.is_dump_archive(e.name) and e.mtime]
            if times:
                target = target.with_(
                    last_run=systemd.iso_from_epoch(max(times)), last_run_basis=RECORD,
                    last_run_origin=f"vzdump: newest dump archive in {target.path}")
        out.append(target)
    g.facts.targets = out
