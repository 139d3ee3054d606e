"""How writes run inside a server process: group commit, the writer lock, once-only
requests (idempotency keys) and the server's view of the application.

Services do not import this package's machinery to decide anything; the composition of
a server (``parley.api.app``) wires it in. See ``docs/architecture.md``.
"""
