"""Pages of students/, one module a topic: `students` (the list and search, the student
file and its family), `assessments`, `handover` (接档), `leads` (意向客户), `reception`
(客户接待记录本), `roster` (Excel import and export), `lobby` (the hourly round). Thin: parse
the form (students/forms.py), call a service, show its message beside the field it names.
Who may open which page: students/roles.py; whose records: `core.scoping`."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.decorators import staff_required

from .. import services
from ..roles import ROLES

PAGE_SIZE = 50


def opens_files(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that opens a student file (new, enrolling a lead, a roster import): the roles
    of `open_file`, never hq_admin, which has no campus of its own to open it at — the
    403 page, as the API's 403 (services.may_open_files)."""

    @staff_required(*ROLES["open_file"])
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not services.may_open_files(request.staff):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
