"""The navigation bar by role. Each app lists its pages in `<app>/navigation.py` as ITEMS."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .discovery import app_modules
from .models import Staff
from .roles import allows


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 100

    def visible_to(self, staff: Staff) -> bool:
        return allows(self.roles, staff.role)


def _all_items() -> list[NavItem]:
    items = [item for module in app_modules("navigation") for item in getattr(module, "ITEMS", [])]
    return sorted(items, key=lambda item: item.order)


def nav_for(staff: Staff) -> list[dict[str, str]]:
    links = []
    for item in _all_items():
        if not item.visible_to(staff):
            continue
        try:
            links.append({"label": str(item.label), "url": reverse(item.url_name), "name": item.url_name})
        except NoReverseMatch:
            continue
    return links
