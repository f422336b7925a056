"""Pure pieces of the S3 probe, on recorded API shapes: no server needed."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
    SSLError,
)

from drcheck.locations.endpoints import endpoint_host
from drcheck.probes.s3_client import CallResult, classify, scrub
from drcheck.probes.s3_config import (
    applies,
    bucket_from_arn,
    lifecycle_details,
    lock_facts,
    replication_rules,
)
from drcheck.probes.s3_freshness import dir_prefix
from drcheck.probes.s3_location import (
    HostInfo,
    catalog_resolver,
    location_issues,
    location_view,
    normalise_constraint,
)


def _client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetBucketLocation")


@pytest.mark.parametrize(("provider", "raw", "expected"), [
    ("aws", None, "us-east-1"), ("aws", "", "us-east-1"), ("aws", "EU", "eu-west-1"),
    ("aws", "eu-west-3", "eu-west-3"), ("ovh", None, None), ("ovh", "SBG", "sbg"),
    (None, None, None),  # an unknown provider's empty answer is not AWS's
])
def test_normalise_constraint(provider: str | None, raw: str | None,
                              expected: str | None) -> None:
    """AWS's None/EU quirks; other providers' empty answers stay unknown."""
    assert normalise_constraint(provider, raw) == expected


@pytest.mark.parametrize(("exc", "code"), [
    (_client_error("AccessDenied", 403), "access-denied"),
    (_client_error("InvalidAccessKeyId", 403), "invalid-credentials"),
    (_client_error("SignatureDoesNotMatch", 403), "invalid-credentials"),
    (_client_error("NoSuchBucket", 404), "no-such-bucket"),
    (_client_error("SlowDown", 503), "throttled"),
    (_client_error("", 503), "throttled"),
    (_client_error("NotImplemented", 501), "not-implemented"),
    (_client_error("InternalError", 500), "s3-error"),
    (SSLError(endpoint_url="https://x", error="bad"), "tls-error"),
    (ConnectTimeoutError(endpoint_url="https://x"), "timeout"),
    (ReadTimeoutError(endpoint_url="https://x"), "timeout"),
    (EndpointConnectionError(endpoint_url="https://x"), "unreachable"),
])
def test_classify(exc: Exception, code: str) -> None:
    """botocore errors map onto the stable issue codes."""
    assert classify(exc)[0] == code


def test_scrub() -> None:
    """Known secrets, URL user-info and signatures are removed."""
    text = ("https://AKIA1:s3cr3tvalue@host/x?X-Amz-Signature=abcdef&X-Amz-Credential=AKIA1/x "
            "and s3cr3tvalue again")
    out = scrub(text, {"s3cr3tvalue"})
    assert "s3cr3tvalue" not in out and "abcdef" not in out and "AKIA1/x" not in out
    assert out.startswith("https://***@host/x?X-Amz-Signature=***")


def test_endpoint_host() -> None:
    """URL or bare host → lower-case host."""
    assert endpoint_host("https://S3.SBG.io.cloud.ovh.net:443/") == "s3.sbg.io.cloud.ovh.net"
    assert endpoint_host("s3.fr-par.scw.cloud") == "s3.fr-par.scw.cloud"
    assert endpoint_host(None) is None


@pytest.mark.parametrize(("host", "expected"), [
    ("s3.sbg.io.cloud.ovh.net", HostInfo("ovh", "sbg")),
    ("s3.eu-west-3.amazonaws.com", HostInfo("aws", "eu-west-3")),
    ("mybucket.s3.eu-central-1.amazonaws.com", HostInfo("aws", "eu-central-1")),
    ("s3.amazonaws.com", HostInfo("aws", None)),  # global: the API answer alone counts
    ("storage.googleapis.com", HostInfo("gcp", None)),
    ("127.0.0.1", None),
])
def test_catalog_resolver(host: str, expected: HostInfo | None) -> None:
    """Endpoint hosts resolve through the catalog; global hosts name no region."""
    found = catalog_resolver(host)
    if expected is None or expected.provider == "gcp":
        assert found is None or found.region is None
    else:
        assert found == expected


def test_endpoint_region_disagreeing_with_api() -> None:
    """An OVH gra host answering that the bucket is in sbg: mismatch issue."""
    view = location_view(CallResult("GetBucketLocation", data={"LocationConstraint": "sbg"}),
                         "s3.gra.io.cloud.ovh.net", None, None, catalog_resolver)
    assert (view.provider, view.host_region, view.api_region) == ("ovh", "gra", "sbg")
    (issue,) = location_issues(view, "bucket:x", "2026-01-01T00:00:00Z")
    assert issue.code == "location-mismatch"
    assert "endpoint says gra" in issue.reason and "GetBucketLocation says sbg" in issue.reason


def test_unknown_provider_is_flagged() -> None:
    """A custom endpoint with no provider: no claim can be made, and the issue says why."""
    view = location_view(CallResult("GetBucketLocation", data={"LocationConstraint": "x1"}),
                         "127.0.0.1", None, None, lambda host: None)
    assert view.provider is None
    assert [i.code for i in location_issues(view, "bucket:x", "t")] == ["location-unknown"]


def test_rule_prefix_shapes() -> None:
    """V1 Prefix, V2 Filter.Prefix and Filter.And.Prefix are all read."""
    result = CallResult("GetBucketReplication", data={"ReplicationConfiguration": {"Rules": [
        {"ID": "v1", "Status": "Enabled", "Prefix": "a/",
         "Destination": {"Bucket": "arn:aws:s3:::d1"}},
        {"ID": "v2", "Status": "Enabled", "Filter": {"Prefix": "b/"},
         "Destination": {"Bucket": "arn:aws:s3:::d2", "Account": "1"}},
        {"ID": "and", "Status": "Disabled",
         "Filter": {"And": {"Prefix": "c/", "Tags": [{"Key": "k", "Value": "v"}]}},
         "Destination": {"Bucket": "d3"}},
    ]}})
    rules = replication_rules(result)
    assert rules is not None
    assert [(r.rule_id, r.prefix, r.destination, r.account) for r in rules] == [
        ("v1", "a/", "d1", None), ("v2", "b/", "d2", "1"), ("and", "c/", "d3", None)]
    assert replication_rules(CallResult("GetBucketReplication", absent=True)) == []
    assert replication_rules(CallResult("GetBucketReplication", code="access-denied")) is None


def test_lifecycle_tag_filter_and_lock_years() -> None:
    """Tag filters are noted; a retention in years counts 365 days each."""
    life = lifecycle_details(CallResult("X", data={"Rules": [
        {"ID": "t", "Status": "Enabled", "Filter": {"And": {"Prefix": "p/", "Tags": [{}]}},
         "Expiration": {"Days": 7}}]}))
    assert life is not None and life[0]["tag_filter"] is True and life[0]["prefix"] == "p/"
    _, facts = lock_facts(CallResult("GetObjectLockConfiguration", data={
        "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {
            "DefaultRetention": {"Mode": "COMPLIANCE", "Years": 2}}}}), "t")
    assert (facts["immutable"].value, facts["retention_days"].value) == (True, 730)
    _, facts = lock_facts(CallResult("GetObjectLockConfiguration", absent=True), "t")
    assert (facts["immutable"].value, facts["retention_days"].value) == (False, 0)
    assert facts["immutable"].origin == "s3:GetObjectLockConfiguration"
    _, facts = lock_facts(CallResult("GetObjectLockConfiguration", absent=True,
                                     implied_by="GetBucketVersioning", reason="why"), "t")
    assert (facts["immutable"].value, facts["immutable"].origin,
            facts["immutable"].reason) == (False, "s3:GetBucketVersioning", "why")


def test_prefix_helpers() -> None:
    """Prefix matching both ways; dataset paths as key prefixes; ARNs to names."""
    assert applies(None, "db/") and applies("db/", "db/x") and applies("db/x/", "db")
    assert not applies("logs/", "db/") and not applies("dbx/", "db")
    assert (dir_prefix("/db"), dir_prefix("db/"), dir_prefix("")) == ("db/", "db/", "")
    assert bucket_from_arn("arn:aws:s3:::b") == "b" and bucket_from_arn("b") == "b"


def test_destination_spec() -> None:
    """Destinations reuse the source's endpoint, except AWS regional hosts; a declared
    destination keeps its estate name."""
    from drcheck.inputs.estate import BucketSpec
    from drcheck.probes.s3_bucket import BucketProbe, S3Target
    from drcheck.probes.s3_client import ClientPool, S3Settings
    from drcheck.probes.s3_config import ReplicationRule

    settings = S3Settings()
    worker = BucketProbe(ClientPool(settings), settings, catalog_resolver,
                         {("dr-copy", "https://other.example"): "declared-copy"})
    rule = ReplicationRule("r", "Enabled", None, "dr-copy", "123", None)
    view = location_view(CallResult("GetBucketLocation", data={}), None, "aws", None,
                         catalog_resolver)
    aws = S3Target(BucketSpec("src", "t", "src", endpoint="https://s3.eu-west-3.amazonaws.com"))
    ovh = S3Target(BucketSpec("src", "t", "src", endpoint="https://s3.gra.io.cloud.ovh.net"))
    assert worker._dest_spec(aws, view, rule).endpoint is None
    dest = worker._dest_spec(ovh, view, rule)
    assert (dest.endpoint, dest.name, dest.account) == (
        "https://s3.gra.io.cloud.ovh.net", "declared-copy", "123")


def test_refused_credential_scope() -> None:
    """A refused key condemns every client of its endpoint and profile; a refused region
    scope (AuthorizationHeaderMalformed) only the client that signed for that region."""
    from drcheck.probes.s3_client import ClientKey, ClientPool, S3Settings

    pool = ClientPool(S3Settings())
    paris = ClientKey("https://s3.example", "eu-west-3", None, "path")
    frankfurt = ClientKey("https://s3.example", "eu-central-1", None, None)
    other_profile = ClientKey("https://s3.example", "eu-west-3", "readonly", "path")
    other_endpoint = ClientKey("https://s3.other.example", "eu-west-3", None, "path")
    assert pool.refused(paris) is None
    bad = CallResult("GetBucketLocation", error="InvalidAccessKeyId",
                     code="invalid-credentials", reason="GetBucketLocation: bad key")
    pool.mark_refused(paris, bad)
    assert pool.refused(paris) is bad and pool.refused(frankfurt) is bad
    assert pool.refused(other_profile) is None and pool.refused(other_endpoint) is None
    scoped = CallResult("GetBucketLocation", error="AuthorizationHeaderMalformed",
                        code="invalid-credentials", reason="GetBucketLocation: region")
    pool.mark_refused(other_profile, scoped)
    assert pool.refused(other_profile) is scoped
    assert pool.refused(ClientKey("https://s3.example", "us-east-1", "readonly", "path")) is None
