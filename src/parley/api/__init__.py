"""The HTTP API (FastAPI): routers per resource, authentication, authorisation, errors."""

from parley.api.app import create_app, create_from_env

__all__ = ["create_app", "create_from_env"]
