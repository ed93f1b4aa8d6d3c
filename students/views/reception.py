"""The reception log (客户接待记录本): each call or visit with its category, filterable."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.decorators import staff_required
from core.errors import DomainError
from core.scoping import scope

from .. import services
from ..models import ReceptionEntry
from ..roles import ROLES
from . import PAGE_SIZE


@staff_required(*ROLES["leads"])
def reception_log(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.reception_entry_create(
                campus=request.campus,
                by=request.staff,
                channel=request.POST.get("channel", ""),
                category=request.POST.get("category", ""),
                summary=request.POST.get("summary", ""),
                visitor=request.POST.get("visitor", ""),
                phone=request.POST.get("phone", ""),
            )
            messages.success(request, "已记录")
            return redirect("students:reception")
        except DomainError as exc:
            errors = exc.fields
            messages.error(request, exc.message)
    entries = scope(request, ReceptionEntry.objects.select_related("created_by__user", "lead", "student"))
    category = request.GET.get("category", "")
    if category:
        entries = entries.filter(category=category)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "students/reception.html",
        {
            "page": page,
            "errors": errors,
            "values": request.POST if errors else {},
            "channels": ReceptionEntry.Channel.choices,
            "categories": ReceptionEntry.Category.choices,
            "category": category,
        },
        status=422 if errors else 200,
    )
