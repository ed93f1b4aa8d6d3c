"""Campus scoping: every member of staff sees their own campus, hq_admin every campus.

One lookup for the pages and the API: an object of another campus is not revealed, it
is simply not found. `Http404` is the 404 page on a page and the error envelope's 404
(`not_found`) on the API (`core.apikit`)."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from .models import Campus, Staff

M = TypeVar("M", bound=Model)


def _viewer(staff_or_request: Staff | HttpRequest) -> tuple[Staff | None, Campus | int | None]:
    """The member of staff (None for a reader token) and their campus (or its id)."""
    if isinstance(staff_or_request, Staff):
        return staff_or_request, staff_or_request.campus_id
    # a request behind staff_required or the API's auth; a reader token has a campus, no staff
    return getattr(staff_or_request, "staff", None), getattr(staff_or_request, "campus", None)


def scope(staff_or_request: Staff | HttpRequest, queryset: QuerySet[M], campus_field: str = "campus") -> QuerySet[M]:
    """`queryset` limited to the caller's campus; hq_admin sees every campus."""
    staff, campus = _viewer(staff_or_request)
    if staff is not None and staff.sees_all_campuses:
        return queryset
    if campus is None:
        return queryset.none()
    return queryset.filter(**{campus_field: campus})


def get_scoped_or_404(
    staff_or_request: Staff | HttpRequest, queryset: QuerySet[M], pk: Any, campus_field: str = "campus"
) -> M:
    """One object of the caller's campus, or Http404 (also for an id that is no number)."""
    try:
        found = scope(staff_or_request, queryset, campus_field).filter(pk=pk).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise Http404
    return found
