"""Evidence bundles: every member pinned by the signed manifest, re-evaluation reproduces the
reports byte for byte, and a changed, added or re-hashed member is refused (exit 2)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from drcheck.evidence.bundle import Bundle, sha256, write_bundle
from tests.evidence.conftest import ESTATE, NOW, ROOT, Keys, drcheck, ssh_verify

WAIVERS = ROOT / "tests" / "evidence" / "waivers.yaml"


@pytest.fixture()
def bundle(keys: Keys, tmp_path: Path) -> Path:
    out = tmp_path / "evidence.zip"
    done = drcheck("audit", str(ESTATE), "--now", NOW, "-p", "sbg2", "-p", "3-2-1-1-0",
                   "-w", str(WAIVERS), "--framework", "iso-27001", "-r",
                   f"json:{tmp_path}/report.json", "-r", f"html:{tmp_path}/report.html",
                   "-r", f"prometheus:{tmp_path}/drcheck.prom", "-f", "markdown",
                   "--sign", str(keys.key), "--evidence-bundle", str(out),
                   "--history", str(tmp_path / "history.db"))
    assert done.returncode == 1, done.stderr
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rewrite(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_bundle_holds_inputs_outputs_and_versions(bundle: Path, tmp_path: Path) -> None:
    files = members(bundle)
    assert list(files) == sorted(files)  # stored sorted
    manifest = json.loads(files["manifest.json"])
    for name, data in files.items():
        if name.startswith("manifest.json"):
            continue
        entry = next(m for m in manifest["members"] if m["path"] == name)
        assert entry["sha256"] == sha256(data)
    assert files["inputs/estate.yaml"] == ESTATE.read_bytes()
    assert files["waivers/waivers.yaml"] == WAIVERS.read_bytes()
    assert {m["label"] for m in manifest["members"] if m["kind"] == "policy"} == {
        "builtin:sbg2", "builtin:3-2-1-1-0"}
    assert files["reports/report.json"] == (tmp_path / "report.json").read_bytes()
    assert "reports/stdout.markdown" in files
    tool = json.loads(files["tool.json"])
    assert tool["drcheck"] and tool["dependencies"]["paramiko"] != "not installed"
    argv = json.loads(files["command.json"])["argv"]
    assert argv[:2] == ["drcheck", "audit"] and "--evidence-bundle" in argv
    assert manifest["history"]["run_digest"].startswith("sha256:")
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0)
               for i in zipfile.ZipFile(bundle).infolist())


def test_verify_checks_members_signature_and_reproduces(bundle: Path, keys: Keys,
                                                        tmp_path: Path) -> None:
    done = drcheck("verify", str(bundle), "--allowed-signers", str(keys.allowed),
                   "--identity", keys.identity, "--reproduce")
    assert done.returncode == 0, done.stderr
    assert "manifest signed by dr-team@example.com" in done.stdout
    assert "4 report(s) reproduced byte for byte" in done.stdout
    files = members(bundle)
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
    (tmp_path / "manifest.json.sig").write_bytes(files["manifest.json.sig"])
    by_ssh = ssh_verify(keys, tmp_path / "manifest.json")
    assert by_ssh.returncode == 0, by_ssh.stderr


def test_a_changed_member_is_refused(bundle: Path, keys: Keys) -> None:
    files = members(bundle)
    files["reports/report.json"] = files["reports/report.json"].replace(b'"fail"', b'"pass"')
    rewrite(bundle, files)
    done = drcheck("verify", str(bundle), "--allowed-signers", str(keys.allowed))
    assert done.returncode == 2
    assert "member reports/report.json does not match its sha256" in done.stderr


def test_an_added_member_is_refused(bundle: Path) -> None:
    files = members(bundle)
    files["reports/extra.txt"] = b"all good\n"
    rewrite(bundle, files)
    done = drcheck("verify", str(bundle))
    assert done.returncode == 2 and "reports/extra.txt is not in the manifest" in done.stderr


def test_a_rehashed_manifest_fails_the_signature_and_reproduction(bundle: Path,
                                                                  keys: Keys) -> None:
    """Whoever edits a report and recomputes the manifest cannot re-sign it, and the
    bundled facts do not reproduce the edited report."""
    files = members(bundle)
    edited = files["reports/report.json"].replace(b'"score": 40', b'"score": 95')
    assert edited != files["reports/report.json"]
    files["reports/report.json"] = edited
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["members"]:
        if entry["path"] == "reports/report.json":
            entry.update(sha256=sha256(edited), size=len(edited))
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    rewrite(bundle, files)
    signed = drcheck("verify", str(bundle), "--allowed-signers", str(keys.allowed))
    assert signed.returncode == 2 and "signature does not match" in signed.stderr
    del files["manifest.json.sig"]
    rewrite(bundle, files)
    again = drcheck("verify", str(bundle), "--reproduce")
    assert again.returncode == 2
    assert "does not reproduce reports/report.json" in again.stderr


def test_directory_bundle_and_deterministic_zip(tmp_path: Path) -> None:
    out = tmp_path / "evidence"
    facts = tmp_path / "facts.json"
    drcheck("probe", str(ESTATE), "--offline", "--now", NOW, "-o", str(facts))
    done = drcheck("audit", "--facts", str(facts), "--now", NOW, "-f", "json",
                   "--evidence-bundle", str(out))
    assert done.returncode == 1, done.stderr
    assert (out / "manifest.json").is_file()
    assert (out / "facts.json").read_bytes() == facts.read_bytes()  # as read
    ok = drcheck("verify", str(out), "--reproduce")
    assert ok.returncode == 0, ok.stderr
    assert "manifest unsigned" in ok.stdout
    again = drcheck("audit", str(ESTATE), "--now", NOW, "--evidence-bundle", str(out))
    assert again.returncode == 2 and "never written over another" in again.stderr
    b = Bundle()
    b.add("reports", "r.json", b"{}\n")
    b.add("", "facts.json", b"{}\n")
    write_bundle(tmp_path / "a.zip", b, None)
    write_bundle(tmp_path / "b.zip", b, None)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_secrets_never_reach_the_command_record() -> None:
    from drcheck.evidence.toolinfo import scrub_argv

    argv = ["drcheck", "audit", "--api-token", "s3cr3t", "--db-password=hunter2",
            "https://user:pa55@example.com/x", "estate.yaml"]
    scrubbed = " ".join(scrub_argv(argv))
    assert "s3cr3t" not in scrubbed and "hunter2" not in scrubbed and "pa55" not in scrubbed
    assert "estate.yaml" in scrubbed and "--api-token" in scrubbed


def test_reading_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drcheck.evidence import bundle as bundle_mod
    from drcheck.shared.errors import VerifyError

    b = Bundle()
    b.add("reports", "big.json", b"x" * 4096)
    write_bundle(tmp_path / "big.zip", b, None)
    monkeypatch.setattr(bundle_mod, "MAX_TOTAL_BYTES", 1024)
    with pytest.raises(VerifyError, match="add up to more than 1024 bytes"):
        bundle_mod.read_bundle(tmp_path / "big.zip")
