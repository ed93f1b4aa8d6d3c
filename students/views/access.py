"""Who may open the pages of students/, and the campus boundary every page keeps: everyone
but hq_admin sees their own campus only; another campus's record is a 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from core.roles import Role

VIEW_ROLES = (
    Role.FRONT_DESK,
    Role.ADVISOR,
    Role.CONSULTANT,
    Role.CS_SUPERVISOR,
    Role.PRINCIPAL,
    Role.DEAN,
    Role.FINANCE,
    Role.TEACHER,
)
PAGE_SIZE = 50


def scoped(request: HttpRequest, queryset: QuerySet, campus_field: str = "campus") -> QuerySet:
    if request.staff.role == Role.HQ_ADMIN:
        return queryset
    return queryset.filter(**{campus_field: request.campus})


def get_or_404(request: HttpRequest, queryset: QuerySet, pk: int, campus_field: str = "campus") -> Any:
    found = scoped(request, queryset, campus_field).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
