"""Persistence: cases, reports, users/API tokens and the hash-chained audit trail."""
