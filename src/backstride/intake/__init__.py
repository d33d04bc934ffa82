"""Intake: questionnaires as data, scoring and red-flag triage (pure)."""
