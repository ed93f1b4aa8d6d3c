"""The landing page's panels. Each app may offer `<app>/dashboard.py` with
`panels(staff) -> list[Panel]`; a panel with no rows shows its empty text."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

from .models import Staff


@dataclass
class Panel:
    title: str
    rows: list[dict] = field(default_factory=list)  # each {"text": ..., "url": ... (optional)}
    empty: str = "暂无"
    link: str = ""
    order: int = 100


def panels_for(staff: Staff) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        panels.extend(module.panels(staff))
    return sorted(panels, key=lambda p: p.order)
