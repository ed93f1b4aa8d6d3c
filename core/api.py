"""/api/v1 endpoints of core: `/me`, who the token belongs to (lets an integrator check a
token). The infrastructure every router uses is core/apikit.py."""

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["core"])


class MeOut(Schema):
    kind: str
    username: str | None
    role: str | None
    campus: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    staff = getattr(request, "staff", None)
    return {
        "kind": "staff" if staff else "reader",
        "username": staff.username if staff else None,
        "role": staff.role if staff else None,
        "campus": request.campus.code,
    }
