"""Real servers for the sharding tests: the SSH lab's sshd hosts and a moto S3 server.

moto keeps its state per process, so these tests run moto's server as a process of its own
(``python -m moto.server`` on 127.0.0.1) and build the S3 suite's fixture buckets there;
the sshd hosts are the SSH suite's lab. A server that cannot start fails, never skips.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.s3.conftest import World, build_world, fake_credentials
from tests.ssh.conftest import free_port, ssh_lab

__all__ = ["fake_credentials", "moto_process", "ssh_lab", "world"]


@pytest.fixture(scope="session")
def moto_process() -> Iterator[str]:
    """``moto.server`` as its own process on 127.0.0.1; its URL."""
    port = free_port("127.0.0.1")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    until = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            pytest.fail(f"moto server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > until:
                proc.kill()
                pytest.fail("moto server did not answer within 30 s")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def world(moto_process: str, fake_credentials: None) -> World:
    """The S3 suite's buckets, built on this suite's own server."""
    return build_world(moto_process)
