"""What an evidence bundle says about the run itself: drcheck's version, its dependencies'
versions, the platform, and the command line with anything secret-looking removed."""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from drcheck import __version__

DEPENDENCIES = ("typer", "click", "boto3", "botocore", "paramiko", "cryptography",
                "jsonschema", "tabulate", "ruamel.yaml", "rich")
_SECRET_OPTION = re.compile(r"(secret|password|passphrase|token|credential|api[-_]?key)",
                            re.IGNORECASE)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
REDACTED = "<redacted>"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, Any]:
    """drcheck's version, Python's, the platform and each dependency's installed version."""
    deps = {name: _version(name) for name in DEPENDENCIES}
    return {"drcheck": __version__, "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": sys.platform, "dependencies": deps}


def scrub_argv(argv: Sequence[str]) -> list[str]:
    """The command line with secret-looking option values and URL credentials removed.

    ``--x-secret VALUE``, ``--x-token=VALUE`` and ``https://user:pass@host`` lose the value;
    drcheck itself takes no secret on its command line, so this guards wrappers and typos.
    """
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        name, eq, _value = arg.partition("=")
        if name.startswith("-") and _SECRET_OPTION.search(name):
            if eq:
                out.append(f"{name}={REDACTED}")
            else:
                out.append(arg)
                hide_next = True
            continue
        out.append(_URL_USERINFO.sub(lambda m: f"{m['scheme']}{REDACTED}@", arg))
    return out
