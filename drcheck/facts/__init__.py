"""The facts snapshot: run the probes an estate needs (``collect``), join declarations, catalog
and probe reports into datasets (``assemble``), and write or read the versioned, schema-
checked, digested snapshot (``snapshot``).

Takes in an ``Estate`` and ``ProbeReport``s; hands on a ``Snapshot``, the one input of the
evaluator.
"""
