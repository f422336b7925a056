"""The survival core: which replicas a loss of domains leaves, which of them are good.

Takes datasets (their replicas' location claims and facts) and a set of lost domains; hands
on each replica's fate, each dataset's verdict and its minimal cut sets. The ``survives``
rule judges one dataset with it; ``drcheck simulate`` sweeps the whole estate with it.
"""
