"""Alembic environment: always run from :func:`parley.store.migrate.upgrade` with a connection."""

from __future__ import annotations

from alembic import context

from parley.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Parley never runs Alembic without a connection
    raise RuntimeError("run migrations with `parley db upgrade`")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
