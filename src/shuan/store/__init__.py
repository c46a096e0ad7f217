"""The inventory store: SQLAlchemy 2 models and Alembic migrations (SQLite default, PostgreSQL)."""
