"""Facts plus policies to findings: a pure, deterministic function of its inputs and ``now``."""
