from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .dashboard import panels_for
from .decorators import staff_required


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    """The landing page of each role: their panels (to-dos, today's lessons, …)."""
    return render(request, "core/home.html", {"panels": panels_for(request.staff)})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
