"""``drcheck verify``: check a signed file, or every member of an evidence bundle.

``drcheck verify FILE --allowed-signers F [--sig FILE.sig] [--identity ID]`` checks one
file's SSH signature, as ``ssh-keygen -Y verify`` would. ``drcheck verify BUNDLE`` checks
every member's sha256 against the manifest, the manifest's signature when allowed signers
are given, and with ``--reproduce`` re-evaluates the bundled facts with the bundled
policies and shows that every report comes out byte for byte the same. Any failure is
exit 2 with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from drcheck.cli.app import app, guarded
from drcheck.evidence.bundle import MANIFEST, read_bundle
from drcheck.evidence.signing import read_allowed_signers, read_signature, verify_bytes
from drcheck.shared.errors import ExitCode, UsageError, VerifyError

SignersOpt = Annotated[Path | None, typer.Option(
    help="allowed_signers file (ssh-keygen format) naming who may sign.")]
IdentityOpt = Annotated[str | None, typer.Option(
    help="The signer's identity (principal) to require, as ssh-keygen -I.")]


def _is_bundle(path: Path) -> bool:
    return path.suffix.lower() == ".zip" or (path.is_dir() and (path / MANIFEST).exists())


def _verify_file(path: Path, sig: Path | None, signers: Path | None,
                 identity: str | None) -> None:
    if signers is None:
        raise UsageError("verifying a signature needs --allowed-signers FILE")
    sig_path = sig or path.with_name(path.name + ".sig")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    who = verify_bytes(data, read_signature(sig_path), read_allowed_signers(signers),
                       identity, what=str(path))
    typer.echo(f"{path}: good signature by {', '.join(who.principals)} "
               f"({who.key_type} {who.fingerprint})")


def _verify_bundle(path: Path, signers: Path | None, identity: str | None,
                   reproduce: bool) -> None:
    manifest, members, raw, signature = read_bundle(path)
    typer.echo(f"{path}: {len(members)} member(s) match the manifest's sha256")
    _manifest_signature(path, raw, signature, signers, identity)
    if reproduce:
        _reproduce(path, manifest, members)


def _manifest_signature(path: Path, raw: bytes, signature: str | None, signers: Path | None,
                        identity: str | None) -> None:
    if signers is None:
        note = "unsigned" if signature is None else "signed, but not checked"
        typer.echo(f"{path}: manifest {note} (pass --allowed-signers to check who signed)")
        return
    if signature is None:
        raise VerifyError(f"{path}: the manifest is not signed (no manifest.json.sig)")
    who = verify_bytes(raw, signature, read_allowed_signers(signers), identity,
                       what=f"{path}: {MANIFEST}")
    typer.echo(f"{path}: manifest signed by {', '.join(who.principals)} "
               f"({who.key_type} {who.fingerprint})")


def _reproduce(path: Path, manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    from drcheck.cli.evidence import reproduce

    differ = reproduce(manifest, members)
    if differ:
        raise VerifyError(f"{path}: re-evaluating the bundled facts does not reproduce "
                          f"{', '.join(differ)}")
    typer.echo(f"{path}: re-evaluated {manifest['facts']} with {len(manifest['policies'])} "
               f"policy file(s) as of {manifest['evaluated_at']}: "
               f"{len(manifest['reports'])} report(s) reproduced byte for byte")


@app.command()
def verify(
    target: Annotated[Path, typer.Argument(help="A signed file, or an evidence bundle.")],
    sig: Annotated[Path | None, typer.Option(
        help="The signature file (default: TARGET.sig).")] = None,
    allowed_signers: SignersOpt = None,
    identity: IdentityOpt = None,
    reproduce: Annotated[bool, typer.Option(
        help="Bundle: re-evaluate the facts and compare every report byte for byte.")]
    = False,
) -> None:
    """Verify a signed file or an evidence bundle; exit 2 with the reason on failure."""

    def body() -> ExitCode:
        if _is_bundle(target):
            _verify_bundle(target, allowed_signers, identity, reproduce)
        else:
            if reproduce:
                raise UsageError("--reproduce re-evaluates an evidence bundle, not a file")
            _verify_file(target, sig, allowed_signers, identity)
        return ExitCode.OK

    raise typer.Exit(int(guarded(body)))
