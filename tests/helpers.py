"""Small builders shared by tests."""

from __future__ import annotations

from parley.bootstrap import App
from parley.services.people.organisation import register_party

INT, UA, RU = "INT", "UA", "RU"
ACTORS = {INT: "int-tracing", UA: "ua-coordination", RU: "ru-coordination"}


def register_three(app: App) -> dict[str, str]:
    """The intermediary and two parties, each with one actor; returns code → actor id."""
    register_party(app, code=INT, title="Neutral intermediary", kind="intermediary",
                   actor=ACTORS[INT])
    register_party(app, code=UA, title="Ukraine", kind="party", actor=ACTORS[UA])
    register_party(app, code=RU, title="Russian Federation", kind="party", actor=ACTORS[RU])
    return dict(ACTORS)
