"""Read the JSON that ``terraform show -json`` prints, for a plan or for state.

This module knows the format only: it loads and checks the document, flattens modules into
one list of ``TfResource`` (values, which of them are unknown until apply, and the references
the configuration makes), and attaches each resource's provider configuration (read by
``terraform_config``). What a resource *means* for disaster recovery is the business of
``terraform_s3``, ``terraform_compute``, ``terraform_backup`` and ``terraform``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from drcheck.importers.terraform_config import (
    Context,
    ProviderConf,
    as_list,
    provider_for,
)
from drcheck.inputs.bounds import read_json
from drcheck.shared.errors import ConfigError, Problem

SUPPORTED_MAJORS = ("0", "1")
"""Major versions of the JSON output format this reader understands."""

_REF = re.compile(r"^(?:data\.)?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(\[[^\]]*\])?")


def problem(file: str, path: str, message: str) -> ConfigError:
    """A ``ConfigError`` pinned to a JSON path inside a Terraform JSON file."""
    return ConfigError([Problem(file, None, None, path, message)])


def load_json(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file; a missing file is a usage error, bad JSON a config error."""
    return read_json(path, hint="produce the file with `terraform show -json PLANFILE > "
                     "plan.json`")


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
        node: Any = self.unknown
        for part in path:
            if node is True:
                return True
            node = _step(node, part)
        return node is True

    def get(self, *path: str | int) -> Any:
        """The value at ``path`` (``get("rule", 0, "destination")``), or None."""
        node: Any = self.values
        for part in path:
            node = _step(node, part)
        return node


def _step(node: Any, part: str | int) -> Any:
    """One step down a JSON value: a key of a mapping or an index of a list; None off the end."""
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _strip_instance_keys(module: str) -> str:
    """``module.a["x"].module.b[0]`` → ``module.a.module.b`` (the configuration path)."""
    return re.sub(r"\[[^\]]*\]", "", module)


def _resource(raw: Mapping[str, Any], module: str, json_path: str, ctx: Context,
              values: Any, unknown: Any = None, actions: tuple[str, ...] = ()) -> TfResource:
    cfg_key = f"{_strip_instance_keys(module)}.{raw['type']}.{raw['name']}" if module else (
        f"{raw['type']}.{raw['name']}")
    cfg = ctx.config.get(cfg_key)
    provider = provider_for(cfg.provider_key if cfg else "", str(raw.get("provider_name", "")),
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
    """Managed resources a plan leaves in place or creates, with after-values and unknowns
    (resources it deletes or forgets are left out)."""
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
        if rc.get("mode", "managed") != "managed" or actions in (("delete",), ("forget",)):
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
