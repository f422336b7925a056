"""Provider naming from the endpoint host alone: the estate says only
``endpoint: http://s3.sbg.io.cloud.ovh.net``; requests reach the loopback server through an
HTTP proxy on 127.0.0.1 (boto3 honours HTTP_PROXY), and name resolution outside loopback is
refused for the whole test, so nothing can leave the machine."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from drcheck.probes.s3 import S3Probe, S3Settings, S3Target
from drcheck.shared.model import DomainKind
from tests.s3.conftest import World
from tests.s3.faults import FaultProxy

pytestmark = pytest.mark.integration
OVH = "http://s3.sbg.io.cloud.ovh.net"


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse to resolve any name that is not loopback."""
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1"):
            raise socket.gaierror(f"test refuses to resolve {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture
def via_proxy(world: World, monkeypatch: pytest.MonkeyPatch,
              loopback_only: None) -> Iterator[FaultProxy]:
    """An HTTP proxy on loopback in front of moto, set as HTTP_PROXY."""
    proxy = FaultProxy(world.url).start()
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield proxy
    proxy.stop()


def test_ovh_sbg_host_names_provider_and_region(world: World, via_proxy: FaultProxy) -> None:
    """No provider, no region declared: the host says ovh/sbg, the API agrees → ovh:sbg."""
    spec = world.spec("sbg-backup", endpoint=OVH, provider=None)
    probe = S3Probe(S3Settings(now=lambda: world.now, max_attempts=1))
    (rep,) = probe.collect([S3Target(spec, ("restic",))])
    assert via_proxy.hits.get("sbg-backup", 0) >= 5, "requests must go through the proxy"
    assert rep.issues == ()
    assert [(c.kind, c.value) for c in rep.claims] == [(DomainKind.REGION, "ovh:sbg")]
    location = rep.details["location"]
    assert isinstance(location, dict)
    assert (location["provider"], location["endpoint_host"], location["endpoint_region"]) == (
        "ovh", "s3.sbg.io.cloud.ovh.net", "sbg")
    assert rep.path_facts["restic"]["newest_restore_point"].value is not None


def test_ovh_gra_host_disagreeing_with_api(world: World, via_proxy: FaultProxy) -> None:
    """The gra host answers that the bucket is in sbg: claim from the API, plus a mismatch."""
    spec = world.spec("sbg-backup", endpoint=OVH.replace("sbg", "gra"), provider=None)
    (rep,) = S3Probe(S3Settings(now=lambda: world.now, max_attempts=1)).collect([spec])
    assert [c.value for c in rep.claims] == ["ovh:sbg"]
    assert [i.code for i in rep.issues] == ["location-mismatch"]
