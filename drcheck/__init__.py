"""drcheck: audits whether every dataset keeps a good copy outside every failure domain that matters."""

__version__ = "0.1.0"
