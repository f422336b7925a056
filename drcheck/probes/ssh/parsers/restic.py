"""restic: the repository a job writes to, from env files, unit environments and flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from drcheck.probes.ssh.parsers.targets import Target, restic_repository

REPO_VARS = ("RESTIC_REPOSITORY",)
REPO_FILE_VAR = "RESTIC_REPOSITORY_FILE"
REGION_VARS = ("AWS_DEFAULT_REGION", "AWS_REGION")


def target_from_env(env: Mapping[str, str], origin: str) -> Target | None:
    """The repository named by ``RESTIC_REPOSITORY`` in an environment, with its S3 region."""
    for var in REPO_VARS:
        if env.get(var):
            found = restic_repository(env[var], origin)
            if found is None:
                return None
            region = next((env[v] for v in REGION_VARS if env.get(v)), None)
            if found.kind == "s3" and region:
                found = found.with_(region=region)
            return found.with_(encrypted=True)
    return None


def repository_file(env: Mapping[str, str]) -> str | None:
    """The path in ``RESTIC_REPOSITORY_FILE``, to be read over SFTP, if any."""
    value = env.get(REPO_FILE_VAR)
    return value or None


def repository_file_arg(args: list[str]) -> str | None:
    """The path given as ``--repository-file PATH`` / ``--repository-file=PATH``."""
    for i, word in enumerate(args):
        if word == "--repository-file" and i + 1 < len(args):
            return args[i + 1]
        if word.startswith("--repository-file="):
            return word.split("=", 1)[1]
    return None


def target_from_file(path: str | None, origin: str,
                     read: Callable[[str], str | None] | None) -> Target | None:
    """The repository written in a repository file (first line, as restic reads it)."""
    if not path or not path.startswith("/") or read is None:
        return None
    text = read(path)
    if not text or not text.strip():
        return None
    found = restic_repository(text.strip().splitlines()[0], f"{path} via {origin}")
    return found.with_(encrypted=True) if found else None


def target_from_args(args: list[str], origin: str) -> Target | None:
    """The repository given as ``-r REPO`` / ``--repo REPO`` / ``--repo=REPO``."""
    found = _repo_arg(args, origin)
    return found.with_(sources=backup_sources(args)) if found else None


def backup_sources(args: list[str]) -> tuple[str, ...]:
    """The absolute paths after ``backup`` (what the job saves)."""
    if "backup" not in args:
        return ()
    out, skip = [], False
    for word in args[args.index("backup") + 1:]:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _VALUE_FLAGS
        elif word.startswith("/"):
            out.append(word)
    return tuple(out)


_VALUE_FLAGS = frozenset({"--tag", "--host", "--exclude", "-e", "--exclude-file", "--iexclude",
                          "--files-from", "--files-from-raw", "--files-from-verbatim", "--time",
                          "--parent", "--exclude-larger-than", "--limit-upload", "-o",
                          "--option", "--password-file", "-p", "-r", "--repo",
                          "--repository-file", "--cache-dir", "--tls-client-cert",
                          "--cacert", "--password-command", "--iexclude-file"})


def _repo_arg(args: list[str], origin: str) -> Target | None:
    for i, word in enumerate(args):
        if word in ("-r", "--repo") and i + 1 < len(args):
            found = restic_repository(args[i + 1], origin)
            return found.with_(encrypted=True) if found else None
        if word.startswith("--repo="):
            found = restic_repository(word.split("=", 1)[1], origin)
            return found.with_(encrypted=True) if found else None
    return None
