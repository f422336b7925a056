"""The facts snapshot as result documents before facts version 3 embedded it.

Since facts version 3 a result document embeds the facts file's own compact document
(``compact``); ``snapshot.share_facts`` and ``expand_facts`` convert between it and the
whole form (``snapshot_to_dict``). The rest of this module reads the older shared form, which result
documents written before version 3 hold:

A snapshot repeats each replica's location claims (provider, region, metro, ...) for every
replica that lives on the same host or bucket; at 10k datasets that is most of its bytes. The
result document embeds the snapshot in a shared form instead:

- ``locations``: each distinct location once, keyed ``L1``, ``L2``... in order of first use;
  a replica's ``location`` is that id.
- a fact (or location claim) leaves out ``observed_at`` when it equals the snapshot's
  ``collected_at``, ``reason`` when null, ``uncertain`` when false;
- a replica fact that several replicas share (a bucket's encryption, say) is written once in
  ``shared``, keyed ``F1``, ``F2``...; each replica's entry for it is that id;
- in every ``origin``, ``@:`` stands for ``<sources.estate>:`` (the estate file's path) and
  ``@@`` for a literal ``@`` (when the estate path has no ``@`` of its own);
- a replica's ``id`` is left out when it is ``<dataset>/<role>/<name>`` (``<dataset>/primary``
  for the primary).

``expand_legacy`` turns that form back into the exact snapshot document (same digest), so
those reports' facts can still be audited again.
"""

from __future__ import annotations

from typing import Any

from drcheck.facts.compact import Origins, derived_id

_Doc = dict[str, Any]


def _full_fact(fact: _Doc, collected_at: object, origins: Origins) -> _Doc:
    out = dict(fact)
    if "origin" in out:
        out["origin"] = origins.full(out["origin"])
    out.setdefault("reason", None)
    out.setdefault("observed_at", collected_at)
    return out


def _full_claim(claim: _Doc, collected_at: object, origins: Origins) -> _Doc:
    out = dict(claim)
    out["origin"] = origins.full(out["origin"])
    out.setdefault("observed_at", collected_at)
    out.setdefault("uncertain", False)
    return out


def _full_location(loc: _Doc, at: object, origins: Origins) -> _Doc:
    coords = loc.get("coordinates")
    out = {**loc, "claims": [_full_claim(c, at, origins) for c in loc["claims"]]}
    if coords is not None:
        out["coordinates"] = {**coords, "uncertain": coords.get("uncertain", False),
                              "origin": origins.full(coords["origin"])}
    return out


def _expand_replica(dataset: str, rep: _Doc, shared: _Doc, origins: Origins) -> _Doc:
    at = shared["collected_at"]
    role = rep["role"]
    name = "" if role == "primary" else rep["name"]  # a primary's id never needs its name
    out = {"id": derived_id(dataset, role, name), **rep}
    out["origin"] = origins.full(rep["origin"])
    out["location"] = _full_location(shared["locations"][rep["location"]], at, origins)
    out["facts"] = {k: _full_fact(shared["shared"][v] if isinstance(v, str) else v, at, origins)
                    for k, v in rep["facts"].items()}
    return out


def expand_facts(shared: _Doc) -> _Doc:
    """The whole snapshot document of the facts a result document embeds, any version."""
    from drcheck.facts.compact import VERSION, expand

    return expand(shared) if shared.get("version") == VERSION else expand_legacy(shared)


def expand_legacy(shared: _Doc) -> _Doc:
    """The snapshot document an older result document's shared facts were made from."""
    at = shared["collected_at"]
    origins = Origins(shared.get("sources"))
    datasets = [{
        **d,
        "origin": origins.full(d["origin"]),
        "facts": {k: _full_fact(v, at, origins) for k, v in d["facts"].items()},
        "primary": _expand_replica(d["name"], d["primary"], shared, origins),
        "copies": [_expand_replica(d["name"], c, shared, origins) for c in d["copies"]],
    } for d in shared["datasets"]]
    rest = {k: v for k, v in shared.items() if k not in ("locations", "shared")}
    return rest | {"datasets": datasets}
