"""Audit: an append-only SM3 hash chain of events, SM2-signed checkpoints, verify, export, query."""
