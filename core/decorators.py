"""Page access: a signed-in member of staff, of one of the given roles (hq_admin always)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Staff
from .roles import allows


def staff_required(*roles: str) -> Callable:
    """Sets request.staff and request.campus; a wrong role gets the 403 page. No roles:
    any member of staff."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            staff = Staff.objects.select_related("campus", "user").filter(user=request.user).first()
            if staff is None or (roles and not allows(roles, staff.role)):
                return render(request, "403.html", status=403)
            request.staff = staff
            request.campus = staff.campus
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
