"""Where things are, as reference knowledge: the provider catalog (regions, datacenter codes
and endpoint hosts to failure domains and coordinates, from ``data/catalog.json``), the one
endpoint-host parser, the mapping from location fields to typed claims, and great-circle
distance.

Takes in names (a region, a datacenter code, an endpoint URL); hands on claims and
coordinates. Imports only ``drcheck.shared``.
"""
