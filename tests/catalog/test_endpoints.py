"""Endpoint hosts and URLs: which say where the bucket is, and which only name a provider."""

from __future__ import annotations

import pytest

from drcheck.locations.catalog import Catalog

REGIONAL = [
    # OVH: current, bucket-prefixed, URL, legacy perf, legacy Swift S3, Swift, US domain
    ("s3.sbg.io.cloud.ovh.net", "ovh/s3/sbg"),
    ("my-bucket.s3.sbg.io.cloud.ovh.net", "ovh/s3/sbg"),
    ("https://S3.SBG.IO.CLOUD.OVH.NET:443/bucket/key?x=1", "ovh/s3/sbg"),
    ("s3.sbg.perf.cloud.ovh.net", "ovh/s3/sbg"),
    ("s3.sbg.cloud.ovh.net", "ovh/s3/sbg"),
    ("storage.sbg.cloud.ovh.net", "ovh/s3/sbg"),
    ("s3.eu-west-par.io.cloud.ovh.net", "ovh/s3/eu-west-par"),
    ("s3.us-east-va.io.cloud.ovh.us", "ovh/s3/us-east-va"),
    # AWS: plain, virtual-hosted (dotted bucket), legacy dash, dualstack, FIPS, China, website
    ("s3.eu-west-3.amazonaws.com", "aws/both/eu-west-3"),
    ("my.dotted.bucket.s3.eu-west-3.amazonaws.com", "aws/both/eu-west-3"),
    ("s3-eu-west-1.amazonaws.com", "aws/both/eu-west-1"),
    ("bucket.s3-eu-west-1.amazonaws.com", "aws/both/eu-west-1"),
    ("s3.dualstack.eu-west-3.amazonaws.com", "aws/both/eu-west-3"),
    ("bucket.s3.dualstack.eu-central-1.amazonaws.com", "aws/both/eu-central-1"),
    ("s3-fips.us-east-2.amazonaws.com", "aws/both/us-east-2"),
    ("s3-fips.dualstack.us-east-1.amazonaws.com", "aws/both/us-east-1"),
    ("s3.cn-north-1.amazonaws.com.cn", "aws/both/cn-north-1"),
    ("s3-external-1.amazonaws.com", "aws/both/us-east-1"),
    ("bucket.s3-website-eu-west-1.amazonaws.com", "aws/both/eu-west-1"),
    # The other providers
    ("s3.fr-par.scw.cloud", "scaleway/s3/fr-par"),
    ("bucket.s3.nl-ams.scw.cloud", "scaleway/s3/nl-ams"),
    ("fsn1.your-objectstorage.com", "hetzner/s3/fsn1"),
    ("bucket.hel1.your-objectstorage.com", "hetzner/s3/hel1"),
    ("s3.eu-central-003.backblazeb2.com", "backblaze-b2/s3/eu-central-003"),
    ("bucket.s3.us-west-002.backblazeb2.com", "backblaze-b2/s3/us-west-002"),
    ("s3.wasabisys.com", "wasabi/s3/us-east-1"),
    ("bucket.s3.wasabisys.com", "wasabi/s3/us-east-1"),
    ("s3.eu-central-2.wasabisys.com", "wasabi/s3/eu-central-2"),
    ("s3.nl-1.wasabisys.com", "wasabi/s3/eu-central-1"),
    ("fra1.digitaloceanspaces.com", "digitalocean/both/fra1"),
    ("bucket.ams3.digitaloceanspaces.com", "digitalocean/both/ams3"),
    ("s3.eu-central-2.ionoscloud.com", "ionos/s3/eu-central-2"),
    ("sos-ch-gva-2.exo.io", "exoscale/both/ch-gva-2"),
    ("bucket.sos-de-fra-1.exo.io", "exoscale/both/de-fra-1"),
    ("fr-par-1.linodeobjects.com", "linode-akamai/s3/fr-par-1"),
    ("bucket.us-iad-10.linodeobjects.com", "linode-akamai/s3/us-iad-10"),
    ("storage.europe-west9.rep.googleapis.com", "gcp/both/europe-west9"),
    ("europe-west1-storage.googleapis.com", "gcp/both/europe-west1"),
    ("0123abcd.eu.r2.cloudflarestorage.com", "cloudflare-r2/s3/eu"),
]

NOT_REGIONAL = [
    ("s3.amazonaws.com", "aws"),
    ("bucket.s3.amazonaws.com", "aws"),
    ("https://bucket.s3.amazonaws.com/key", "aws"),
    ("storage.googleapis.com", "gcp"),
    ("bucket.storage.googleapis.com", "gcp"),
    ("account.blob.core.windows.net", "azure"),
    ("account-secondary.blob.core.windows.net", "azure"),
    ("account.z22.blob.storage.azure.net", "azure"),
    ("0123abcd.r2.cloudflarestorage.com", "cloudflare-r2"),
    ("api.backblazeb2.com", "backblaze-b2"),
    ("f003.backblazeb2.com", "backblaze-b2"),
]


@pytest.mark.parametrize(("host", "key"), REGIONAL)
def test_regional_hosts_resolve(catalog: Catalog, host: str, key: str) -> None:
    match = catalog.by_endpoint(host)
    assert match is not None
    assert match.regional
    assert match.entry is not None and match.entry.key == key
    assert match.provider == match.entry.provider


@pytest.mark.parametrize(("host", "provider"), NOT_REGIONAL)
def test_global_hosts_name_only_the_provider(catalog: Catalog, host: str, provider: str) -> None:
    match = catalog.by_endpoint(host)
    assert match is not None
    assert (match.provider, match.regional, match.entry) == (provider, False, None)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "http://127.0.0.1:9000", "minio.local", "minio.local:9000", "", "  "]
)
def test_unknown_hosts(catalog: Catalog, host: str) -> None:
    assert catalog.by_endpoint(host) is None


def test_region_shaped_host_the_catalog_lacks(catalog: Catalog) -> None:
    match = catalog.by_endpoint("s3.xx-new-9.amazonaws.com")
    assert match is not None and match.provider == "aws"
    assert match.regional and match.entry is None


def test_sbg_endpoint_and_datacenter_share_the_campus(catalog: Catalog) -> None:
    match = catalog.by_endpoint("backups.s3.sbg.io.cloud.ovh.net")
    dc = catalog.by_datacenter("ovh", "SBG2")
    assert match is not None and match.entry is not None and dc is not None
    assert match.entry.campus == dc.campus == "ovh-sbg"
    assert match.entry.metro == dc.metro == "strasbourg"
    assert match.entry.building is None


def test_paris_endpoints_share_a_metro_not_a_provider(catalog: Catalog) -> None:
    ovh = catalog.by_endpoint("s3.eu-west-par.io.cloud.ovh.net")
    aws = catalog.by_endpoint("bucket.s3.eu-west-3.amazonaws.com")
    scw = catalog.by_endpoint("s3.fr-par.scw.cloud")
    entries = [m.entry for m in (ovh, aws, scw) if m is not None and m.entry is not None]
    assert len(entries) == 3
    assert {e.metro for e in entries} == {"paris"}
    assert len({e.provider for e in entries}) == 3
