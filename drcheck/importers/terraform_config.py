"""The configuration side of a Terraform plan: provider blocks and resource references.

``configuration.provider_config`` says, per provider block, its region and any custom S3
endpoint (constants, or root variables resolved through the plan's ``variables``);
``configuration.root_module`` (with ``module_calls``) says which provider block each
resource uses and which other resources its expressions reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (a shape Terraform never writes)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class ProviderConf:
    """One provider configuration block: its key, region (zone) and custom S3 endpoint if any.

    ``region``/``s3_endpoint`` are None when not set or not known before apply; ``unknown``
    names the settings that reference something drcheck cannot evaluate.
    """

    key: str
    name: str
    region: str | None = None
    s3_endpoint: str | None = None
    unknown: tuple[str, ...] = ()
    zone: str | None = None


def _constant(expr: Any, variables: Mapping[str, Any]) -> tuple[Any, bool]:
    """The value of a configuration expression and whether it is known."""
    if not isinstance(expr, dict):
        return None, False
    if "constant_value" in expr:
        return expr["constant_value"], True
    refs = as_list(expr.get("references"))
    if len(refs) == 1 and str(refs[0]).startswith("var."):
        var = variables.get(str(refs[0])[4:])
        if isinstance(var, dict) and "value" in var:
            return var["value"], True
    return None, False


def _provider_conf(key: str, raw: Mapping[str, Any], variables: Mapping[str, Any]) -> ProviderConf:
    exprs = as_dict(raw.get("expressions"))
    unknown: list[str] = []
    region, ok = _constant(exprs.get("region"), variables)
    if "region" in exprs and not ok:
        unknown.append("region")
    zone, ok = _constant(exprs.get("zone"), variables)
    if "zone" in exprs and not ok:
        unknown.append("zone")
    endpoint: Any = None
    for block in as_list(exprs.get("endpoints")):
        for name in ("s3", "s3api"):
            if isinstance(block, dict) and name in block:
                endpoint, ok = _constant(block[name], variables)
                if not ok:
                    unknown.append("endpoints.s3")
    return ProviderConf(
        key=key,
        name=str(raw.get("name") or key.split(":")[-1].split(".")[0]),
        region=str(region) if isinstance(region, str) else None,
        s3_endpoint=str(endpoint) if isinstance(endpoint, str) else None,
        unknown=tuple(unknown),
        zone=str(zone) if isinstance(zone, str) else None,
    )


def provider_configs(data: Mapping[str, Any]) -> dict[str, ProviderConf]:
    """Every provider configuration of a plan, keyed as in ``configuration.provider_config``."""
    config = as_dict(data.get("configuration"))
    variables = as_dict(data.get("variables"))
    out: dict[str, ProviderConf] = {}
    for key, raw in as_dict(config.get("provider_config")).items():
        if isinstance(raw, dict):
            # Variables belong to the root module; a module's provider sees its own inputs.
            scope = variables if not raw.get("module_address") else {}
            out[key] = _provider_conf(key, raw, scope)
    return out


def _walk_refs(expr: Any, prefix: str, out: dict[str, tuple[str, ...]]) -> None:
    """Collect ``references`` of every expression under ``expr`` keyed by dotted path."""
    if isinstance(expr, list):
        for i, item in enumerate(expr):
            _walk_refs(item, f"{prefix}.{i}" if prefix else str(i), out)
        return
    if not isinstance(expr, dict):
        return
    if "references" in expr and isinstance(expr["references"], list):
        out[prefix] = tuple(str(r) for r in expr["references"])
        return
    if "constant_value" in expr:
        return
    for key, value in expr.items():
        _walk_refs(value, f"{prefix}.{key}" if prefix else str(key), out)


@dataclass(frozen=True)
class ConfigResource:
    """A resource block of the configuration: its provider key and expression references."""

    provider_key: str
    refs: Mapping[str, tuple[str, ...]]


def config_resources(data: Mapping[str, Any]) -> dict[str, ConfigResource]:
    """Configuration resource blocks keyed by ``module.a.module.b.type.name``."""
    out: dict[str, ConfigResource] = {}

    def visit(module: Mapping[str, Any], path: str) -> None:
        for res in as_list(module.get("resources")):
            if not isinstance(res, dict) or "address" not in res:
                continue
            refs: dict[str, tuple[str, ...]] = {}
            _walk_refs(as_dict(res.get("expressions")), "", refs)
            key = f"{path}.{res['address']}" if path else str(res["address"])
            out[key] = ConfigResource(str(res.get("provider_config_key") or ""), refs)
        for name, call in as_dict(module.get("module_calls")).items():
            if isinstance(call, dict):
                child = f"{path}.module.{name}" if path else f"module.{name}"
                visit(as_dict(call.get("module")), child)

    visit(as_dict(as_dict(data.get("configuration")).get("root_module")), "")
    return out


def provider_for(key: str, provider_name: str, providers: Mapping[str, ProviderConf]) -> (
    ProviderConf
):
    """Resolve a provider_config_key; a key passed down from a parent falls back to the root."""
    if key in providers:
        return providers[key]
    bare = key.split(":")[-1] if key else provider_name.rsplit("/", 1)[-1]
    if bare in providers:
        return providers[bare]
    return ProviderConf(key=bare or provider_name, name=bare.split(".")[0] or provider_name)


@dataclass(frozen=True)
class Context:
    """What a file says about providers and configuration, shared by every resource."""

    providers: Mapping[str, ProviderConf]
    config: Mapping[str, ConfigResource]

    @classmethod
    def from_plan(cls, data: Mapping[str, Any] | None) -> Context:
        """The providers and configuration of a plan (empty for ``None`` or a state file)."""
        if not data:
            return cls({}, {})
        return cls(provider_configs(data), config_resources(data))
