"""Law-name normalisation for citation matching (re-exported from :mod:`.parse`)."""

from discretion.statutes.parse import normalize_law_name

__all__ = ["normalize_law_name"]
