"""Who and where a host is: hostname, machine-id, OS, DMI, cloud-init data, a location file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from drcheck.probes.ssh.parsers import ConfigSyntaxError
from drcheck.probes.ssh.parsers.borg import load_yaml

LOCATION_KEYS = ("provider", "account", "jurisdiction", "region", "metro", "campus", "building",
                 "room", "rack", "datacenter", "availability_zone")
_MACHINE_ID = re.compile(r"^[0-9a-f]{32}$")
_CLOUD_PROVIDERS = {"aws": "aws", "ec2": "aws", "gce": "gcp", "gcp": "gcp", "azure": "azure",
                    "digitalocean": "digitalocean", "hetzner": "hetzner", "scaleway": "scaleway",
                    "exoscale": "exoscale", "linode": "linode-akamai", "akamai": "linode-akamai",
                    "ionos": "ionos", "ovh": "ovh"}


def first_line(text: str) -> str | None:
    """The first non-empty line, stripped (hostname, DMI fields)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def machine_id(text: str) -> str | None:
    """A valid 32-hex-digit machine id, or None."""
    value = first_line(text) or ""
    return value if _MACHINE_ID.match(value) else None


def os_release(text: str) -> dict[str, str]:
    """ID, VERSION_ID and PRETTY_NAME from /etc/os-release."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        key, sep, value = raw.strip().partition("=")
        if sep and key in ("ID", "VERSION_ID", "PRETTY_NAME", "VERSION_CODENAME"):
            out[key.lower()] = value.strip().strip("\"'")
    return out


def location_file(text: str) -> dict[str, str]:
    """A declared location (JSON or YAML mapping of location keys) → its string fields."""
    stripped = text.lstrip()
    data: Mapping[str, Any]
    if stripped.startswith("{"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            raise ConfigSyntaxError("location file is not valid JSON") from None
        if not isinstance(loaded, Mapping):
            raise ConfigSyntaxError("location file is not a mapping")
        data = loaded
    else:
        data = load_yaml(text)
    return {k: str(data[k]) for k in LOCATION_KEYS if isinstance(data.get(k), (str, int))}


def cloud_instance_data(text: str) -> dict[str, str]:
    """Provider, region and availability zone from cloud-init's instance-data.json."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigSyntaxError("instance-data.json is not valid JSON") from None
    v1 = data.get("v1") if isinstance(data, Mapping) else None
    if not isinstance(v1, Mapping):
        raise ConfigSyntaxError("instance-data.json has no v1 section")
    out: dict[str, str] = {}
    cloud = str(v1.get("cloud_name") or v1.get("platform") or "").lower()
    if cloud in _CLOUD_PROVIDERS:
        out["provider"] = _CLOUD_PROVIDERS[cloud]
    if cloud:
        out["cloud_name"] = cloud
    for key in ("region", "availability_zone", "instance_id"):
        if isinstance(v1.get(key), str) and v1[key]:
            out[key] = v1[key]
    return out
