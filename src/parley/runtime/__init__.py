"""How writes run inside a server process: group commit (``group_commit``), the SQLite
writer lock (``writer_lock``), once-only requests (``idempotency``) and the server's
transaction factory that joins units of work to both (``transactions``).

Services do not import this package's machinery to decide anything; the composition of
a server (:func:`parley.api.create_app`) injects :class:`transactions.ServerTransactions`
into the application. See ``docs/architecture.md`` ("Transactions").
"""
