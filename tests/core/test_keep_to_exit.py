"""``gcpause.keep_to_exit``: in drcheck's own process, kept objects are never freed one by
one (the process's exit takes their memory back); anywhere else it does nothing."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from drcheck.shared import gcpause

class Noisy:
    def __del__(self):
        print("freed", flush=True)

if sys.argv[1] == "own":
    gcpause.own_process()

def command():
    big = [Noisy()]
    gcpause.keep_to_exit(big)

command()
print("returned", flush=True)
"""


def _run(mode: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.split()


def test_kept_objects_outlive_the_command_and_are_never_freed_in_own_process() -> None:
    assert _run("own") == ["returned"]


def test_elsewhere_keep_to_exit_holds_nothing() -> None:
    assert _run("library") == ["freed", "returned"]
