"""Assembly: declared + catalog + probed claims, fact precedence, discovered copies."""

from __future__ import annotations

from pathlib import Path

from drcheck.facts.assemble import assemble
from drcheck.inputs.estate_check import load_estate
from drcheck.locations.catalog import Catalog
from drcheck.probes.base import BucketTarget, DiscoveredCopy, ProbeReport
from drcheck.shared.model import Claim, DomainKind, Evidence, ProbeIssue, Source

AT = "2026-11-23T05:00:00Z"


def estate(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "estate.yaml"
    path.write_text("apiVersion: drcheck/v1\nkind: Estate\n" + text)
    return load_estate(str(path))


def test_endpoint_and_datacenter_resolve_to_the_same_campus(tmp_path: Path) -> None:
    e = estate(tmp_path, """hosts:
  - {name: db, location: {provider: ovh, datacenter: SBG2}}
buckets:
  - {name: b, endpoint: "https://s3.sbg.io.cloud.ovh.net"}
datasets:
  - {name: d, primary: {host: db}, copies: [{bucket: b}]}
""")
    (d,) = assemble(e, [], Catalog.default(), AT).datasets
    assert d.primary.location.values(DomainKind.CAMPUS) == {"ovh-sbg"}
    assert d.primary.location.values(DomainKind.BUILDING) == {"ovh-sbg2"}
    assert d.copies[0].location.values(DomainKind.CAMPUS) == {"ovh-sbg"}
    assert d.copies[0].location.values(DomainKind.METRO) == {"strasbourg"}
    assert d.copies[0].location.values(DomainKind.HOST) == {"bucket:b"}


def test_probed_region_expands_and_conflicts_with_declaration(tmp_path: Path) -> None:
    e = estate(tmp_path, """hosts: [{name: db, location: {provider: ovh, datacenter: SBG2}}]
buckets:
  - {name: b, provider: ovh, region: gra, probe: true}
datasets:
  - {name: d, primary: {host: db}, copies: [{bucket: b, prefix: d/}]}
""")
    report = ProbeReport("s3", "bucket:b", AT, claims=(Claim(
        DomainKind.REGION, "ovh:sbg", Source.PROBED, "s3:GetBucketLocation", AT),))
    (d,) = assemble(e, [report], Catalog.default(), AT).datasets
    loc = d.copies[0].location
    assert loc.values(DomainKind.CAMPUS) == {"ovh-gra", "ovh-sbg"}
    assert DomainKind.CAMPUS in loc.conflicts()
    probed = [c for c in loc.claims if c.source is Source.PROBED]
    assert [c.value for c in probed] == ["ovh:sbg"]


def test_fact_precedence_known_probed_over_declared_over_unknown(tmp_path: Path) -> None:
    e = estate(tmp_path, """hosts: [{name: db}]
buckets:
  - {name: b, probe: true, facts: {encrypted: false, immutable: true}}
datasets:
  - {name: d, primary: {host: db}, copies: [{bucket: b, prefix: d/}]}
""")
    report = ProbeReport("s3", "bucket:b", AT, facts={
        "encrypted": Evidence(True, Source.PROBED, "s3:GetBucketEncryption", AT),
        "immutable": Evidence(None, Source.PROBED, "s3:GetObjectLockConfiguration", AT,
                              "AccessDenied")},
        path_facts={"d/": {"newest_restore_point": Evidence(AT, Source.PROBED, "s3:List")}})
    (d,) = assemble(e, [report], Catalog.default(), AT).datasets
    facts = d.copies[0].facts
    assert facts["encrypted"].value is True and facts["encrypted"].source is Source.PROBED
    assert facts["immutable"].value is True and facts["immutable"].source is Source.DECLARED
    assert facts["newest_restore_point"].value == AT


def test_discovered_copies_attach_to_datasets_on_the_subject(tmp_path: Path) -> None:
    e = estate(tmp_path, """hosts: [{name: db, address: 127.0.0.1}]
datasets:
  - {name: pg, primary: {host: db, path: /var/lib/postgresql}}
  - {name: www, primary: {host: db, path: /srv/www}}
""")
    found = DiscoveredCopy(
        name="restic:/etc/restic/pg.env", tool="restic", origin="ssh:/etc/restic/pg.env",
        source_path="/var/lib/postgresql",
        bucket=BucketTarget("pg-backups", endpoint="https://s3.sbg.io.cloud.ovh.net"),
        prefix="pg/", facts={"encrypted": Evidence(True, Source.PROBED, "restic")})
    local = DiscoveredCopy(name="dump", tool="cron", origin="ssh:/etc/crontab",
                           local_path="/var/backups")
    report = ProbeReport("ssh", "host:db", AT, discovered=(found, local),
                         issues=(ProbeIssue("host:db", "ssh", "partial", "timer unreadable"),))
    snap = assemble(e, [report], Catalog.default(), AT)
    pg, www = snap.datasets
    assert [c.name for c in pg.copies] == ["restic:/etc/restic/pg.env", "dump"]
    assert pg.copies[0].location.values(DomainKind.CAMPUS) == {"ovh-sbg"}
    assert pg.copies[1].location.values(DomainKind.HOST) == {"host:db"}
    assert [c.name for c in www.copies] == ["dump"]
    assert snap.issues[0].code == "partial"


def test_probed_building_code_is_normalised_to_the_catalog_id(tmp_path: Path) -> None:
    e = estate(tmp_path, """hosts:
  - {name: db, address: 127.0.0.1, location: {provider: ovh, datacenter: SBG2}}
datasets:
  - {name: d, primary: {host: db}}
""")
    report = ProbeReport("ssh", "host:db", AT, claims=(Claim(
        DomainKind.BUILDING, "ovh:SBG2", Source.PROBED, "ssh:/etc/drcheck/location.yaml", AT),))
    (d,) = assemble(e, [report], Catalog.default(), AT).datasets
    assert d.primary.location.values(DomainKind.BUILDING) == {"ovh-sbg2"}
    assert d.primary.location.conflicts() == {}
