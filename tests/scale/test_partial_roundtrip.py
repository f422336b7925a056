"""A shard carries its raw probe reports to ``drcheck merge``: every field of a report and
of each discovered copy must come back as it went, or the merged audit would differ from an
unsharded one (a copy's ``unattributed`` reason once went missing this way)."""

from __future__ import annotations

import dataclasses

from drcheck.facts.partial import report_from_dict, report_to_dict
from drcheck.probes.base import BucketTarget, DiscoveredCopy, ProbeReport
from drcheck.shared.model import Claim, DomainKind, Evidence, ProbeIssue, Source

AT = "2026-11-23T06:00:00Z"


def _filled_copy() -> DiscoveredCopy:
    ev = Evidence("2026-11-22T01:00:00Z", Source.PROBED, "restic: snapshots/", AT)
    return DiscoveredCopy(
        name="restic:offsite", tool="restic", origin="/etc/cron.d/backup:3",
        source_path="/srv/data", bucket=BucketTarget("b", "https://s3.example", "ovh",
                                                     "gra", "acct"),
        prefix="restic/", host="vault", local_path="/backup", facts={"newest_restore_point": ev},
        unattributed="sources not known")


def test_every_field_of_a_report_and_its_copies_round_trips() -> None:
    copy = _filled_copy()
    assert all(getattr(copy, f.name) not in (None, {}, ()) for f in dataclasses.fields(copy))
    report = ProbeReport(
        probe="ssh", subject="host:db-1", observed_at=AT,
        claims=(Claim(DomainKind.CAMPUS, "ovh-sbg", Source.PROBED, "dmidecode", AT),),
        facts={"encrypted": Evidence(True, Source.PROBED, "x", AT)},
        path_facts={"/srv": {"bytes": Evidence(5, Source.PROBED, "du", AT)}},
        details={"reachable": True}, discovered=(copy,),
        issues=(ProbeIssue("host:db-1", "ssh", "permission-denied", "cannot read", AT),))
    assert all(getattr(report, f.name) not in (None, {}, ()) for f in dataclasses.fields(report))
    back = report_from_dict(report_to_dict(report, "ci"))
    assert back == report
