"""The landing page's panels. Each app may offer `<app>/dashboard.py` with
`panels(staff) -> list[Panel]`; a panel with no rows shows its empty text. Above them, the
person's to-do list: the open to-dos of their inbox (`core.todos`, put there by the jobs,
each with 完成) and every item of the to-do sources registered for their role
(`core.contributions.todo_sources`), the most urgent first."""

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .contributions import ToDo, todo_sources
from .discovery import app_modules
from .models import Staff
from .todos import open_todos

TODO_LIMIT = 30


@dataclass
class Panel:
    title: str
    rows: list[dict] = field(default_factory=list)  # each {"text", "url" (optional), "overdue" (optional)}
    empty: str = "暂无"
    link: str = ""
    order: int = 100


def inbox_todos(staff: Staff) -> list[ToDo]:
    """The open to-dos of the person's inbox; one from before today is overdue."""
    today = timezone.localdate()
    return [
        ToDo(
            text=todo.text, url=todo.link, due=todo.day, overdue=todo.day < today,
            done_url=reverse("todo_done", args=[todo.pk]),
        )
        for todo in open_todos(staff)[:TODO_LIMIT]
    ]


def todos_for(staff: Staff) -> list[ToDo] | None:
    """The person's to-dos, overdue first, then by due date; None when no kind of to-do is
    registered for their role and their inbox is empty (the landing page then shows no
    to-do list at all)."""
    sources = [source for source in todo_sources.items() if staff.role in source.roles]
    inbox = inbox_todos(staff)
    if not sources and not inbox:
        return None
    todos = inbox + [todo for source in sources for todo in source.items(staff)]
    return sorted(todos, key=lambda t: (not t.overdue, t.due or date.max))


def todo_panel(staff: Staff) -> Panel | None:
    todos = todos_for(staff)
    if todos is None:
        return None
    rows = [{"text": t.text, "url": t.url, "overdue": t.overdue, "done_url": t.done_url} for t in todos[:TODO_LIMIT]]
    return Panel(title=_("待办事项"), rows=rows, empty=_("没有待办事项"), order=0)


def panels_for(staff: Staff) -> list[Panel]:
    panels: list[Panel] = []
    todo = todo_panel(staff)
    if todo is not None:
        panels.append(todo)
    for module in app_modules("dashboard"):
        panels.extend(module.panels(staff))
    return sorted(panels, key=lambda p: p.order)
