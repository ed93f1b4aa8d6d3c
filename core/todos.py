"""The staff to-do inbox (待办): what the jobs put in a person's inbox, and ticking it off.
Shown on the landing page with the to-dos computed on the spot (core/dashboard.py) and
counted in the top bar (core/context_processors.py)."""

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .errors import NotFound
from .models import Campus, Staff, Todo


def staff_of(campus: Campus | int, roles: Iterable[str]) -> QuerySet[Staff]:
    """The members of staff of `campus` with one of `roles` (who a campus-wide to-do goes to)."""
    campus_id = campus if isinstance(campus, int) else campus.pk
    return Staff.objects.filter(campus_id=campus_id, role__in=list(roles), user__is_active=True).order_by("pk")


def todo_raise(*, assignee: Staff, kind: str, key: str, day: date, text: str, link: str = "") -> Todo | None:
    """Put a to-do in `assignee`'s inbox, unless one of the same key is there already that
    day, or is still open from an earlier day (the conditional insert of the unique
    person–key–day is the claim: two workers at once make one). None when nothing new."""
    if Todo.objects.filter(assignee=assignee, key=key, done_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return Todo.objects.create(
                assignee=assignee, campus_id=assignee.campus_id, kind=kind, key=key[:120], day=day,
                text=text[:300], link=link[:300],
            )
    except IntegrityError:
        return None


def todos_raise(assignees: Iterable[Staff], **kwargs) -> int:
    """`todo_raise` for each of `assignees`; how many were new."""
    return sum(todo_raise(assignee=person, **kwargs) is not None for person in assignees)


def open_todos(staff: Staff) -> QuerySet[Todo]:
    return Todo.objects.filter(assignee=staff, done_at__isnull=True).order_by("day", "pk")


@transaction.atomic
def todo_done(*, todo_id: int, by: Staff) -> Todo:
    """`by` ticked off one of their own to-dos. Someone else's is as good as missing."""
    todo = Todo.objects.select_for_update().filter(pk=todo_id, assignee=by).first()
    if todo is None:
        raise NotFound("没有这条待办")
    if todo.done_at is None:
        todo.done_at = timezone.now()
        todo.save(update_fields=["done_at"])
    return todo
