from django.conf import settings
from django.http import HttpRequest

from .models import Staff, Todo
from .navigation import nav_for


def staff(request: HttpRequest) -> dict:
    """The signed-in staff member and their navigation, for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"center_name": settings.CENTER_NAME}
    # a page behind @staff_required has loaded the member already
    member = getattr(request, "staff", None) or Staff.objects.select_related("campus").filter(user=user).first()
    return {
        "center_name": settings.CENTER_NAME,
        "current_staff": member,
        "nav_links": nav_for(member) if member else [],
        # the top bar's count of the person's open to-dos (the inbox, core/todos.py)
        "todo_count": Todo.objects.filter(assignee=member, done_at__isnull=True).count() if member else 0,
    }
