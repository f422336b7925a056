"""Evidence an auditor can verify: SSH signatures and evidence bundles.

Takes in the files a run wrote (the facts snapshot, every report) and the run's inputs;
hands on ``FILE.sig`` signatures in the format ``ssh-keygen -Y sign`` writes (namespace
``drcheck``), deterministic evidence bundles with a signed manifest, and their verification.
Signs through ssh-agent or a key file, so it may talk to the agent; it never evaluates.
"""
