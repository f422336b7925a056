"""``drcheck audit``: estate or facts file → findings, in the chosen formats, with exit code.

Every input (policies, waivers, baseline, output plan) is checked before any probe runs;
reports are written only after evaluation succeeded. Exit codes: 0 clean, 1 findings at or
above ``--fail-on``, 2 usage or invalid input, 3 could not tell (unknowns at or above
``--fail-on``, nothing failed), 4 internal error; ``--soft-fail`` turns 1 and 3 into 0.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.cli.audit_outputs import (
    annotate,
    check_framework,
    create_baseline,
    gate,
    passes_read,
    plan_targets,
    read_baseline,
    warn_expired,
    write_reports,
)
from drcheck.cli.common import (
    EstateArg,
    NowOpt,
    OfflineOpt,
    PolicyPackOpt,
    gather,
    resolve_now,
)
from drcheck.cli.evidence import AuditEvidence
from drcheck.cli.evidence_opts import (
    BundleOpt,
    CsvDirOpt,
    SignOpt,
    command_line,
    file_bundle,
    sign_outputs,
    signer_for,
    write_compliance_csv,
)
from drcheck.cli.pipeline import exit_code, require_evaluated, run_audit
from drcheck.cli.plan_inputs import check_plan_options, plan_snapshot, state_baseline
from drcheck.cli.probe_opts import (
    AllowProxyOpt,
    ConcurrencyOpt,
    KnownHosts,
    SshConfigOpt,
    TimeoutOpt,
    Trust,
    probe_options,
)
from drcheck.evaluate.policy import resolve_policies
from drcheck.evaluate.waivers import load_waivers
from drcheck.report import OutputFormat, ReportOptions
from drcheck.shared.errors import ExitCode, UsageError
from drcheck.shared.forked import jobs_wanted
from drcheck.shared.gcpause import keep_to_exit
from drcheck.shared.model import Severity

Opt = typer.Option
FactsOpt = Annotated[Path | None, Opt(help="Re-evaluate a saved facts file.")]
FormatOpt = Annotated[list[OutputFormat] | None, Opt(
    "--format", "-f", help="Report format on stdout (or --output); repeatable.")]
OutputOpt = Annotated[Path | None, Opt("--output", "-o", help="Write the report here.")]
ReportOpt = Annotated[list[str] | None, Opt(
    "--report", "-r", metavar="FORMAT[:PATH]",
    help="Also write FORMAT to PATH (stdout without PATH); repeatable.")]
FailOnOpt = Annotated[Severity, Opt(help="Lowest severity that fails the run.")]
SoftFailOpt = Annotated[bool, Opt(
    help="Exit 0 even with findings; say on stderr what would have failed.")]
WaiversOpt = Annotated[list[Path] | None, Opt(
    "--waivers", "-w", help="Waiver file (kind: Waivers); repeatable.")]
BaselineOpt = Annotated[Path | None, Opt(
    help="Only findings absent from this baseline gate the run.")]
CreateBaselineOpt = Annotated[Path | None, Opt(
    "--create-baseline", help="Record today's failed/unknown findings as a baseline.")]
FrameworkOpt = Annotated[str | None, Opt(
    help="Group results by the controls of this framework (table, html, markdown).")]
HistoryOpt = Annotated[Path | None, Opt(
    help="Record this audit in a SQLite history, under the estate's name.")]
PlanOpt = Annotated[Path | None, Opt(
    help="Audit a Terraform plan (terraform show -json) instead of an estate.")]
StateOpt = Annotated[Path | None, Opt(
    help="With --plan: today's state JSON; only what the plan makes worse gates the run.")]
MappingOpt = Annotated[Path | None, Opt(help="With --plan: dataset mapping file.")]


@app.command()
def audit(
    estate: EstateArg = None, facts: FactsOpt = None, policy: PolicyPackOpt = None,
    fmt: FormatOpt = None, output: OutputOpt = None, report: ReportOpt = None,
    fail_on: FailOnOpt = Severity.LOW, soft_fail: SoftFailOpt = False,
    waivers: WaiversOpt = None, baseline: BaselineOpt = None,
    create_baseline_path: CreateBaselineOpt = None, framework: FrameworkOpt = None,
    history: HistoryOpt = None, offline: OfflineOpt = False, now: NowOpt = None,
    plan: PlanOpt = None, baseline_state: StateOpt = None, mapping: MappingOpt = None,
    concurrency: ConcurrencyOpt = None, timeout: TimeoutOpt = None,
    known_hosts: KnownHosts = None, trust_new_host_keys: Trust = False,
    ssh_config: SshConfigOpt = None, allow_proxy_command: AllowProxyOpt = False,
    sign: SignOpt = None, evidence_bundle: BundleOpt = None,
    compliance_csv: CsvDirOpt = None,
) -> None:
    """Audit an estate (or a saved facts file) against policies; exit code per README."""

    def body() -> ExitCode:
        when = resolve_now(now)
        targets = plan_targets(fmt or [], report or [], output)
        written = [t.path for t in targets if t.path is not None]
        if evidence_bundle is not None and plan is not None:
            raise UsageError("--evidence-bundle files an estate or facts audit, not --plan")
        signer = signer_for(sign, written or ([compliance_csv] if compliance_csv else []),
                            evidence_bundle)
        check_framework(framework)
        policies = resolve_policies(policy or [])
        accepted = load_waivers([str(p) for p in waivers or []])
        check_plan_options(estate, facts, plan, baseline_state, baseline)
        jobs = jobs_wanted()  # a bad DRCHECK_JOBS is refused before anything is read
        known = read_baseline(baseline)
        started = time.monotonic()
        estate_name: str | None = None
        if plan is not None:
            snapshot = plan_snapshot(plan, mapping, when)
            if baseline_state is not None:
                known = state_baseline(plan, baseline_state, mapping, policies, when)
        else:
            options = None if facts is not None or offline else probe_options(
                concurrency, timeout, known_hosts, trust_new_host_keys, ssh_config,
                allow_proxy_command)
            gathered = gather(estate, facts, offline, when, options,
                              keep_source=any(t.fmt is OutputFormat.JSON for t in targets))
            snapshot, estate_name = gathered.snapshot, gathered.estate
        report_options = ReportOptions(framework=framework)
        explain = (plan is not None or evidence_bundle is not None or compliance_csv is not None
                   or passes_read(targets, report_options))
        result = run_audit(snapshot, policies, when, explain_passes=explain, jobs=jobs)
        require_evaluated(result, str(plan or estate or facts))
        duration = time.monotonic() - started
        result = annotate(result, policies, accepted, known, when, duration)
        if create_baseline_path is not None:
            result = create_baseline(result, create_baseline_path)
        rendered = [(t.fmt.value, t.path, text) for t, text in
                    write_reports(result, targets, report_options,
                                  keep_text=evidence_bundle is not None)]
        rendered += write_compliance_csv(result, compliance_csv, framework)
        evidence = AuditEvidence(
            command_line(), when, estate, facts, waivers or [], baseline, create_baseline_path,
            framework, policies, duration, rendered)
        if history is not None:
            from drcheck.report.history import record
            from drcheck.report.history_chain import run_digest_of

            audit_id = record(history, result, estate_name)
            evidence.history = {"database": str(history), "audit_id": audit_id,
                                "run_digest": run_digest_of(history, audit_id)}
        sign_outputs(signer, [p for _f, p, _t in rendered if p is not None])
        file_bundle(evidence_bundle, evidence, result, signer)
        warn_expired(result)
        keep_to_exit(result)  # freed by the process's exit, not one object at a time
        return gate(result, fail_on, soft_fail, exit_code(result, fail_on))

    raise typer.Exit(int(guarded(body)))
