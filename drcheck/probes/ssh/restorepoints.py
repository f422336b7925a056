"""Newest restore points from each tool's own record, read without the repository key.

* restic: the newest object under ``REPO/snapshots/``. restic writes one object there per
  snapshot at the end of a backup (``snapshots``, ``check`` and ``prune`` only touch
  ``locks/``, ``index/`` and ``data/``), but ``restic tag``, ``rewrite`` and ``copy`` write a
  new object that keeps the snapshot's older time inside, and that time is encrypted: the
  object's write time can be later than the newest backup, so it is a proxy.
* pgBackRest: the newest ``backup-timestamp-stop`` in ``REPO/backup/STANZA/backup.info``
  (pgBackRest's own list of the stanza's backups). A record.
* borg: the ``manifest-timestamp`` in the client's security dir
  (``/root/.config/borg/security/REPO_ID/``, matched by its ``location`` file). It moves
  when the archive list changes (create, prune, delete), so it only shows that the
  repository was written: a proxy.
* A job's last run (timer trigger, service state) is a proxy too, set by the schedule steps.

A proxy never proves freshness on its own: the fact ``restore_point_basis`` says which kind
a restore point is, and the max-age rule treats a proxy as unknown.
"""

from __future__ import annotations

import posixpath

from drcheck.probes.ssh.gather import Gatherer
from drcheck.probes.ssh.parsers import borg, pgbackrest, systemd
from drcheck.probes.ssh.parsers.mounts import mount_for
from drcheck.probes.ssh.parsers.targets import PROXY, RECORD, Target

BORG_SECURITY_DIRS = ("/root/.config/borg/security",)


def step_restore_points(g: Gatherer) -> None:
    """Each target's newest restore point from its tool's record (or a labelled proxy)."""
    borg_times = _borg_manifests(g) if any(t.tool in ("borg", "borgmatic")
                                           for t in g.facts.targets) else {}
    out = []
    for target in g.facts.targets:
        found = _record(g, target, borg_times)
        if found is not None:
            when, origin, basis = found
            target = target.with_(last_run=when, last_run_origin=origin, last_run_basis=basis)
        elif target.last_run and not target.last_run_basis:
            target = target.with_(last_run_basis=PROXY)
        out.append(_on_mount(g, target))
    g.facts.targets = out


def _on_mount(g: Gatherer, target: Target) -> Target:
    """A local path on a network mount lives on the mount's server."""
    if target.kind == "local" and target.path:
        mount = mount_for(target.path, g.facts.mounts)
        if mount is not None and mount.remote and mount.server:
            return target.with_(kind="host", host=mount.server)
    return target


def _record(g: Gatherer, target: Target,
            borg_times: dict[str, tuple[str, str]]) -> tuple[str, str, str] | None:
    if target.tool in ("borg", "borgmatic"):
        hit = borg_times.get(_norm(target.url)) or borg_times.get(_norm(target.path or ""))
        if hit is None:
            return None
        when, path = hit
        return when, (f"borg: {path} (the archive list last changed: create, prune or "
                      "delete; shows the repository was written, not a new archive)"), PROXY
    if target.kind != "local" or not target.path:
        return None
    if target.tool == "restic":
        return _restic(g, target.path)
    if target.tool == "pgbackrest":
        return _pgbackrest(g, target)
    return None


def _restic(g: Gatherer, repo: str) -> tuple[str, str, str] | None:
    directory = posixpath.join(repo, "snapshots")
    times = [e.mtime for e in g.entries(directory) if e.is_file and e.mtime]
    if not times:
        return None
    return (systemd.iso_from_epoch(max(times)),
            f"restic: newest of {len(times)} objects in {directory}/ (written at backup "
            "time, and again by restic tag, rewrite or copy: shows the snapshot list was "
            "written, not a new backup)", PROXY)


def _pgbackrest(g: Gatherer, target: Target) -> tuple[str, str, str] | None:
    best: tuple[int, str] | None = None
    for stanza in target.stanzas:
        path = posixpath.join(target.path or "", "backup", stanza, "backup.info")
        text = g.read(path)
        if text is None:
            continue
        try:
            newest = pgbackrest.newest_backup(text)
        except ValueError as exc:  # ConfigSyntaxError and bad JSON alike
            g.problem("garbage-output", f"{path}: {exc}")
            continue
        if newest is not None and (best is None or newest[2] > best[0]):
            best = (newest[2], f"pgbackrest: backup-timestamp-stop of {newest[0]} in {path}")
    if best is None:
        return None
    return systemd.iso_from_epoch(best[0]), best[1], RECORD


def _borg_manifests(g: Gatherer) -> dict[str, tuple[str, str]]:
    """Repository location → (manifest time, file read), from borg's security dirs."""
    found: dict[str, tuple[str, str]] = {}
    for base in BORG_SECURITY_DIRS:
        for entry in g.entries(base):
            if not entry.is_dir:
                continue
            location = g.read(posixpath.join(entry.path, "location"))
            stamp_path = posixpath.join(entry.path, "manifest-timestamp")
            stamp = g.read(stamp_path)
            if not location or not stamp:
                continue
            try:
                when = borg.manifest_timestamp(stamp)
            except ValueError as exc:
                g.problem("garbage-output", f"{stamp_path}: {exc}")
                continue
            found[_norm(location.strip())] = (when, stamp_path)
    return found


def _norm(location: str) -> str:
    text = location.strip().removeprefix("file://")
    return text.rstrip("/")
