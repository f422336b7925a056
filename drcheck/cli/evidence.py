"""An audit's evidence: gather its inputs and outputs into a bundle, and re-evaluate a bundle
to show that its reports are reproduced byte for byte.

Inputs are stored exactly as read: each policy and the estate are re-read and checked
against the sha256 drcheck computed when it parsed them (a file that changed meanwhile is
refused); the facts snapshot is the one the reports rest on.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import Policy, check_policy, parse_policy
from drcheck.evaluate.waivers import check_waivers, parse_waivers
from drcheck.evidence.bundle import Bundle
from drcheck.facts.snapshot import (
    content_digest,
    facts_problems,
    snapshot_bytes,
    snapshot_from_document,
)
from drcheck.inputs.baselines import apply_baseline, load_baseline
from drcheck.inputs.documents import Document, parse_text, read_input
from drcheck.inputs.durations import format_time, parse_time
from drcheck.inputs.validation import require_valid
from drcheck.report import OutputFormat, ReportOptions, reporter_for
from drcheck.shared.errors import ConfigError, UsageError, VerifyError
from drcheck.shared.model import AuditResult, Snapshot


def text_sha256(text: str) -> str:
    """The hex sha256 the input readers record for a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class AuditEvidence:
    """What one audit read and wrote, collected as it runs."""

    argv: Sequence[str]
    when: datetime
    estate: Path | None = None
    facts: Path | None = None
    waivers: Sequence[Path] = ()
    baseline: Path | None = None
    created_baseline: Path | None = None
    framework: str | None = None
    policies: Sequence[Policy] = ()
    duration: float | None = None
    reports: list[tuple[str, Path | None, str]] = field(default_factory=list)
    """(format, file or None for stdout, text): ``json``…, or ``compliance-csv:FRAMEWORK``."""
    history: dict[str, Any] | None = None


def policy_text(policy: Policy) -> str:
    """A policy's text as parsed (refused if the file changed since)."""
    if policy.path.startswith("builtin:"):
        name = policy.path.removeprefix("builtin:")
        text = resources.files("drcheck").joinpath("packs").joinpath(f"{name}.yaml") \
            .read_text("utf-8")
    else:
        text = read_input(policy.path)
    if policy.digest and text_sha256(text) != policy.digest:
        raise UsageError(f"{policy.path}: changed while drcheck ran; run the audit again")
    return text


def _estate_text(path: Path, snapshot: Snapshot) -> str:
    text = read_input(path)
    want = snapshot.sources.get("estate_sha256")
    if want and text_sha256(text) != want:
        raise UsageError(f"{path}: changed while drcheck ran; run the audit again")
    return text


def build_bundle(ev: AuditEvidence, result: AuditResult) -> Bundle:
    """Every member and the manifest's run record for one audit."""
    from drcheck.evidence.toolinfo import scrub_argv, versions  # importlib.metadata: slow

    b = Bundle()
    if ev.estate is not None:
        b.add("inputs", ev.estate.name, _estate_text(ev.estate, result.snapshot).encode(),
              label=str(ev.estate), kind="estate")
    if ev.facts is not None:
        facts_member = b.add("", "facts.json", Path(ev.facts).read_bytes(), label=str(ev.facts),
                             kind="facts")
    else:
        facts_member = b.add("", "facts.json", snapshot_bytes(result.snapshot),
                             kind="facts")
    policies = [b.add("policies", f"{p.name}.yaml", policy_text(p).encode(), label=p.path,
                      kind="policy") for p in ev.policies]
    waivers = [b.add("waivers", w.name, read_input(w).encode(), label=str(w), kind="waivers")
               for w in ev.waivers]
    baseline = created = None
    if ev.baseline is not None:
        baseline = b.add("inputs", ev.baseline.name, Path(ev.baseline).read_bytes(),
                         label=str(ev.baseline), kind="baseline")
    if ev.created_baseline is not None:
        created = b.add("outputs", ev.created_baseline.name,
                        Path(ev.created_baseline).read_bytes(), label=str(ev.created_baseline),
                        kind="created-baseline")
    reports = []
    for fmt, path, text in ev.reports:
        name = path.name if path is not None else f"stdout.{fmt}"
        member = b.add("reports", name, text.encode(), kind="report", format=fmt,
                       label=str(path) if path else "-")
        reports.append({"member": member, "format": fmt})
    b.add("", "tool.json", _json(versions()), kind="tool")
    b.add("", "command.json", _json({"argv": scrub_argv(ev.argv)}), kind="command")
    b.info.update({
        "evaluated_at": format_time(ev.when), "duration_seconds": ev.duration,
        "framework": ev.framework, "facts": facts_member, "policies": policies,
        "waivers": waivers, "baseline": baseline, "created_baseline": created,
        "reports": reports, "score": result.score, "counts": {
            status: sum(1 for f in result.findings if f.status.value == status)
            for status in ("fail", "unknown", "waived", "pass")},
        "history": ev.history,
    })
    return b


def _json(doc: Any) -> bytes:
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _doc(members: dict[str, bytes], manifest: dict[str, Any], member: str) -> Document:
    label = _label(manifest, member)
    return parse_text(members[member].decode("utf-8"), label)


def _label(manifest: dict[str, Any], member: str) -> str:
    entry = next(m for m in manifest["members"] if m["path"] == member)
    return str(entry.get("label", member))


def _snapshot(members: dict[str, bytes], member: str) -> Snapshot:
    data = json.loads(members[member])
    problems = facts_problems(Document(member, data))
    if problems:
        raise ConfigError(problems)
    if content_digest(data) != data["digest"]:
        raise VerifyError(f"{member}: the snapshot's own digest does not match its content")
    return snapshot_from_document(data)


def _baseline(members: dict[str, bytes], member: str) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline.json"
        path.write_bytes(members[member])
        return load_baseline(str(path))


def reevaluate(manifest: dict[str, Any], members: dict[str, bytes]) -> AuditResult:
    """The audit recomputed from the bundle's own facts, policies, waivers and baseline."""
    from drcheck.cli.audit_outputs import annotate

    snapshot = _snapshot(members, manifest["facts"])
    policies = []
    for member in manifest["policies"]:
        doc = _doc(members, manifest, member)
        require_valid(check_policy(doc))
        policies.append(parse_policy(doc))
    waivers: list[Any] = []
    for member in manifest["waivers"]:
        doc = _doc(members, manifest, member)
        require_valid(check_waivers(doc))
        waivers += parse_waivers(doc)
    when = parse_time(manifest["evaluated_at"])
    known = None
    if manifest.get("baseline"):
        known = (_label(manifest, manifest["baseline"]),
                 _baseline(members, manifest["baseline"]))
    result = run_audit(snapshot, policies, when)
    result = annotate(result, policies, waivers, known, when, manifest["duration_seconds"])
    if manifest.get("created_baseline"):
        member = manifest["created_baseline"]
        result = apply_baseline(result, _baseline(members, member), _label(manifest, member))
    return result


def reproduce(manifest: dict[str, Any], members: dict[str, bytes]) -> list[str]:
    """Re-render every report of the bundle; the members that came out different."""
    result = reevaluate(manifest, members)
    options = ReportOptions(framework=manifest.get("framework"))
    differ = []
    for report in manifest["reports"]:
        if text_of(result, str(report["format"]), options).encode() != members[report["member"]]:
            differ.append(report["member"])
    return differ


def text_of(result: AuditResult, fmt: str, options: ReportOptions) -> str:
    """A report of ``result`` in ``fmt`` (a format name or ``compliance-csv:FRAMEWORK``)."""
    if fmt.startswith(CSV_PREFIX):
        from drcheck.report.compliance_csv import render_framework

        return render_framework(result, fmt.removeprefix(CSV_PREFIX))
    return reporter_for(OutputFormat(fmt), options).render(result)


CSV_PREFIX = "compliance-csv:"

