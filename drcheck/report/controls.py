"""What each framework control drcheck maps to asks for, in one line (a paraphrase, never the
standard's text), so a per-framework export reads on its own in an auditor's file."""

from __future__ import annotations

FRAMEWORK_TITLES = {
    "nist-800-53": "NIST SP 800-53 Rev. 5",
    "iso-27001": "ISO/IEC 27001:2022 Annex A",
    "soc2": "SOC 2 Trust Services Criteria (2017)",
    "dora": "EU DORA (Regulation 2022/2554)",
    "bsi": "BSI site criteria for geo-redundant datacenters",
    "cnil": "CNIL personal-data security guide",
    "veeam": "Veeam 3-2-1-1-0 rule",
}

REQUIREMENTS = {
    ("nist-800-53", "CP-6"): "an alternate storage site for backups, protected like the primary",
    ("nist-800-53", "CP-6(1)"): "the alternate storage site does not share the primary's "
    "threats (far enough away)",
    ("nist-800-53", "CP-6(2)"): "the alternate storage site supports the recovery time and "
    "point objectives",
    ("nist-800-53", "CP-9"): "backups at a set frequency, their confidentiality, integrity "
    "and availability protected",
    ("nist-800-53", "CP-9(1)"): "backups tested for reliability and integrity",
    ("nist-800-53", "CP-9(2)"): "samples of backups restored as part of contingency testing",
    ("nist-800-53", "CP-9(3)"): "backups of critical information in a separate facility",
    ("nist-800-53", "CP-9(5)"): "backups moved to the alternate storage site at a defined rate",
    ("nist-800-53", "CP-9(7)"): "backups protected from deletion (dual authorisation)",
    ("nist-800-53", "CP-9(8)"): "backups encrypted",
    ("iso-27001", "A.8.13"): "backup copies kept and regularly tested per a backup policy, "
    "far enough from the main site",
    ("iso-27001", "A.5.30"): "ICT readiness for business continuity, planned and tested "
    "against RTO/RPO",
    ("iso-27001", "A.8.14"): "enough redundancy of processing facilities for availability",
    ("soc2", "A1.2"): "backup processes and recovery infrastructure, including off-site "
    "storage",
    ("soc2", "A1.3"): "recovery procedures tested, including backup integrity and "
    "completeness",
    ("dora", "Art. 12(1)"): "a documented backup policy: scope and minimum frequency by "
    "criticality",
    ("dora", "Art. 12(2)"): "backups that can be restored safely; backup and restore tested "
    "periodically",
    ("dora", "Art. 12(3)"): "restore onto systems physically and logically segregated from "
    "the source",
    ("dora", "Art. 12(5)"): "a secondary site at a geographical distance with a distinct risk "
    "profile",
    ("bsi", "§3.3"): "geo-redundant sites about 200 km apart, never under 100 km",
    ("cnil", "backups"): "frequent backups stored off-site, protected like production, "
    "restores tested",
    ("veeam", "3"): "three copies of the data",
    ("veeam", "2"): "two different storage media or systems",
    ("veeam", "1"): "one copy off-site, and one copy offline or immutable",
    ("veeam", "0"): "zero errors in a verified restore",
}


def requirement(framework: str, control: str) -> str:
    """The one-line paraphrase of a control, or an empty string when drcheck has none."""
    return REQUIREMENTS.get((framework, control), "")
