"""The notification draft skeleton: Markdown filled with the facts, gaps left to complete.

What data, how many records or subjects where declared, which copies survived, what is
being restored, to whom and by when. Placeholders in ``[brackets]`` are for the humans:
the nature of the incident, likely consequences, measures taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drcheck.brief.model import DatasetImpact, Duty, DutyStatus, Outcome
from drcheck.brief.text import business_text, moment, step_text
from drcheck.evaluate.survival.model import Domain, label
from drcheck.shared.model import Organisation

_LIVE = (DutyStatus.TRIGGERED, DutyStatus.TO_ASSESS)


def _sender(org: Organisation | None) -> list[str]:
    if org is None:
        return ["**From:** [organisation, contact point]"]
    lines = [f"**From:** {org.name or '[organisation]'}"]
    for c in org.contacts:
        reach = ", ".join(x for x in (c.email, c.phone) if x)
        lines.append(f"- {c.role}: {c.name or '[name]'}" + (f" ({reach})" if reach else ""))
    if not org.contacts:
        lines.append("- [contact point: no contacts declared]")
    return lines


def _data_lines(hit: Sequence[DatasetImpact]) -> list[str]:
    lines = []
    for i in hit:
        state = {Outcome.LOST: "LOST, no copy survived",
                 Outcome.DEGRADED: f"degraded ({i.why})",
                 Outcome.UNKNOWN: f"fate unknown ({i.why})",
                 Outcome.SAFE: "unavailable until restored"}[i.outcome]
        lines.append(f"- **{i.dataset}** ({i.criticality}): {business_text(i)}. {state}.")
    return lines


def _restore_lines(hit: Sequence[DatasetImpact]) -> list[str]:
    lines = []
    for i in hit:
        if not i.survivors:
            lines.append(f"- {i.dataset}: nothing to restore from; recovery point "
                         f"{i.recovery.text}")
        else:
            lines.append(f"- {i.dataset}: from {i.restore.copy or ', '.join(i.survivors)}, "
                         f"recovery point {i.recovery.text}; estimated restore "
                         f"{i.restore.text}")
    return lines


def notification_draft(lost: Sequence[Domain], impacts: Sequence[DatasetImpact],
                       duties: Sequence[Duty], org: Organisation | None,
                       incident_at: datetime | None) -> str:
    """The skeleton as Markdown; a one-line statement when no duty is live."""
    live = [d for d in duties if d.status in _LIVE]
    if not live:
        return ("No notification duty is triggered by the facts declared for this loss; "
                "record the incident in the breach register if personal data was involved.")
    hit = [i for i in impacts if i.hit]
    survived = [f"- {i.dataset}: {', '.join(i.survivors)}" for i in hit if i.survivors]
    lines = ["> Draft skeleton filled from the estate: complete the [bracketed] parts and "
             "check every statement before sending. Facts, not legal advice.", ""]
    for d in live:
        due = "; ".join(step_text(s) for s in d.steps)
        lines.append(f"- **To:** {d.recipient} ({d.regime.regime} {d.regime.source.article}, "
                     f"{d.status.value}): {due}")
    lines += ["", *_sender(org), "",
              f"**Became aware:** {moment(incident_at) if incident_at else '[date and time]'}",
              "",
              "**Nature of the incident:** loss of " + ", ".join(label(x) for x in lost)
              + " ([fire, outage, deletion: describe]); the personal data and services below "
              "became unavailable.", "", "**Data and services concerned:**",
              *_data_lines(hit), "", "**Copies that survived:**",
              *(survived or ["- none"]), "", "**What is being restored:**",
              *_restore_lines(hit), "",
              "**Likely consequences:** [to complete]", "",
              "**Measures taken or proposed:** [to complete]"]
    return "\n".join(lines)
