"""Split a command line the way a POSIX shell would, without ever running it.

Cron lines, systemd ``ExecStart=`` and wrapper scripts are data: ``shlex`` with the shell's
punctuation splits them into simple commands at ``;``, ``&&``, ``||``, ``|``, ``&`` and
newlines, keeping quoted arguments whole (a quoted ``;`` stays inside its argument). Leading
``NAME=value`` words are the command's own environment; ``.`` and ``source`` name a file the
shell reads (followed by the caller, over SFTP, one level deep). Bounded: at most
``MAX_WORDS`` words per line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

MAX_WORDS = 4000
_OPERATORS = frozenset({";", "&&", "||", "|", "&", ";;", "(", ")", "|&"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_REDIRECT = re.compile(r"^\d*(?:>>?|<)(?P<target>.*)$")
_DUP = re.compile(r"\d*[<>]&(?:\d+|-)")
_DURATION = re.compile(r"^\d+[smhd]?$")
_WRAPPERS = frozenset({"nice", "ionice", "nohup", "exec", "command", "chronic", "flock",
                       "timeout", "sudo", "env", "time", "systemd-cat", "runuser"})


@dataclass
class SimpleCommand:
    """One command of a line: its assignments and its words (program first)."""

    env: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @property
    def sourced(self) -> str | None:
        """The file a ``. FILE`` or ``source FILE`` command reads, if this is one."""
        if len(self.words) >= 2 and self.words[0] in (".", "source"):
            return self.words[1]
        return None


def split_commands(line: str) -> list[SimpleCommand]:
    """The simple commands of a line, in order (a line the shell could not parse: none)."""
    text = _DUP.sub(" ", line.replace("\\\n", " "))
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[SimpleCommand] = []
    current = SimpleCommand()
    try:
        for count, word in enumerate(lexer):
            if count >= MAX_WORDS:
                break
            if word in _OPERATORS:
                _close(out, current)
                current = SimpleCommand()
            elif not current.words and _ASSIGNMENT.match(word):
                name, _, value = word.partition("=")
                current.env[name] = value
            else:
                current.words.append(word)
    except ValueError:  # unbalanced quotes: the shell would refuse the line
        return []
    _close(out, current)
    return out


def _close(out: list[SimpleCommand], command: SimpleCommand) -> None:
    command.words = _unwrap(_without_redirections(command.words))
    if command.words:
        out.append(command)


def _without_redirections(words: list[str]) -> list[str]:
    """Drop ``>file``, ``2> file``, ``<in`` (and the file word after a bare operator)."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        match = _REDIRECT.match(word)
        if match:
            skip = not match["target"]
            continue
        out.append(word)
    return out


def _unwrap(words: list[str]) -> list[str]:
    """Drop wrappers such as ``nice -n 10`` or ``flock -n /run/x.lock`` before the program."""
    rest = list(words)
    for _ in range(4):
        if not rest or rest[0].rsplit("/", 1)[-1] not in _WRAPPERS:
            return rest
        rest = rest[1:]
        while rest and (rest[0].startswith("-") or _ASSIGNMENT.match(rest[0])
                        or _DURATION.match(rest[0]) or rest[0].endswith(".lock")):
            rest = rest[1:]
    return rest
