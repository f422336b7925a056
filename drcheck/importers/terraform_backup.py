"""AWS Backup from Terraform: vaults as media, and one dataset per selected resource.

An ``aws_backup_selection`` names a plan and the resources it protects (by ARN or by tag);
each rule of the plan puts a recovery point in its target vault and copies it to the
``copy_action`` destination vaults, possibly in another region or account. The selected
resource is the dataset's primary; the vaults are its copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from drcheck.importers.terraform_config import as_dict, as_list
from drcheck.importers.terraform_json import TfResource
from drcheck.importers.terraform_links import Graph, Link, arn_parts, asset_name
from drcheck.importers.terraform_s3 import UNKNOWN_AFTER_APPLY, origin_of, placement
from drcheck.inputs.estate import DeclaredLocation, MediumSpec, ReplicaSpec
from drcheck.shared.model import Evidence, FactKey, Source

VAULT = "aws_backup_vault"
VAULT_LOCK = "aws_backup_vault_lock_configuration"
PLAN = "aws_backup_plan"
SELECTION = "aws_backup_selection"
PROTECTABLE = ("aws_db_instance", "aws_instance", "aws_s3_bucket")


@dataclass
class BackupResult:
    """Media (vaults) and, per protected resource address, the copies backups make."""

    media: dict[str, MediumSpec] = field(default_factory=dict)
    copies: dict[str, list[ReplicaSpec]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _evidence(value: Any, origin: str, reason: str | None = None) -> Evidence:
    return Evidence(value, Source.DECLARED, origin, reason=reason)


def _lock_facts(graph: Graph, vault: TfResource, file: str) -> dict[str, Evidence]:
    for lock in graph.of_type(VAULT_LOCK):
        if graph.follow(lock, ("backup_vault_name",), (VAULT,)).target is not vault:
            continue
        origin = origin_of(file, lock)
        compliance = lock.get("changeable_for_days") is not None
        facts = {FactKey.IMMUTABLE.value: _evidence(
            compliance, origin, None if compliance else "governance mode: privileged users "
            "can remove the lock")}
        days = lock.get("min_retention_days")
        if isinstance(days, int):
            facts[FactKey.RETENTION_DAYS.value] = _evidence(days, origin)
        return facts
    return {FactKey.IMMUTABLE.value: _evidence(False, origin_of(file, vault))}


def vault_medium(graph: Graph, vault: TfResource, file: str, notes: list[str]) -> MediumSpec:
    """A vault declared in the file, located by its provider's region."""
    where = placement(vault)
    notes.extend(f"{vault.address}: {n}" for n in where.notes)
    fields = {"provider": "aws"}
    if where.region:
        fields["region"] = where.region
    arn = vault.get("arn")
    parts = arn_parts(arn) if isinstance(arn, str) and not vault.is_unknown("arn") else None
    if parts and parts["account"]:
        fields["account"] = parts["account"]
    origin = origin_of(file, vault)
    facts = {FactKey.OFFLINE.value: _evidence(False, origin), **_lock_facts(graph, vault, file)}
    return MediumSpec(name=asset_name(vault.address), type="other", origin=origin,
                      location=DeclaredLocation(fields, None, origin), facts=facts)


def arn_medium(arn: str, origin: str) -> MediumSpec | None:
    """A vault outside the file, located by its ARN (region and account)."""
    parts = arn_parts(arn)
    if not parts or parts["service"] != "backup":
        return None
    fields = {"provider": "aws", "region": parts["region"], "account": parts["account"]}
    fields = {k: v for k, v in fields.items() if v}
    name = asset_name(f"vault:{parts['region']}:{parts['account']}:"
                      f"{parts['resource'].split(':')[-1]}")
    return MediumSpec(name=name, type="other", origin=origin,
                      location=DeclaredLocation(fields, None, origin),
                      facts={FactKey.OFFLINE.value: _evidence(False, origin)})


def _medium_for(graph: Graph, link: Link, origin: str, file: str, out: BackupResult) -> (
    MediumSpec | None
):
    medium: MediumSpec | None
    if link.target is not None:
        medium = vault_medium(graph, link.target, file, out.notes)
    elif link.value:
        medium = arn_medium(link.value, origin)
    else:
        medium = None
    if medium is not None:
        out.media.setdefault(medium.name, medium)
    return medium


def _delete_after(block: Any) -> int | None:
    for life in as_list(as_dict(block).get("lifecycle")):
        if isinstance(life, dict) and isinstance(life.get("delete_after"), int):
            return int(life["delete_after"])
    return None


def _replica(medium: MediumSpec, name: str, origin: str, days: int | None) -> ReplicaSpec:
    facts = {} if days is None else {FactKey.EXPIRATION_DAYS.value: _evidence(days, origin)}
    return ReplicaSpec(name=name, asset_id=medium.asset_id, origin=origin, facts=facts)


def plan_copies(graph: Graph, plan: TfResource, file: str, out: BackupResult) -> (
    list[ReplicaSpec]
):
    """The vault copies every rule of one backup plan makes."""
    origin = origin_of(file, plan)
    copies: list[ReplicaSpec] = []
    if plan.is_unknown("rule"):
        out.notes.append(f"{plan.address}: rules {UNKNOWN_AFTER_APPLY}")
    for i, rule in enumerate(as_list(plan.get("rule"))):
        if not isinstance(rule, dict):
            continue
        rule_name = asset_name(str(rule.get("rule_name") or i))
        medium = _medium_for(graph, graph.follow(plan, ("rule", i, "target_vault_name"),
                                                 (VAULT,)), origin, file, out)
        if medium is not None:
            copies.append(_replica(medium, f"{rule_name}@{medium.name}", origin,
                                   _delete_after(rule)))
        for j, action in enumerate(as_list(rule.get("copy_action"))):
            link = graph.follow(plan, ("rule", i, "copy_action", j, "destination_vault_arn"),
                                (VAULT,))
            dest = _medium_for(graph, link, origin, file, out)
            if dest is None:
                out.notes.append(f"{plan.address}: rule {rule_name} copy destination "
                                 f"{UNKNOWN_AFTER_APPLY}; copy left out")
                continue
            copies.append(_replica(dest, f"{rule_name}-copy@{dest.name}", origin,
                                   _delete_after(action)))
    return copies


def _tagged(graph: Graph, selection: TfResource) -> Iterator[TfResource]:
    for cond in as_list(selection.get("selection_tag")):
        if not isinstance(cond, dict) or cond.get("type") != "STRINGEQUALS":
            continue
        for res in graph.of_type(*PROTECTABLE):
            tags = as_dict(res.get("tags"))
            if tags.get(str(cond.get("key"))) == cond.get("value"):
                yield res


def backups(graph: Graph, file: str) -> BackupResult:
    """Vaults and the copies each protected resource gets from every backup selection."""
    out = BackupResult()
    for selection in graph.of_type(SELECTION):
        plan = graph.follow(selection, ("plan_id",), (PLAN,)).target
        if plan is None:
            out.notes.append(f"{selection.address}: backup plan not found in the file")
            continue
        copies = plan_copies(graph, plan, file, out)
        links = graph.follow_each(selection, ("resources",), PROTECTABLE)
        targets = [link.target for link in links if link.target] + list(_tagged(graph, selection))
        out.notes.extend(f"{selection.address}: {link.value} is no database, instance or "
                         "bucket in the file; left out" for link in links if link.target is None)
        for target in targets:
            out.copies.setdefault(target.address, []).extend(copies)
            out.origins.setdefault(target.address, origin_of(file, selection))
    return out
