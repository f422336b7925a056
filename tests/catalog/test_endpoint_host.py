"""One endpoint-host parser for the catalog, the importers and the S3 probe: its edge cases,
and the three readers agreeing on them."""

from __future__ import annotations

import pytest

from drcheck.importers.endpoints import s3_location
from drcheck.locations.catalog import Catalog
from drcheck.locations.endpoints import endpoint_host
from drcheck.shared.ids import AssetId


@pytest.mark.parametrize(("text", "host"), [
    ("https://S3.SBG.io.cloud.ovh.net:443/", "s3.sbg.io.cloud.ovh.net"),
    ("s3.fr-par.scw.cloud", "s3.fr-par.scw.cloud"),
    ("  s3.fr-par.scw.cloud \n", "s3.fr-par.scw.cloud"),
    ("minio.internal:9000", "minio.internal"),
    ("minio.internal:9000/some/path?x=1", "minio.internal"),
    ("http://user:secret@s3.eu-west-3.amazonaws.com/bucket", "s3.eu-west-3.amazonaws.com"),
    ("https://s3.amazonaws.com.", "s3.amazonaws.com"),
    ("s3.amazonaws.com.:443", "s3.amazonaws.com"),
    ("http://[::1]:9000", "::1"),
    ("[2001:DB8::1]", "2001:db8::1"),
    ("127.0.0.1:8333", "127.0.0.1"),
])
def test_host_of_urls_and_bare_hosts(text: str, host: str) -> None:
    assert endpoint_host(text) == host


@pytest.mark.parametrize("text", [None, "", "   ", "https://", "http://[::1", "//", ".",
                                  "https://:443/"])
def test_no_host_is_none_never_a_guess(text: str | None) -> None:
    assert endpoint_host(text) is None


@pytest.mark.parametrize("text", [
    "https://S3.SBG.IO.CLOUD.OVH.NET:443/",
    "s3.sbg.io.cloud.ovh.net.",
    " https://user:pw@s3.sbg.io.cloud.ovh.net/prefix ",
])
def test_catalog_and_importer_read_the_same_host(text: str) -> None:
    match = Catalog.default().by_endpoint(text)
    assert match is not None and match.entry is not None
    assert (match.provider, match.entry.region_code) == ("ovh", "sbg")
    assert s3_location(text) == ("ovh", "sbg")


@pytest.mark.parametrize("text", ["http://[::1", "", "https://"])
def test_unparsable_endpoint_names_no_location(text: str) -> None:
    assert Catalog.default().by_endpoint(text) is None
    assert s3_location(text) is None


def test_asset_id_parts() -> None:
    asset = AssetId.of("bucket", "logs:eu")  # a name may hold colons, a kind never does
    assert asset == "bucket:logs:eu" and isinstance(asset, str)
    assert (asset.kind, asset.name) == ("bucket", "logs:eu")
    assert AssetId("host:db-1").name == "db-1"
    assert {asset: 1}["bucket:logs:eu"] == 1  # hashes and compares as its text
    with pytest.raises(ValueError, match="asset kind 'disk'"):
        AssetId.of("disk", "x")
