"""The host of an endpoint: one parser for every endpoint an estate, a Terraform plan or an
S3 client configuration names.

An endpoint may be a URL (``https://s3.sbg.io.cloud.ovh.net:443/``), a bare host, or
``host:port``; it may carry user info, a path, upper case or the DNS root's trailing dot
(``s3.amazonaws.com.``). The host is what the catalog matches and what the S3 probe
reports; anything that yields no host (empty text, a broken IPv6 literal, a bad port
that makes the URL unparsable) is None, never a guess.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def endpoint_host(endpoint: str | None) -> str | None:
    """The lower-case host of ``endpoint`` without port, user info, path or trailing dot;
    None when there is none."""
    value = (endpoint or "").strip()
    if not value:
        return None
    try:
        host = urlsplit(value if "://" in value else f"//{value}").hostname
    except ValueError:  # "http://[::1" and friends
        return None
    host = (host or "").rstrip(".")
    return host or None
