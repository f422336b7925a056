"""Write the hostile input corpus under tests/hostile/<kind>/ (run from the repository root).

Each file is small and committed; the giant cases (a 60 MB file, 20,000-deep nesting, many
keys) and FIFOs are made at test time by ``test_corpus.py``. Facts snapshots get a correct
digest, so what refuses them is the check under test, not the digest. Re-running this script
rewrites the files identically.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from drcheck.facts.snapshot import content_digest  # noqa: E402

ESTATE = (ROOT / "examples" / "georedundant" / "estate.yaml").read_text(encoding="utf-8")
NOW = "2026-11-23T06:00:00Z"


def write(kind: str, name: str, text: str) -> None:
    """One corpus file."""
    path = HERE / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def link(kind: str, name: str, target: str) -> None:
    """A symlink in the corpus (to /dev/zero: a device where a file is expected)."""
    path = HERE / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    os.symlink(target, path)


def estate(old: str, new: str, count: int = 1) -> str:
    """The georedundant example with one substitution (which must apply)."""
    assert old in ESTATE, old
    return ESTATE.replace(old, new, count)


GRA = "      datacenter: GRA2\n"
RP1 = "newest_restore_point: 2026-11-23T01:15:00Z"
RP2 = "newest_restore_point: 2026-11-23T02:05:00Z"


def estates() -> None:
    """NaN/inf numbers and calendar-invalid or overflowing dates in an estate."""
    cases = {
        "nan-coordinates.yaml": (GRA, GRA + "      coordinates: {lat: .nan, lon: .nan}\n"),
        "inf-latitude.yaml": (GRA, GRA + "      coordinates: {lat: .inf, lon: 2.1}\n"),
        "neg-inf-longitude.yaml": (GRA, GRA + "      coordinates: {lat: 50.9, lon: -.inf}\n"),
        "float-overflow-1e400.yaml": (GRA, GRA + "      coordinates: {lat: 1e400, lon: 2.1}\n"),
        "nan-retention-days.yaml": ("retention_days: 30", "retention_days: .nan"),
        "inf-bytes.yaml": ("      immutable: false\n", "      immutable: false\n"
                           "      bytes: .inf\n"),
        "nan-label.yaml": ("labels: {tier: gold, app: orders}", "labels: {tier: .nan}"),
        "date-feb-30.yaml": (RP1, "newest_restore_point: 2026-02-30"),
        "date-month-13.yaml": (RP1, "newest_restore_point: 2026-13-45T00:00:00Z"),
        "date-hour-25.yaml": (RP1, 'newest_restore_point: "2026-01-01T25:00:00Z"'),
        "date-offset-99.yaml": (RP1, 'newest_restore_point: "2026-11-23T01:15:00+99:99"'),
        "date-year-1.yaml": (RP1, "newest_restore_point: 0001-01-01T00:00:00Z"),
        "date-year-1-quoted.yaml": (RP1, 'newest_restore_point: "0001-01-01T00:00:00+01:00"'),
        "date-year-9999-offset.yaml": (RP1, 'newest_restore_point: "9999-12-31T23:59:59-01:00"'),
        "restore-test-feb-30.yaml": ("last_restore_test: 2026-10-15",
                                     "last_restore_test: 2026-02-30"),
        "restore-test-year-0.yaml": ("last_restore_test: 2026-10-15",
                                     'last_restore_test: "0000-10-15"'),
        "huge-integer.yaml": ("retention_days: 30", "retention_days: " + "9" * 5000),
    }
    for name, (old, new) in cases.items():
        write("estate", name, estate(old, new))
    laughs = ["apiVersion: drcheck/v1", "kind: Estate", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 10)]
    laughs += ["datasets: *a9", ""]
    write("estate", "billion-laughs.yaml", "\n".join(laughs))
    link("estate", "dev-zero.yaml", "/dev/zero")


def futures() -> None:
    """Restore points and tests later than now (exit 3: unknown "in the future")."""
    write("future", "restore-point-9999.yaml",
          estate(RP1, "newest_restore_point: 9999-12-31T23:59:59Z").replace(
              RP2, "newest_restore_point: 9999-12-31T23:59:59Z"))
    write("future", "restore-point-next-hour.yaml",
          estate(RP1, "newest_restore_point: 2026-11-23T07:00:00Z").replace(
              RP2, "newest_restore_point: 2026-11-23T07:00:00Z"))
    write("future", "restore-test-next-year.yaml",
          estate("last_restore_test: 2026-10-15", "last_restore_test: 2027-10-15"))
    write("future", "within-skew.yaml",
          estate(RP1, "newest_restore_point: 2026-11-23T06:04:00Z").replace(
              RP2, "newest_restore_point: 2026-11-23T06:04:00Z"))
    facts = _facts()
    for copy_ in facts["datasets"][0]["copies"]:
        copy_["facts"]["newest_restore_point"]["value"] = "2030-01-01T00:00:00Z"
    _write_facts("future", "facts-restore-point-2030.json", facts)


POLICY = """apiVersion: drcheck/v1
kind: Policy
rules:
  - id: H-01
    type: {type}
    severity: high
    params: {params}
"""


def policies() -> None:
    """NaN/inf and overflowing durations in a policy."""
    cases = {
        "km-nan.yaml": ("min-distance", "{km: .nan}"),
        "km-inf.yaml": ("min-distance", "{km: .inf}"),
        "km-neg-inf.yaml": ("min-distance", "{km: -.inf}"),
        "min-copies-nan.yaml": ("min-copies", "{min: .nan}"),
        "retention-inf.yaml": ("immutable-copy", "{min_retention_days: .inf}"),
        "max-age-overflow.yaml": ("max-age", "{max_age: 1000000000000000000000000000000d}"),
        "max-age-weeks-overflow.yaml": ("max-age", "{max_age: 99999999999999w}"),
        "max-age-200-years.yaml": ("max-age", "{max_age: 73000d}"),
        "restore-tested-overflow.yaml": ("restore-tested",
                                         "{max_age: 1000000000000000000000000000000d}"),
        "survives-max-age-overflow.yaml": (
            "survives", "{kinds: [campus], max_age: 1000000000000000000000000000000d}"),
    }
    for name, (rule_type, params) in cases.items():
        write("policy", name, POLICY.format(type=rule_type, params=params))
    link("policy", "dev-zero.yaml", "/dev/zero")


WAIVER = """apiVersion: drcheck/v1
kind: Waivers
waivers:
  - id: W-1
    rule: DR-SBG2-01
    reason: accepted
    owner: ops
    expires: {expires}
"""


def waivers() -> None:
    """Calendar-invalid expiry dates and non-finite labels in a waiver file."""
    for name, expires in {"expires-feb-30.yaml": "2026-02-30",
                          "expires-feb-30-quoted.yaml": '"2026-02-30"',
                          "expires-month-13.yaml": "2026-13-01",
                          "expires-year-0.yaml": '"0000-01-01"'}.items():
        write("waivers", name, WAIVER.format(expires=expires))
    write("waivers", "label-nan.yaml", WAIVER.format(expires="2027-01-01").replace(
        "    rule: DR-SBG2-01\n", "    labels: {tier: .nan}\n"))
    link("waivers", "dev-zero.yaml", "/dev/zero")


def _facts() -> dict[str, Any]:
    from drcheck.facts.assemble import build_snapshot
    from drcheck.facts.snapshot import snapshot_to_dict
    from drcheck.inputs.durations import parse_time
    from drcheck.inputs.estate_check import load_estate

    spec = load_estate(str(ROOT / "examples" / "georedundant" / "estate.yaml"))
    body = snapshot_to_dict(build_snapshot(spec, [], parse_time(NOW)))
    text = json.dumps(body).replace(str(ROOT) + "/", "")
    return dict(json.loads(text))


def _write_facts(kind: str, name: str, data: dict[str, Any], raw: str | None = None) -> None:
    data = copy.deepcopy(data)
    data["digest"] = content_digest(data)
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    write(kind, name, text if raw is None else text.replace(*raw.split("|", 1)))


def facts() -> None:
    """Facts snapshots (with a correct digest) carrying NaN, bad dates, deep nesting."""
    base = _facts()

    def coords(lat: Any) -> dict[str, Any]:
        data = copy.deepcopy(base)
        data["datasets"][0]["primary"]["location"]["coordinates"] = {
            "lat": lat, "lon": 2.1, "source": "declared", "origin": "x"}
        return data

    _write_facts("facts", "nan-latitude.json", coords(float("nan")))
    _write_facts("facts", "infinity-latitude.json", coords(float("inf")))
    _write_facts("facts", "neg-infinity-latitude.json", coords(float("-inf")))
    _write_facts("facts", "exponent-1e999.json", coords(123.5), raw='"lat": 123.5|"lat": 1e999')
    _write_facts("facts", "latitude-500.json", coords(500))
    _write_facts("facts", "huge-integer.json", coords(1), raw='"lat": 1,|"lat": ' + "9" * 5000
                 + ",")
    for name, stamp in {"date-feb-30.json": "2026-02-30",
                        "date-month-13.json": "2026-13-45T00:00:00Z",
                        "date-offset-99.json": "2026-11-23T01:15:00+99:99",
                        "date-year-1.json": "0001-01-01T00:00:00Z"}.items():
        data = copy.deepcopy(base)
        data["datasets"][0]["copies"][0]["facts"]["newest_restore_point"]["value"] = stamp
        _write_facts("facts", name, data)
    data = copy.deepcopy(base)
    data["datasets"][0]["copies"][0]["facts"]["retention_days"] = {
        "value": float("nan"), "source": "declared", "origin": "x"}
    _write_facts("facts", "evidence-value-nan.json", data)
    deep: Any = 1
    for _ in range(100):
        deep = {"d": deep}
    data = copy.deepcopy(base)
    data["details"] = {"x": deep}
    _write_facts("facts", "nested-100.json", data)
    write("facts", "nested-5000.json", '{"format": "drcheck/facts", "details": ' + "[" * 5000
          + "]" * 5000 + "}\n")
    link("facts", "dev-zero.json", "/dev/zero")


def baselines() -> None:
    """Baselines with NaN, deep nesting, the wrong shapes."""
    head = '{"format": "drcheck/baseline", "version": 1, "created_from": "2026-11-23T06:00:00Z", '
    write("baseline", "nan.json", head + '"findings": [], "score": NaN}\n')
    write("baseline", "nested-5000.json", head + '"findings": ' + "[" * 5000 + "]" * 5000
          + "}\n")
    write("baseline", "not-an-object.json", "[1, 2, 3]\n")
    write("baseline", "findings-a-number.json", head + '"findings": 5}\n')
    write("baseline", "findings-strings.json", head + '"findings": ["a", "b"]}\n')
    write("baseline", "bad-status.json", head + '"findings": [{"fingerprint": "f", "policy": '
          '"p", "rule_id": "r", "rule_type": "t", "dataset": "d", "status": "exploded", '
          '"severity": "high", "title": "t", "message": "m"}]}\n')
    link("baseline", "dev-zero.json", "/dev/zero")


def mappings() -> None:
    """Mapping files with non-finite coordinates, deep nesting, a device."""
    loc = "locations:\n  aws_s3_bucket.replica_sbg: {{provider: ovh, coordinates: {coords}}}\n"
    write("mapping", "nan-coordinates.yaml", loc.format(coords="{lat: .nan, lon: .nan}"))
    write("mapping", "inf-latitude.yaml", loc.format(coords="{lat: .inf, lon: 7.7}"))
    write("mapping", "nested-100.yaml", "datasets:\n  - primary: x\n    labels: {a: "
          + "[" * 100 + "]" * 100 + "}\n")
    link("mapping", "dev-zero.yaml", "/dev/zero")


def terraform() -> None:
    """Terraform JSON with NaN, huge numbers, deep nesting, a device."""
    head = '{"format_version": "1.2", "terraform_version": "1.9.0", '
    write("terraform", "nan.json", head + '"values": {"root_module": {"resources": [{"address":'
          ' "aws_s3_bucket.a", "type": "aws_s3_bucket", "name": "a", "mode": "managed", '
          '"values": {"bucket": "a", "x": NaN}}]}}}\n')
    write("terraform", "infinity.json", head + '"values": {"root_module": {"x": Infinity}}}\n')
    write("terraform", "exponent-1e999.json", head + '"values": {"root_module": {"x": 1e999}}}\n')
    write("terraform", "huge-integer.json", head + '"values": {"root_module": {"x": '
          + "9" * 5000 + "}}}\n")
    write("terraform", "nested-20000.json", head + '"values": ' + "[" * 20000 + "]" * 20000
          + "}\n")
    write("terraform", "nested-100.json", head + '"values": {"root_module": {"x": '
          + "[" * 100 + "]" * 100 + "}}}\n")
    link("terraform", "dev-zero.json", "/dev/zero")


def ansible() -> None:
    """Inventories whose host ranges would run away, or that do not parse."""
    write("ansible", "range-bomb.ini", "[web]\nweb[0:99999999].example.net\n")
    write("ansible", "range-bomb.yml", "all:\n  hosts:\n    web[0:99999999].example.net:\n")
    write("ansible", "range-product.ini", "[web]\nw[0:999]-[0:999]\n")
    write("ansible", "range-letters-product.ini",
          "[web]\nh-[a:Z]-[a:Z]-[a:Z]\n")
    write("ansible", "range-step-0.ini", "[web]\nweb[1:5:0]\n")
    write("ansible", "range-letter-digit.ini", "[web]\ndb[a:9]\n")
    write("ansible", "range-many.ini", "[web]\n" + "x" + "[1:1]" * 2000 + "\n")
    write("ansible", "many-lines.ini", "[web]\n" + "".join(f"g{i}-[0:9999]\n"
                                                           for i in range(11)))
    write("ansible", "unclosed-quote.ini", "[web]\nweb1 ansible_user='oops\n")
    write("ansible", "coordinates-nan.yml", "all:\n  hosts:\n    web1:\n      "
          "drcheck_coordinates: {lat: .nan, lon: 2.1}\n")
    write("ansible", "coordinates-text.ini", "[web]\nweb1 drcheck_coordinates=north\n")
    link("ansible", "dev-zero.ini", "/dev/zero")


def sshconfig() -> None:
    """ssh_configs that include themselves, a device, a bad port."""
    write("sshconfig", "include-self.conf", "Host a\n  HostName a.example.net\n"
          "Include include-self.conf\n")
    write("sshconfig", "include-fanout.conf", "Host a\n  HostName a.example.net\n"
          + "Include include-fanout.conf\n" * 4)
    write("sshconfig", "port-overflow.conf", "Host a\n  HostName a.example.net\n"
          "  Port 99999999999999999999\n")
    link("sshconfig", "dev-zero.conf", "/dev/zero")


if __name__ == "__main__":
    estates()
    futures()
    policies()
    waivers()
    facts()
    baselines()
    mappings()
    terraform()
    ansible()
    sshconfig()
    count = sum(1 for p in HERE.rglob("*") if (p.is_file() or p.is_symlink())
                and p.parent != HERE)
    print(f"{count} corpus files under {HERE.relative_to(ROOT)}")
