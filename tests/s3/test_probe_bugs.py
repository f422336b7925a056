"""drcheck's own bug inside the S3 probe is a ``ProbeBug`` (exit 4), never "unknown"; a
peer failure (an endpoint that is not there) stays an issue on that bucket.

The bug is planted by replacing the freshness reader with one that raises TypeError: no
server can make drcheck's code wrong. The server (moto) and the S3 calls are real.
"""

from __future__ import annotations

import pytest

from drcheck.probes import s3_bucket
from drcheck.probes.base import ProbeBug
from tests.s3.conftest import World

pytestmark = pytest.mark.integration


def test_a_bug_in_the_s3_probe_is_a_probe_bug(world: World,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise TypeError("planted bug")

    monkeypatch.setattr(s3_bucket, "path_freshness", broken)
    with pytest.raises(ProbeBug, match=r"s3 probe of bucket:paris-db: TypeError: planted bug"):
        world.probe().collect([world.target("paris-db", "db/")])


def test_an_absent_endpoint_stays_an_issue(world: World) -> None:
    report = world.probe().collect([world.target("paris-db", "db/",
                                                 endpoint="http://127.0.0.1:9")])[0]
    assert report.issues and all(i.subject == "bucket:paris-db" for i in report.issues)
