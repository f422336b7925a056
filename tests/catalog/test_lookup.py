"""Region, datacenter and domain lookups: the failure domains the catalog hands out."""

from __future__ import annotations

import pytest

from drcheck.locations.catalog import Catalog, canonical_provider
from drcheck.shared.model import DomainKind, Source

SBG_CODES = ["SBG1", "SBG2", "SBG3", "SBG4", "SBG5", "sbg2", "ovh:SBG4"]


@pytest.mark.parametrize("code", SBG_CODES)
def test_every_strasbourg_datacenter_is_one_campus(catalog: Catalog, code: str) -> None:
    entry = catalog.by_datacenter("ovh", code)
    assert entry is not None
    assert entry.campus == "ovh-sbg"
    assert entry.metro == "strasbourg"
    assert entry.country == "FR"
    assert entry.region == "ovh:sbg"
    assert entry.building == f"ovh-{code.split(':')[-1].lower()}"
    assert set(entry.buildings) == {f"ovh-sbg{n}" for n in range(1, 6)}


def test_datacenter_without_provider_when_unambiguous(catalog: Catalog) -> None:
    entry = catalog.by_datacenter(None, "SBG2")
    assert entry is not None and entry.provider == "ovh" and entry.building == "ovh-sbg2"
    # WAW1 is both an OVH and a Scaleway code: a provider is needed.
    assert catalog.by_datacenter(None, "WAW1") is None
    waw = catalog.by_datacenter("scaleway", "WAW1")
    assert waw is not None and waw.building == "scaleway-waw1" and waw.campus is None


def test_unknown_datacenter_code(catalog: Catalog) -> None:
    assert catalog.by_datacenter("ovh", "SBG9") is None
    assert catalog.by_datacenter("aws", "SBG2") is None


def test_region_lookup_forms_and_preference(catalog: Catalog) -> None:
    forms = [("ovh", "sbg"), ("OVH", "SBG"), ("ovh", "ovh:sbg"), ("ovhcloud", "eu-west-sbg")]
    for provider, region in forms:
        entry = catalog.by_region(provider, region)
        assert entry is not None, (provider, region)
        assert entry.key == "ovh/s3/sbg"  # the s3 row wins over the dedicated one
        assert entry.building is None


def test_ovh_dedicated_rows_merge_into_ovh(catalog: Catalog) -> None:
    entry = catalog.by_region("ovh", "dedicated:sbg")
    assert entry is not None
    assert entry.provider == "ovh" and entry.region == "ovh:sbg" and entry.campus == "ovh-sbg"
    lim = catalog.by_region("ovh", "fra")
    assert lim is not None and lim.region == "ovh:lim" and lim.metro == "frankfurt"


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("b2", "backblaze-b2"),
        ("backblaze", "backblaze-b2"),
        ("do", "digitalocean"),
        ("scw", "scaleway"),
        ("ovhcloud", "ovh"),
        ("google", "gcp"),
        ("r2", "cloudflare-r2"),
        ("akamai", "linode-akamai"),
        ("linode", "linode-akamai"),
        ("AWS", "aws"),
    ],
)
def test_provider_aliases(catalog: Catalog, alias: str, canonical: str) -> None:
    assert canonical_provider(alias) == canonical
    assert canonical in catalog.providers


def test_provider_ids_are_the_convention(catalog: Catalog) -> None:
    assert catalog.providers == {
        "aws",
        "gcp",
        "azure",
        "ovh",
        "scaleway",
        "hetzner",
        "backblaze-b2",
        "wasabi",
        "digitalocean",
        "ionos",
        "exoscale",
        "cloudflare-r2",
        "linode-akamai",
    }
    assert canonical_provider("nosuchcloud") is None


def test_gravelines_and_roubaix_are_different_metros(catalog: Catalog) -> None:
    gra, rbx = catalog.by_region("ovh", "gra"), catalog.by_region("ovh", "rbx")
    assert gra is not None and rbx is not None
    assert (gra.metro, gra.campus) == ("gravelines", "ovh-gra")
    assert (rbx.metro, rbx.campus) == ("roubaix", "ovh-rbx")


@pytest.mark.parametrize(
    ("provider", "region"),
    [
        ("ovh", "eu-west-par"),
        ("aws", "eu-west-3"),
        ("scaleway", "fr-par"),
        ("gcp", "europe-west9"),
        ("azure", "francecentral"),
        ("scw", "fr-par-2"),
    ],
)
def test_paris_metro_across_providers(catalog: Catalog, provider: str, region: str) -> None:
    entry = catalog.by_region(provider, region)
    assert entry is not None
    assert entry.metro == "paris"
    assert entry.country == "FR"


def test_ovh_three_az_regions_have_no_campus(catalog: Catalog) -> None:
    for region in ("eu-west-par", "EU-WEST-PAR", "eu-south-mil"):
        entry = catalog.by_region("ovh", region)
        assert entry is not None and entry.campus is None and entry.metro is not None


def test_limburg_joins_frankfurt_and_other_metros(catalog: Catalog) -> None:
    expected = {
        ("ovh", "de"): "frankfurt",
        ("aws", "eu-central-1"): "frankfurt",
        ("ovh", "uk"): "london",
        ("aws", "us-east-1"): "ashburn",
        ("hetzner", "ash"): "ashburn",
        ("scaleway", "nl-ams"): "amsterdam",
        ("hetzner", "fsn1"): "falkenstein",
    }
    for (provider, region), metro in expected.items():
        entry = catalog.by_region(provider, region)
        assert entry is not None and entry.metro == metro, (provider, region)


def test_campus_only_for_ovh_and_hetzner(catalog: Catalog) -> None:
    campuses = {e.provider for e in catalog.entries if e.campus}
    assert campuses == {"ovh", "hetzner"}
    fsn = catalog.by_region("hetzner", "fsn1")
    assert fsn is not None and fsn.campus == "hetzner-fsn"


def test_aws_availability_zone_adds_a_campus(catalog: Catalog) -> None:
    zone = catalog.by_region("aws", "eu-west-3a")
    assert zone is not None
    assert zone.region == "aws:eu-west-3" and zone.campus == "aws:eu-west-3a"
    assert zone.metro == "paris"
    assert catalog.by_region("aws", "eu-west-9a") is None
    assert catalog.by_region("gcp", "europe-west9a") is None


def test_rows_without_coordinates_have_no_metro(catalog: Catalog) -> None:
    for provider, region in [("aws", "us-gov-west-1"), ("gcp", "eur4"), ("r2", "weur")]:
        entry = catalog.by_region(provider, region)
        assert entry is not None and entry.lat is None and entry.metro is None
        assert entry.coordinates(entry.origin) is None
    r2 = catalog.by_region("cloudflare-r2", "jurisdiction:eu")
    assert r2 is not None and r2.country == "EU" and r2.region == "cloudflare-r2:eu"


def test_claims_carry_source_origin_and_uncertainty(catalog: Catalog) -> None:
    entry = catalog.by_datacenter("ovh", "SBG2")
    assert entry is not None
    claims = entry.claims("estate.yaml:12", observed_at="2026-01-01T00:00:00Z")
    assert [c.label for c in claims] == [
        "provider:ovh",
        "region:ovh:sbg",
        "jurisdiction:FR",
        "metro:strasbourg",
        "campus:ovh-sbg",
        "building:ovh-sbg2",
    ]
    assert {(c.source, c.origin, c.observed_at, c.uncertain) for c in claims} == {
        (Source.CATALOG, "estate.yaml:12", "2026-01-01T00:00:00Z", False)
    }
    point = entry.coordinates("x")
    assert point is not None
    assert (point.lat, point.lon, point.source) == (48.58, 7.8, Source.CATALOG)


def test_uncertain_rows_flag_claims_and_coordinates(catalog: Catalog) -> None:
    entry = catalog.by_region("ovh", "de")  # Limburg placement rests on DC codes
    assert entry is not None and entry.uncertain and entry.source.startswith("? ")
    assert all(c.uncertain for c in entry.claims(entry.origin))
    point = entry.coordinates(entry.origin)
    assert point is not None and point.uncertain
    certain = catalog.by_region("ovh", "sbg")
    assert certain is not None and not certain.uncertain
    doubtful_code = catalog.by_datacenter("ovh", "YNM1")  # "YNM1?" in the reference
    assert doubtful_code is not None and doubtful_code.uncertain
    assert sum(e.uncertain for e in catalog.entries) == 100


def test_by_domain(catalog: Catalog) -> None:
    sbg = catalog.by_domain(DomainKind.CAMPUS, "ovh-sbg")
    assert {e.key for e in sbg} >= {"ovh/s3/sbg", "ovh/dedicated/sbg", "ovh/compute/sbg5"}
    paris = {e.provider for e in catalog.by_domain(DomainKind.METRO, "paris")}
    assert paris >= {"ovh", "aws", "scaleway", "gcp", "azure"}
    building = catalog.by_domain(DomainKind.BUILDING, "ovh-sbg2")
    assert [e.building for e in building] == ["ovh-sbg2"]
    region = catalog.by_domain(DomainKind.REGION, "ovh:sbg")
    assert {e.key for e in region} == {"ovh/s3/sbg", "ovh/dedicated/sbg"}
    assert {e.country for e in catalog.by_domain(DomainKind.JURISDICTION, "fr")} == {"FR"}
    assert catalog.by_domain(DomainKind.RACK, "r1") == []


def test_query_forms_name_the_same_campus(catalog: Catalog) -> None:
    for text in [
        "s3.sbg.io.cloud.ovh.net",
        "https://b.s3.sbg.io.cloud.ovh.net/k",
        "ovh:SBG1",
        "ovh:sbg",
        "SBG2",
        "campus:ovh-sbg",
        "building:ovh-sbg3",
    ]:
        found = catalog.query(text)
        assert found, text
        assert {e.campus for e in found} == {"ovh-sbg"}, text


def test_query_bare_region_spans_providers(catalog: Catalog) -> None:
    keys = {e.key for e in catalog.query("eu-west-3")}
    assert keys == {"aws/both/eu-west-3", "wasabi/s3/eu-west-3"}
    assert [e.key for e in catalog.query("aws:eu-west-3")] == ["aws/both/eu-west-3"]
    assert catalog.query("metro:paris") == catalog.by_domain(DomainKind.METRO, "paris")
    assert catalog.query("") == [] and catalog.query("nothing-here") == []


def test_datacenter_codes_ignore_leading_zeros(catalog: Catalog) -> None:
    for code in ("GRA04", "gra4", "ovh:GRA4"):
        entry = catalog.by_datacenter("ovh", code)
        assert entry is not None and entry.building == "ovh-gra04" and entry.campus == "ovh-gra"
    rbx = catalog.by_datacenter(None, "RBX-HZ")
    assert rbx is not None and rbx.campus == "ovh-rbx" and rbx.metro == "roubaix"
