"""Real servers for the sharding tests: the SSH lab's sshd hosts and the moto S3 server.

The fixtures are the ones the SSH and S3 suites use (imported, so each starts once per
session); a server that cannot start fails these tests too, never skips them.
"""

from tests.s3.conftest import fake_credentials, moto_url, world
from tests.ssh.conftest import ssh_lab

__all__ = ["fake_credentials", "moto_url", "ssh_lab", "world"]
