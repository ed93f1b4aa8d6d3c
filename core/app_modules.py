"""The optional module of that name in each installed app after core (`<app>.dashboard`,
`<app>.navigation`, `<app>.demo`): how core reads what each app offers without importing
the apps above it."""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    """`<app>.<name>` of every installed app that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        dotted = f"{config.name}.{name}"
        try:
            yield import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:  # the module exists, something it imports does not
                raise
