"""Read the JSON that ``terraform show -json`` prints, for a plan or for state.

This module knows the format only: it loads and checks the document, flattens modules into
one list of ``TfResource`` (values, which of them are unknown until apply, and the references
the configuration makes), and resolves each resource's provider configuration. What a
resource *means* for disaster recovery is ``drcheck.importers.terraform_aws``'s business.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drcheck.errors import ConfigError, Problem, UsageError

SUPPORTED_MAJORS = ("0", "1")
"""Major versions of the JSON output format this reader understands."""

_REF = re.compile(r"^(?:data\.)?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(\[[^\]]*\])?")


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (a shape Terraform never writes)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def problem(file: str, path: str, message: str) -> ConfigError:
    """A ``ConfigError`` pinned to a JSON path inside a Terraform JSON file."""
    return ConfigError([Problem(file, None, None, path, message)])


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file; a missing file is a usage error, bad JSON a config error."""
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, expected a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            [Problem(name, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")],
            hint="produce the file with `terraform show -json PLANFILE > plan.json`",
        ) from None


def check_format(data: Any, file: str) -> str:
    """Check the top-level shape and ``format_version``; return ``"plan"`` or ``"state"``."""
    if not isinstance(data, dict):
        raise problem(file, "$", "expected a JSON object (the output of `terraform show -json`)")
    version = data.get("format_version")
    if version is None and "version" in data and "resources" in data:
        raise problem(file, "$", "this is a raw terraform.tfstate file, not JSON output; run "
                      "`terraform show -json` (state) or `terraform show -json tfplan` (plan)")
    if not isinstance(version, str):
        raise problem(file, "$.format_version", "missing format_version: is this the output "
                      "of `terraform show -json`?")
    if version.split(".")[0] not in SUPPORTED_MAJORS:
        raise problem(file, "$.format_version", f"unsupported format_version {version!r}; "
                      "drcheck reads major versions 0 and 1")
    if "planned_values" in data or "resource_changes" in data:
        return "plan"
    return "state"


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


@dataclass(frozen=True)
class TfResource:
    """One resource instance, flattened out of its module, with planned or current values.

    ``unknown`` is the ``after_unknown`` tree of a plan (``True`` marks a value only known
    after apply); ``refs`` maps a configuration attribute path (``rule.0.destination.0.bucket``)
    to the references its expression makes, module-relative.
    """

    address: str
    module: str
    type: str
    name: str
    index: str | int | None
    provider: ProviderConf
    values: Mapping[str, Any]
    json_path: str
    unknown: Any = None
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    actions: tuple[str, ...] = ()

    @property
    def base(self) -> str:
        """``type.name`` without module or index."""
        return f"{self.type}.{self.name}"

    @property
    def local(self) -> str:
        """The address inside its module instance (``aws_s3_bucket.b["eu"]``)."""
        return self.address[len(self.module) + 1:] if self.module else self.address

    def is_unknown(self, *path: str | int) -> bool:
        """True when the value at ``path`` (or an enclosing one) is unknown until apply."""
        node = self.unknown
        for part in path:
            if node is True:
                return True
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return False
        return node is True

    def get(self, *path: str | int) -> Any:
        """The value at ``path`` (``get("rule", 0, "destination")``), or None."""
        node: Any = self.values
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node


def _strip_instance_keys(module: str) -> str:
    """``module.a["x"].module.b[0]`` → ``module.a.module.b`` (the configuration path)."""
    return re.sub(r"\[[^\]]*\]", "", module)


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


def _provider_for(key: str, provider_name: str, providers: Mapping[str, ProviderConf]) -> (
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


def _resource(raw: Mapping[str, Any], module: str, json_path: str, ctx: Context,
              values: Any, unknown: Any = None, actions: tuple[str, ...] = ()) -> TfResource:
    cfg_key = f"{_strip_instance_keys(module)}.{raw['type']}.{raw['name']}" if module else (
        f"{raw['type']}.{raw['name']}")
    cfg = ctx.config.get(cfg_key)
    provider = _provider_for(cfg.provider_key if cfg else "", str(raw.get("provider_name", "")),
                             ctx.providers)
    return TfResource(
        address=str(raw["address"]),
        module=module,
        type=str(raw["type"]),
        name=str(raw["name"]),
        index=raw.get("index"),
        provider=provider,
        values=values if isinstance(values, dict) else {},
        json_path=json_path,
        unknown=unknown,
        refs=cfg.refs if cfg else {},
        actions=actions,
    )


def _check_resource(raw: Any, file: str, path: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise problem(file, path, "expected a resource object")
    for key in ("address", "type", "name"):
        if not isinstance(raw.get(key), str):
            raise problem(file, f"{path}.{key}", f"missing or non-string {key!r}")
    return raw


def _module_of(raw: Mapping[str, Any]) -> str:
    if raw.get("module_address"):
        return str(raw["module_address"])
    address, local = str(raw["address"]), f"{raw['type']}.{raw['name']}"
    at = address.rfind("." + local)
    return address[:at] if address.startswith("module.") and at > 0 else ""


def plan_resources(data: Mapping[str, Any], file: str) -> list[TfResource]:
    """Managed resources a plan leaves in place or creates, with after-values and unknowns."""
    ctx = Context.from_plan(data)
    changes = data.get("resource_changes")
    if changes is None:
        return list(state_module_resources(
            ((data.get("planned_values") or {}).get("root_module") or {}), file,
            "$.planned_values.root_module", ctx))
    if not isinstance(changes, list):
        raise problem(file, "$.resource_changes", "expected a list")
    out: list[TfResource] = []
    for i, raw in enumerate(changes):
        path = f"$.resource_changes[{i}]"
        rc = _check_resource(raw, file, path)
        change = rc.get("change")
        if not isinstance(change, dict):
            raise problem(file, f"{path}.change", "expected an object with actions and after")
        actions = tuple(str(a) for a in as_list(change.get("actions")))
        if rc.get("mode", "managed") != "managed" or actions == ("delete",):
            continue
        after = change.get("after")
        if after is not None and not isinstance(after, dict):
            raise problem(file, f"{path}.change.after", "expected an object or null")
        out.append(_resource(rc, _module_of(rc), f"{path}.change.after", ctx, after or {},
                             change.get("after_unknown"), actions))
    return out


def state_module_resources(module: Mapping[str, Any], file: str, path: str, ctx: Context) -> (
    Iterator[TfResource]
):
    """Managed resources of a state (or planned_values) module and its child modules."""
    if not isinstance(module, dict):
        raise problem(file, path, "expected a module object")
    resources = module.get("resources") or []
    if not isinstance(resources, list):
        raise problem(file, f"{path}.resources", "expected a list")
    for i, raw in enumerate(resources):
        res = _check_resource(raw, file, f"{path}.resources[{i}]")
        if res.get("mode", "managed") == "managed":
            yield _resource(res, _module_of(res), f"{path}.resources[{i}].values", ctx,
                            res.get("values"))
    for j, child in enumerate(as_list(module.get("child_modules"))):
        yield from state_module_resources(child, file, f"{path}.child_modules[{j}]", ctx)


def state_resources(data: Mapping[str, Any], file: str, ctx: Context,
                    at: str = "$") -> list[TfResource]:
    """Managed resources of ``terraform show -json`` state output (``values.root_module``).

    ``at`` is the JSON path of the state object (``$.prior_state`` inside a plan).
    """
    if not isinstance(data, dict):
        raise problem(file, at, "expected a state object with values")
    values = data.get("values")
    if values is None:
        return []
    if not isinstance(values, dict):
        raise problem(file, f"{at}.values", "expected an object with root_module")
    return list(state_module_resources(values.get("root_module") or {}, file,
                                       f"{at}.values.root_module", ctx))


def split_ref(ref: str) -> tuple[str, str | None] | None:
    """``aws_s3_bucket.b["eu"].arn`` → (``aws_s3_bucket.b``, ``["eu"]``); None for var./local."""
    if ref.split(".")[0] in ("var", "local", "each", "count", "path", "terraform", "module",
                             "self"):
        return None
    match = _REF.match(ref)
    if not match:
        return None
    return match.group(1), match.group(2)
