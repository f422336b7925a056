"""The vocabulary every stage speaks: the frozen records stages hand each other (``model``),
errors and exit codes (``errors``), and identities that outlive a run (``ids``: asset ids,
finding fingerprints).

Takes in nothing of drcheck: it imports only the standard library, so every stage may import
it.
"""
