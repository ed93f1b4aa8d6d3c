"""The navigation bar by role. Each app lists its pages in `<app>/navigation.py` as ITEMS."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .models import Staff


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 100

    def visible_to(self, staff: Staff) -> bool:
        return staff.role in self.roles or staff.role == "hq_admin"


def _all_items() -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
            continue
        items.extend(getattr(module, "ITEMS", []))
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
