"""The landing page's panels. Each app may offer `<app>/dashboard.py` with
`panels(staff) -> list[Panel]`; a panel with no rows shows its empty text."""

from dataclasses import dataclass, field

from .discovery import app_modules
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
    for module in app_modules("dashboard"):
        panels.extend(module.panels(staff))
    return sorted(panels, key=lambda p: p.order)
