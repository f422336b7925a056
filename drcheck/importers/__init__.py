"""Importers: build an ``Estate`` from what CI already has (Terraform JSON, Ansible,
ssh_config).

Takes in those files and an optional mapping file; hands on the same frozen specs
``drcheck.inputs.estate.parse_estate`` produces, with ``origin`` strings that point back
into the source (``plan.json:aws_s3_bucket.logs``, ``hosts.ini:12``);
``drcheck.importers.emit`` writes them as an estate YAML document.
"""
