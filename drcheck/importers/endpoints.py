"""Which provider and region an S3 endpoint URL names, from its host name alone.

Only the documented host patterns are recognised (``s3.REGION.io.cloud.ovh.net``,
``s3.REGION.scw.cloud``, ``s3.REGION.amazonaws.com``…). Anything else (a MinIO at
``minio.internal:9000``) is not guessed: the caller records the location as unknown.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ovh", re.compile(r"(?:^|\.)s3\.([a-z0-9-]+)\.(?:io\.|perf\.)?cloud\.ovh\.(?:net|us)$")),
    ("scaleway", re.compile(r"(?:^|\.)s3\.([a-z0-9-]+)\.scw\.cloud$")),
    ("aws", re.compile(r"(?:^|\.)s3[.-](?:dualstack\.|fips\.)?([a-z]{2}(?:-gov)?-[a-z]+-\d)"
                       r"\.amazonaws\.com$")),
    ("hetzner", re.compile(r"(?:^|\.)([a-z]{3}\d)\.your-objectstorage\.com$")),
    ("wasabi", re.compile(r"(?:^|\.)s3\.([a-z0-9-]+)\.wasabisys\.com$")),
    ("backblaze-b2", re.compile(r"(?:^|\.)s3\.([a-z0-9-]+)\.backblazeb2\.com$")),
    ("digitalocean", re.compile(r"(?:^|\.)([a-z]{3}\d)\.digitaloceanspaces\.com$")),
    ("ionos", re.compile(r"(?:^|\.)s3\.([a-z0-9-]+)\.ionoscloud\.com$")),
    ("exoscale", re.compile(r"(?:^|\.)sos-([a-z0-9-]+)\.exo\.io$")),
)


def endpoint_host(endpoint: str) -> str:
    """The lower-case host of an endpoint given as a URL or a bare ``host[:port]``."""
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    return (parts.hostname or "").lower()


def s3_location(endpoint: str) -> tuple[str, str] | None:
    """``(provider, region)`` named by an S3 endpoint host, or None when it names neither."""
    host = endpoint_host(endpoint)
    for provider, pattern in _PATTERNS:
        match = pattern.search(host)
        if match:
            return provider, match.group(1)
    return None
