"""Alembic revisions of the govsocial schema (shipped with the package)."""
