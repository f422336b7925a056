"""The SSH host probe: where a host is, what backs it up, where backups go, how fresh.

Import ``SshProbe`` and ``SshOptions`` from here; the submodules are internal.
"""

from drcheck.probes.ssh.connection import SshOptions
from drcheck.probes.ssh.probe import SshProbe

__all__ = ["SshOptions", "SshProbe"]
