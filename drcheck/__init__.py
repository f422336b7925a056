"""drcheck: does every dataset keep a good copy outside every failure domain that matters?"""

__version__ = "0.1.0"
