"""One parser per backup tool or system file; each is pure (text in, records out) and redacts.

Parsers never touch the network: ``drcheck.probes.ssh.probe`` reads the files over SFTP and
hands their text here, so every parser is tested on plain strings.
"""


class ConfigSyntaxError(ValueError):
    """A file or output that cannot be parsed; its message never quotes the content."""
