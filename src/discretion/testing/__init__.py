"""Worked cases: the catalog's own examples, decided and compared (discretion test)."""
