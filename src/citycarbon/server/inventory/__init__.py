"""Inventories: stored city and county GHG inventories, compiled by the kernel with provenance."""
