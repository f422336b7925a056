"""Follow the links between Terraform resources: by known value first, then by reference.

A link is explicit in a plan in one of two ways: the attribute holds a known value (a bucket
name, an ARN) that another resource also holds, or — when that value is only known after
apply — the configuration expression references the other resource
(``aws_s3_bucket.replica.arn``). Nothing is linked by similarity of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from drcheck.importers.terraform_json import TfResource, split_ref

_SAFE = re.compile(r"[^A-Za-z0-9_.:@/-]")
_VALUE_ATTRS = ("arn", "id", "bucket", "name", "identifier")


def asset_name(address: str) -> str:
    """An estate name for a resource address: ``b["eu"]`` → ``b/eu``, ``b[0]`` → ``b/0``."""
    name = re.sub(r'\["?([^"\]]*)"?\]', r"/\1", address)
    name = _SAFE.sub("_", name)
    return name if name[:1].isalnum() else f"r{name}"


def arn_parts(arn: str) -> dict[str, str] | None:
    """``arn:partition:service:region:account:resource`` split into named parts."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    keys = ("arn", "partition", "service", "region", "account", "resource")
    return dict(zip(keys, parts, strict=True))


def s3_arn_bucket(value: str) -> str:
    """The bucket name of ``arn:aws:s3:::name`` (or the value itself when it is no ARN)."""
    parts = arn_parts(value)
    if parts and parts["service"] == "s3":
        return parts["resource"].split("/", 1)[0]
    return value


@dataclass(frozen=True)
class Link:
    """The outcome of following one attribute: a resource, or a literal value, or nothing."""

    target: TfResource | None = None
    value: str | None = None
    unknown: bool = False


class Graph:
    """All resources of one file, indexed for linking."""

    def __init__(self, resources: Sequence[TfResource]) -> None:
        self.resources = tuple(resources)
        self.by_address = {r.address: r for r in resources}
        self._types: dict[str, list[TfResource]] = {}
        self._values: dict[tuple[str, str], TfResource] = {}
        self._bases: dict[tuple[str, str], list[TfResource]] = {}
        for res in self.resources:
            self._types.setdefault(res.type, []).append(res)
            self._bases.setdefault((res.module, res.base), []).append(res)
            for attr in _VALUE_ATTRS:
                known = res.get(attr)
                if isinstance(known, str) and known and not res.is_unknown(attr):
                    self._values.setdefault((res.type, known), res)

    def of_type(self, *types: str) -> list[TfResource]:
        """Resources of the given types, in file order."""
        found = [r for t in dict.fromkeys(types) for r in self._types.get(t, ())]
        order = {id(r): i for i, r in enumerate(self.resources)} if len(types) > 1 else {}
        return sorted(found, key=lambda r: order[id(r)]) if order else found

    def _by_value(self, value: str, types: Iterable[str]) -> TfResource | None:
        """The first resource of ``types`` holding ``value`` (or an S3 ARN's bucket name)."""
        candidates = [r for t in types for v in dict.fromkeys((value, s3_arn_bucket(value)))
                      if (r := self._values.get((t, v))) is not None]
        order = {id(r): i for i, r in enumerate(self.resources)} if len(candidates) > 1 else {}
        return min(candidates, key=lambda r: order[id(r)]) if order else (
            candidates[0] if candidates else None)

    def _by_ref(self, src: TfResource, refs: Iterable[str], types: Iterable[str]) -> (
        TfResource | None
    ):
        wanted = set(types)
        for ref in refs:
            parsed = split_ref(ref)
            if parsed is None:
                continue
            base, index = parsed
            same_module = [r for r in self._bases.get((src.module, base), ())
                           if r.type in wanted]
            if index is not None:
                exact = [r for r in same_module if r.local == f"{base}{index}"]
                if exact:
                    return exact[0]
            if len(same_module) == 1:
                return same_module[0]
            paired = [r for r in same_module if r.index == src.index and src.index is not None]
            if len(paired) == 1:
                return paired[0]
        return None

    def follow(self, src: TfResource, path: Sequence[str | int], types: Iterable[str]) -> Link:
        """Follow attribute ``path`` of ``src`` to a resource of one of ``types``."""
        types = tuple(types)
        value = src.get(*path)
        if isinstance(value, str) and value and not src.is_unknown(*path):
            return Link(self._by_value(value, types), value)
        refs = src.refs.get(".".join(str(p) for p in path), ())
        target = self._by_ref(src, refs, types)
        return Link(target, None, unknown=src.is_unknown(*path) and target is None)

    def follow_each(self, src: TfResource, path: Sequence[str | int], types: Iterable[str]) -> (
        list[Link]
    ):
        """Follow a list attribute (``resources = [a.arn, b.arn]``) to each resource."""
        types = tuple(types)
        values = src.get(*path)
        links: list[Link] = []
        if isinstance(values, list) and not src.is_unknown(*path):
            for i, value in enumerate(values):
                if isinstance(value, str) and not src.is_unknown(*path, i):
                    links.append(Link(self._by_value(value, types), value))
            if links and all(link.target for link in links):
                return links
        refs = src.refs.get(".".join(str(p) for p in path), ())
        seen: set[str] = {link.target.address for link in links if link.target}
        for ref in refs:
            target = self._by_ref(src, (ref,), types)
            if target and target.address not in seen:
                seen.add(target.address)
                links.append(Link(target))
        return [link for link in links if link.target or link.value]
