"""Built-in rule types, imported explicitly so registration never depends on globbing."""

from drcheck.evaluate.rules import collection, copies, freshness, placement, survival

__all__ = ["collection", "copies", "freshness", "placement", "survival"]
