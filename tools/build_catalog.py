"""Build drcheck/locations/data/catalog.json from the provider-locations reference table.

Usage: ``python tools/build_catalog.py [--tsv PATH] [--output PATH] [--check]``.

The input is a vendored copy of ``../shared/reference/provider-locations.tsv`` (kept in
``tools/reference/`` so the build, and the test that proves the committed JSON is current,
need nothing outside the repository). Refresh it by copying the shared file over it and
re-running this script. The output is deterministic: same TSV, byte-identical JSON.

What the script decides (the rules are documented in ``drcheck/locations/catalog.py``): canonical
provider and region ids, campus ids (OVH and Hetzner only), building ids parsed from the
``datacenter_ids`` column, and cross-provider metro ids, computed here by single-linkage
clustering of the coordinates (links up to ``LINK_KM``; a merge may not make a cluster wider
than ``MAX_DIAMETER_KM``, so chains such as Brussels - St. Ghislain - Roubaix cannot form).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TSV = ROOT / "tools" / "reference" / "provider-locations.tsv"
DEFAULT_OUTPUT = ROOT / "drcheck/locations/data/catalog.json"
FORMAT_VERSION = 1

LINK_KM = 60.0
MAX_DIAMETER_KM = 80.0
EARTH_RADIUS_KM = 6371.0088

# TSV provider -> canonical provider id (sub-brands merged) and the key segment they use.
SUB_BRANDS = {"ovh-dedicated": ("ovh", "dedicated"), "scaleway-dedibox": ("scaleway", "dedibox")}
CAMPUS_PROVIDERS = frozenset({"ovh", "ovh-dedicated", "hetzner"})
# OVH 3-AZ regions: one metro of several sites, never one campus.
MULTI_SITE_CAMPUS_IDS = frozenset({"ovh-par", "ovh-mil"})
REGION_PREFIXES = ("dedicated:", "dedibox:", "jurisdiction:")
# OVH API region codenames (coreTypes.RegionCodenameEnum, notes section 3) -> S3 region code.
OVH_CODENAMES = {
    "eu-west-sbg": "sbg",
    "eu-west-gra": "gra",
    "eu-west-rbx": "rbx",
    "eu-west-lim": "de",
    "eu-west-eri": "uk",
    "eu-central-waw": "waw",
    "ca-east-bhs": "bhs",
    "ap-southeast-sgp": "sgp",
    "us-east-vin": "us-east-va",
    "us-west-hil": "us-west-or",
}
# City words that name a metro better than the most common city of a cluster.
METRO_NAMES = {
    "vitry-sur-seine": "paris",
    "saint-ouen-l-aumone": "paris",
    "limburg-an-der-lahn": "frankfurt",
    "erith": "london",
    "slough": "london",
    "haarlem": "amsterdam",
    "north-bergen": "new-york",
    "secaucus": "new-york",
    "clifton": "new-york",
    "newark": "new-york",
    "vint-hill": "ashburn",
    "reston": "ashburn",
    "n-virginia": "ashburn",
    "washington-dc": "ashburn",
    "beauharnois": "montreal",
    "ozarow-mazowiecki-near-warsaw": "warsaw",
    "santa-clara": "san-jose",
    "oregon": "hillsboro",
}
# Rows whose city cell names only a state: the place of their (rough) coordinates.
METRO_BY_REGION = {
    "azure:eastus": "roanoke",
    "azure:eastus2": "boydton",
    "azure:southcentralus": "san-antonio",
}
# Clusters whose most common city is a state or country: name them by their place.
PLACE_NAMES = {
    "virginia": "virginia",
    "texas": "dallas",
    "malaysia": "kuala-lumpur",
    "new-zealand": "auckland",
    "thailand": "bangkok",
    "uae": "dubai",
    "iowa": "des-moines",
    "illinois": "chicago",
    "california": "san-francisco",
    "washington": "quincy",
    "wyoming": "wyoming",
    "columbus-metro": "columbus",
    "queretaro": "queretaro",
    "aragon": "zaragoza",
    "brandenburg-near-berlin": "berlin",
}

# Sanity check against the cross-provider metro clusters of the notes (section 5): each
# listed region must land in the named metro, or the build fails.
EXPECTED_METROS = {
    "ashburn": "aws:us-east-1 gcp:us-east4 hetzner:ash wasabi:us-east-1 wasabi:us-east-2 "
    "ovh:us-east-va backblaze-b2:us-east-005 linode-akamai:us-iad-10",
    "paris": "aws:eu-west-3 gcp:europe-west9 azure:francecentral ovh:eu-west-par scaleway:fr-par "
    "scaleway:fr-par-1 scaleway:fr-par-2 scaleway:fr-par-3 wasabi:eu-west-2 ionos:fr/par "
    "linode-akamai:fr-par-1",
    "frankfurt": "aws:eu-central-1 gcp:europe-west3 azure:germanywestcentral ovh:de "
    "wasabi:eu-central-2 digitalocean:fra1 exoscale:de-fra-1 ionos:de/fra ionos:eu-central-1 "
    "ionos:eu-central-4 linode-akamai:eu-central-1",
    "amsterdam": "azure:westeurope scaleway:nl-ams backblaze-b2:eu-central-003 "
    "wasabi:eu-central-1 digitalocean:ams3 linode-akamai:nl-ams-1",
    "london": "aws:eu-west-2 gcp:europe-west2 azure:uksouth ovh:uk wasabi:eu-west-1 "
    "wasabi:eu-west-3 digitalocean:lon1 linode-akamai:gb-lon-1",
    "hillsboro": "hetzner:hil ovh:us-west-or wasabi:us-west-1",
    "warsaw": "ovh:waw scaleway:pl-waw gcp:europe-central2 azure:polandcentral",
    "toronto": "ovh:ca-east-tor backblaze-b2:ca-east-006 wasabi:ca-central-1 "
    "gcp:northamerica-northeast2 azure:canadacentral digitalocean:tor1",
    "strasbourg": "ovh:sbg",
    "gravelines": "ovh:gra",
    "roubaix": "ovh:rbx",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    """The TSV's data rows, each a column -> text mapping (cells stripped)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def slug(text: str) -> str:
    """Lowercase, ASCII-ish, dash-separated form of a short text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def region_code_parts(region_code: str) -> tuple[str, list[str]]:
    """The canonical region suffix of a TSV region code and its other spellings.

    ``dedicated:lim (fra)`` -> (``lim``, [``fra``, ``dedicated:lim``, ...]);
    ``EUR4 (dual-region)`` -> (``eur4``, [...]); ``dedicated:p19;dc1;gsw`` -> (``p19``, ...).
    """
    raw = region_code.strip().lower()
    aliases = [raw]
    code = raw
    note = re.fullmatch(r"(.*?)\s*\(([^)]*)\)", code)
    if note:
        code = note.group(1)
        aliases.append(code)
        if re.fullmatch(r"[a-z]{2,4}", note.group(2)):
            aliases.append(note.group(2))
    for prefix in REGION_PREFIXES:
        if code.startswith(prefix):
            code = code[len(prefix) :]
    first, *rest = code.split(";")
    aliases.extend(rest)
    aliases.append(code)
    return first, sorted({a for a in aliases if a and a != first and ";" not in a})


def parse_datacenters(text: str) -> list[tuple[str, bool]]:
    """Building codes listed in a ``datacenter_ids`` cell, each with an is-doubtful flag.

    A parenthesised list (``PAR1 (DC2;DC3)``) counts as codes, other parenthetical notes are
    dropped; ``?`` marks a doubtful code; ``DC4=Glacier`` is DC4; free text ("AZ …",
    "public-cloud region number …", names with spaces) and AZ names are ignored.
    """
    listed = re.sub(r"\(([^)]*;[^)]*)\)", r";\1", text)
    cleaned = re.sub(r"\([^)]*\)", "", listed)
    codes: list[tuple[str, bool]] = []
    for item in (part.strip() for part in cleaned.split(";")):
        if item.startswith("AZ "):
            break  # the rest of the cell lists availability zones, not buildings
        doubtful = "?" in item
        code = item.replace("?", "").split("=")[0].strip()
        if not code or re.search(r"\s|\.\.|=", code) or code.count("-") >= 2:
            continue
        codes.append((code.upper(), doubtful))
    return codes


def parse_hosts(text: str) -> list[str]:
    """Concrete endpoint host names in a ``s3_endpoint_host_pattern`` cell.

    Templates (``BUCKET.…``, ``ACCOUNT.…``) and patterns with ``REGION`` are left out: the
    lookup code strips bucket labels itself.
    """
    cleaned = re.sub(r"\([^)]*\)", "", text)
    hosts = []
    for item in (part.strip() for part in cleaned.split(";")):
        host = item.replace("?", "").strip()
        if host and re.fullmatch(r"[a-z0-9.-]+", host):
            hosts.append(host)
    return hosts


def campus_for(tsv_provider: str, campus_or_metro: str) -> str | None:
    """The campus id of a row: OVH and Hetzner sites only, never an OVH 3-AZ region."""
    if tsv_provider not in CAMPUS_PROVIDERS or not campus_or_metro:
        return None
    if campus_or_metro in MULTI_SITE_CAMPUS_IDS:
        return None
    return campus_or_metro


def number(text: str) -> float | None:
    """A coordinate cell as a float, or None when blank."""
    return float(text) if text else None


def entry_from_row(row: dict[str, str]) -> dict[str, Any]:
    """One catalog entry (without metro and campus buildings) from one TSV row."""
    tsv_provider = row["provider"]
    provider, key_service = SUB_BRANDS.get(tsv_provider, (tsv_provider, row["service"]))
    code, aliases = region_code_parts(row["region_code"])
    if provider == "ovh" and row["service"] == "s3":
        aliases += sorted(name for name, target in OVH_CODENAMES.items() if target == code)
    datacenters = [
        {"building": f"{provider}-{dc.lower()}", "code": dc, "uncertain": doubtful}
        for dc, doubtful in parse_datacenters(row["datacenter_ids"])
    ]
    return {
        "key": f"{provider}/{key_service}/{code}",
        "provider": provider,
        "tsv_provider": tsv_provider,
        "service": row["service"],
        "region": f"{provider}:{code}",
        "region_code": row["region_code"],
        "aliases": aliases,
        "hosts": parse_hosts(row["s3_endpoint_host_pattern"]),
        "city": row["city"],
        "country": row["country_iso2"] or None,
        "lat": number(row["latitude"]),
        "lon": number(row["longitude"]),
        "campus": campus_for(tsv_provider, row["campus_or_metro"]),
        "datacenters": datacenters,
        "uncertain": row["source"].startswith("? "),
        "source": row["source"],
    }


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius), as in drcheck.locations.geo."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def cluster_points(points: list[tuple[float, float]]) -> list[int]:
    """Cluster label (index of a representative) for each point.

    Kruskal-style single linkage: candidate links up to LINK_KM are taken shortest first;
    a link joins two clusters only when every pair across them is within MAX_DIAMETER_KM.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(len(points))}
    label = list(range(len(points)))
    links = sorted(
        (distance_km(points[i], points[j]), i, j)
        for i in range(len(points))
        for j in range(i + 1, len(points))
        if distance_km(points[i], points[j]) <= LINK_KM
    )
    for _, i, j in links:
        a, b = label[i], label[j]
        if a == b:
            continue
        span = max(distance_km(points[p], points[q]) for p in members[a] for q in members[b])
        if span > MAX_DIAMETER_KM:
            continue
        keep, drop = min(a, b), max(a, b)
        for p in members.pop(drop):
            label[p] = keep
            members[keep].append(p)
    return label


def city_slug(city: str) -> str:
    """The place word of a TSV city cell: ``Strasbourg (Port du Rhin campus)`` -> strasbourg."""
    text = re.sub(r"\([^)]*\)", "", city)
    text = re.split(r",| / |/| \+ ", text)[0]
    text = re.sub(r"\b(region|metro|area|state)\b", "", text, flags=re.IGNORECASE)
    return slug(text)


def metro_name(cluster: list[dict[str, Any]]) -> str:
    """The metro id of a cluster: curated name, else its most common place word."""
    names = []
    for e in cluster:
        word = city_slug(e["city"])
        names.append(
            METRO_BY_REGION.get(e["region"])
            or METRO_NAMES.get(word)
            or PLACE_NAMES.get(word)
            or word
        )
    counts = Counter(n for n in names if n)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def assign_metros(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Set ``metro`` on every entry with coordinates; return metro id -> region ids."""
    located = [e for e in entries if e["lat"] is not None and e["lon"] is not None]
    points = sorted({(e["lat"], e["lon"]) for e in located})
    label = cluster_points(points)
    cluster_of = {p: label[i] for i, p in enumerate(points)}
    by_cluster: dict[int, list[dict[str, Any]]] = {}
    for e in located:
        by_cluster.setdefault(cluster_of[(e["lat"], e["lon"])], []).append(e)
    metros: dict[str, list[str]] = {}
    for cluster in by_cluster.values():
        name = metro_name(cluster)
        if name in metros:
            raise SystemExit(f"metro name {name!r} names two clusters; add a curated name")
        metros[name] = sorted({e["region"] for e in cluster})
        for e in cluster:
            e["metro"] = name
    for e in entries:
        e.setdefault("metro", None)
    check_metros(metros)
    return metros


def check_metros(metros: dict[str, list[str]]) -> None:
    """Fail the build when a metro of the notes' section 5 did not come out as expected."""
    for name, regions in EXPECTED_METROS.items():
        missing = sorted(set(regions.split()) - set(metros.get(name, ())))
        if missing:
            raise SystemExit(f"metro {name!r} lacks {missing}: check LINK_KM and the names")


def assign_buildings(entries: list[dict[str, Any]]) -> None:
    """``buildings``: every building of the entry's campus, or its own list without one."""
    by_campus: dict[str, set[str]] = {}
    for e in entries:
        if e["campus"]:
            by_campus.setdefault(e["campus"], set()).update(d["building"] for d in e["datacenters"])
    for e in entries:
        own = {d["building"] for d in e["datacenters"]}
        e["buildings"] = sorted(by_campus[e["campus"]] if e["campus"] else own)


def build(tsv: Path) -> dict[str, Any]:
    """The whole catalog document for one TSV file."""
    entries = [entry_from_row(row) for row in read_rows(tsv)]
    keys = Counter(e["key"] for e in entries)
    duplicates = sorted(k for k, n in keys.items() if n > 1)
    if duplicates:
        raise SystemExit(f"duplicate catalog keys: {duplicates}")
    metros = assign_metros(entries)
    assign_buildings(entries)
    return {
        "format": FORMAT_VERSION,
        "source": {
            "file": tsv.name,
            "sha256": hashlib.sha256(tsv.read_bytes()).hexdigest(),
            "rows": len(entries),
        },
        "metro_rule": {"link_km": LINK_KM, "max_diameter_km": MAX_DIAMETER_KM},
        "metros": metros,
        "entries": sorted(entries, key=lambda e: e["key"]),
    }


def render(document: dict[str, Any]) -> str:
    """The JSON text written to disk: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the catalog; 0 on success, 1 when --check differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args(argv)
    text = render(build(args.tsv))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            sys.stderr.write(f"{args.output} is stale; run tools/build_catalog.py\n")
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {args.output} ({len(text)} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
