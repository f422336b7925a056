"""What-if analysis: lose failure domains, see which data dies (N-1, N-2, minimal cut sets).

Takes in a ``Snapshot`` and the bar the policies set; hands on scenario and sweep results
and their renderings (table, JSON, Markdown). Built on ``drcheck.evaluate.survival``.
"""
