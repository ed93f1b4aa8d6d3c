"""Each app's module of one name (`<app>/navigation.py`, `<app>/dashboard.py`,
`<app>/demo.py`), for the pages and commands that gather what every app offers by
convention. (What a lower app asks of upper apps by name is in core/contributions.py.)"""

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` of every installed app but core that has one, in INSTALLED_APPS order.
    An import error inside such a module is raised, not taken for a missing module."""
    modules = []
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            modules.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return modules
