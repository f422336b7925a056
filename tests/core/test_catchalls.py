"""Probe catch-alls: a peer or I/O failure inside one probe leaves its targets unknown, and
the log says which target, where, and what went wrong (type and message, credentials
redacted). drcheck's own bugs are exit 4, not unknown evidence: tests/ssh/test_bugs_and_root.py
and tests/s3/test_probe_bugs.py.

These tests make a probe step raise an I/O error carrying a planted credential, a message no
real server can be relied on to send; everything around it (the probe, its thread pool, the
issue it records) is real.
"""

from __future__ import annotations

import logging

import pytest

from drcheck.facts import collect
from drcheck.inputs.estate import BucketSpec, Estate, HostSpec
from drcheck.probes.base import ProbeReport
from drcheck.probes.s3 import S3Probe, S3Target
from drcheck.probes.s3_bucket import BucketProbe
from drcheck.probes.ssh import SshProbe

SECRET = "hunter2-planted"


def _boom(*_: object, **__: object) -> ProbeReport:
    raise OSError(f"parser fell over on 'PASSWORD={SECRET} restic backup'")


def test_ssh_catch_all_logs_host_address_and_message(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(SshProbe, "_probe_host", _boom)
    host = HostSpec(name="db-1", origin="test:1", address="198.51.100.7")
    caplog.set_level(logging.DEBUG)
    (report,) = SshProbe().collect([host])
    assert [i.code for i in report.issues] == ["probe-error"]
    line = next(r for r in caplog.records if "ssh probe of host db-1" in r.getMessage())
    assert line.levelno == logging.WARNING
    assert "198.51.100.7" in line.getMessage() and "OSError" in line.getMessage()
    assert "parser fell over" in line.getMessage()
    assert "at test_catchalls.py:" in line.getMessage() and "in _boom" in line.getMessage()
    assert SECRET not in caplog.text


def test_s3_catch_all_logs_bucket_and_endpoint(monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(BucketProbe, "run", _boom)
    spec = BucketSpec(name="logs", origin="test:1", bucket="logs-eu",
                      endpoint="http://127.0.0.1:9", probe=True)
    caplog.set_level(logging.INFO)
    (report,) = S3Probe().collect([S3Target(spec)])
    assert [i.code for i in report.issues] == ["probe-error"]
    text = caplog.text
    assert "bucket logs-eu at http://127.0.0.1:9" in text and "parser fell over" in text


def test_whole_probe_failure_logs_message_and_assets(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    select, _ = collect.RUNNERS["ssh"]
    monkeypatch.setitem(collect.RUNNERS, "ssh", (select, _boom))
    hosts = tuple(HostSpec(name=f"h{i}", origin="test:1", address=f"h{i}") for i in range(7))
    estate = Estate(name="e", path="e.yaml", hosts=hosts, buckets=(), media=(), datasets=())
    reports = collect.collect_reports(estate, probes=("ssh",))
    assert {r.issues[0].code for r in reports} == {"probe-failed"} and len(reports) == 7
    line = next(r for r in caplog.records if "ssh probe failed" in r.getMessage())
    assert "parser fell over" in line.getMessage()
    assert "7 asset(s) left unknown: host:h0, host:h1" in line.getMessage()
    assert line.getMessage().endswith(", ...)")
