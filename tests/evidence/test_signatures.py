"""Signatures anyone can check with OpenSSH: drcheck signs with a key file or through a real
ssh-agent, ssh-keygen -Y verify accepts them, drcheck verify accepts ssh-keygen's, and
tampering, strangers' keys, other identities and other namespaces are refused (exit 2)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.evidence.conftest import ESTATE, NOW, Keys, drcheck, ssh_verify, tool


def test_probe_snapshot_signed_with_a_key_file_verifies_both_ways(keys: Keys,
                                                                  tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    done = drcheck("probe", str(ESTATE), "--offline", "--now", NOW, "-o", str(facts),
                   "--sign", str(keys.key))
    assert done.returncode == 0, done.stderr
    sig = Path(f"{facts}.sig")
    assert sig.read_text().startswith("-----BEGIN SSH SIGNATURE-----")
    by_ssh = ssh_verify(keys, facts)
    assert by_ssh.returncode == 0, by_ssh.stderr
    assert 'Good "drcheck" signature for dr-team@example.com' in by_ssh.stdout
    ours = drcheck("verify", str(facts), "--allowed-signers", str(keys.allowed))
    assert ours.returncode == 0, ours.stderr
    assert "good signature by dr-team@example.com (ssh-ed25519 SHA256:" in ours.stdout


def test_reports_signed_through_ssh_agent_verify_both_ways(keys: Keys, agent: dict[str, str],
                                                           tmp_path: Path) -> None:
    added = subprocess.run([tool("ssh-add"), str(keys.key)], env=agent, capture_output=True,
                           text=True, timeout=30, check=False)
    assert added.returncode == 0, added.stderr
    keys.key.unlink()  # only the agent can sign now
    out = tmp_path / "out"
    done = drcheck("audit", str(ESTATE), "--now", NOW, "-r", f"json:{out}/report.json",
                   "-r", f"sarif:{out}/report.sarif", "--sign", f"{keys.key}.pub", env=agent)
    assert done.returncode == 1, done.stderr  # the SBG2 estate fails; the outputs are signed
    for name in ("report.json", "report.sarif"):
        by_ssh = ssh_verify(keys, out / name)
        assert by_ssh.returncode == 0, by_ssh.stderr
        ours = drcheck("verify", str(out / name), "--allowed-signers", str(keys.allowed),
                       "--identity", keys.identity)
        assert ours.returncode == 0, ours.stderr


def test_agent_without_the_key_is_a_usage_error(keys: Keys, agent: dict[str, str],
                                                tmp_path: Path) -> None:
    done = drcheck("probe", str(ESTATE), "--offline", "-o", str(tmp_path / "f.json"),
                   "--sign", f"{keys.key}.pub", env=agent)
    assert done.returncode == 2
    assert "does not hold this key" in done.stderr
    assert not (tmp_path / "f.json").exists()  # refused before anything ran


def test_signature_made_by_ssh_keygen_verifies_in_drcheck(keys: Keys, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("score 40/100\n")
    subprocess.run([tool("ssh-keygen"), "-Y", "sign", "-f", str(keys.key), "-n", "drcheck",
                    str(report)], check=True, capture_output=True, timeout=30)
    ours = drcheck("verify", str(report), "--allowed-signers", str(keys.allowed))
    assert ours.returncode == 0, ours.stderr


def test_tampered_snapshot_is_refused(keys: Keys, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    drcheck("probe", str(ESTATE), "--offline", "--now", NOW, "-o", str(facts), "--sign",
            str(keys.key))
    before = facts.read_text()
    facts.write_text(before.replace("sbg2-r42", "gra2-r42"))
    assert facts.read_text() != before
    ours = drcheck("verify", str(facts), "--allowed-signers", str(keys.allowed))
    assert ours.returncode == 2
    assert "signature does not match the file" in ours.stderr
    assert ssh_verify(keys, facts).returncode != 0


def test_stranger_identity_and_namespace_are_refused(keys: Keys, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    done = drcheck("probe", str(ESTATE), "--offline", "--now", NOW, "-o", str(facts),
                   "--sign", str(keys.other))
    assert done.returncode == 0, done.stderr
    ours = drcheck("verify", str(facts), "--allowed-signers", str(keys.allowed))
    assert ours.returncode == 2
    assert "which is not in the allowed signers" in ours.stderr
    assert ssh_verify(keys, facts).returncode != 0
    drcheck("probe", str(ESTATE), "--offline", "--now", NOW, "-o", str(facts), "--sign",
            str(keys.key))
    wrong = drcheck("verify", str(facts), "--allowed-signers", str(keys.allowed), "--identity",
                    "mallory@example.com")
    assert wrong.returncode == 2 and "is not allowed for identity" in wrong.stderr
    other_ns = tmp_path / "note.txt"
    other_ns.write_text("x\n")
    subprocess.run([tool("ssh-keygen"), "-Y", "sign", "-f", str(keys.key), "-n", "file",
                    str(other_ns)], check=True, capture_output=True, timeout=30)
    ns = drcheck("verify", str(other_ns), "--allowed-signers", str(keys.allowed))
    assert ns.returncode == 2 and "namespace is 'file'" in ns.stderr


def test_sign_with_nothing_written_is_a_usage_error(keys: Keys) -> None:
    done = drcheck("audit", str(ESTATE), "--now", NOW, "--sign", str(keys.key))
    assert done.returncode == 2
    assert "writes none" in done.stderr


def test_garbage_and_missing_signatures_are_exit_2(keys: Keys, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("x\n")
    (tmp_path / "r.txt.sig").write_text("-----BEGIN SSH SIGNATURE-----\nWFhYWFhYAAAAAQ==\n"
                                        "-----END SSH SIGNATURE-----\n")
    bad = drcheck("verify", str(report), "--allowed-signers", str(keys.allowed))
    assert bad.returncode == 2 and "not an SSHSIG version 1 signature" in bad.stderr
    (tmp_path / "r.txt.sig").unlink()
    gone = drcheck("verify", str(report), "--allowed-signers", str(keys.allowed))
    assert gone.returncode == 2 and "cannot read the signature" in gone.stderr
    no_signers = drcheck("verify", str(report))
    assert no_signers.returncode == 2 and "--allowed-signers" in no_signers.stderr
