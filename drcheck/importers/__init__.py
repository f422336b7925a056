"""Importers: build an ``Estate`` from what CI already has (Terraform JSON, Ansible, ssh_config).

Each importer returns the same frozen specs ``drcheck.estate.parse_estate`` produces, with
``origin`` strings that point back into the source (``plan.json:aws_s3_bucket.logs``,
``hosts.ini:12``), and ``drcheck.importers.emit`` writes them as an estate YAML document.
"""
