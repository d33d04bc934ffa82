"""Ingest: watch files and exports to canonical activities (pure: no DB, no web)."""
