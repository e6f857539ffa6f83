"""Runs over many records: check --batch, audit, worker processes, parts for other machines."""
