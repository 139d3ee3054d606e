"""Dashboard sections contributed by other areas' page modules, once their services exist.

Each provider takes (context, principal) and returns a :class:`Section` or None; the
dashboards render whatever is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parley.api.deps import ServiceContext
from parley.services.people.access import Principal


@dataclass
class Section:
    title: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[ServiceContext, Principal], "Section | None"]
PROVIDERS: list[Provider] = []


def provides(func: Provider) -> Provider:
    PROVIDERS.append(func)
    return func


def dashboard_sections(ctx: ServiceContext, who: Principal) -> list[Section]:
    out = []
    for provider in PROVIDERS:
        section = provider(ctx, who)
        if section is not None:
            out.append(section)
    return out
