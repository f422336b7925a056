"""Which provider and region an S3 endpoint URL names, from its host name alone.

A thin view on ``Catalog.by_endpoint``, the one place that knows the documented host
patterns (``s3.REGION.io.cloud.ovh.net``, ``s3.REGION.scw.cloud``, ``s3.REGION.amazonaws.com``…).
Anything else (a MinIO at ``minio.internal:9000``, the global ``s3.amazonaws.com``) is not
guessed: the caller records the location as unknown.
"""

from __future__ import annotations

from drcheck.locations.catalog import Catalog


def s3_location(endpoint: str) -> tuple[str, str] | None:
    """``(provider, region code)`` named by an S3 endpoint host, or None when it names none."""
    match = Catalog.default().by_endpoint(endpoint)
    if match is None or not match.regional or match.entry is None:
        return None
    return match.provider, match.entry.region_code
