"""Facts plus policies to findings: a pure, deterministic function of its inputs and ``now``.

Takes in a ``Snapshot``, policies and waivers (the documents that say what to check and what
is accepted) and the injected time; hands on findings with permanent fingerprints and
scores. Holds the rule types and their registry, the shared-domain logic, scoring, and the
survival core (``survival``) that ``simulate`` builds on. Never probes, never reads the
clock.
"""
