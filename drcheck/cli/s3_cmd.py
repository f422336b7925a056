"""``drcheck discover``: every bucket a credential can list, as estate YAML to paste in."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded, note

Opt = typer.Option


def bucket_yaml(specs: list[object]) -> str:
    """Estate ``buckets:`` entries for discovered buckets (values JSON-quoted, valid YAML)."""
    from drcheck.inputs.estate import BucketSpec

    lines = ["buckets:"]
    for spec in specs:
        assert isinstance(spec, BucketSpec)
        lines.append(f"  - name: {json.dumps(spec.name)}")
        for key in ("endpoint", "provider", "region", "profile", "addressing_style"):
            value = getattr(spec, key)
            if value:
                lines.append(f"    {key}: {json.dumps(value)}")
    if len(lines) == 1:
        lines[0] = "buckets: []"
    return "\n".join(lines) + "\n"


@app.command()
def discover(
    endpoint: Annotated[str | None, Opt(help="S3 endpoint URL (default: AWS or "
                                              "AWS_ENDPOINT_URL).")] = None,
    provider: Annotated[str | None, Opt(help="Provider to record (ovh, scaleway, aws, ...).")]
    = None,
    region: Annotated[str | None, Opt(help="Region to sign requests for.")] = None,
    profile: Annotated[str | None, Opt(help="AWS profile (credentials chain otherwise).")]
    = None,
    addressing_style: Annotated[str | None, Opt(help="auto, path or virtual.")] = None,
) -> None:
    """List every bucket the credential can see (ListBuckets) as estate YAML, so that no
    bucket can hide from the audit."""

    def body() -> None:
        from drcheck.probes.s3 import discover_buckets

        specs = discover_buckets(endpoint, region=region, profile=profile, provider=provider,
                                 addressing_style=addressing_style)
        typer.echo(bucket_yaml(list(specs)), nl=False)
        note(f"{len(specs)} bucket(s) found")

    guarded(body)
