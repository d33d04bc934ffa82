"""The store: SQLAlchemy 2.0 tables, engines and Alembic migrations (the only SQL importer)."""
