"""The impact brief: what losing a domain means for the business and the law.

Built on the simulation core (``drcheck.simulate``): which datasets lose every good copy,
then the services, owners and customers hit, the recovery point and restore time actually
achievable, and the notification duties the loss triggers (from ``data/regimes.json``).
"""
