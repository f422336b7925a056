"""Entry point for ``python -m drcheck``."""

from drcheck.cli import main

main()
