"""`parley serve`: the API and the pages over HTTP (uvicorn)."""

from __future__ import annotations

import os

import typer

from parley.bootstrap import bootstrap, safe_url
from parley.cli.common import out
from parley.settings import Settings


def run_server(*, host: str, port: int, workers: int, insecure_cookies: bool = False,
               env: dict[str, str] | None = None) -> None:
    """Migrate once here, then run uvicorn with the app factory in each worker."""
    import uvicorn

    for name, value in (env or {}).items():
        os.environ[name] = value
    if insecure_cookies:
        os.environ["PARLEY_INSECURE_COOKIES"] = "1"
    parley = bootstrap()
    parley.close()
    uvicorn.run("parley.api:create_from_env", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level="warning",
                access_log=False, loop="auto", http="auto", timeout_graceful_shutdown=10)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes (each with its own thread pool)."),
    insecure_cookies: bool = typer.Option(
        False, "--insecure-cookies",
        help="Send session cookies without the Secure flag (only behind plain HTTP on a "
             "host name browsers do not treat as secure; never in production)."),
) -> None:
    """Serve the API (/api/v1, OpenAPI at /openapi.json) and the pages on HOST:PORT."""
    settings = Settings.from_env()
    out.print(f"Parley on http://{host}:{port}/  (database {safe_url(settings.database_url)}; "
              f"API schema at /openapi.json)")
    run_server(host=host, port=port, workers=workers, insecure_cookies=insecure_cookies)
