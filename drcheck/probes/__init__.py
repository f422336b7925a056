"""Read-only, bounded fact collection: SSH (paramiko: fixed commands, SFTP reads, strict host
keys) and S3 (boto3: read-only API actions).

Takes in estate specs (hosts, buckets); hands on one ``ProbeReport`` per target: claims,
facts, discovered copies and issues. The only stage that touches the network; nothing above
``facts`` imports it.
"""
