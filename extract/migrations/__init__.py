"""Alembic migrations of the case database, shipped inside the package (see :func:`extract.db.upgrade`)."""
