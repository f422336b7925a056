"""What the user writes, read and checked: the one YAML/JSON reader with line marks
(``documents``), schema errors in plain words (``validation``), the estate and its schema,
baselines, and durations and times.

Takes in files; hands on frozen specs (``Estate``, accepted findings) or problems that name
file, line, JSON path and what was expected (exit 2).
"""
